"""Lots with a recorded journey, built through the real services."""

import datetime as dt
from typing import Any

from django.utils import timezone

from nongsan.catalog.models import Product
from nongsan.catalog.tests import factories as catalog_factories
from nongsan.traceability import services
from nongsan.traceability.models import Lot


def seller_of(product: Product) -> Any:
    return catalog_factories._seller_of(product.shop)


def lot(product: Product | None = None, **fields: Any) -> Lot:
    product = product or catalog_factories.product(name="Vải thiều Lục Ngạn")
    return services.lot_create(actor=seller_of(product), product=product, **fields)


def traced_lot(product: Product | None = None, *, days_ago: int = 90, **fields: Any) -> Lot:
    """A lot planted, fertilised, harvested and packed over the last `days_ago` days."""
    made = lot(product, **fields)
    actor = seller_of(made.product)
    start = timezone.now() - dt.timedelta(days=days_ago)
    steps = [
        ("planting", 0, "Vườn đồi thôn Kép", ""),
        ("input_applied", days_ago // 3, "Vườn đồi thôn Kép", "Phân hữu cơ vi sinh 20 kg"),
        ("harvest", days_ago - 2, "Vườn đồi thôn Kép", "Thu 350 kg"),
        ("packing", days_ago - 1, "Nhà đóng gói HTX", "Thùng xốp 10 kg, đá khô"),
    ]
    for step, offset, place, detail in steps:
        services.event_record(
            actor=actor,
            lot=made,
            step=step,
            at=start + dt.timedelta(days=offset),
            place=place,
            detail=detail,
        )
    made.refresh_from_db()
    return made
