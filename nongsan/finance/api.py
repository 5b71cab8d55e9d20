"""The back office under /api/finance/: incoming money for money staff (finance all, an operator
its own marketplace's), and carriers' COD remittances sent by their systems, signed with the
carrier's key as its tracking webhook is (X-Carrier-Signature: hex HMAC-SHA256 of the body)."""

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from nongsan.accounts.api_auth import api_auth
from nongsan.core.api import BoundedPagination
from nongsan.core.errors import ApplicationError
from nongsan.finance import services
from nongsan.orgs.models import Carrier
from nongsan.payments import selectors as payments_selectors
from nongsan.payments.models import Credit

router = Router(tags=["finance"], auth=api_auth)


class CreditOut(Schema):
    id: int
    source: str
    reference: str
    order_reference: str
    parcel: str
    amount: int
    expected: int | None
    applied: int
    refunded: int
    written_off: int
    open_amount: int
    problem: str
    status: str
    resolution: str
    received_at: dt.datetime
    resolved_at: dt.datetime | None


class RemittanceOut(Schema):
    id: int
    reference: str
    total: int
    new: bool
    lines: int
    exceptions: int


@router.get("/credits", response=list[CreditOut], summary="Incoming money and its exceptions")
@paginate(BoundedPagination)
def credit_list(request: HttpRequest, status: str = "", problem: str = "") -> QuerySet[Credit]:
    if not payments_selectors.is_money_staff(actor=request.auth):
        raise HttpError(403, "Chỉ kế toán nền tảng và nhân viên vận hành sàn.")
    if status and status not in Credit.Status.values:
        raise ApplicationError("Trạng thái không hợp lệ.", field="status")
    if problem and problem not in Credit.Problem.values:
        raise ApplicationError("Vấn đề không hợp lệ.", field="problem")
    return payments_selectors.credits_for(actor=request.auth, status=status, problem=problem)


@router.post(
    "/cod-remittances/{carrier_code}",
    response=RemittanceOut,
    auth=None,
    summary="A carrier's COD remittance, signed (X-Carrier-Signature: hex HMAC-SHA256)",
)
def cod_remittance(request: HttpRequest, carrier_code: str) -> dict[str, Any]:
    carrier = Carrier.objects.filter(code=carrier_code, is_active=True).first()
    if carrier is None:
        raise HttpError(404, "Không có đơn vị vận chuyển này.")
    try:
        remittance, new = services.cod_remittance_receive(
            carrier=carrier,
            body=request.body,
            signature=request.headers.get("X-Carrier-Signature", ""),
        )
    except ApplicationError as exc:
        if exc.code == "bad_signature":
            raise HttpError(401, exc.message) from exc
        raise
    counted = payments_selectors.cod_remittances().get(pk=remittance.pk)
    return {
        "id": remittance.pk,
        "reference": remittance.reference,
        "total": remittance.total,
        "new": new,
        "lines": counted.lines,  # type: ignore[attr-defined]  # annotated by the selector
        "exceptions": counted.exceptions,  # type: ignore[attr-defined]  # likewise
    }
