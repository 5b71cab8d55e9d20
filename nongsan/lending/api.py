"""Micro-loans under /api/lending/: apply (a household, or a post-office clerk for one), list and
read applications with their steps."""

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.responses import Status

from nongsan.accounts.api_auth import api_auth
from nongsan.core.api import BoundedPagination, refused_is_403
from nongsan.households import selectors as households_selectors
from nongsan.lending import selectors, services
from nongsan.lending.models import LoanApplication, LoanEvent

router = Router(tags=["lending"], auth=api_auth)


class EventOut(Schema):
    from_status: str
    to_status: str
    note: str
    at: dt.datetime


class LoanOut(Schema):
    id: int
    number: str
    household_id: int
    lender: str = Field(alias="lender.code")
    amount: int
    approved_amount: int | None
    term_months: int
    purpose: str
    channel: str
    status: str
    decision_note: str
    created_at: dt.datetime


class LoanDetailOut(LoanOut):
    shared_history: dict[str, Any]
    events: list[EventOut]

    @staticmethod
    def resolve_events(obj: LoanApplication) -> QuerySet[LoanEvent]:
        return selectors.loan_events(application=obj)


class LoanIn(Schema):
    household_id: int | None = Field(
        default=None, description="For a post-office clerk: the household applying."
    )
    amount: int = Field(gt=0)
    term_months: int = Field(ge=1, le=60)
    purpose: str = Field(max_length=500)
    consent: bool


@router.get("/applications", response=list[LoanOut], summary="Applications the caller may see")
@paginate(BoundedPagination)
def application_list(request: HttpRequest, status: str = "") -> QuerySet[LoanApplication]:
    return selectors.loan_list(actor=request.user, status=status)


@router.get("/applications/{application_id}", response=LoanDetailOut, summary="One application")
def application_detail(request: HttpRequest, application_id: int) -> LoanApplication:
    return selectors.loan_get_for(actor=request.user, application_id=application_id)


@router.post("/applications", response={201: LoanDetailOut}, summary="Apply for a small loan")
@refused_is_403
def application_create(request: HttpRequest, payload: LoanIn) -> Status:
    household = selectors.own_household(actor=request.user)
    if payload.household_id is not None and (
        household is None or household.pk != payload.household_id
    ):
        household = households_selectors.household_get_for(
            actor=request.user, household_id=payload.household_id
        )
    if household is None:
        raise HttpError(403, "Chỉ hộ sản xuất hoặc nhân viên bưu điện xã nộp hồ sơ vay.")
    application = services.loan_apply(
        actor=request.user,  # type: ignore[arg-type]
        household=household,
        amount=payload.amount,
        term_months=payload.term_months,
        purpose=payload.purpose,
        consent=payload.consent,
    )
    return Status(201, application)
