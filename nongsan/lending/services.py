"""Every write about micro-loans: applying (online or at the post office), handing the
application to the lender, and following the lender's steps through an explicit table."""

import datetime as dt
import logging
import secrets

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from nongsan.accounts import services as accounts_services
from nongsan.accounts.models import User
from nongsan.core.errors import ApplicationError
from nongsan.core.money import format_vnd
from nongsan.core.text import normalize
from nongsan.households import selectors as households_selectors
from nongsan.households.models import Household
from nongsan.lending import lenders, selectors
from nongsan.lending.models import LoanApplication, LoanEvent

logger = logging.getLogger(__name__)

Status = LoanApplication.Status
ALLOWED: dict[str, frozenset[str]] = {
    Status.SUBMITTED: frozenset({Status.UNDER_REVIEW}),
    Status.UNDER_REVIEW: frozenset({Status.APPROVED, Status.REFUSED}),
    Status.APPROVED: frozenset({Status.DISBURSED}),
    Status.DISBURSED: frozenset({Status.REPAID}),
    Status.REFUSED: frozenset(),
    Status.REPAID: frozenset(),
}
# The order a lender's answer is reached in, from where an application stands.
PATH = (Status.SUBMITTED, Status.UNDER_REVIEW, Status.APPROVED, Status.DISBURSED, Status.REPAID)
NOTICES: dict[str, str] = {
    Status.APPROVED: "Ho so vay {number} da duoc duyet: {amount}.",
    Status.REFUSED: "Ho so vay {number} chua duoc duyet. Xem ly do tren nongsan.",
    Status.DISBURSED: "Khoan vay {number} da giai ngan: {amount}.",
    Status.REPAID: "Khoan vay {number} da tra het. Cam on ho.",
}


def _number() -> str:
    return "VV" + "".join(secrets.choice("ABCDEFGHJKMNPQRSTUVWXYZ23456789") for _ in range(8))


def _check_applicant(*, actor: User, household: Household) -> str:
    """The channel: the household online, or a post-office clerk serving its commune."""
    if household.user_id == actor.pk:
        return LoanApplication.Channel.ONLINE
    post_office = selectors.clerk_post_office(actor=actor)
    if post_office is not None and households_selectors.can_see_identity(
        actor=actor, household=household
    ):
        return LoanApplication.Channel.POST_OFFICE
    raise ApplicationError("Bạn không thể nộp hồ sơ vay cho hộ này.", code="forbidden")


@transaction.atomic
def loan_apply(
    *,
    actor: User,
    household: Household,
    amount: int,
    term_months: int,
    purpose: str,
    consent: bool,
    now: dt.datetime | None = None,
) -> LoanApplication:
    """Apply for a small loan; the household's platform history goes to the lender only with
    its consent. One open application per household at a time."""
    now = now or timezone.now()
    channel = _check_applicant(actor=actor, household=household)
    lender = selectors.lender_current()
    if lender is None:
        raise ApplicationError("Chưa có tổ chức cho vay nhận hồ sơ.", field="lender")
    if not isinstance(amount, int) or isinstance(amount, bool):
        raise ApplicationError("Số tiền vay phải là số đồng.", field="amount")
    if not lender.min_amount <= amount <= lender.max_amount:
        raise ApplicationError(
            f"Số tiền vay từ {format_vnd(lender.min_amount)} đến {format_vnd(lender.max_amount)}.",
            field="amount",
        )
    if not 1 <= term_months <= 60:
        raise ApplicationError("Thời hạn vay từ 1 đến 60 tháng.", field="term_months")
    purpose = normalize(purpose)
    if len(purpose) < 10:
        raise ApplicationError(
            "Hãy ghi rõ mục đích vay (ví dụ: mua phân bón vụ đông).", field="purpose"
        )
    if len(purpose) > 500:
        raise ApplicationError("Mục đích vay dài quá 500 ký tự.", field="purpose")
    if not consent:
        raise ApplicationError(
            "Cần chủ hộ đồng ý chia sẻ lịch sử bán hàng, đánh giá và tập huấn với bên cho vay.",
            field="consent",
        )
    Household.objects.select_for_update().get(pk=household.pk)  # one application at a time
    if (
        LoanApplication.objects.filter(household=household)
        .exclude(status__in=(Status.REFUSED, Status.REPAID))
        .exists()
    ):
        raise ApplicationError(
            "Hộ đang có một hồ sơ vay chưa kết thúc.", field="amount", code="duplicate"
        )
    application = LoanApplication.objects.create(
        number=_number(),
        household=household,
        lender=lender,
        amount=amount,
        term_months=term_months,
        purpose=purpose,
        channel=channel,
        post_office=(
            selectors.clerk_post_office(actor=actor)
            if channel == LoanApplication.Channel.POST_OFFICE
            else None
        ),
        submitted_by=actor,
        consent_at=now,
        shared_history=selectors.history_of(household=household, now=now).as_dict(),
        created_at=now,
        updated_at=now,
    )
    LoanEvent.objects.create(
        application=application, to_status=Status.SUBMITTED, actor=actor, at=now
    )
    application_id = application.pk
    transaction.on_commit(lambda: _submit_later(application_id))
    return application


def _submit_later(application_id: int) -> None:
    from nongsan.lending import tasks  # tasks import services: resolved at call time

    tasks.loan_submit.delay(application_id=application_id)


def _transition(
    application: LoanApplication, *, to: str, note: str = "", amount: int | None = None
) -> LoanApplication:
    if to not in ALLOWED[application.status]:
        raise ApplicationError(
            f"Hồ sơ đang “{application.get_status_display()}”, không chuyển sang "
            f"“{Status(to).label}” được.",
            field="status",
        )
    now = timezone.now()
    LoanEvent.objects.create(
        application=application, from_status=application.status, to_status=to, note=note, at=now
    )
    application.status = to
    application.updated_at = now
    fields = ["status", "updated_at"]
    if to == Status.APPROVED:
        application.approved_amount = amount or application.amount
        fields.append("approved_amount")
    if note:
        application.decision_note = note[:500]
        fields.append("decision_note")
    application.save(update_fields=fields)
    user = application.household.user
    if to in NOTICES and user is not None:
        accounts_services.notify(
            notices=[
                accounts_services.Notice(
                    user=user,
                    message=NOTICES[to].format(
                        number=application.number,
                        amount=format_vnd(application.approved_amount or application.amount),
                    ),
                    url=reverse("lending:detail", args=[application.pk]),
                    sms=to in (Status.APPROVED, Status.REFUSED, Status.DISBURSED),
                )
            ]
        )
    return application


@transaction.atomic
def loan_submit(*, application_id: int) -> LoanApplication:
    """Hand a submitted application to the lender; it is then under review. A lender that
    cannot be reached leaves it submitted, for the periodic sync to try again."""
    application = (
        LoanApplication.objects.select_for_update(of=("self",))
        .select_related("household__user")
        .get(pk=application_id)
    )
    if application.status != Status.SUBMITTED:
        return application
    try:
        reference = lenders.get_client().submit(
            number=application.number,
            amount=application.amount,
            term_months=application.term_months,
            purpose=application.purpose,
            history=application.shared_history,
        )
    except lenders.LenderError:
        logger.warning("Lender unreachable for %s", application.number, exc_info=True)
        return application
    application.lender_reference = reference
    application.save(update_fields=["lender_reference"])
    return _transition(application, to=Status.UNDER_REVIEW)


@transaction.atomic
def loan_sync(*, application_id: int) -> LoanApplication:
    """Bring an application up to what the lender says, one allowed step at a time (each step
    leaves its history row). Repeating it changes nothing."""
    application = (
        LoanApplication.objects.select_for_update(of=("self",))
        .select_related("household__user")
        .get(pk=application_id)
    )
    if application.status == Status.SUBMITTED:
        return loan_submit(application_id=application.pk)
    if not application.is_open or not application.lender_reference:
        return application
    try:
        answer = lenders.get_client().status(reference=application.lender_reference)
    except lenders.LenderError:
        logger.warning("Lender status unavailable for %s", application.number, exc_info=True)
        return application
    target = answer.status
    if target == Status.REFUSED:
        if application.status == Status.UNDER_REVIEW:
            _transition(application, to=Status.REFUSED, note=answer.note)
        return application
    if target not in PATH or PATH.index(target) <= PATH.index(application.status):
        return application
    for step in PATH[PATH.index(application.status) + 1 : PATH.index(target) + 1]:
        _transition(application, to=step, note=answer.note, amount=answer.amount)
    return application


def loans_sync_open() -> int:
    """Every fifteen minutes: follow the lender on every open application."""
    ids = list(selectors.open_applications().values_list("pk", flat=True))
    for application_id in ids:
        loan_sync(application_id=application_id)
    return len(ids)
