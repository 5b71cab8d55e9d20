"""E-wallet provider adapters (MoMo / ZaloPay / VNPay style) and an offline sandbox provider.

Every such wallet works the same way: we create a payment and get back the provider's id and a
pay-page URL; the buyer is sent back to our return URL with signed query parameters; and the
provider calls our notify URL (IPN) with a signed JSON body. Only the webhook is authoritative
(the buyer may close the tab before returning), so both carry an event id for idempotency.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal, Protocol, cast
from urllib.parse import quote

Status = Literal["succeeded", "failed"]
STATUSES: Final[frozenset[str]] = frozenset({"succeeded", "failed"})
# What a notification or return must carry; anything extra is signed and passed along in raw.
REQUIRED_FIELDS: Final = ("provider_ref", "reference", "amount", "status", "event_id")

_AMOUNT = re.compile(r"[1-9][0-9]{0,14}")
_REFERENCE = re.compile(r"[A-Za-z0-9_.:-]{1,64}")
# "&" and "=" would make the canonical string ambiguous ("a=1&b=2" could be one field or two),
# letting a signature for one set of fields validate another.
_CANONICAL_UNSAFE = re.compile(r"[&=]")


class SignatureError(ValueError):
    """A notification or return whose signature is missing or does not match: never trust it."""


@dataclass(frozen=True, kw_only=True)
class CreatedPayment:
    """What create gives back: the provider's id for the payment and where to send the buyer."""

    provider_ref: str
    redirect_url: str


@dataclass(frozen=True, kw_only=True)
class ProviderResult:
    """A verified outcome from a provider, in our terms (amount in VND, our own reference)."""

    provider_ref: str
    reference: str
    amount: int
    status: Status
    # Unique per notification: the same event delivered twice must be applied once.
    event_id: str
    raw: Mapping[str, Any] = field(default_factory=dict, hash=False)


class EwalletProvider(Protocol):
    """What the payments app needs from any e-wallet; one adapter per provider."""

    code: str

    def create(
        self, *, reference: str, amount: int, description: str, return_url: str, notify_url: str
    ) -> CreatedPayment: ...

    def verify_return(self, params: Mapping[str, str]) -> ProviderResult: ...

    def parse_webhook(self, body: bytes, headers: Mapping[str, str]) -> ProviderResult: ...


def canonical_string(fields: Mapping[str, str]) -> str:
    """The exact text that is signed: sorted `key=value` pairs joined by "&", bar the signature."""
    return "&".join(f"{key}={fields[key]}" for key in sorted(fields) if key != "signature")


def hmac_sha256_hex(*, secret: str, message: str) -> str:
    """Hex HMAC-SHA256, the signature scheme MoMo and ZaloPay use."""
    return hmac.new(secret.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).hexdigest()


def _require_text(name: str, value: object, *, allow_empty: bool = False) -> str:
    if not isinstance(value, str) or (not allow_empty and not value):
        raise ValueError(f"{name} must be a non-empty string, got {value!r}.")
    return value


def _require_amount(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"{name} must be a positive whole number of VND, got {value!r}.")
    return value


class SandboxProvider:
    """A wallet that lives in our own process, for development, demos and tests.

    It never touches the network: `create` only mints an id and points at our own sandbox pay
    page, and that page uses `sign_webhook` / `sign_return` to play the provider's part. It keeps
    no state, so the pay page finds the payment by `provider_ref` in the app's own records.
    """

    code: str = "sandbox"

    def __init__(self, *, secret: str, base_url: str) -> None:
        if not isinstance(secret, str) or not secret:
            raise ValueError("secret must be a non-empty string.")
        if not isinstance(base_url, str):
            raise ValueError(f"base_url must be a string, got {base_url!r}.")
        self._secret = secret
        self._base_url = base_url.rstrip("/")

    # --- EwalletProvider ---------------------------------------------------------------------

    def create(
        self, *, reference: str, amount: int, description: str, return_url: str, notify_url: str
    ) -> CreatedPayment:
        """Mint a unique provider id and the sandbox pay-page URL for it."""
        _require_reference(reference)
        _require_amount("amount", amount)
        _require_text("description", description, allow_empty=True)
        _require_text("return_url", return_url)
        _require_text("notify_url", notify_url)
        provider_ref = f"SBX{secrets.token_hex(10).upper()}"
        redirect_url = f"{self._base_url}/thanh-toan/vi-sandbox/{quote(provider_ref)}/"
        return CreatedPayment(provider_ref=provider_ref, redirect_url=redirect_url)

    def verify_return(self, params: Mapping[str, str]) -> ProviderResult:
        """Check the signed query parameters the buyer's browser brings back."""
        return self._verified(dict(params), source="return parameters")

    def parse_webhook(self, body: bytes, headers: Mapping[str, str]) -> ProviderResult:
        """Check an IPN body. Headers are unused: like MoMo, the signature travels in the body."""
        try:
            data = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValueError(f"Webhook body is not valid JSON: {exc}.") from exc
        if not isinstance(data, dict):
            raise ValueError("Webhook body must be a JSON object.")
        return self._verified(data, source="webhook body")

    # --- the provider's side, for the sandbox pay page and tests -----------------------------

    def sign(self, fields: Mapping[str, str]) -> str:
        """Signature over the canonical string of `fields` with this provider's secret."""
        _check_fields(fields, source="fields to sign")
        return hmac_sha256_hex(secret=self._secret, message=canonical_string(fields))

    def sign_webhook(
        self,
        *,
        provider_ref: str,
        reference: str,
        amount: int,
        status: Status,
        event_id: str | None = None,
    ) -> bytes:
        """The JSON body the provider would POST to the notify URL."""
        fields = self._signed_fields(
            provider_ref=provider_ref,
            reference=reference,
            amount=amount,
            status=status,
            event_id=event_id,
        )
        return json.dumps(fields, sort_keys=True).encode("utf-8")

    def sign_return(
        self,
        *,
        provider_ref: str,
        reference: str,
        amount: int,
        status: Status,
        event_id: str | None = None,
    ) -> dict[str, str]:
        """The query parameters the pay page appends to the return URL."""
        return self._signed_fields(
            provider_ref=provider_ref,
            reference=reference,
            amount=amount,
            status=status,
            event_id=event_id,
        )

    # --- internals ---------------------------------------------------------------------------

    def _signed_fields(
        self,
        *,
        provider_ref: str,
        reference: str,
        amount: int,
        status: Status,
        event_id: str | None,
    ) -> dict[str, str]:
        _require_text("provider_ref", provider_ref)
        _require_reference(reference)
        _require_amount("amount", amount)
        if status not in STATUSES:
            raise ValueError(f"status must be 'succeeded' or 'failed', got {status!r}.")
        fields = {
            "provider_ref": provider_ref,
            "reference": reference,
            "amount": str(amount),
            "status": status,
            "event_id": event_id if event_id is not None else f"EVT{secrets.token_hex(10)}",
        }
        fields["signature"] = self.sign(fields)
        return fields

    def _verified(self, data: Mapping[str, object], *, source: str) -> ProviderResult:
        # Shape first, since a non-string value cannot even be put in the canonical string;
        # then the signature; only then are the field values worth reading.
        fields = _check_fields(data, source=source)
        signature = fields.get("signature")
        if not signature:
            raise SignatureError(f"The {source} carry no signature.")
        expected = hmac_sha256_hex(secret=self._secret, message=canonical_string(fields))
        if not hmac.compare_digest(expected.encode("utf-8"), signature.lower().encode("utf-8")):
            raise SignatureError(f"The {source} have an invalid signature.")

        missing = [name for name in REQUIRED_FIELDS if not fields.get(name)]
        if missing:
            raise ValueError(f"The {source} lack required fields: {', '.join(missing)}.")
        if not _AMOUNT.fullmatch(fields["amount"]):
            raise ValueError(
                f"amount in the {source} must be a positive whole number of VND written in "
                f"digits, got {fields['amount']!r}."
            )
        status = fields["status"]
        if status not in STATUSES:
            raise ValueError(f"status in the {source} must be 'succeeded' or 'failed'.")
        return ProviderResult(
            provider_ref=fields["provider_ref"],
            reference=fields["reference"],
            amount=int(fields["amount"]),
            status=cast(Status, status),
            event_id=fields["event_id"],
            raw=dict(fields),
        )


def _require_reference(reference: object) -> str:
    if not isinstance(reference, str) or not _REFERENCE.fullmatch(reference):
        raise ValueError(
            "reference must be 1-64 characters of letters, digits, '_', '.', ':' or '-', "
            f"got {reference!r}."
        )
    return reference


def _check_fields(data: Mapping[str, object], *, source: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    for key, value in data.items():
        if not isinstance(key, str) or not isinstance(value, str):
            raise ValueError(
                f"Every field in the {source} must be a string; {key!r} is {type(value).__name__}."
            )
        if _CANONICAL_UNSAFE.search(key) or _CANONICAL_UNSAFE.search(value):
            raise ValueError(f"Field {key!r} in the {source} may not contain '&' or '='.")
        fields[key] = value
    return fields


_REGISTRY: Final[dict[str, Callable[..., EwalletProvider]]] = {
    SandboxProvider.code: SandboxProvider,
}


def get_provider(code: str, *, secret: str, base_url: str) -> EwalletProvider:
    """The adapter for a provider code, configured with its shared secret and our site URL."""
    try:
        factory = _REGISTRY[code]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY))
        raise KeyError(f"Unknown e-wallet provider {code!r}; known providers: {known}.") from None
    return factory(secret=secret, base_url=base_url)
