"""Cash on delivery settled with the carrier: a remittance's lines settle parcels, differences
become exceptions, and a seller is paid for a COD sale only once its cash is settled."""

import datetime as dt

import pytest
from django.utils import timezone

from nongsan.core.errors import ApplicationError
from nongsan.finance import services
from nongsan.finance.tests import money
from nongsan.orders import services as orders_services
from nongsan.orders.models import SubOrder
from nongsan.payments import selectors as payments_selectors
from nongsan.payments import services as payments_services
from nongsan.payments.models import Credit, LedgerEntry, PaymentAccount
from nongsan.shipping import services as shipping_services
from nongsan.shipping.models import Shipment
from nongsan.shipping.tests import factories as shipping_factories

pytestmark = pytest.mark.django_db
Problem = Credit.Problem


def _delivered(carrier, *, completed: bool = True) -> Shipment:
    """A COD parcel picked up and delivered by `carrier` (its cash collected), then completed
    by the buyer."""
    sub = shipping_factories.confirmed_sub_order()
    shipment = shipping_factories.shipment(sub, by=carrier)
    at = timezone.now() - dt.timedelta(hours=6)
    for offset, kind in ((0, Shipment.Status.PICKED_UP), (3, Shipment.Status.DELIVERED)):
        shipping_services.event_record(
            shipment=shipment,
            kind=kind,
            at=at + dt.timedelta(hours=offset),
            source="webhook",
            now=at + dt.timedelta(hours=offset),
        )
    if completed:
        sub.refresh_from_db()
        orders_services.sub_order_transition(
            actor=sub.order.buyer, sub_order=sub, to=SubOrder.Status.COMPLETED
        )
    shipment.refresh_from_db()
    return shipment


def _remit(staff, carrier, lines, reference="BK-01"):
    return services.cod_remittance_record(
        actor=staff,
        carrier=carrier,
        reference=reference,
        collected_until=timezone.now(),
        lines=lines,
    )


def test_a_sale_paid_in_cash_is_paid_out_only_once_its_cash_is_settled():
    carrier = shipping_factories.carrier()
    staff = money.finance()
    shipment = _delivered(carrier)
    household = shipment.sub_order.shop.household
    payments_services.payment_account_link(
        actor=household.user, household=household, kind=PaymentAccount.Kind.POST_OFFICE
    )
    balance = payments_selectors.balance(household=household)
    assert balance.unpaid > 0 and balance.held == balance.unpaid
    assert payments_services.payout_batch_run(actor=staff).payout_count == 0
    remittance, new = _remit(staff, carrier, [(shipment.tracking_number, shipment.cod_amount)])
    assert new and remittance.total == shipment.cod_amount
    credit = Credit.objects.get()
    assert (credit.status, credit.applied, credit.parcel) == (
        "applied",
        shipment.cod_amount,
        shipment.tracking_number,
    )
    assert payments_selectors.balance(household=household).held == 0
    assert payments_services.payout_batch_run(actor=staff).payout_count == 1


def test_a_sale_completed_after_its_cash_arrived_is_not_held():
    carrier = shipping_factories.carrier()
    staff = money.finance()
    shipment = _delivered(carrier, completed=False)
    _remit(staff, carrier, [(shipment.tracking_number, shipment.cod_amount)])
    sub = shipment.sub_order
    sub.refresh_from_db()
    orders_services.sub_order_transition(
        actor=sub.order.buyer, sub_order=sub, to=SubOrder.Status.COMPLETED
    )
    assert not LedgerEntry.objects.filter(reference=sub.number, held=True).exists()


def test_differences_become_exceptions_and_the_same_remittance_twice_changes_nothing():
    carrier = shipping_factories.carrier()
    staff = money.finance()
    full, short, missing = (_delivered(carrier) for _ in range(3))
    lines = [
        (full.tracking_number, full.cod_amount),
        (short.tracking_number, short.cod_amount - 20_000),
        ("EA000000000VN", 120_000),
    ]
    _remit(staff, carrier, lines)
    _remit(staff, carrier, lines)  # the carrier sends its statement again
    by_parcel = {c.parcel: c for c in Credit.objects.all()}
    assert len(by_parcel) == 4
    assert by_parcel[full.tracking_number].status == "applied"
    assert by_parcel[short.tracking_number].problem == Problem.COD_SHORT
    assert by_parcel["EA000000000VN"].problem == Problem.COD_EXTRA
    lost = by_parcel[missing.tracking_number]
    assert (lost.problem, lost.amount, lost.expected) == (
        Problem.COD_MISSING,
        0,
        missing.cod_amount,
    )
    # The missing parcel's cash comes in the next remittance: the exception closes itself.
    _remit(staff, carrier, [(missing.tracking_number, missing.cod_amount)], reference="BK-02")
    lost.refresh_from_db()
    assert (lost.status, lost.resolution) == ("resolved", "allocated")
    # Cash for the same parcel again is money paid twice, not a second settlement.
    _remit(staff, carrier, [(full.tracking_number, full.cod_amount)], reference="BK-03")
    assert Credit.objects.get(reference__endswith="BK-03:" + full.tracking_number).problem == (
        Problem.DUPLICATE
    )


def test_finance_accepts_a_short_line_and_the_sale_is_released():
    carrier = shipping_factories.carrier()
    staff = money.finance()
    short = _delivered(carrier)
    _remit(staff, carrier, [(short.tracking_number, short.cod_amount - 20_000)])
    credit = Credit.objects.get()
    services.exception_resolve(
        actor=staff, credit=credit, action="accept", note="Bưu điện trừ phí, đã thống nhất"
    )
    credit.refresh_from_db()
    assert (credit.applied, credit.resolved_by) == (short.cod_amount - 20_000, staff)
    assert not LedgerEntry.objects.filter(reference=short.sub_order.number, held=True).exists()


def test_a_remittance_with_a_parcel_listed_twice_is_refused_whole():
    carrier = shipping_factories.carrier()
    shipment = _delivered(carrier)
    with pytest.raises(ApplicationError) as refused:
        _remit(
            money.finance(),
            carrier,
            [(shipment.tracking_number, 1), (shipment.tracking_number, 2)],
        )
    assert "hai dòng" in str(refused.value)
    assert not Credit.objects.exists()
