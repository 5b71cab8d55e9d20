"""Every read about traceability: a seller's lots (scoped like their shops) and the public
journey of a lot found by its GS1 keys."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from nongsan.catalog import selectors as catalog_selectors
from nongsan.catalog.models import Product
from nongsan.households.models import Certification
from nongsan.orders.models import SubOrder
from nongsan.traceability import gs1
from nongsan.traceability.models import Lot, LotUse, TraceEvent


def _managed_shops(actor: Any) -> QuerySet:
    return catalog_selectors.shop_list_managed(actor=actor).values("pk")


def products_for_lots(*, actor: Any) -> QuerySet[Product]:
    """Produce the actor sells that has a household to trace it to."""
    return (
        Product.objects.filter(shop__in=_managed_shops(actor), household__isnull=False)
        .exclude(status=Product.Status.HIDDEN)
        .select_related("shop")
        .order_by("name", "pk")
    )


def lot_list_managed(*, actor: Any, product_id: int | None = None) -> QuerySet[Lot]:
    lots = (
        Lot.objects.filter(product__shop__in=_managed_shops(actor))
        .select_related("product__shop", "household")
        .annotate(event_count=Count("events"))
        .order_by("-created_at", "-pk")
    )
    if product_id is not None:
        lots = lots.filter(product_id=product_id)
    return lots


def lot_get_for_manage(*, actor: Any, lot_id: int) -> Lot:
    lot = (
        Lot.objects.filter(pk=lot_id, product__shop__in=_managed_shops(actor))
        .select_related("product__shop__marketplace", "household__commune__province")
        .first()
    )
    if lot is None:
        raise Http404("Không tìm thấy lô hàng.")
    return lot


def lot_events(*, lot: Lot) -> QuerySet[TraceEvent]:
    """Everything recorded about a lot, for its seller (order events included)."""
    return lot.events.select_related("sub_order").order_by("at", "pk")


def lot_get_public(*, gtin: str, code: str) -> Lot:
    """A lot by the keys of its Digital Link (a GTIN-8/12/13 in the URL is padded to 14)."""
    digits = gtin.strip()
    if not digits.isdigit() or len(digits) not in (8, 12, 13, 14):
        raise Http404("Mã GTIN không hợp lệ.")
    lot = (
        Lot.objects.filter(gtin=digits.zfill(14), code=code.strip().upper())
        .select_related(
            "product__shop__marketplace",
            "product__category",
            "product__origin_province",
            "household__commune__province",
        )
        .prefetch_related("product__certifications")
        .first()
    )
    if lot is None:
        raise Http404("Không tìm thấy lô hàng.")
    return lot


@dataclass(frozen=True)
class Journey:
    """What a public trace page shows: the lot's own steps, and one order's delivery if asked."""

    lot: Lot
    url: str
    events: list[TraceEvent]
    delivery: list[TraceEvent]
    sub_order: SubOrder | None
    certifications: list[Certification]
    orders_delivered: int


def journey(*, lot: Lot, serial: str = "") -> Journey:
    sub_order = None
    if serial:
        use = (
            LotUse.objects.filter(lot=lot, sub_order__number=serial)
            .select_related("sub_order")
            .first()
        )
        if use is None:
            raise Http404("Không tìm thấy đơn hàng của lô này.")
        sub_order = use.sub_order
    own = list(lot.events.filter(sub_order__isnull=True).order_by("at", "pk"))
    delivery = (
        list(lot.events.filter(sub_order=sub_order).order_by("at", "pk")) if sub_order else []
    )
    today = timezone.localdate()
    certifications = [
        c
        for c in lot.household.certifications.all()
        if c.valid_until is None or c.valid_until >= today
    ]
    delivered = (
        lot.events.filter(step=TraceEvent.Step.DELIVERED, sub_order__isnull=False)
        .values("sub_order")
        .distinct()
        .count()
    )
    return Journey(
        lot=lot,
        url=gs1.digital_link(gtin=lot.gtin, lot=lot.code, serial=serial),
        events=own,
        delivery=delivery,
        sub_order=sub_order,
        certifications=certifications,
        orders_delivered=delivered,
    )


def lots_with_events(*, lot_ids: list[int]) -> QuerySet[Lot]:
    """Lots with their household events, for label sheets."""
    return (
        Lot.objects.filter(pk__in=lot_ids)
        .select_related("product", "household__commune__province")
        .prefetch_related(
            Prefetch("events", queryset=TraceEvent.objects.filter(sub_order__isnull=True))
        )
    )


def traced_lot_of(*, sub_order: SubOrder) -> QuerySet[Lot]:
    """The traced lots a sub-order was filled from (for a parcel's label)."""
    return Lot.objects.filter(uses__sub_order=sub_order, traced_at__isnull=False).order_by("pk")
