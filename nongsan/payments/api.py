"""Cash at the commune post office under /api/post-office/: payouts waiting at the clerk's post
office, recording a hand-over (checked against the head of household's CCCD), receipts."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from nongsan.accounts.api_auth import api_auth
from nongsan.core.api import refused_is_403
from nongsan.orgs.models import PostOffice
from nongsan.payments import selectors, services

router = Router(tags=["post-office"], auth=api_auth)


class WaitingOut(Schema):
    payout_id: int = Field(alias="pk")
    household_id: int
    head_name: str = Field(alias="household.head_name")
    commune: str = Field(alias="household.commune.name")
    amount: int
    created_at: dt.datetime


class HandoverIn(Schema):
    cccd: str = Field(max_length=20)


class HandoverOut(Schema):
    id: int
    payout_id: int
    receipt_number: str
    post_office: str = Field(alias="post_office.code")
    recipient_name: str
    cccd_masked: str
    amount: int
    handed_at: dt.datetime


def _post_office(request: HttpRequest) -> PostOffice:
    post_office = selectors.clerk_post_office(actor=request.user)
    if post_office is None:
        raise HttpError(403, "Chỉ nhân viên bưu điện văn hóa xã.")
    return post_office


@router.get("/payouts", response=list[WaitingOut], summary="Payouts waiting at my post office")
def waiting(request: HttpRequest, q: str = "") -> Any:
    return selectors.cash_payouts_waiting(post_office=_post_office(request), query=q[:100])[:500]


@router.post(
    "/payouts/{payout_id}/handover",
    response={201: HandoverOut},
    summary="Record a cash hand-over (the CCCD shown must be the head of household's)",
)
@refused_is_403
def handover(request: HttpRequest, payout_id: int, payload: HandoverIn) -> Status:
    post_office = _post_office(request)
    payout = selectors.cash_payouts_waiting(post_office=post_office).filter(pk=payout_id).first()
    if payout is None:
        done = selectors.cash_handovers_at(post_office=post_office, limit=10_000)
        again = next((h for h in done if h.payout_id == payout_id), None)
        if again is None:
            raise HttpError(404, "Không có khoản chờ chi này tại bưu điện của bạn.")
        return Status(201, again)
    record = services.cash_handover_record(
        clerk=request.user,  # type: ignore[arg-type]
        payout=payout,
        cccd=payload.cccd,
    )
    return Status(201, record)


@router.get("/receipts/{handover_id}", response=HandoverOut, summary="A hand-over receipt")
def receipt(request: HttpRequest, handover_id: int) -> Any:
    return selectors.cash_handover_get_for(actor=request.user, handover_id=handover_id)
