"""Reconciliation: every đồng that comes in is recorded once as a Credit and ends applied to
exactly one payment, or open as an exception with its reason until finance staff resolve it.

- A credit is recorded once by (source, reference): the bank's event id, the wallet's
  transaction, a line of a carrier's COD remittance. A repeat changes nothing.
- Matching locks every attempt of the order (in key order), so two completions racing for the
  same order are applied one after the other: the first pays the order, the second is a late
  success of a superseded attempt and is refunded automatically, never kept.
- Exceptions (overpaid, duplicate, partial, amount mismatch, unknown reference, COD short,
  extra or missing) wait for finance staff, who refund, allocate to an order, combine partials
  or write off with a reason; each resolution records who did it and when.

The books: for every credit, amount = applied + refunded + written off + open; a payment's
`settled` is the sum of what its credits applied. `selectors.books` adds them up per day and
marketplace.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from nongsan.accounts.models import Role, User
from nongsan.core.errors import ApplicationError
from nongsan.payments.models import CodRemittance, Credit, LedgerEntry, Method, Payment, Refund

Problem = Credit.Problem
AUTOMATIC = "Tự động"


def may_reconcile(actor: object) -> bool:
    """Finance staff (or a superuser): cross-marketplace money work."""
    return bool(
        getattr(actor, "is_authenticated", False)
        and getattr(actor, "is_active", False)
        and (getattr(actor, "is_superuser", False) or getattr(actor, "role", "") == Role.FINANCE)
    )


def _require_finance(actor: User) -> None:
    if not may_reconcile(actor):
        raise ApplicationError("Chỉ kế toán nền tảng xử lý tiền về.", code="forbidden")


def credit_record(
    *,
    source: str,
    reference: str,
    amount: int,
    description: str = "",
    order_reference: str = "",
    now: dt.datetime | None = None,
    **fields: object,
) -> tuple[Credit, bool]:
    """Keep an incoming credit once; (credit, False) when it was recorded before."""
    if amount < 0:
        raise ApplicationError("Số tiền không được âm.", field="amount")
    try:
        with transaction.atomic():
            credit = Credit.objects.create(
                source=source,
                reference=reference[:100],
                amount=amount,
                description=description[:300],
                order_reference=order_reference,
                status=Credit.Status.OPEN,
                received_at=now or timezone.now(),
                **fields,
            )
            return credit, True
    except IntegrityError:
        return Credit.objects.get(source=source, reference=reference[:100]), False


def _attempts_locked(order_reference: str) -> list[Payment]:
    """Every attempt of an order, locked in key order (the order every path takes them in)."""
    return list(
        Payment.objects.select_for_update().filter(order_reference=order_reference).order_by("pk")
    )


def _save(credit: Credit) -> Credit:
    credit.save()
    return credit


def _open(credit: Credit, problem: str) -> Credit:
    credit.problem = problem
    credit.status = Credit.Status.OPEN
    return _save(credit)


def _resolve(
    credit: Credit, *, resolution: str, actor: User | None, note: str, now: dt.datetime
) -> None:
    credit.status = Credit.Status.RESOLVED if credit.problem else Credit.Status.APPLIED
    credit.resolution = resolution if credit.problem else ""
    credit.resolution_note = note[:300]
    credit.resolved_by = actor
    credit.resolved_at = now if credit.problem else None


def _apply(credit: Credit, payment: Payment, amount: int, *, now: dt.datetime) -> None:
    """Move `amount` of the credit into the payment; a payment settled in full succeeds and
    its other attempts still waiting are cancelled (a later success of one is a late success)."""
    credit.applied += amount
    payment.settled += amount
    fields = ["settled"]
    if payment.method != Method.COD:
        payment.received_amount = payment.settled
        fields.append("received_amount")
        if payment.settled >= payment.amount and payment.status != Payment.Status.SUCCEEDED:
            payment.status = Payment.Status.SUCCEEDED
            payment.confirmed_at = now
            fields += ["status", "confirmed_at"]
            Payment.objects.filter(
                order_reference=payment.order_reference, status=Payment.Status.PENDING
            ).exclude(pk=payment.pk).update(status=Payment.Status.CANCELLED)
    elif payment.settled >= payment.amount:
        payment.settled_at = now
        fields.append("settled_at")
    payment.save(update_fields=fields)


def _refund(
    credit: Credit, *, amount: int, reason: str, actor: User | None, now: dt.datetime
) -> Refund:
    """Give back `amount` of a credit to whoever sent it: a wallet refunds at once, a bank
    transfer or a carrier's overpayment waits for finance staff to send it."""
    number = credit.refunds.count() + 1
    wallet = credit.source == Credit.Source.EWALLET
    refund = Refund.objects.create(
        credit=credit,
        payment=credit.payment,
        marketplace=credit.marketplace,
        reference=f"TV{credit.pk}-{number}",
        amount=amount,
        reason=reason[:300],
        status=Refund.Status.DONE if wallet else Refund.Status.PENDING,
        done_at=now if wallet else None,
        created_at=now,
    )
    credit.refunded += amount
    return refund


def credit_match(*, credit: Credit, attempt: Payment | None, now: dt.datetime) -> Credit:
    """Apply a bank or wallet credit to the attempt its reference names, or open an exception.

    With the order's attempts locked: money for an order that another attempt already paid is
    refunded at once (a late success of a superseded attempt) or kept open as a duplicate (the
    same attempt paid twice); a superseded attempt that pays an order still unpaid becomes its
    payment; an amount other than what is owed is an exception (partial, overpaid, mismatch).
    """
    if attempt is None:
        return _open(credit, Problem.UNKNOWN_REFERENCE)
    attempts = _attempts_locked(attempt.order_reference)
    attempt = next(p for p in attempts if p.pk == attempt.pk)
    credit.payment = attempt
    credit.order_reference = attempt.order_reference
    credit.marketplace_id = attempt.marketplace_id
    credit.expected = attempt.amount - attempt.settled
    paid_by = next(
        (p for p in attempts if p.method != Method.COD and p.status == Payment.Status.SUCCEEDED),
        None,
    )
    if paid_by is not None and paid_by.pk == attempt.pk:
        credit.expected = None  # the order owes nothing more
        return _open(credit, Problem.DUPLICATE)
    if paid_by is not None:
        credit.problem = Problem.LATE_SUCCESS
        _refund(
            credit,
            amount=credit.amount,
            reason=f"Đơn {attempt.order_reference} đã được thanh toán bằng {paid_by.reference}",
            actor=None,
            now=now,
        )
        _resolve(
            credit,
            resolution=Credit.Resolution.REFUNDED,
            actor=None,
            note=f"{AUTOMATIC}: hoàn vì đơn đã thanh toán bằng {paid_by.reference}",
            now=now,
        )
        return _save(credit)
    owed = attempt.amount - attempt.settled
    if credit.amount != owed:
        if credit.source != Credit.Source.BANK:
            return _open(credit, Problem.AMOUNT_MISMATCH)
        return _open(credit, Problem.OVERPAID if credit.amount > owed else Problem.PARTIAL)
    superseded = attempt.status != Payment.Status.PENDING
    _apply(credit, attempt, credit.amount, now=now)
    if superseded:
        credit.problem = Problem.LATE_SUCCESS
        _resolve(
            credit,
            resolution=Credit.Resolution.ALLOCATED,
            actor=None,
            note=f"{AUTOMATIC}: lần thanh toán {attempt.reference} trở thành thanh toán của đơn",
            now=now,
        )
    else:
        credit.status = Credit.Status.APPLIED
    return _save(credit)


def resolutions_for(credit: Credit) -> list[str]:
    """What finance may do with an open credit: send it back (when money is left), allocate it
    to an order (bank and wallet money), accept it as it came (a COD line of a paid parcel),
    write it off with a reason."""
    if credit.status != Credit.Status.OPEN:
        return []
    cod = credit.source == Credit.Source.COD
    actions = ["refund"] if credit.open_amount > 0 else []
    if not cod:
        actions.append("allocate")
    if cod and credit.payment_id:
        actions.append("accept")
    return [*actions, "write_off"]


def _locked_open(credit: Credit) -> Credit:
    locked = Credit.objects.select_for_update().get(pk=credit.pk)
    # A "missing" COD line is open at 0 đồng received: nothing to move, but still to close.
    if locked.status != Credit.Status.OPEN or (locked.open_amount <= 0 and locked.amount):
        raise ApplicationError("Khoản tiền này đã được xử lý.", field="credit")
    return locked


def _note_required(note: str) -> str:
    note = " ".join(note.split())[:300]
    if len(note) < 5:
        raise ApplicationError("Hãy ghi lý do xử lý (ít nhất 5 ký tự).", field="note")
    return note


@transaction.atomic
def credit_refund(
    *, actor: User, credit: Credit, note: str, now: dt.datetime | None = None
) -> Credit:
    """Finance sends what is open of a credit back to whoever sent it."""
    _require_finance(actor)
    now = now or timezone.now()
    note = _note_required(note)
    credit = _locked_open(credit)
    if credit.open_amount <= 0:
        raise ApplicationError("Không còn tiền để hoàn.", field="credit")
    _refund(credit, amount=credit.open_amount, reason=note, actor=actor, now=now)
    _resolve(credit, resolution=Credit.Resolution.REFUNDED, actor=actor, note=note, now=now)
    return _save(credit)


@transaction.atomic
def credit_write_off(
    *, actor: User, credit: Credit, note: str, now: dt.datetime | None = None
) -> Credit:
    """Finance closes an exception another way, with its reason: money kept as the platform's
    (an unclaimed few đồng), or a COD shortfall or missing parcel charged to the carrier."""
    _require_finance(actor)
    now = now or timezone.now()
    note = _note_required(note)
    credit = _locked_open(credit)
    credit.written_off += credit.open_amount
    _resolve(credit, resolution=Credit.Resolution.WRITTEN_OFF, actor=actor, note=note, now=now)
    _save(credit)
    if credit.sub_order_reference:
        cod_release(sub_order_reference=credit.sub_order_reference)
    return credit


@dataclass(frozen=True)
class Allocation:
    credits: list[Credit]
    payment: Payment
    refunded: int  # what was more than the order owed, sent back


@transaction.atomic
def credits_allocate(
    *,
    actor: User,
    credits: Sequence[Credit],
    order_reference: str,
    note: str = "",
    now: dt.datetime | None = None,
) -> Allocation:
    """Finance puts open credits towards an order's payment: one credit (an unknown reference,
    an overpayment: what is beyond the amount owed goes back to the sender) or several partial
    transfers of the same order combined. The payment succeeds once settled in full."""
    _require_finance(actor)
    now = now or timezone.now()
    if not credits:
        raise ApplicationError("Chọn ít nhất một khoản tiền.", field="credit")
    order_reference = order_reference.strip().upper()
    attempts = _attempts_locked(order_reference)
    if not attempts:
        raise ApplicationError(f"Không có đơn {order_reference}.", field="order_reference")
    if any(p.method != Method.COD and p.status == Payment.Status.SUCCEEDED for p in attempts):
        raise ApplicationError(
            f"Đơn {order_reference} đã được thanh toán; hãy hoàn tiền cho người chuyển.",
            field="order_reference",
        )
    live = [p for p in attempts if p.method != Method.COD]
    if not live:
        raise ApplicationError(
            f"Đơn {order_reference} trả tiền khi nhận hàng, không nhận chuyển khoản.",
            field="order_reference",
        )
    target = next((p for p in reversed(live) if p.status == Payment.Status.PENDING), live[-1])
    locked = [_locked_open(c) for c in sorted(credits, key=lambda c: c.pk)]
    if any(c.source == Credit.Source.COD for c in locked):
        raise ApplicationError("Tiền COD được đối soát theo vận đơn.", field="credit")
    combined = len(locked) > 1
    resolution = Credit.Resolution.COMBINED if combined else Credit.Resolution.ALLOCATED
    note = " ".join(note.split())[:300] or f"Ghi vào đơn {order_reference}"
    refunded = 0
    for credit in locked:
        owed = target.amount - target.settled
        part = min(credit.open_amount, owed)
        if part:
            _apply(credit, target, part, now=now)
        credit.payment = target
        credit.order_reference = order_reference
        credit.marketplace_id = target.marketplace_id
        if credit.open_amount:
            refunded += credit.open_amount
            _refund(
                credit,
                amount=credit.open_amount,
                reason=f"Phần chuyển thừa cho đơn {order_reference}",
                actor=actor,
                now=now,
            )
        _resolve(credit, resolution=resolution, actor=actor, note=note, now=now)
        _save(credit)
    if target.status != Payment.Status.SUCCEEDED and target.status != Payment.Status.PENDING:
        # A superseded attempt settled in part: it waits again for the rest.
        Payment.objects.filter(pk=target.pk).update(status=Payment.Status.PENDING)
        target.status = Payment.Status.PENDING
    return Allocation(credits=locked, payment=target, refunded=refunded)


# --- Cash on delivery ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CodLine:
    """One parcel of a carrier's remittance, as the carrier's system knows it."""

    parcel: str  # S10 tracking number
    amount: int  # what the carrier paid over for it
    expected: int | None  # the cash it was to collect; None: not a parcel of ours with cash
    order_reference: str = ""
    sub_order_reference: str = ""
    marketplace_id: int | None = None
    collected: bool = False  # delivered, the cash taken from the buyer


def _cod_credit(
    line: CodLine,
    *,
    reference: str,
    amount: int,
    description: str,
    remittance_id: int,
    now: dt.datetime,
) -> tuple[Credit, bool]:
    return credit_record(
        source=Credit.Source.COD,
        reference=reference,
        amount=amount,
        description=description,
        order_reference=line.order_reference,
        now=now,
        parcel=line.parcel,
        sub_order_reference=line.sub_order_reference,
        marketplace_id=line.marketplace_id,
        remittance_id=remittance_id,
        expected=line.expected,
    )


def cod_line_record(
    *,
    remittance_id: int,
    remittance_reference: str,
    carrier_code: str,
    line: CodLine,
    now: dt.datetime,
) -> Credit:
    """Record one line of a COD remittance and settle it against the order's COD payment."""
    credit, new = _cod_credit(
        line,
        reference=f"{carrier_code}:{remittance_reference}:{line.parcel}",
        amount=line.amount,
        description=f"Bảng kê {remittance_reference} · vận đơn {line.parcel}",
        remittance_id=remittance_id,
        now=now,
    )
    if not new:
        return credit
    if line.expected is None or not line.collected:
        return _open(credit, Problem.COD_EXTRA)
    attempts = _attempts_locked(line.order_reference)
    payment = next((p for p in attempts if p.method == Method.COD), None)
    if payment is None:
        return _open(credit, Problem.COD_EXTRA)
    credit.payment = payment
    earlier = (
        Credit.objects.filter(source=Credit.Source.COD, parcel=line.parcel)
        .exclude(pk=credit.pk)
        .exclude(problem=Problem.COD_MISSING)
    )
    if earlier.exists():
        return _open(credit, Problem.DUPLICATE)
    if line.amount != line.expected:
        return _open(credit, Problem.COD_SHORT if line.amount < line.expected else Problem.OVERPAID)
    _apply(credit, payment, line.amount, now=now)
    credit.status = Credit.Status.APPLIED
    _save(credit)
    _missing_close(parcel=line.parcel, found=credit, now=now)
    cod_release(sub_order_reference=line.sub_order_reference)
    return credit


def cod_missing_record(
    *, remittance_id: int, carrier_code: str, line: CodLine, now: dt.datetime
) -> Credit:
    """A parcel whose cash was collected but that no remittance lists: an exception of 0 đồng
    received against what is expected, open until the cash comes or finance writes it off."""
    credit, _new = _cod_credit(
        line,
        reference=f"{carrier_code}:missing:{line.parcel}",
        amount=0,
        description=f"Vận đơn {line.parcel} đã thu tiền nhưng chưa có trong bảng kê nào",
        remittance_id=remittance_id,
        now=now,
    )
    if credit.problem != Problem.COD_MISSING and credit.status == Credit.Status.OPEN:
        _open(credit, Problem.COD_MISSING)
    return credit


def _missing_close(*, parcel: str, found: Credit, now: dt.datetime) -> None:
    for missing in Credit.objects.filter(
        source=Credit.Source.COD,
        parcel=parcel,
        problem=Problem.COD_MISSING,
        status=Credit.Status.OPEN,
    ):
        _resolve(
            missing,
            resolution=Credit.Resolution.ALLOCATED,
            actor=None,
            note=f"{AUTOMATIC}: đã nộp trong {found.description}",
            now=now,
        )
        _save(missing)


@transaction.atomic
def cod_accept(*, actor: User, credit: Credit, note: str, now: dt.datetime | None = None) -> Credit:
    """Finance accepts a COD line as it came (a shortfall the carrier will not make up, or cash
    for a parcel paid over twice kept against a later one): what arrived is applied to the
    order's COD payment and the sale may be paid out."""
    _require_finance(actor)
    now = now or timezone.now()
    note = _note_required(note)
    credit = _locked_open(credit)
    if credit.source != Credit.Source.COD or credit.payment_id is None:
        raise ApplicationError("Chỉ nhận được tiền COD của một vận đơn có thu hộ.", field="credit")
    payment = Payment.objects.select_for_update().get(pk=credit.payment_id)
    if credit.open_amount:
        _apply(credit, payment, credit.open_amount, now=now)
    _resolve(credit, resolution=Credit.Resolution.ALLOCATED, actor=actor, note=note, now=now)
    _save(credit)
    cod_release(sub_order_reference=credit.sub_order_reference)
    return credit


def cod_settled(*, sub_order_reference: str) -> bool:
    """Whether a COD sub-order's cash is settled: applied from a remittance, or its exception
    closed by finance."""
    return Credit.objects.filter(
        Q(status=Credit.Status.APPLIED) | Q(status=Credit.Status.RESOLVED),
        source=Credit.Source.COD,
        sub_order_reference=sub_order_reference,
    ).exists()


def cod_release(*, sub_order_reference: str) -> int:
    """The cash of a COD sub-order is settled: its households' held sale entries may be paid."""
    if not sub_order_reference:
        return 0
    return LedgerEntry.objects.filter(reference=sub_order_reference, held=True).update(held=False)


@transaction.atomic
def cod_remittance_record(
    *,
    actor: User | None,
    carrier_id: int,
    carrier_code: str,
    reference: str,
    collected_until: dt.datetime,
    lines: Sequence[CodLine],
    missing: Sequence[CodLine],
    now: dt.datetime | None = None,
) -> tuple[CodRemittance, bool]:
    """Record a carrier's COD remittance once (carrier, reference): each line settles its
    parcel's cash or becomes an exception (short, extra, paid twice), and each parcel collected
    by `collected_until` that no remittance lists becomes a "collected, not remitted" exception.
    (remittance, False) when this remittance was recorded before: nothing changes.
    `actor`: finance staff typing the carrier's statement, or None when the carrier's system
    sent it signed with its key (checked by the caller)."""
    if actor is not None:
        _require_finance(actor)
    now = now or timezone.now()
    reference = " ".join(reference.split())[:60]
    if not reference:
        raise ApplicationError("Hãy nhập số bảng kê của đơn vị vận chuyển.", field="reference")
    if not lines:
        raise ApplicationError("Bảng kê cần ít nhất một vận đơn.", field="lines")
    parcels = [line.parcel for line in lines]
    if len(parcels) != len(set(parcels)):
        twice = sorted({p for p in parcels if parcels.count(p) > 1})
        raise ApplicationError(
            f"Vận đơn {', '.join(twice)} có hai dòng trong bảng kê; hãy gộp lại.", field="lines"
        )
    existing = CodRemittance.objects.filter(carrier_id=carrier_id, reference=reference).first()
    if existing is not None:
        return existing, False
    remittance = CodRemittance.objects.create(
        carrier_id=carrier_id,
        reference=reference,
        collected_until=collected_until,
        total=sum(line.amount for line in lines),
        recorded_by=actor,
        recorded_at=now,
    )
    for line in lines:
        cod_line_record(
            remittance_id=remittance.pk,
            remittance_reference=reference,
            carrier_code=carrier_code,
            line=line,
            now=now,
        )
    for line in missing:
        cod_missing_record(
            remittance_id=remittance.pk, carrier_code=carrier_code, line=line, now=now
        )
    return remittance, True
