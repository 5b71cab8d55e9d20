"""Every write about money: payment attempts, bank and wallet notifications, refunds, households'
payment accounts, the ledger of their balances, and payout batches.

Notifications are verified (signature) before anything else, recorded once by (source, event id)
so that a repeat changes nothing, and matched to a payment by our reference; money that arrives
in another amount than asked is flagged for staff, never accepted.
"""

import datetime as dt
import hashlib
import hmac
import json
import re
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone

from nongsan.accounts.models import Role, User
from nongsan.core import sql
from nongsan.core.errors import ApplicationError
from nongsan.core.text import fold
from nongsan.core.validators import mask_cccd, parse_cccd
from nongsan.households import selectors as households_selectors
from nongsan.households import services as households_services
from nongsan.households.models import Household, Milestone
from nongsan.orgs.models import Marketplace, PostOffice
from nongsan.payments import providers, reconciliation, selectors, vietqr
from nongsan.payments.models import (
    CashHandover,
    Credit,
    LedgerEntry,
    Method,
    Notification,
    Payment,
    PaymentAccount,
    Payout,
    PayoutBatch,
    PostOfficeStaff,
    Refund,
)

BANK_SOURCE = "bank"
PROVIDER_OF_METHOD: dict[str, str] = {Method.COD: "cod", Method.VIETQR: "vietqr"}
_ORDER_REFERENCE = re.compile(r"NS[A-Z2-9]{8}")


def ewallet() -> providers.EwalletProvider:
    config = settings.PAYMENTS
    return providers.get_provider(
        config["EWALLET_PROVIDER"], secret=config["EWALLET_SECRET"], base_url=config["SITE_URL"]
    )


def sandbox_wallet() -> providers.SandboxProvider:
    """The sandbox wallet itself, for its pay page (which plays the provider's part)."""
    wallet = ewallet()
    if not isinstance(wallet, providers.SandboxProvider):
        raise ApplicationError("Ví thử nghiệm không được bật.", code="not_found")
    return wallet


# --- Payment attempts ---------------------------------------------------------------------------


# Paying is on every buyer's path: its reads and writes are written by hand (see core.sql).
_ATTEMPTS_CANCEL_SQL = (
    f"UPDATE {Payment._meta.db_table} SET status = %s WHERE order_reference = %s AND status = %s"
)
_ATTEMPTS_COUNT_SQL = f"SELECT COUNT(*) FROM {Payment._meta.db_table} WHERE order_reference = %s"


def payment_start(
    *,
    order_reference: str,
    payer: User,
    method: str,
    amount: int,
    return_url: str = "",
    idempotency_key: str | None = None,
    first: bool = False,
    marketplace_id: int | None = None,
    now: dt.datetime | None = None,
) -> Payment:
    """A new attempt to pay an order; earlier attempts still waiting are cancelled. The attempt
    keeps `idempotency_key`: a caller that takes one looks it up first (with the order locked,
    `selectors.payment_with_key`) and returns the attempt found instead of calling this.
    `first`: the order was just placed, there is no earlier attempt to look for.
    `marketplace_id`: the marketplace of the whole order (None when it spans several)."""
    if method not in Method.values:
        raise ApplicationError("Cách thanh toán không hợp lệ.", field="payment_method")
    if amount <= 0:
        raise ApplicationError("Số tiền phải lớn hơn 0.", field="amount")
    now = now or timezone.now()
    number = 1
    if not first:
        sql.execute(
            _ATTEMPTS_CANCEL_SQL,
            [Payment.Status.CANCELLED, order_reference, Payment.Status.PENDING],
        )
        [(earlier,)] = sql.rows(_ATTEMPTS_COUNT_SQL, [order_reference])
        number = earlier + 1
    payment = Payment(
        reference=f"{order_reference}P{number}",
        order_reference=order_reference,
        payer=payer,
        method=method,
        amount=amount,
        created_at=now,
        idempotency_key=idempotency_key or None,
        provider=PROVIDER_OF_METHOD.get(method, ""),
        marketplace_id=marketplace_id,
    )
    if method == Method.EWALLET:
        wallet = ewallet()
        site = settings.PAYMENTS["SITE_URL"].rstrip("/")
        created = wallet.create(
            reference=payment.reference,
            amount=amount,
            description=f"Thanh toan don {order_reference}",
            return_url=return_url or f"{site}/thanh-toan/vi/tro-ve/",
            notify_url=f"{site}/api/payments/webhooks/ewallet/{wallet.code}",
        )
        payment.provider = wallet.code
        payment.provider_ref = created.provider_ref
        payment.redirect_url = created.redirect_url
    sql.insert([payment])
    return payment


def vietqr_for(*, payment: Payment) -> str:
    """The VietQR payload for a bank-transfer attempt: the platform's account, the exact amount,
    and the order number as the transfer message (how the bank notification finds the order)."""
    config = settings.PAYMENTS
    return vietqr.vietqr_payload(
        bank_bin=config["BANK_BIN"],
        account_number=config["BANK_ACCOUNT"],
        amount=payment.amount,
        message=payment.order_reference,
    )


def _record(*, source: str, event_id: str, payload: Mapping[str, Any]) -> tuple[Notification, bool]:
    """Keep a notification once; (notification, False) when this event was seen before."""
    try:
        with transaction.atomic():
            return (
                Notification.objects.create(
                    source=source,
                    event_id=event_id,
                    payload=dict(payload),
                    outcome=Notification.Outcome.UNMATCHED,
                ),
                True,
            )
    except IntegrityError:
        return Notification.objects.get(source=source, event_id=event_id), False


def bank_signature(body: bytes) -> str:
    """What the bank's notification service puts in X-Signature: hex HMAC-SHA256 of the body."""
    secret = settings.PAYMENTS["BANK_WEBHOOK_SECRET"].encode()
    return hmac.new(secret, body, hashlib.sha256).hexdigest()


@transaction.atomic
def bank_notification_receive(
    *, body: bytes, signature: str, now: dt.datetime | None = None
) -> Notification:
    """A credit to the platform's account, as the bank notifies it (JSON: id, amount,
    description, account). The order number in the description finds the payment."""
    if not signature or not hmac.compare_digest(bank_signature(body), signature):
        raise providers.SignatureError("Chữ ký thông báo ngân hàng không hợp lệ.")
    try:
        data = json.loads(body)
        event_id = str(data["id"])
        amount = int(data["amount"])
        description = str(data.get("description", ""))
    except (ValueError, KeyError, TypeError) as error:
        raise ApplicationError(f"Thông báo ngân hàng thiếu hoặc sai trường: {error}.") from error
    if amount <= 0:
        raise ApplicationError("Thông báo ngân hàng có số tiền không hợp lệ.", field="amount")
    notification, new = _record(source=BANK_SOURCE, event_id=event_id, payload=data)
    if not new:
        return notification
    now = now or timezone.now()
    match = _ORDER_REFERENCE.search(description.upper().replace(" ", ""))
    # The latest bank-transfer attempt of the order, whatever its state: money for an attempt
    # that another one replaced is a late success (reconciliation decides what to do with it).
    payment = (
        Payment.objects.filter(order_reference=match.group(0), method=Method.VIETQR)
        .order_by("-pk")
        .first()
        if match
        else None
    )
    credit, _new = reconciliation.credit_record(
        source=Credit.Source.BANK,
        reference=event_id,
        amount=amount,
        description=description,
        order_reference=match.group(0) if match else "",
        now=now,
    )
    credit = reconciliation.credit_match(credit=credit, attempt=payment, now=now)
    notification.payment = credit.payment
    notification.outcome = _outcome(credit)
    notification.save(update_fields=["payment", "outcome"])
    return notification


def _outcome(credit: Credit) -> str:
    """How a notification reads once its credit is matched."""
    if credit.status == Credit.Status.APPLIED or (
        credit.problem == Credit.Problem.LATE_SUCCESS
        and credit.resolution == Credit.Resolution.ALLOCATED
    ):
        return Notification.Outcome.ACCEPTED
    if credit.payment_id is None:
        return Notification.Outcome.UNMATCHED
    return Notification.Outcome.FLAGGED


@transaction.atomic
def ewallet_notification_receive(
    *, provider_code: str, body: bytes, headers: Mapping[str, str], now: dt.datetime | None = None
) -> Notification:
    """An e-wallet's signed notification (IPN): verified, recorded once, applied once."""
    wallet = ewallet()
    if wallet.code != provider_code:
        raise ApplicationError("Nhà cung cấp ví không được hỗ trợ.", code="not_found")
    result = wallet.parse_webhook(body, headers)  # raises SignatureError
    return _apply_result(result, source=wallet.code, now=now)


@transaction.atomic
def ewallet_return_receive(*, params: Mapping[str, str], now: dt.datetime | None = None) -> Payment:
    """The buyer's browser comes back from the wallet with signed parameters."""
    result = ewallet().verify_return(params)
    notification = _apply_result(result, source=f"{ewallet().code}-return", now=now)
    payment = notification.payment or Payment.objects.filter(reference=result.reference).first()
    if payment is None:
        raise ApplicationError("Không tìm thấy thanh toán.", code="not_found")
    payment.refresh_from_db()
    return payment


def _apply_result(
    result: providers.ProviderResult, *, source: str, now: dt.datetime | None
) -> Notification:
    notification, new = _record(source=source, event_id=result.event_id, payload=result.raw)
    if not new:
        return notification
    payment = Payment.objects.filter(
        reference=result.reference, method=Method.EWALLET, provider_ref=result.provider_ref
    ).first()
    now = now or timezone.now()
    if result.status == "succeeded":
        # One credit per wallet transaction: its notification and the buyer's return both
        # report it, and only the first one records it.
        credit, new = reconciliation.credit_record(
            source=Credit.Source.EWALLET,
            reference=f"{ewallet().code}:{result.provider_ref or result.event_id}",
            amount=result.amount,
            description=f"{result.reference} {result.provider_ref}".strip(),
            order_reference=payment.order_reference if payment else "",
            now=now,
        )
        if new:
            credit = reconciliation.credit_match(credit=credit, attempt=payment, now=now)
            notification.outcome = _outcome(credit)
        else:
            notification.outcome = Notification.Outcome.IGNORED
        notification.payment = credit.payment
    elif payment is not None:
        notification.payment = payment
        Payment.objects.filter(pk=payment.pk, status=Payment.Status.PENDING).update(
            status=Payment.Status.FAILED
        )
        notification.outcome = Notification.Outcome.FAILED
    notification.save(update_fields=["payment", "outcome"])
    return notification


def is_paid(*, order_reference: str, amount: int) -> bool:
    received = (
        Payment.objects.filter(order_reference=order_reference, status=Payment.Status.SUCCEEDED)
        .exclude(method=Method.COD)
        .aggregate(total=Sum("settled"))["total"]
    )
    return (received or 0) >= amount


def cod_collected(*, order_reference: str, amount: int, now: dt.datetime | None = None) -> None:
    """The carrier collected a parcel's cash on delivery (one sub-order of the order)."""
    payment = (
        Payment.objects.select_for_update()
        .filter(order_reference=order_reference, method=Method.COD)
        .exclude(status=Payment.Status.CANCELLED)
        .first()
    )
    if payment is None:
        return
    received = (payment.received_amount or 0) + amount
    payment.received_amount = received
    fields = ["received_amount"]
    if received >= payment.amount:
        payment.status = Payment.Status.SUCCEEDED
        payment.confirmed_at = now or timezone.now()
        fields += ["status", "confirmed_at"]
    payment.save(update_fields=fields)


def refund_issue(
    *,
    order_reference: str,
    reference: str,
    amount: int,
    reason: str,
    compensation: bool = False,
    marketplace_id: int | None = None,
) -> Refund:
    """Give money back to the buyer of a paid order, once per reference. A wallet payment is
    refunded through the wallet at once; a bank transfer or cash on delivery waits for staff to
    send it. `compensation` (a claim's promise, possibly a multiple of the price) may exceed
    what was paid."""
    existing = Refund.objects.filter(reference=reference).first()
    if existing is not None:
        return existing
    payments = Payment.objects.filter(
        order_reference=order_reference, status=Payment.Status.SUCCEEDED
    ).order_by("-pk")
    payment = payments.exclude(method=Method.COD).first()
    if payment is None and compensation:
        # Cash collected for this parcel (the order's COD may not be complete yet).
        payment = (
            Payment.objects.filter(order_reference=order_reference, received_amount__gt=0)
            .exclude(status=Payment.Status.CANCELLED)
            .order_by("-pk")
            .first()
        )
    if payment is None:
        raise ApplicationError("Đơn chưa được thanh toán, không có gì để hoàn.", field="amount")
    refunded = payment.refunds.filter(credit=None).aggregate(total=Sum("amount"))["total"] or 0
    if amount <= 0 or (not compensation and refunded + amount > (payment.received_amount or 0)):
        raise ApplicationError("Số tiền hoàn vượt quá số đã thanh toán.", field="amount")
    wallet = payment.method == Method.EWALLET
    return Refund.objects.create(
        payment=payment,
        marketplace_id=marketplace_id,
        reference=reference,
        amount=amount,
        reason=reason[:300],
        status=Refund.Status.DONE if wallet else Refund.Status.PENDING,
        done_at=timezone.now() if wallet else None,
    )


def claim_recover(*, household_id: int, reference: str, amount: int) -> LedgerEntry | None:
    """Take a claim's cost from the household that was at fault (once per claim)."""
    if amount <= 0:
        return None
    entry, _created = LedgerEntry.objects.get_or_create(
        household_id=household_id,
        kind=LedgerEntry.Kind.CLAIM,
        reference=reference,
        defaults={"amount": -amount},
    )
    return entry


def refund_mark_done(*, actor: User, refund: Refund) -> Refund:
    """Money staff confirm they sent a refund: finance for any, a marketplace's operator for
    its own marketplace's orders. Who confirmed it is kept."""
    if not selectors.may_act_on_refund(actor=actor, refund=refund):
        raise ApplicationError("Bạn không xác nhận được khoản hoàn tiền này.", code="forbidden")
    Refund.objects.filter(pk=refund.pk, status=Refund.Status.PENDING).update(
        status=Refund.Status.DONE, done_at=timezone.now(), done_by=actor
    )
    refund.refresh_from_db()
    return refund


# --- Households' payment accounts ---------------------------------------------------------------


def _names_match(holder: str, head: str) -> bool:
    """Banks print the holder in capitals without marks: "NGUYEN THI MAI" is Nguyễn Thị Mai."""
    return fold(holder).split() == fold(head).split()


@transaction.atomic
def payment_account_link(
    *,
    actor: User,
    household: Household,
    kind: str,
    provider: str = "",
    number: str = "",
    holder_name: str = "",
    post_office: PostOffice | None = None,
) -> PaymentAccount:
    """Link where a household receives its money (replacing the one before) and record the
    household's e-payment account milestone. The holder must be the head of household; cash is
    collected at a post office (by default the one in the household's commune)."""
    if not (household.user_id == actor.pk or _serves(actor=actor, household=household)):
        raise ApplicationError("Bạn không có quyền với hộ này.", code="forbidden")
    if kind not in PaymentAccount.Kind.values:
        raise ApplicationError("Chọn loại tài khoản nhận tiền.", field="kind")
    number = re.sub(r"[\s.-]", "", number)
    holder_name = " ".join(holder_name.split())
    if kind == PaymentAccount.Kind.BANK:
        if provider not in vietqr.BANKS:
            raise ApplicationError("Chọn ngân hàng trong danh sách.", field="provider")
        if not re.fullmatch(r"[0-9]{6,19}", number):
            raise ApplicationError("Số tài khoản gồm 6 đến 19 chữ số.", field="number")
    elif kind == PaymentAccount.Kind.EWALLET:
        if provider not in EWALLETS:
            raise ApplicationError("Chọn ví điện tử trong danh sách.", field="provider")
        if not re.fullmatch(r"0[0-9]{9}", number):
            raise ApplicationError("Số ví là số điện thoại 10 chữ số.", field="number")
    else:
        provider, number, holder_name = "", "", household.head_name
        # None: the post office of the household's commune, whenever it opens one.
        post_office = post_office or selectors.post_office_near(household=household)
        if post_office is not None and not post_office.is_active:
            raise ApplicationError("Bưu điện này đã ngừng hoạt động.", field="post_office")
    if not _names_match(holder_name, household.head_name):
        raise ApplicationError(
            f"Tên chủ tài khoản phải là chủ hộ ({household.head_name}).", field="holder_name"
        )
    PaymentAccount.objects.filter(household=household, is_active=True).update(is_active=False)
    account = PaymentAccount.objects.create(
        household=household,
        kind=kind,
        provider=provider,
        number=number,
        holder_name=holder_name.upper() if kind != PaymentAccount.Kind.POST_OFFICE else "",
        post_office=post_office if kind == PaymentAccount.Kind.POST_OFFICE else None,
        created_by=actor,
    )
    if kind != PaymentAccount.Kind.POST_OFFICE:
        households_services.milestone_record(
            household=household, kind=Milestone.Kind.PAYMENT_ACCOUNT, source="payment_account"
        )
    return account


EWALLETS = {"momo": "MoMo", "zalopay": "ZaloPay", "vnpay": "VNPay", "viettelmoney": "Viettel Money"}


def _serves(*, actor: User, household: Household) -> bool:
    return households_selectors.can_see_identity(actor=actor, household=household)


# --- The ledger and payouts ---------------------------------------------------------------------


def _percent_of(amount: int, percent: Decimal) -> int:
    return int((Decimal(amount) * percent / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def sale_credit(
    *,
    household_id: int,
    marketplace: Marketplace,
    reference: str,
    gross: int,
    commission_percent: Decimal,
    cooperative_percent: Decimal = Decimal(0),
    cash_on_delivery: bool = False,
) -> list[LedgerEntry]:
    """Credit a household for a completed sale: + goods, - the marketplace's commission, - the
    cooperative's share of what remains. Once per (household, sub-order). A sale paid in cash
    on delivery is held until the carrier's remittance of its cash is settled."""
    held = cash_on_delivery and not reconciliation.cod_settled(sub_order_reference=reference)
    commission = _percent_of(gross, commission_percent)
    share = _percent_of(gross - commission, cooperative_percent)
    rows = [(LedgerEntry.Kind.SALE, gross), (LedgerEntry.Kind.COMMISSION, -commission)]
    if share:
        rows.append((LedgerEntry.Kind.COOPERATIVE_SHARE, -share))
    return LedgerEntry.objects.bulk_create(
        [
            LedgerEntry(
                household_id=household_id,
                marketplace=marketplace,
                kind=kind,
                reference=reference,
                amount=amount,
                held=held,
            )
            for kind, amount in rows
        ],
        ignore_conflicts=True,
    )


@transaction.atomic
def payout_batch_run(
    *, actor: User, minimum: int = 10_000, now: dt.datetime | None = None
) -> PayoutBatch:
    """Pay every household whose unpaid balance reaches `minimum` into its active account
    (finance staff: a batch spans every marketplace). Sales held for COD settlement wait."""
    if not reconciliation.may_reconcile(actor):
        raise ApplicationError("Chỉ kế toán nền tảng chạy chi trả.", code="forbidden")
    now = now or timezone.now()
    batch = PayoutBatch.objects.create(created_by=actor, created_at=now)
    balances = (
        LedgerEntry.objects.filter(payout=None, held=False)
        .values("household_id")
        .annotate(balance=Sum("amount"))
        .filter(balance__gte=minimum)
        .order_by("household_id")
    )
    accounts = {
        a.household_id: a
        for a in PaymentAccount.objects.filter(
            is_active=True, household_id__in=[b["household_id"] for b in balances]
        )
    }
    total = count = 0
    for row in balances:
        account = accounts.get(row["household_id"])
        if account is None:
            continue  # no account yet: the balance waits for the next batch
        payout = Payout.objects.create(
            batch=batch,
            household_id=row["household_id"],
            account=account,
            amount=row["balance"],
            created_at=now,
        )
        LedgerEntry.objects.filter(
            household_id=row["household_id"], payout=None, held=False
        ).filter(Q(created_at__lte=now) | Q(created_at__isnull=True)).update(payout=payout)
        LedgerEntry.objects.create(
            household_id=row["household_id"],
            kind=LedgerEntry.Kind.PAYOUT,
            reference=f"payout-{payout.pk}",
            amount=-row["balance"],
            payout=payout,
            created_at=now,
        )
        total += row["balance"]
        count += 1
    PayoutBatch.objects.filter(pk=batch.pk).update(total=F("total") + total, payout_count=count)
    batch.refresh_from_db()
    return batch


# --- Cash at the commune post office ------------------------------------------------------------


@transaction.atomic
def post_office_staff_assign(
    *, actor: User, user: User, post_office: PostOffice
) -> PostOfficeStaff:
    """Make a field agent a clerk of a post office; the post office's commune joins the communes
    the agent serves (registration and training there)."""
    if not (actor.is_superuser or actor.role == Role.MINISTRY_OFFICIAL) and not (
        actor.role == Role.PROVINCE_OFFICIAL
        and actor.province_id == post_office.commune.province_id
    ):
        raise ApplicationError("Bạn không có quyền phân công nhân viên bưu điện.", code="forbidden")
    if user.role != Role.FIELD_AGENT:
        raise ApplicationError(
            "Nhân viên bưu điện xã phải có vai trò cán bộ hỗ trợ cơ sở.", field="user"
        )
    staff, _created = PostOfficeStaff.objects.update_or_create(
        user=user, defaults={"post_office": post_office}
    )
    if user.province_id is None or user.province_id == post_office.commune.province_id:
        user.communes.add(post_office.commune)
    return staff


def _receipt_number(*, post_office: PostOffice, payout: Payout) -> str:
    return f"BN-{post_office.code}-{payout.pk:08d}"


@transaction.atomic
def cash_handover_record(
    *, clerk: User, payout: Payout, cccd: object, now: dt.datetime | None = None
) -> CashHandover:
    """The clerk hands a payout over in cash, after checking the CCCD the recipient shows
    against the head of household's. Recording it again returns the first record."""
    post_office = selectors.clerk_post_office(actor=clerk)
    locked = (
        Payout.objects.select_for_update(of=("self",))
        .select_related("account", "household")
        .get(pk=payout.pk)
    )
    account = locked.account
    if (
        post_office is None
        or account is None
        or account.kind != PaymentAccount.Kind.POST_OFFICE
        or not selectors.collects_at(
            account=account, household=locked.household, post_office=post_office
        )
    ):
        raise ApplicationError(
            "Khoản chi này không nhận tiền mặt tại bưu điện của bạn.", code="forbidden"
        )
    done = CashHandover.objects.filter(payout=locked).first()
    if done is not None:
        return done
    presented = parse_cccd(cccd, field="cccd").number
    if not hmac.compare_digest(presented, locked.household.head_cccd):
        raise ApplicationError(
            "Số CCCD không khớp với chủ hộ. Chỉ chi tiền cho chủ hộ có CCCD đúng với hồ sơ.",
            field="cccd",
        )
    return CashHandover.objects.create(
        payout=locked,
        post_office=post_office,
        clerk=clerk,
        receipt_number=_receipt_number(post_office=post_office, payout=locked),
        recipient_name=locked.household.head_name,
        cccd_masked=mask_cccd(presented),
        amount=locked.amount,
        handed_at=now or timezone.now(),
    )
