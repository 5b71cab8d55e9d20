"""Every write about traceability: lots, the household's events, and the events that orders and
shipping add to a lot on their own.

Order rules (TCVN 12850: a lot's critical tracking events follow the product's path): a lot
starts where it was planted or stocked (one origin event); inputs come after the origin, the
harvest after the origin, packing after a harvest; an event is never earlier than an event of an
earlier step nor later than one of a later step, and never in the future. The first event makes
the lot traced, which records the household's TRACED milestone (indicator II.5).
"""

import datetime as dt
import logging
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from nongsan.accounts.models import User
from nongsan.catalog import selectors as catalog_selectors
from nongsan.catalog.models import Product
from nongsan.core.errors import ApplicationError
from nongsan.households import services as households_services
from nongsan.households.models import Milestone
from nongsan.orders.models import SubOrder, SubOrderEvent
from nongsan.shipping.models import Shipment, TrackingEvent
from nongsan.traceability import gs1
from nongsan.traceability.models import Lot, LotUse, TraceEvent

logger = logging.getLogger(__name__)

Step = TraceEvent.Step
# The place of each step in a lot's path; steps of the same rank may interleave.
RANK: dict[str, int] = {
    Step.PLANTING: 0,
    Step.STOCKING: 0,
    Step.INPUT_APPLIED: 1,
    Step.HARVEST: 2,
    Step.PACKING: 3,
    Step.HANDED_TO_CARRIER: 4,
    Step.IN_TRANSIT: 5,
    Step.DELIVERED: 6,
}
ORIGIN = frozenset({Step.PLANTING, Step.STOCKING})
# What the household records itself; the rest comes from orders and shipping.
HOUSEHOLD_STEPS = (Step.PLANTING, Step.STOCKING, Step.INPUT_APPLIED, Step.HARVEST, Step.PACKING)
# What each step needs before it (besides the time order).
REQUIRES: dict[str, tuple[frozenset[str], str]] = {
    Step.INPUT_APPLIED: (ORIGIN, "Hãy ghi bước gieo trồng hoặc thả nuôi trước."),
    Step.HARVEST: (ORIGIN, "Hãy ghi bước gieo trồng hoặc thả nuôi trước khi thu hoạch."),
    Step.PACKING: (frozenset({Step.HARVEST}), "Hãy ghi bước thu hoạch trước khi đóng gói."),
}
FUTURE_SLACK = dt.timedelta(minutes=10)
SUB_ORDER_STEP = {
    SubOrder.Status.PACKED: Step.PACKING,
    SubOrder.Status.HANDED_TO_CARRIER: Step.HANDED_TO_CARRIER,
    SubOrder.Status.DELIVERED: Step.DELIVERED,
}
SHIPMENT_STEP = {
    Shipment.Status.PICKED_UP: Step.HANDED_TO_CARRIER,
    Shipment.Status.AT_HUB: Step.IN_TRANSIT,
    Shipment.Status.IN_TRANSIT: Step.IN_TRANSIT,
    Shipment.Status.OUT_FOR_DELIVERY: Step.IN_TRANSIT,
    Shipment.Status.DELIVERED: Step.DELIVERED,
}


def _forbidden(message: str) -> ApplicationError:
    return ApplicationError(message, code="forbidden")


def may_manage(*, actor: Any, product: Product) -> bool:
    """The product's sellers: its household, the cooperative's manager, the area's field agent."""
    return catalog_selectors.may_manage_shop(actor=actor, shop=product.shop)


# --- Lots ---------------------------------------------------------------------------------------


def _next_code(product: Product, gtin: str, day: dt.date) -> str:
    stem = f"{day:%y%m%d}"
    taken = set(Lot.objects.filter(gtin=gtin, code__startswith=stem).values_list("code", flat=True))
    serial = 1
    while f"{stem}-{serial}" in taken:
        serial += 1
    return f"{stem}-{serial}"


@transaction.atomic
def lot_create(
    *,
    actor: User,
    product: Product,
    code: str = "",
    gtin: str = "",
    quantity: Decimal | None = None,
    note: str = "",
    now: dt.datetime | None = None,
) -> Lot:
    """Open a lot of a product. Without a code the lot is named by its day (`260714-1`); without a
    GTIN (the product's own GS1 barcode) it gets the platform's GTIN for the product."""
    now = now or timezone.now()
    if not may_manage(actor=actor, product=product):
        raise _forbidden("Chỉ người bán sản phẩm này tạo được lô hàng.")
    if product.household_id is None:
        raise ApplicationError(
            "Chỉ nông sản có hộ sản xuất cung cấp mới truy xuất theo lô được.", field="product"
        )
    key = gs1.gtin_normalize(gtin) if gtin.strip() else gs1.gtin_for_product(product.pk)
    if quantity is not None and quantity <= 0:
        raise ApplicationError("Số lượng của lô phải lớn hơn 0.", field="quantity")
    lot_code = (
        gs1.lot_code_normalize(code) if code.strip() else _next_code(product, key, now.date())
    )
    if Lot.objects.filter(gtin=key, code=lot_code).exists():
        raise ApplicationError(f"Mã lô “{lot_code}” đã dùng cho sản phẩm này.", field="code")
    try:
        with transaction.atomic():
            lot = Lot.objects.create(
                product=product,
                household_id=product.household_id,
                gtin=key,
                code=lot_code,
                quantity=quantity,
                note=" ".join(note.split())[:300],
                created_by=actor,
                created_at=now,
            )
    except IntegrityError as exc:  # the same code taken a moment ago
        raise ApplicationError(
            f"Mã lô “{lot_code}” đã dùng cho sản phẩm này.", field="code"
        ) from exc
    return lot


@transaction.atomic
def lot_set_open(*, actor: User, lot: Lot, is_open: bool) -> Lot:
    """Open or close a lot for sale: orders packed while it is open are drawn from it."""
    if not may_manage(actor=actor, product=lot.product):
        raise _forbidden("Chỉ người bán sản phẩm này đổi được lô hàng.")
    lot.is_open = is_open
    lot.save(update_fields=["is_open"])
    return lot


def _mark_traced(lot: Lot, *, at: dt.datetime) -> None:
    if lot.traced_at is not None:
        return
    lot.traced_at = at
    lot.save(update_fields=["traced_at"])
    households_services.milestone_record(
        household=lot.household,
        kind=Milestone.Kind.TRACED,
        marketplace=lot.product.marketplace,
        achieved_at=at,
        source="traceability.lot",
    )


# --- The household's events ---------------------------------------------------------------------


def check_order(*, lot: Lot, step: str, at: dt.datetime, exclude_pk: int | None = None) -> None:
    """Raise if an event of `step` at `at` would break the lot's path (see the module's rules)."""
    found = TraceEvent.objects.filter(lot=lot, sub_order__isnull=True)
    if exclude_pk is not None:
        found = found.exclude(pk=exclude_pk)
    events = list(found.values_list("step", "at"))
    steps = {s for s, _ in events}
    if step in ORIGIN and steps & ORIGIN:
        raise ApplicationError("Lô hàng đã có bước gieo trồng hoặc thả nuôi.", field="step")
    if step not in ORIGIN and not events:
        raise ApplicationError(
            "Lô hàng bắt đầu từ bước gieo trồng hoặc thả nuôi: hãy ghi bước đó trước.",
            field="step",
        )
    needed = REQUIRES.get(step)
    if needed is not None and not steps & needed[0]:
        raise ApplicationError(needed[1], field="step")
    rank = RANK[step]
    for other, other_at in events:
        if RANK[other] < rank and other_at > at:
            raise ApplicationError(
                f"Thời điểm phải sau bước “{Step(other).label}” "
                f"({timezone.localtime(other_at):%H:%M %d/%m/%Y}).",
                field="at",
            )
        if RANK[other] > rank and other_at < at:
            raise ApplicationError(
                f"Thời điểm phải trước bước “{Step(other).label}” "
                f"({timezone.localtime(other_at):%H:%M %d/%m/%Y}).",
                field="at",
            )


@transaction.atomic
def event_record(
    *,
    actor: User,
    lot: Lot,
    step: str,
    at: dt.datetime,
    place: str,
    who: str = "",
    detail: str = "",
    now: dt.datetime | None = None,
) -> TraceEvent:
    """The household records a step of its lot: when, where, who, and what (inputs, yield...)."""
    now = now or timezone.now()
    locked = Lot.objects.select_for_update().select_related("product__shop").get(pk=lot.pk)
    if not may_manage(actor=actor, product=locked.product):
        raise _forbidden("Chỉ người bán sản phẩm này ghi được nhật ký lô hàng.")
    if step not in HOUSEHOLD_STEPS:
        raise ApplicationError("Bước này được ghi tự động từ đơn hàng và vận chuyển.", field="step")
    if timezone.is_naive(at):
        raise ApplicationError("Thời điểm phải có múi giờ.", field="at")
    if at > now + FUTURE_SLACK:
        raise ApplicationError("Thời điểm không được ở tương lai.", field="at")
    place = " ".join(place.split())[:200]
    if not place:
        raise ApplicationError("Hãy ghi địa điểm thực hiện.", field="place", code="required")
    who = " ".join(who.split())[:150] or actor.full_name
    if step == Step.INPUT_APPLIED and not detail.strip():
        raise ApplicationError(
            "Hãy ghi tên và lượng vật tư đã dùng (phân bón, thuốc, thức ăn).", field="detail"
        )
    check_order(lot=locked, step=step, at=at)
    event = TraceEvent.objects.create(
        lot=locked,
        step=step,
        at=at,
        place=place,
        commune=locked.household.commune if step in ORIGIN else None,
        who=who,
        detail=" ".join(detail.split())[:300],
        source=TraceEvent.Source.HOUSEHOLD,
        actor=actor,
        recorded_at=now,
    )
    _mark_traced(locked, at=now)
    return event


# --- Events that orders and shipping add --------------------------------------------------------


def current_lot(*, product_id: int) -> Lot | None:
    """The lot a product's orders are drawn from now: its newest open lot."""
    return (
        Lot.objects.filter(product_id=product_id, is_open=True)
        .order_by("-created_at", "-pk")
        .first()
    )


def lots_of(*, sub_order: SubOrder) -> list[Lot]:
    """The lots a sub-order is filled from, assigned once (the newest open lot of each product)."""
    uses = list(
        LotUse.objects.filter(sub_order=sub_order)
        .select_related("lot__household", "lot__product")
        .order_by("pk")
    )
    if uses:
        return [use.lot for use in uses]
    lots = []
    product_ids = sorted(set(sub_order.lines.values_list("product_id", flat=True)))
    for product_id in product_ids:
        lot = current_lot(product_id=product_id)
        if lot is None:
            continue
        LotUse.objects.get_or_create(lot=lot, sub_order=sub_order)
        lots.append(lot)
    return lots


def _add(
    *,
    lots: Sequence[Lot],
    sub_order: SubOrder,
    step: str,
    at: dt.datetime,
    place: str,
    who: str,
    detail: str,
    source: str,
    key: str,
) -> list[TraceEvent]:
    made = []
    for lot in lots:
        if TraceEvent.objects.filter(lot=lot, source_key=key).exists():
            continue
        made.append(
            TraceEvent.objects.create(
                lot=lot,
                step=step,
                at=at,
                place=place[:200] or "—",
                who=who[:150],
                detail=detail[:300],
                sub_order=sub_order,
                source=source,
                source_key=key,
            )
        )
        _mark_traced(lot, at=at)
    return made


@transaction.atomic
def order_event_apply(*, event: SubOrderEvent) -> list[TraceEvent]:
    """A sub-order packed, handed to the carrier or delivered: the step joins its lots' journey.
    Applying the same history row again changes nothing."""
    step = SUB_ORDER_STEP.get(event.to_status)  # type: ignore[call-overload]
    if step is None:
        return []
    sub = SubOrder.objects.select_related("shop__commune", "order__province").get(
        pk=event.sub_order_id
    )
    if step != Step.PACKING and Shipment.objects.filter(sub_order=sub).exists():
        return []  # the carrier's own tracking events tell this part, with their places
    lots = lots_of(sub_order=sub)
    if not lots:
        return []
    if step == Step.DELIVERED:
        place = sub.order.province.name if sub.order.province else str(sub.order.country)
        who = sub.order.recipient_name
    else:
        place, who = sub.shop.commune.name, sub.shop.name
    return _add(
        lots=lots,
        sub_order=sub,
        step=step,
        at=event.at,
        place=place,
        who=who,
        detail=f"Đơn {sub.number}",
        source=TraceEvent.Source.ORDER,
        key=f"order-event:{event.pk}",
    )


@transaction.atomic
def tracking_event_apply(*, event: TrackingEvent) -> list[TraceEvent]:
    """A carrier's tracking event of a parcel filled from lots joins their journey, once."""
    step = SHIPMENT_STEP.get(event.kind)  # type: ignore[call-overload]
    if step is None:
        return []
    shipment = Shipment.objects.select_related("carrier", "sub_order").get(pk=event.shipment_id)
    lots = lots_of(sub_order=shipment.sub_order)
    return _add(
        lots=lots,
        sub_order=shipment.sub_order,
        step=step,
        at=event.at,
        place=event.place,
        who=shipment.carrier.name,
        detail=f"{Shipment.Status(event.kind).label} · {shipment.tracking_number}",
        source=TraceEvent.Source.SHIPPING,
        key=f"tracking:{event.pk}",
    )


def safely(apply: Any, **kwargs: Any) -> list[TraceEvent]:
    """Apply an automatic event without ever breaking the order or parcel it comes from."""
    try:
        with transaction.atomic():
            return list(apply(**kwargs))
    except Exception:  # a traceability fault must not undo a delivery; it is logged to fix
        logger.exception("Could not add an automatic trace event (%s)", kwargs)
        return []
