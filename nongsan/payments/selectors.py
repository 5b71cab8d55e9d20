"""Every read about money: payments of an order, a household's balance and statement."""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet, Sum
from django.http import Http404

from nongsan.accounts.models import Role
from nongsan.core import sql
from nongsan.core.text import fold
from nongsan.households import selectors as households_selectors
from nongsan.households.models import Household
from nongsan.orgs.models import PostOffice
from nongsan.payments import vietqr
from nongsan.payments.models import (
    CashHandover,
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


def unpaid_total() -> int:
    return LedgerEntry.objects.filter(payout=None).aggregate(t=Sum("amount"))["t"] or 0


def active_account(*, household: Household) -> PaymentAccount | None:
    return PaymentAccount.objects.filter(household=household, is_active=True).first()


@dataclass(frozen=True)
class Balance:
    unpaid: int  # credited, not yet paid out
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
    return Balance(
        unpaid=unpaid,
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


def is_staff_for_money(*, actor: Any) -> bool:
    return bool(
        getattr(actor, "is_authenticated", False)
        and (actor.is_superuser or actor.role == Role.MARKETPLACE_OPERATOR)
    )


def flagged_payments() -> QuerySet[Payment]:
    return Payment.objects.filter(status=Payment.Status.FLAGGED).order_by("-created_at")


def pending_refunds() -> QuerySet[Refund]:
    return Refund.objects.filter(status=Refund.Status.PENDING).select_related("payment")


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
    """A payout its household (or the agent serving it) or money staff may read."""
    payout = (
        Payout.objects.select_related("household__commune__province", "account", "batch")
        .filter(pk=payout_id)
        .first()
    )
    if payout is None:
        raise Http404("Không tìm thấy khoản chi trả.")
    if is_staff_for_money(actor=actor):
        return payout
    if not households_selectors.can_see_identity(actor=actor, household=payout.household):
        raise Http404("Không tìm thấy khoản chi trả.")
    return payout


def payout_entries(*, payout: Payout) -> QuerySet[LedgerEntry]:
    return payout.entries.select_related("marketplace").order_by("created_at", "pk")


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
        is_staff_for_money(actor=actor)
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
