"""The platform's money back office, across the apps it touches: resolving the exceptions of
incoming money (an allocation can pay an order), and carriers' COD remittances (their parcels
are shipping's, their cash is payments'). Each app's tables are written by its own services."""

import datetime as dt
import hmac
import json
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from nongsan.accounts.models import User
from nongsan.core.errors import ApplicationError
from nongsan.orders import services as orders_services
from nongsan.orgs.models import Carrier
from nongsan.payments import reconciliation
from nongsan.payments import selectors as payments_selectors
from nongsan.payments.models import CodRemittance, Credit
from nongsan.shipping import selectors as shipping_selectors
from nongsan.shipping import services as shipping_services
from nongsan.shipping.models import Shipment

MAX_REMITTANCE_LINES = 5000


@transaction.atomic
def exception_resolve(
    *,
    actor: User,
    credit: Credit,
    action: str,
    note: str = "",
    order_reference: str = "",
) -> Credit:
    """Resolve one exception: refund it to the sender, allocate it to an order, accept a COD
    line as it came, or write it off with a reason."""
    if action == "refund":
        return reconciliation.credit_refund(actor=actor, credit=credit, note=note)
    if action == "write_off":
        return reconciliation.credit_write_off(actor=actor, credit=credit, note=note)
    if action == "accept":
        return reconciliation.cod_accept(actor=actor, credit=credit, note=note)
    if action == "allocate":
        allocation = reconciliation.credits_allocate(
            actor=actor, credits=[credit], order_reference=order_reference, note=note
        )
        orders_services.order_payment_sync(order_reference=allocation.payment.order_reference)
        return allocation.credits[0]
    raise ApplicationError("Chọn cách xử lý.", field="action")


@transaction.atomic
def exceptions_combine(
    *, actor: User, credits: Sequence[Credit], order_reference: str, note: str = ""
) -> reconciliation.Allocation:
    """Several partial transfers of one order, put together towards its payment."""
    if len(credits) < 2:
        raise ApplicationError("Chọn ít nhất hai lần chuyển để gộp.", field="credits")
    allocation = reconciliation.credits_allocate(
        actor=actor, credits=credits, order_reference=order_reference, note=note
    )
    orders_services.order_payment_sync(order_reference=allocation.payment.order_reference)
    return allocation


def _line(shipment: Shipment | None, *, parcel: str, amount: int) -> reconciliation.CodLine:
    if shipment is None or shipment.cod_amount <= 0:
        return reconciliation.CodLine(parcel=parcel, amount=amount, expected=None)
    sub = shipment.sub_order
    return reconciliation.CodLine(
        parcel=parcel,
        amount=amount,
        expected=shipment.cod_amount,
        order_reference=sub.order.number,
        sub_order_reference=sub.number,
        marketplace_id=sub.marketplace_id,
        collected=shipment.status == Shipment.Status.DELIVERED,
    )


def cod_remittance_record(
    *,
    actor: User | None,
    carrier: Carrier,
    reference: str,
    collected_until: dt.datetime,
    lines: Sequence[tuple[str, int]],
    now: dt.datetime | None = None,
) -> tuple[CodRemittance, bool]:
    """A carrier's remittance of the cash it collected: (tracking number, amount) lines. Each
    parcel's cash settles its sale (which may then be paid out); a difference is an exception:
    short, extra (not a parcel of ours with cash, or not delivered), paid twice, or a parcel
    delivered by `collected_until` that no remittance lists. `actor`: the finance staff who
    typed it, or None for the carrier's own signed statement (cod_remittance_receive)."""
    parcels = [parcel.strip().upper() for parcel, _amount in lines]
    known = shipping_selectors.cod_parcels(carrier=carrier, tracking_numbers=parcels)
    cod_lines = [
        _line(known.get(parcel), parcel=parcel, amount=amount)
        for parcel, (_raw, amount) in zip(parcels, lines, strict=True)
    ]
    collected = list(shipping_selectors.cod_collected_by(carrier=carrier, until=collected_until))
    listed = set(parcels) | payments_selectors.parcels_credited(
        parcels=[s.tracking_number for s in collected]
    )
    missing = [
        _line(s, parcel=s.tracking_number, amount=0)
        for s in collected
        if s.tracking_number not in listed
    ]
    return reconciliation.cod_remittance_record(
        actor=actor,
        carrier_id=carrier.pk,
        carrier_code=carrier.code,
        reference=reference,
        collected_until=collected_until,
        lines=cod_lines,
        missing=missing,
        now=now,
    )


def cod_remittance_receive(
    *, carrier: Carrier, body: bytes, signature: str, now: dt.datetime | None = None
) -> tuple[CodRemittance, bool]:
    """A remittance sent by the carrier's own system, signed with its key (JSON: {"reference",
    "collected_until" (ISO 8601 with its zone), "lines": [{"tracking_number", "amount"}]}).
    Recorded as finance records a typed one; the same reference again changes nothing."""
    if not signature or not hmac.compare_digest(
        shipping_services.carrier_signature(carrier, body), signature
    ):
        raise ApplicationError("Chữ ký không hợp lệ.", code="bad_signature")
    try:
        data = json.loads(body)
        reference = str(data["reference"])
        until = parse_datetime(str(data["collected_until"]))
        items = data["lines"]
        assert isinstance(items, list)
    except (ValueError, KeyError, TypeError, AssertionError) as error:
        raise ApplicationError(
            'Bảng kê phải là {"reference", "collected_until", "lines": [...]}.'
        ) from error
    if until is None or timezone.is_naive(until):
        raise ApplicationError(
            "collected_until phải là thời điểm có múi giờ (ISO 8601).", field="collected_until"
        )
    if len(items) > MAX_REMITTANCE_LINES:
        raise ApplicationError(f"Mỗi bảng kê tối đa {MAX_REMITTANCE_LINES} vận đơn.", field="lines")
    lines = []
    for index, item in enumerate(items, start=1):
        try:
            parcel = str(item["tracking_number"]).strip().upper()
            amount = item["amount"]
        except (KeyError, TypeError) as error:
            raise ApplicationError(f"Dòng {index} thiếu trường {error}.", field="lines") from error
        if not isinstance(amount, int) or isinstance(amount, bool) or not 0 <= amount <= 10**10:
            raise ApplicationError(f"Dòng {index}: số tiền không hợp lệ.", field="lines")
        lines.append((parcel[:13], amount))
    return cod_remittance_record(
        actor=None,
        carrier=carrier,
        reference=reference,
        collected_until=until,
        lines=lines,
        now=now,
    )
