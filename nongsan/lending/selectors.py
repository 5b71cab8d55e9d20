"""Every read about micro-loans: a household's platform history for the lender, and the
applications each actor may see."""

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from nongsan.accounts.models import Role
from nongsan.accounts.scope import scope_filter
from nongsan.catalog.models import Shop
from nongsan.households.models import Household
from nongsan.lending.models import Lender, LoanApplication, LoanEvent
from nongsan.payments import selectors as payments_selectors
from nongsan.payments.models import LedgerEntry
from nongsan.training.models import Attendance

SCOPE = {
    "province": "household__commune__province",
    "commune": "household__commune",
    "owner": "household__user",
}


@dataclass(frozen=True)
class History:
    """What the lender sees of a household's life on the platform (with its consent)."""

    sales_12_months: int
    sales_count_12_months: int
    sales_total: int
    rating_average: float | None
    rating_count: int
    training_sessions: int
    member_since: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def history_of(*, household: Household, now: dt.datetime | None = None) -> History:
    """Sales from the payments ledger, ratings from its shops' reviews, training attended."""
    now = now or timezone.now()
    sales = LedgerEntry.objects.filter(household=household, kind=LedgerEntry.Kind.SALE)
    recent = sales.filter(created_at__gte=now - dt.timedelta(days=365)).aggregate(
        total=Sum("amount"), count=Count("pk")
    )
    ratings = Shop.objects.filter(household=household).aggregate(
        total=Sum("rating_sum"), count=Sum("rating_count")
    )
    rating_count = ratings["count"] or 0
    return History(
        sales_12_months=recent["total"] or 0,
        sales_count_12_months=recent["count"] or 0,
        sales_total=sales.aggregate(total=Sum("amount"))["total"] or 0,
        rating_average=(round(ratings["total"] / rating_count, 1) if rating_count else None),
        rating_count=rating_count,
        training_sessions=Attendance.objects.filter(household=household).count(),
        member_since=timezone.localdate(household.created_at).isoformat(),
    )


def lender_current() -> Lender | None:
    """The partner lender new applications go to (configured by LENDING_LENDER_CODE)."""
    return Lender.objects.filter(code=settings.LENDING_LENDER_CODE, is_active=True).first()


def own_household(*, actor: Any) -> Household | None:
    if not getattr(actor, "is_authenticated", False) or actor.role != Role.HOUSEHOLD:
        return None
    return Household.objects.select_related("commune").filter(user=actor).first()


STAFF_ROLES = frozenset({Role.FIELD_AGENT, Role.PROVINCE_OFFICIAL, Role.MINISTRY_OFFICIAL})


def may_list(*, actor: Any) -> bool:
    """Area staff follow the applications of their area."""
    return bool(
        getattr(actor, "is_authenticated", False)
        and (actor.is_superuser or actor.role in STAFF_ROLES)
    )


def loan_list(*, actor: Any, status: str = "") -> QuerySet[LoanApplication]:
    """Applications the actor may see: a household its own; a post-office clerk or field agent
    those of its communes; officials those of their province (the ministry all)."""
    if getattr(actor, "is_authenticated", False) and actor.role in (
        Role.BUYER,
        Role.MARKETPLACE_OPERATOR,
        Role.CARRIER_STAFF,
        Role.INPUT_SUPPLIER,
        Role.INFO_EDITOR,
    ):
        return LoanApplication.objects.none()
    applications = scope_filter(
        LoanApplication.objects.select_related("household__commune", "lender", "post_office"),
        actor=actor,
        **SCOPE,
    )
    if status:
        applications = applications.filter(status=status)
    return applications.order_by("-created_at", "-pk")


def loan_get_for(*, actor: Any, application_id: int) -> LoanApplication:
    found = loan_list(actor=actor).filter(pk=application_id).first()
    if found is None:
        raise Http404("Không tìm thấy hồ sơ vay.")
    return found


def loan_events(*, application: LoanApplication) -> QuerySet[LoanEvent]:
    return application.events.select_related("actor").order_by("at", "pk")


def open_applications() -> QuerySet[LoanApplication]:
    """Applications the lender still has to move (for the periodic sync)."""
    return LoanApplication.objects.exclude(
        status__in=(LoanApplication.Status.REFUSED, LoanApplication.Status.REPAID)
    ).select_related("household__user")


def clerk_post_office(*, actor: Any) -> Any:
    return payments_selectors.clerk_post_office(actor=actor)
