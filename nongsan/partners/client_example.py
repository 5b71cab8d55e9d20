"""A small client for the nongsan partner API (Python 3.9+, standard library only).

Download it from /doi-tac/api/nongsan_partner_client.py, then:

    from nongsan_partner_client import PartnerClient

    client = PartnerClient("https://nongsan.example", api_key="ns_....")
    result = client.send_households([
        {"external_id": "vs-000123", "version": 3, "cccd": "020180000123",
         "head_name": "Nông Văn Dũng", "commune_code": "06187", "consent": True},
    ])
    for rejected in result["rejected"]:
        print(rejected["index"], rejected["external_id"], rejected["reason"])

Batches larger than 10,000 records are split; a 429 answer is waited out (Retry-After) and the
same batch sent again, which is safe: re-sending a version already received changes nothing.

Receiving webhooks: check every delivery with `verify_signature(secret, header, body)` before
trusting it (the header is X-Nongsan-Signature, the body the raw request bytes).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterable
from typing import Any

MAX_BATCH = 10_000


class PartnerApiError(Exception):
    def __init__(self, status: int, body: Any) -> None:
        super().__init__(f"HTTP {status}: {body}")
        self.status = status
        self.body = body


class PartnerClient:
    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        timeout: float = 60,
        max_waits: int = 5,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout
        self.max_waits = max_waits
        self.sleep = sleep

    # --- Transport ---------------------------------------------------------------------------

    def request(self, method: str, path: str, payload: Any = None, request_id: str = "") -> Any:
        data = None if payload is None else json.dumps(payload, ensure_ascii=False).encode()
        headers = {
            "X-API-Key": self.api_key,
            "Accept": "application/json",
            "X-Request-Id": request_id or uuid.uuid4().hex,
        }
        if data is not None:
            headers["Content-Type"] = "application/json"
        for _attempt in range(self.max_waits + 1):
            request = urllib.request.Request(
                self.base_url + path, data=data, headers=headers, method=method
            )
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    raw = response.read()
                    return json.loads(raw) if raw else None
            except urllib.error.HTTPError as exc:
                body = exc.read()
                if exc.code == 429:
                    self.sleep(float(exc.headers.get("Retry-After", "60")))
                    continue  # the same request id: the server logs it as the same request
                try:
                    detail = json.loads(body)
                except ValueError:
                    detail = body.decode(errors="replace")
                raise PartnerApiError(exc.code, detail) from None
        raise PartnerApiError(429, "still rate-limited")

    # --- Batches -----------------------------------------------------------------------------

    def _send(self, path: str, records: Iterable[dict[str, Any]]) -> dict[str, Any]:
        records = list(records)
        total: dict[str, Any] = {
            "created": 0,
            "updated": 0,
            "unchanged": 0,
            "rejected": [],
            "batch_ids": [],
        }
        for start in range(0, len(records), MAX_BATCH):
            chunk = records[start : start + MAX_BATCH]
            answer = self.request("POST", path, {"records": chunk})
            for name in ("created", "updated", "unchanged"):
                total[name] += answer[name]
            total["batch_ids"].append(answer["batch_id"])
            for rejected in answer["rejected"]:
                total["rejected"].append({**rejected, "index": rejected["index"] + start})
        return total

    def send_households(self, records: Iterable[dict[str, Any]]) -> dict[str, Any]:
        return self._send("/api/partners/households", records)

    def send_milestones(self, records: Iterable[dict[str, Any]]) -> dict[str, Any]:
        return self._send("/api/partners/milestones", records)

    def send_figures(
        self, province_code: str, period_id: str, version: int, figures: dict[str, Any]
    ) -> dict[str, str]:
        """Per-province figures for a period ("2026-W47" or "2026-11"), e.g.
        {"I.3": (120, 4500)} as (in the period, cumulative). Raise `version` to replace what
        was sent; the same version again changes nothing. Answers per indicator."""
        payload = {
            "version": version,
            "figures": [
                {"indicator": code, "value": str(value), "cumulative": str(cumulative)}
                for code, (value, cumulative) in figures.items()
            ],
        }
        answer = self.request(
            "POST", f"/api/monitoring/figures/{province_code}/{period_id}", payload
        )
        return answer["results"]

    def account(self, external_id: str) -> Any:
        return self.request("GET", f"/api/partners/households/{external_id}")

    def batch(self, batch_id: int) -> Any:
        return self.request("GET", f"/api/partners/batches/{batch_id}")

    # --- Keys and webhooks -------------------------------------------------------------------

    def rotate_key(self, grace_seconds: int = 3600) -> str:
        """A new key; the current one keeps working for `grace_seconds`. Store the new one."""
        answer = self.request("POST", "/api/partners/keys/rotate", {"grace_seconds": grace_seconds})
        self.api_key = answer["key"]
        return self.api_key

    def subscribe(self, url: str, events: list[str]) -> dict[str, Any]:
        """Returns the endpoint with its signing secret, shown only this once."""
        return self.request("POST", "/api/partners/webhooks", {"url": url, "events": events})


def verify_signature(secret: str, header: str, body: bytes, tolerance: int = 300) -> bool:
    """Check an X-Nongsan-Signature header (`t=<unix time>,v1=<hex>`) against the raw body."""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(time.time() - timestamp) > tolerance:
        return False
    expected = hmac.new(
        secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(expected, parts.get("v1", ""))
