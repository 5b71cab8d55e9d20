"""Lots, the order of their events, and the events orders and shipping add on their own."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from nongsan.accounts.models import Role
from nongsan.accounts.tests import factories as account_factories
from nongsan.catalog.tests import factories as catalog_factories
from nongsan.core.errors import ApplicationError
from nongsan.households.models import Milestone
from nongsan.orders import services as orders_services
from nongsan.orders.models import SubOrder
from nongsan.orders.tests import factories as order_factories
from nongsan.shipping import services as shipping_services
from nongsan.shipping.models import TrackingEvent
from nongsan.shipping.tests import factories as shipping_factories
from nongsan.traceability import gs1, services
from nongsan.traceability.models import Lot, TraceEvent
from nongsan.traceability.tests import factories

pytestmark = pytest.mark.django_db
Step = TraceEvent.Step


def record(lot, step, at, **fields):
    fields.setdefault("place", "Vườn nhà")
    if step == Step.INPUT_APPLIED:
        fields.setdefault("detail", "NPK 16-16-8, 5 kg")
    return services.event_record(
        actor=factories.seller_of(lot.product), lot=lot, step=step, at=at, **fields
    )


def test_lot_gets_the_platform_gtin_and_a_dated_code():
    lot = factories.lot()
    assert lot.gtin == gs1.gtin_for_product(lot.product_id)
    assert lot.code == f"{timezone.now():%y%m%d}-1"
    assert lot.household_id == lot.product.household_id
    second = factories.lot(lot.product)
    assert second.code.endswith("-2")


def test_lot_with_own_gtin_and_code_and_duplicates_refused():
    product = catalog_factories.product()
    lot = factories.lot(product, gtin="8936045012345", code="vai-01", quantity=Decimal("350"))
    assert (lot.gtin, lot.code) == ("08936045012345", "VAI-01")
    with pytest.raises(ApplicationError) as error:
        factories.lot(product, gtin="8936045012345", code="VAI-01")
    assert error.value.field == "code"
    with pytest.raises(ApplicationError) as error:
        factories.lot(product, gtin="8936045012346")
    assert error.value.field == "gtin"


def test_only_the_seller_opens_a_lot():
    product = catalog_factories.product()
    stranger = account_factories.user(Role.BUYER)
    with pytest.raises(ApplicationError) as error:
        services.lot_create(actor=stranger, product=product)
    assert error.value.code == "forbidden"


def test_events_follow_the_path_of_the_lot():
    lot = factories.lot()
    start = timezone.now() - dt.timedelta(days=60)
    with pytest.raises(ApplicationError, match="gieo trồng hoặc thả nuôi"):
        record(lot, Step.HARVEST, start)
    record(lot, Step.PLANTING, start)
    with pytest.raises(ApplicationError, match="đã có bước"):
        record(lot, Step.STOCKING, start)
    with pytest.raises(ApplicationError, match="thu hoạch trước khi đóng gói"):
        record(lot, Step.PACKING, start + dt.timedelta(days=50))
    with pytest.raises(ApplicationError) as error:
        record(lot, Step.HARVEST, start - dt.timedelta(days=1))
    assert error.value.field == "at" and "sau bước" in error.value.message
    record(lot, Step.HARVEST, start + dt.timedelta(days=50))
    with pytest.raises(ApplicationError) as error:  # an input after the harvest
        record(lot, Step.INPUT_APPLIED, start + dt.timedelta(days=55))
    assert "trước bước “Thu hoạch”" in error.value.message
    record(lot, Step.INPUT_APPLIED, start + dt.timedelta(days=20))
    record(lot, Step.HARVEST, start + dt.timedelta(days=52))  # a second picking
    record(lot, Step.PACKING, start + dt.timedelta(days=53))
    with pytest.raises(ApplicationError, match="tương lai"):
        record(lot, Step.PACKING, timezone.now() + dt.timedelta(hours=2))
    with pytest.raises(ApplicationError, match="tự động"):
        record(lot, Step.DELIVERED, timezone.now())
    with pytest.raises(ApplicationError) as error:
        record(lot, Step.INPUT_APPLIED, start + dt.timedelta(days=21), detail="")
    assert error.value.field == "detail"
    steps = list(lot.events.values_list("step", flat=True))
    assert steps == ["planting", "input_applied", "harvest", "harvest", "packing"]


def test_first_event_records_the_traced_milestone_once():
    lot = factories.lot()
    assert not Milestone.objects.filter(kind=Milestone.Kind.TRACED).exists()
    lot = factories.traced_lot(lot.product)
    milestone = Milestone.objects.get(kind=Milestone.Kind.TRACED)
    assert milestone.household_id == lot.household_id
    assert milestone.marketplace_id == lot.product.marketplace_id
    assert lot.traced_at is not None
    factories.traced_lot(lot.product)
    assert Milestone.objects.filter(kind=Milestone.Kind.TRACED).count() == 1


def test_orders_and_parcels_add_their_steps_to_the_lot_once():
    lot = factories.traced_lot(
        order_factories.product(name="Vải thiều Lục Ngạn", stock="100", shelf_life_hours=48)
    )
    order = order_factories.place(items=[(lot.product, 5)])
    sub = order.sub_orders.get()
    seller = orders_services.seller_user(sub.shop)
    sub = orders_services.sub_order_transition(
        actor=seller, sub_order=sub, to=SubOrder.Status.CONFIRMED
    )
    packed = timezone.now() - dt.timedelta(days=2)
    shipment = shipping_factories.shipment(sub, now=packed)  # packs the sub-order
    staff = shipping_factories.staff(shipment.carrier)
    picked = timezone.now() - dt.timedelta(days=1)
    shipping_services.event_record(
        shipment=shipment,
        kind="picked_up",
        at=picked,
        source=TrackingEvent.Source.STAFF,
        actor=staff,
        place="Bưu cục Lục Ngạn",
    )
    shipping_services.event_record(
        shipment=shipment,
        kind="delivered",
        at=picked + dt.timedelta(hours=20),
        source=TrackingEvent.Source.STAFF,
        actor=staff,
        place="Đống Đa, Hà Nội",
    )
    delivery = list(
        lot.events.filter(sub_order=sub).order_by("at", "pk").values_list("step", "source")
    )
    assert delivery == [
        ("packing", "order"),
        ("handed_to_carrier", "shipping"),
        ("delivered", "shipping"),
    ]
    assert lot.uses.get().sub_order_id == sub.pk
    # Applying the same rows again (a replayed signal, a retried task) adds nothing.
    for event in TrackingEvent.objects.filter(shipment=shipment):
        services.tracking_event_apply(event=event)
    for event in sub.events.all():
        services.order_event_apply(event=event)
    assert lot.events.filter(sub_order=sub).count() == 3


def test_an_order_without_a_lot_is_left_alone_and_a_closed_lot_is_not_used():
    lot = factories.traced_lot()
    services.lot_set_open(actor=factories.seller_of(lot.product), lot=lot, is_open=False)
    order = order_factories.place(items=[(lot.product, 2)])
    sub = order.sub_orders.get()
    orders_services.sub_order_transition(
        actor=orders_services.seller_user(sub.shop), sub_order=sub, to=SubOrder.Status.CONFIRMED
    )
    assert not lot.uses.exists()
    assert not TraceEvent.objects.filter(sub_order=sub).exists()


def test_a_fault_in_tracing_never_breaks_the_order(monkeypatch):
    lot = factories.traced_lot()

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "order_event_apply", broken)
    order = order_factories.place(items=[(lot.product, 2)])
    sub = order.sub_orders.get()
    seller = orders_services.seller_user(sub.shop)
    for step in (SubOrder.Status.CONFIRMED, SubOrder.Status.PACKED):
        sub = orders_services.sub_order_transition(actor=seller, sub_order=sub, to=step)
    assert sub.status == SubOrder.Status.PACKED
    assert not lot.events.filter(sub_order=sub).exists()
    assert Lot.objects.count() == 1
