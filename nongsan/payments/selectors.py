"""Every read about money: payments of an order, a household's balance and statement."""

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.http import Http404
from django.utils import timezone

from nongsan.accounts.models import Role
from nongsan.core import sql
from nongsan.core.text import fold
from nongsan.households import selectors as households_selectors
from nongsan.households.models import Household
from nongsan.orgs.models import Marketplace, PostOffice
from nongsan.payments import reconciliation, vietqr
from nongsan.payments.models import (
    CashHandover,
    CodRemittance,
    Credit,
    LedgerEntry,
    Payment,
    PaymentAccount,
    Payout,
    PayoutBatch,
    PostOfficeStaff,
    Refund,
)


def payment_list(*, order_reference: str) -> QuerySet[Payment]:
    return Payment.objects.filter(order_reference=order_reference).order_by("-created_at", "-pk")


def payment_get_by_provider_ref(*, provider_ref: str) -> Payment:
    payment = Payment.objects.filter(provider_ref=provider_ref).first()
    if payment is None:
        raise Http404("Không tìm thấy thanh toán.")
    return payment


def household_get_for_money(*, actor: Any, household_id: int) -> Household:
    """A household whose money the actor may see and set up: its own account, or the field
    agent serving it (the same people who see its identity)."""
    household = Household.objects.select_related("commune__province").filter(pk=household_id)
    found = household.first()
    if found is None or not households_selectors.can_see_identity(actor=actor, household=found):
        raise Http404("Không tìm thấy hộ.")
    return found


def own_household(*, actor: Any) -> Household | None:
    if not getattr(actor, "is_authenticated", False):
        return None
    return Household.objects.filter(user=actor).first()


def payout_batches() -> QuerySet[PayoutBatch]:
    return PayoutBatch.objects.select_related("created_by").order_by("-created_at", "-pk")


def payouts_of(*, batch: PayoutBatch) -> QuerySet[Payout]:
    return batch.payouts.select_related("household__commune__province", "account").order_by(
        "household__head_name", "pk"
    )


def unpaid_total(*, actor: Any) -> int:
    """What households are owed and not yet paid: everything for finance, the sales on its own
    marketplace for an operator."""
    entries = LedgerEntry.objects.filter(payout=None)
    marketplace_id = operator_marketplace(actor)
    if marketplace_id is not None:
        entries = entries.filter(marketplace_id=marketplace_id)
    elif not is_finance(actor):
        return 0
    return entries.aggregate(t=Sum("amount"))["t"] or 0


def active_account(*, household: Household) -> PaymentAccount | None:
    return PaymentAccount.objects.filter(household=household, is_active=True).first()


@dataclass(frozen=True)
class Balance:
    unpaid: int  # credited, not yet paid out
    held: int  # of which: sales paid in cash, waiting for the carrier to pay the cash over
    paid_out: int
    sales: int
    commission: int
    cooperative_share: int


def balance(*, household: Household) -> Balance:
    totals = {
        row["kind"]: row["total"]
        for row in LedgerEntry.objects.filter(household=household)
        .values("kind")
        .annotate(total=Sum("amount"))
        .order_by()
    }
    unpaid = (
        LedgerEntry.objects.filter(household=household, payout=None).aggregate(t=Sum("amount"))["t"]
        or 0
    )
    held = (
        LedgerEntry.objects.filter(household=household, payout=None, held=True).aggregate(
            t=Sum("amount")
        )["t"]
        or 0
    )
    return Balance(
        unpaid=unpaid,
        held=held,
        paid_out=-(totals.get(LedgerEntry.Kind.PAYOUT) or 0),
        sales=totals.get(LedgerEntry.Kind.SALE) or 0,
        commission=-(totals.get(LedgerEntry.Kind.COMMISSION) or 0),
        cooperative_share=-(totals.get(LedgerEntry.Kind.COOPERATIVE_SHARE) or 0),
    )


def statement(*, household: Household, limit: int = 200) -> QuerySet[LedgerEntry]:
    """The household's ledger, newest first: every sale, deduction and payout."""
    return (
        LedgerEntry.objects.filter(household=household)
        .select_related("marketplace", "payout")
        .order_by("-created_at", "-pk")[:limit]
    )


# --- Who may touch money -------------------------------------------------------------------------


def is_finance(actor: Any) -> bool:
    """The platform's finance staff (or a superuser): every marketplace's money."""
    return reconciliation.may_reconcile(actor)


def operator_marketplace(actor: Any) -> int | None:
    """The marketplace whose money an operator sees (None: not an operator)."""
    if (
        getattr(actor, "is_authenticated", False)
        and actor.is_active
        and actor.role == Role.MARKETPLACE_OPERATOR
        and not actor.is_superuser
    ):
        return int(actor.marketplace_id)
    return None


def is_money_staff(*, actor: Any) -> bool:
    """Finance, or a marketplace's operator (for its own marketplace only)."""
    return is_finance(actor) or operator_marketplace(actor) is not None


def _of_marketplace(queryset: QuerySet[Any], *, actor: Any, path: str) -> QuerySet[Any]:
    if is_finance(actor):
        return queryset
    marketplace_id = operator_marketplace(actor)
    if marketplace_id is None:
        return queryset.none()
    return queryset.filter(**{path: marketplace_id})


def pending_refunds(*, actor: Any) -> QuerySet[Refund]:
    return _of_marketplace(
        Refund.objects.filter(status=Refund.Status.PENDING), actor=actor, path="marketplace_id"
    ).select_related("payment", "credit")


def may_act_on_refund(*, actor: Any, refund: Refund) -> bool:
    if is_finance(actor):
        return True
    marketplace_id = operator_marketplace(actor)
    return marketplace_id is not None and refund.marketplace_id == marketplace_id


def refund_get_for(*, actor: Any, refund_id: int) -> Refund:
    """A refund the actor may confirm; any other is not found."""
    refund = Refund.objects.filter(pk=refund_id).first()
    if refund is None or not may_act_on_refund(actor=actor, refund=refund):
        raise Http404("Không tìm thấy khoản hoàn tiền.")
    return refund


def credits_for(
    *, actor: Any, status: str = "", problem: str = "", query: str = ""
) -> QuerySet[Credit]:
    """Incoming credits the actor may see, newest first: finance all, an operator its own
    marketplace's (an operator reads, finance resolves)."""
    credits = _of_marketplace(Credit.objects.all(), actor=actor, path="marketplace_id")
    if status:
        credits = credits.filter(status=status)
    if problem:
        credits = credits.filter(problem=problem)
    query = query.strip().upper()
    if query:
        credits = credits.filter(
            Q(order_reference=query) | Q(parcel=query) | Q(reference__icontains=query)
        )
    return credits.select_related("payment", "resolved_by", "marketplace").order_by(
        "-received_at", "-pk"
    )


def credit_get_for(*, actor: Any, credit_id: int) -> Credit:
    credit = credits_for(actor=actor).filter(pk=credit_id).first()
    if credit is None:
        raise Http404("Không tìm thấy khoản tiền về.")
    return credit


def open_exceptions_count(*, actor: Any) -> int:
    return credits_for(actor=actor, status=Credit.Status.OPEN).count()


@dataclass(frozen=True)
class CollectionAccount:
    bank: str
    bank_name: str
    number: str
    holder: str


def collection_account() -> CollectionAccount:
    """The platform's account buyers transfer to (shown beside the QR for manual transfers)."""
    config = settings.PAYMENTS
    bank = next(
        (name for name, b in vietqr.BANKS.items() if b.bin == config["BANK_BIN"]),
        config["BANK_BIN"],
    )
    full = vietqr.BANKS[bank].name if bank in vietqr.BANKS else ""
    return CollectionAccount(
        bank=bank, bank_name=full, number=config["BANK_ACCOUNT"], holder=config["BANK_ACCOUNT_NAME"]
    )


def payout_get_for(*, actor: Any, payout_id: int) -> Payout:
    """A payout its household (or the agent serving it), finance, or the operator of a
    marketplace whose sales it pays may read."""
    payout = (
        Payout.objects.select_related("household__commune__province", "account", "batch")
        .filter(pk=payout_id)
        .first()
    )
    if payout is None:
        raise Http404("Không tìm thấy khoản chi trả.")
    if is_finance(actor) or _pays_marketplace_of(payout=payout, actor=actor):
        return payout
    if not households_selectors.can_see_identity(actor=actor, household=payout.household):
        raise Http404("Không tìm thấy khoản chi trả.")
    return payout


def _pays_marketplace_of(*, payout: Payout, actor: Any) -> bool:
    marketplace_id = operator_marketplace(actor)
    return (
        marketplace_id is not None and payout.entries.filter(marketplace_id=marketplace_id).exists()
    )


def payout_entries(*, payout: Payout, actor: Any = None) -> QuerySet[LedgerEntry]:
    """A payout's lines; an operator reads only those of its own marketplace."""
    entries = payout.entries.select_related("marketplace").order_by("created_at", "pk")
    marketplace_id = operator_marketplace(actor)
    if marketplace_id is not None:
        entries = entries.filter(marketplace_id=marketplace_id)
    return entries


# --- Cash at the commune post office ------------------------------------------------------------


def post_office_near(*, household: Household) -> PostOffice | None:
    """The post office where a household collects cash by default: one in its commune."""
    return (
        PostOffice.objects.filter(commune_id=household.commune_id, is_active=True)
        .order_by("code")
        .first()
    )


def post_offices_for(*, household: Household) -> QuerySet[PostOffice]:
    """Post offices a household may choose: those of its province."""
    return PostOffice.objects.filter(
        commune__province_id=household.commune.province_id, is_active=True
    ).select_related("commune")


def clerk_post_office(*, actor: Any) -> PostOffice | None:
    """The post office a field agent works at as a clerk, or None; read once per request
    (kept on the user object: the menu and the page both ask)."""
    if not getattr(actor, "is_authenticated", False) or actor.role != Role.FIELD_AGENT:
        return None
    if hasattr(actor, "_clerk_post_office"):
        return actor._clerk_post_office
    staff = (
        PostOfficeStaff.objects.filter(user=actor, post_office__is_active=True)
        .select_related("post_office__commune")
        .first()
    )
    actor._clerk_post_office = staff.post_office if staff is not None else None
    return actor._clerk_post_office


def cash_payouts_waiting(*, post_office: PostOffice, query: str = "") -> QuerySet[Payout]:
    """Payouts to be collected in cash at this post office, oldest first."""
    payouts = Payout.objects.filter(
        Q(account__post_office=post_office)
        | Q(account__post_office__isnull=True, household__commune_id=post_office.commune_id),
        account__kind=PaymentAccount.Kind.POST_OFFICE,
        cash_handover__isnull=True,
    ).select_related("household__commune")
    for word in fold(query).split():
        payouts = payouts.filter(household__head_name_key__contains=word)
    return payouts.order_by("created_at", "pk")


def collects_at(*, account: PaymentAccount, household: Household, post_office: PostOffice) -> bool:
    """Whether a household paid in cash collects at this post office: the one it chose, or,
    when it chose none, any in its commune."""
    if account.post_office_id is not None:
        return account.post_office_id == post_office.pk
    return household.commune_id == post_office.commune_id


def cash_handovers_at(*, post_office: PostOffice, limit: int = 50) -> QuerySet[CashHandover]:
    return (
        CashHandover.objects.filter(post_office=post_office)
        .select_related("payout__household", "clerk")
        .order_by("-handed_at", "-pk")[:limit]
    )


def cash_handover_get_for(*, actor: Any, handover_id: int) -> CashHandover:
    """A receipt: for the post office's clerks, the household itself, and money staff."""
    found = (
        CashHandover.objects.select_related(
            "payout__household__commune__province", "post_office__commune", "clerk"
        )
        .filter(pk=handover_id)
        .first()
    )
    if found is None:
        raise Http404("Không tìm thấy biên nhận.")
    clerk_at = clerk_post_office(actor=actor)
    if (
        is_finance(actor)
        or _pays_marketplace_of(payout=found.payout, actor=actor)
        or (clerk_at is not None and clerk_at.pk == found.post_office_id)
        or (getattr(actor, "pk", None) and found.payout.household.user_id == actor.pk)
    ):
        return found
    raise Http404("Không tìm thấy biên nhận.")


# On every buyer's path (checkout and payment calls with an Idempotency-Key): see core.sql.
_WITH_KEY_SQL = (
    f"SELECT {sql.columns(Payment, 'p')} FROM {Payment._meta.db_table} p "
    "WHERE p.payer_id = %s AND p.idempotency_key = %s ORDER BY p.created_at DESC, p.id DESC"
)


def payment_with_key(*, payer: Any, idempotency_key: str) -> Payment | None:
    """The attempt this payer already started with this idempotency key, if any."""
    return sql.one(_WITH_KEY_SQL, [payer.pk, idempotency_key], Payment)


# --- The books ----------------------------------------------------------------------------------


def parcels_credited(*, parcels: Sequence[str]) -> set[str]:
    """Parcels that already have a line in a COD remittance (or an open "missing" exception)."""
    return set(
        Credit.objects.filter(source=Credit.Source.COD, parcel__in=list(parcels)).values_list(
            "parcel", flat=True
        )
    )


@dataclass(frozen=True)
class BooksRow:
    """One day and marketplace: what came in and where every đồng of it went."""

    day: dt.date
    marketplace_id: int | None
    marketplace: str  # "" when the order spans several marketplaces or is not known
    received: int
    applied: int
    refunded: int
    written_off: int
    open: int
    order_refunds: int  # paid back to buyers from applied money (cancellations, claims)

    @property
    def balanced(self) -> bool:
        return self.received == self.applied + self.refunded + self.written_off + self.open


@dataclass(frozen=True)
class Books:
    start: dt.date
    end: dt.date
    rows: list[BooksRow]
    total: BooksRow
    # Cross-checks between tables (finance only; None for an operator's view).
    settled_on_payments: int | None
    applied_from_credits: int | None
    paid_out: int | None  # the payouts made
    earned_paid: int | None  # the sellers' entries those payouts paid
    unpaid_balances: int | None
    held_for_cod: int | None

    @property
    def balanced(self) -> bool:
        return all(row.balanced for row in self.rows) and (
            self.settled_on_payments is None
            or (
                self.settled_on_payments == self.applied_from_credits
                and self.paid_out == self.earned_paid
            )
        )


def books(*, actor: Any, start: dt.date, end: dt.date) -> Books:
    """The daily reconciliation of incoming money, per day and marketplace, between `start`
    and `end` (local dates): credits received = applied to payments + refunded to the sender +
    written off + still open, to the đồng. Finance also gets the cross-checks of the whole
    books: what payments hold equals what credits applied, and payouts equal the sellers'
    earnings they paid."""
    tz = timezone.get_current_timezone()
    credits = _of_marketplace(
        Credit.objects.filter(received_at__date__gte=start, received_at__date__lte=end),
        actor=actor,
        path="marketplace_id",
    )
    by_key: dict[tuple[dt.date, int | None], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in (
        credits.annotate(day=TruncDate("received_at", tzinfo=tz))
        .values("day", "marketplace_id")
        .annotate(
            received=Sum("amount"),
            applied_sum=Sum("applied"),
            refunded_sum=Sum("refunded"),
            written_off_sum=Sum("written_off"),
            open_sum=Sum(F("amount") - F("applied") - F("refunded") - F("written_off")),
        )
        .order_by()
    ):
        sums = by_key[(row["day"], row["marketplace_id"])]
        sums["received"] += row["received"] or 0
        sums["applied"] += row["applied_sum"] or 0
        sums["refunded"] += row["refunded_sum"] or 0
        sums["written_off"] += row["written_off_sum"] or 0
        sums["open"] += row["open_sum"] or 0
    order_refunds = _of_marketplace(
        Refund.objects.filter(credit=None, created_at__date__gte=start, created_at__date__lte=end),
        actor=actor,
        path="marketplace_id",
    )
    for row in (
        order_refunds.annotate(day=TruncDate("created_at", tzinfo=tz))
        .values("day", "marketplace_id")
        .annotate(total=Sum("amount"))
        .order_by()
    ):
        by_key[(row["day"], row["marketplace_id"])]["order_refunds"] += row["total"] or 0
    names = dict(Marketplace.objects.values_list("pk", "name"))
    rows = [
        BooksRow(
            day=day,
            marketplace_id=marketplace_id,
            marketplace=names.get(marketplace_id, "") if marketplace_id else "",
            received=sums["received"],
            applied=sums["applied"],
            refunded=sums["refunded"],
            written_off=sums["written_off"],
            open=sums["open"],
            order_refunds=sums["order_refunds"],
        )
        for (day, marketplace_id), sums in sorted(
            by_key.items(), key=lambda item: (item[0][0], names.get(item[0][1] or 0, "~"))
        )
    ]
    columns = ("received", "applied", "refunded", "written_off", "open", "order_refunds")
    total = BooksRow(
        day=end,
        marketplace_id=None,
        marketplace="",
        **{name: sum(getattr(row, name) for row in rows) for name in columns},
    )
    if not is_finance(actor):
        return Books(start, end, rows, total, None, None, None, None, None, None)
    entries = LedgerEntry.objects.all()
    return Books(
        start=start,
        end=end,
        rows=rows,
        total=total,
        settled_on_payments=Payment.objects.aggregate(t=Sum("settled"))["t"] or 0,
        applied_from_credits=Credit.objects.aggregate(t=Sum("applied"))["t"] or 0,
        paid_out=Payout.objects.aggregate(t=Sum("amount"))["t"] or 0,
        earned_paid=entries.filter(payout__isnull=False)
        .exclude(kind=LedgerEntry.Kind.PAYOUT)
        .aggregate(t=Sum("amount"))["t"]
        or 0,
        unpaid_balances=entries.filter(payout=None).aggregate(t=Sum("amount"))["t"] or 0,
        held_for_cod=entries.filter(payout=None, held=True).aggregate(t=Sum("amount"))["t"] or 0,
    )


def cod_remittances() -> QuerySet[CodRemittance]:
    """Carriers' COD remittances, newest first, with how many lines matched and how many are
    exceptions still open."""
    return (
        CodRemittance.objects.select_related("carrier", "recorded_by")
        .annotate(
            lines=Count("credits", filter=~Q(credits__problem=Credit.Problem.COD_MISSING)),
            exceptions=Count("credits", filter=Q(credits__status=Credit.Status.OPEN)),
        )
        .order_by("-recorded_at", "-pk")
    )


def credits_of_order(*, order_reference: str) -> list[Credit]:
    """What came in for an order and did not simply pay it (for the buyer's order page)."""
    return list(
        Credit.objects.filter(order_reference=order_reference)
        .exclude(problem="")
        .exclude(source=Credit.Source.COD)
        .order_by("received_at", "pk")
    )


def refunds_of_order(*, order_reference: str) -> list[Refund]:
    """Every refund of an order's payments, oldest first."""
    return list(
        Refund.objects.filter(
            Q(payment__order_reference=order_reference) | Q(credit__order_reference=order_reference)
        )
        .distinct()
        .order_by("created_at", "pk")
    )
