"""Demo traceability: lots of the demo sellers' produce with their journeys (planting to packing),
opened before the demo's parcels are packed so that orders and shipping add their steps, and
printed label sheets (PDF) of a few lots."""

import datetime as dt
import random
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from nongsan.catalog.models import Category, Product
from nongsan.orders import services as orders_services
from nongsan.traceability import labels, services
from nongsan.traceability.models import Lot

INPUTS = (
    "Phân chuồng hoai mục 500 kg",
    "Phân hữu cơ vi sinh Sông Gianh 50 kg",
    "NPK 16-16-8 Đầu Trâu 20 kg",
    "Thuốc sinh học Bt 0,5 lít (cách ly 7 ngày)",
    "Vôi bột 100 kg",
)
PACKS = ("Thùng xốp 10 kg có đá khô", "Hộp giấy 5 kg, lót lá chuối", "Túi lưới 2 kg")
LABEL_DIR = "demo/nhan-lo"


def traceability_demo_seed(*, rng: random.Random, products: int = 60) -> dict[str, int]:
    """Once: a lot with a recorded journey for up to `products` listed produce items, packed
    before the demo's orders (placed over the last 60 days) are packed from it."""
    if Lot.objects.exists():
        return {}
    now = timezone.now()
    chosen = (
        Product.objects.filter(
            is_listed=True, household__isnull=False, category__kind=Category.Kind.PRODUCE
        )
        .select_related("shop__household__user", "household__commune")
        .order_by("pk")[:products]
    )
    lots = events = 0
    for product in chosen:
        seller = orders_services.seller_user(product.shop)
        if seller is None:
            continue
        lot = services.lot_create(actor=seller, product=product, now=now - dt.timedelta(days=200))
        lots += 1
        village = product.household.village or product.household.commune.name
        packed = now - dt.timedelta(days=rng.uniform(62, 70))
        harvest = packed - dt.timedelta(hours=rng.randint(4, 30))
        planted = harvest - dt.timedelta(days=rng.randint(60, 120))
        steps = [("planting", planted, f"Vườn {village}", "")]
        for day in sorted(rng.sample(range(10, (harvest - planted).days - 5), 2)):
            steps.append(("input_applied", planted + dt.timedelta(days=day), f"Vườn {village}",
                          rng.choice(INPUTS)))  # fmt: skip
        steps += [
            ("harvest", harvest, f"Vườn {village}", f"Thu {rng.randint(80, 600)} kg"),
            ("packing", packed, f"Nhà đóng gói {village}", rng.choice(PACKS)),
        ]
        for step, at, place, detail in steps:
            services.event_record(
                actor=seller, lot=lot, step=step, at=at, place=place, detail=detail, now=now
            )
            events += 1
    return {"trace_lots": lots, "trace_events": events}


def label_sheets_demo_print(*, count: int = 3) -> list[Path]:
    """Print label sheets (PDF) of a few traced lots under MEDIA_ROOT/demo/nhan-lo/."""
    folder = Path(settings.MEDIA_ROOT) / LABEL_DIR
    folder.mkdir(parents=True, exist_ok=True)
    printed = []
    for lot in Lot.objects.filter(traced_at__isnull=False).order_by("pk")[:count]:
        path = folder / f"nhan-{lot.gtin}-{lot.code}.pdf"
        if not path.exists():
            path.write_bytes(labels.sheet_pdf(lot=lot, count=24))
        printed.append(path)
    return printed
