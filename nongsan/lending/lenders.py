"""Partner lenders through an adapter: a sandbox lender for dev and tests, an HTTP client for a
real lender's API.

The protocol: POST an application (amount, term, purpose, the household's shared history) and
read back a reference; GET the application's status by reference, answered as
`{"status": "under_review" | "approved" | "refused" | "disbursed" | "repaid", "amount": ...,
"note": ...}`.
"""

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from nongsan.core import http

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LenderStatus:
    status: str
    amount: int | None = None
    note: str = ""


class LenderError(Exception):
    """The lender refused the call or could not be reached; the caller retries later."""


class LenderClient(Protocol):
    def submit(
        self,
        *,
        number: str,
        amount: int,
        term_months: int,
        purpose: str,
        history: Mapping[str, Any],
    ) -> str: ...

    def status(self, *, reference: str) -> LenderStatus: ...


class SandboxLender:
    """A lender that decides at once by a rule of thumb on the shared history, and keeps its
    book in memory. `advance` plays the lender's staff paying out and collecting repayments."""

    book: ClassVar[dict[str, LenderStatus]] = {}
    submitted: ClassVar[list[dict[str, Any]]] = []

    # Up to this much without any platform history; more with sales, ratings and training.
    BASE_LIMIT = 10_000_000
    TRAINED_BONUS = 10_000_000
    SALES_FACTOR = 2  # up to twice a year's sales on the platform

    def limit_for(self, history: Mapping[str, Any]) -> int:
        limit = self.BASE_LIMIT
        if history.get("training_sessions", 0) > 0:
            limit += self.TRAINED_BONUS
        limit += self.SALES_FACTOR * int(history.get("sales_12_months", 0))
        rating = history.get("rating_average")
        if rating is not None and float(rating) < 3:
            limit = self.BASE_LIMIT
        return limit

    def submit(
        self,
        *,
        number: str,
        amount: int,
        term_months: int,
        purpose: str,
        history: Mapping[str, Any],
    ) -> str:
        reference = f"SBX-{number}"
        SandboxLender.submitted.append(
            {"number": number, "amount": amount, "term_months": term_months, "history": history}
        )
        if amount <= self.limit_for(history):
            decision = LenderStatus("approved", amount=amount, note="Đủ điều kiện vay.")
        else:
            decision = LenderStatus(
                "refused", note="Số tiền vượt hạn mức theo lịch sử bán hàng và tập huấn."
            )
        SandboxLender.book[reference] = decision
        return reference

    def status(self, *, reference: str) -> LenderStatus:
        try:
            return SandboxLender.book[reference]
        except KeyError:
            raise LenderError(f"Unknown reference {reference}") from None

    @classmethod
    def advance(cls, reference: str, status: str, note: str = "") -> None:
        current = cls.book[reference]
        cls.book[reference] = LenderStatus(status, amount=current.amount, note=note)


class HttpLender:
    def __init__(self, *, url: str = "", token: str = "", timeout: float = 15):
        self.url = (url or settings.LENDING_API_URL).rstrip("/")
        self.token = token or settings.LENDING_API_TOKEN
        self.timeout = timeout

    def _call(self, method: str, path: str, payload: Mapping[str, Any] | None = None) -> Any:
        try:
            answer = http.request(
                method,
                self.url + path,
                body=json.dumps(payload).encode() if payload is not None else None,
                headers={
                    "Content-Type": "application/json",
                    "Authorization": f"Bearer {self.token}",
                },
                timeout=self.timeout,
            )
            if not 200 <= answer.status < 300:
                raise LenderError(f"Lender answered HTTP {answer.status}")
            return json.loads(answer.body or b"{}")
        except (http.OutgoingError, ValueError) as exc:
            raise LenderError(f"Lender unreachable: {exc}") from exc

    def submit(
        self,
        *,
        number: str,
        amount: int,
        term_months: int,
        purpose: str,
        history: Mapping[str, Any],
    ) -> str:
        answer = self._call(
            "POST",
            "/applications",
            {
                "number": number,
                "amount": amount,
                "term_months": term_months,
                "purpose": purpose,
                "history": dict(history),
            },
        )
        if not answer.get("reference"):
            raise LenderError(f"Lender refused the application: {answer}")
        return str(answer["reference"])

    def status(self, *, reference: str) -> LenderStatus:
        answer = self._call("GET", f"/applications/{reference}")
        if "status" not in answer:
            raise LenderError(f"Unexpected answer: {answer}")
        amount = answer.get("amount")
        return LenderStatus(
            str(answer["status"]),
            amount=int(amount) if amount is not None else None,
            note=str(answer.get("note", ""))[:500],
        )


def get_client() -> LenderClient:
    client_class = import_string(settings.LENDING_PROVIDER)
    return client_class()
