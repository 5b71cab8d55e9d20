"""Information under /api/info/: a household's feed and reading, editors' bulletins, the market
price board (entry, CSV import, history), and production inputs with household prices."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.responses import Status

from nongsan.accounts.api_auth import api_auth
from nongsan.catalog import selectors as catalog_selectors
from nongsan.catalog import services as catalog_services
from nongsan.catalog.models import Category
from nongsan.core.api import BoundedPagination, refused_is_403
from nongsan.core.errors import ApplicationError
from nongsan.geo.models import Commune, Province
from nongsan.households.models import Household, ProduceKind
from nongsan.info import selectors, services
from nongsan.info.models import Bulletin

router = Router(tags=["info"], auth=api_auth)


class BulletinOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    is_urgent: bool
    is_warning: bool
    status: str
    valid_from: dt.datetime
    valid_until: dt.datetime | None
    published_at: dt.datetime | None
    is_nationwide: bool
    provinces: list[str]
    communes: list[str]
    produce: list[str]

    @staticmethod
    def resolve_provinces(obj: Bulletin) -> list[str]:
        return [p.code for p in obj.provinces.all()]

    @staticmethod
    def resolve_communes(obj: Bulletin) -> list[str]:
        return [c.code for c in obj.communes.all()]

    @staticmethod
    def resolve_produce(obj: Bulletin) -> list[str]:
        return [k.code for k in obj.produce.all()]


class FeedItemOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    is_urgent: bool
    is_warning: bool
    published_at: dt.datetime | None
    valid_until: dt.datetime | None
    read_at: dt.datetime | None = None


class BulletinIn(Schema):
    kind: str = Field(max_length=20)
    title: str = Field(max_length=200)
    body: str = Field(max_length=10_000)
    is_urgent: bool = False
    valid_from: dt.datetime | None = None
    valid_until: dt.datetime | None = None
    is_nationwide: bool = False
    provinces: list[str] = Field(default_factory=list, max_length=34)
    communes: list[str] = Field(default_factory=list, max_length=500)
    produce: list[str] = Field(default_factory=list, max_length=60)
    publish: bool = False


class StatsOut(Schema):
    delivered: int
    by_sms: int
    read: int


class PriceOut(Schema):
    produce: str = Field(alias="produce.code")
    produce_name: str = Field(alias="produce.name")
    province: str = Field(alias="province.code")
    day: dt.date
    price: int
    previous: int | None
    change: int | None


class PricePointOut(Schema):
    day: dt.date
    price: int
    source: str


class PriceIn(Schema):
    produce: str = Field(max_length=40)
    province: str = Field(max_length=2)
    day: dt.date
    price: int = Field(gt=0)
    source: str = Field(default="", max_length=200)


class ImportOut(Schema):
    created: int
    updated: int
    unchanged: int
    errors: list[dict[str, Any]]


class InputOut(Schema):
    id: int
    name: str
    shop: str
    unit: str
    price: int
    registration_number: str
    household_price: int | None = None
    household_quota_left: Decimal | None = None


class HouseholdPriceIn(Schema):
    price: int = Field(gt=0)
    quota: Decimal = Field(gt=0, max_digits=12, decimal_places=3)
    season_start: dt.date
    season_end: dt.date


def _household(request: HttpRequest) -> Household:
    household = selectors.household_of(request.user)
    if household is None:
        raise HttpError(403, "Chỉ hộ sản xuất có hồ sơ trên nền tảng.")
    return household


def _editor(request: HttpRequest) -> None:
    if not selectors.may_edit(request.user):
        raise HttpError(403, "Chỉ biên tập viên thông tin.")


def _by_codes(model: Any, codes: list[str], field: str) -> list[Any]:
    found = {row.code: row for row in model.objects.filter(code__in=codes)}
    missing = [code for code in codes if code not in found]
    if missing:
        raise ApplicationError(f"Không có mã {missing[0]}.", field=field)
    return [found[code] for code in dict.fromkeys(codes)]


# --- Feed ---------------------------------------------------------------------------------------


@router.get("/feed", response=list[FeedItemOut], summary="The calling household's feed")
@paginate(BoundedPagination)
def feed(request: HttpRequest) -> QuerySet[Bulletin]:
    """Warnings first, then the newest; `read_at` is when the household opened each item."""
    household = _household(request)
    services.feed_record_delivery(household=household)
    return selectors.feed_for(household=household)


@router.post("/feed/{bulletin_id}/read", response=FeedItemOut, summary="Record a reading")
def feed_read(request: HttpRequest, bulletin_id: int) -> Bulletin:
    household = _household(request)
    bulletin = selectors.feed_item_get(household=household, bulletin_id=bulletin_id)
    delivery = services.bulletin_read(household=household, bulletin=bulletin)
    bulletin.read_at = delivery.read_at  # type: ignore[attr-defined]
    return bulletin


# --- Editors ------------------------------------------------------------------------------------


@router.get("/bulletins", response=list[BulletinOut], summary="Bulletins the editor works on")
@paginate(BoundedPagination)
def bulletin_list(request: HttpRequest, kind: str = "", status: str = "") -> QuerySet[Bulletin]:
    _editor(request)
    return selectors.bulletin_list(actor=request.user, kind=kind, status=status).prefetch_related(
        "provinces", "communes", "produce"
    )


@router.post("/bulletins", response={201: BulletinOut}, summary="Write (and publish) a bulletin")
@refused_is_403
def bulletin_create(request: HttpRequest, payload: BulletinIn) -> Status:
    _editor(request)
    bulletin = services.bulletin_create(
        actor=request.user,  # type: ignore[arg-type]
        kind=payload.kind,
        title=payload.title,
        body=payload.body,
        is_urgent=payload.is_urgent,
        valid_from=payload.valid_from,
        valid_until=payload.valid_until,
        is_nationwide=payload.is_nationwide,
        provinces=_by_codes(Province, payload.provinces, "provinces"),
        communes=_by_codes(Commune, payload.communes, "communes"),
        produce=_by_codes(ProduceKind, payload.produce, "produce"),
        publish=payload.publish,
    )
    return Status(201, bulletin)


@router.get("/bulletins/{bulletin_id}/stats", response=StatsOut, summary="Delivery and reading")
def bulletin_stats(request: HttpRequest, bulletin_id: int) -> Any:
    bulletin = selectors.bulletin_get_for(actor=request.user, bulletin_id=bulletin_id)
    return selectors.delivery_stats(bulletin=bulletin)


@router.post("/bulletins/{bulletin_id}/publish", response=BulletinOut, summary="Publish a draft")
@refused_is_403
def bulletin_publish(request: HttpRequest, bulletin_id: int) -> Bulletin:
    bulletin = selectors.bulletin_get_for(actor=request.user, bulletin_id=bulletin_id)
    return services.bulletin_publish(actor=request.user, bulletin=bulletin)  # type: ignore[arg-type]


@router.post("/bulletins/{bulletin_id}/withdraw", response=BulletinOut, summary="Withdraw")
@refused_is_403
def bulletin_withdraw(request: HttpRequest, bulletin_id: int) -> Bulletin:
    bulletin = selectors.bulletin_get_for(actor=request.user, bulletin_id=bulletin_id)
    return services.bulletin_withdraw(actor=request.user, bulletin=bulletin)  # type: ignore[arg-type]


# --- Prices -------------------------------------------------------------------------------------


@router.get("/prices", response=list[PriceOut], summary="The price board: latest per product")
def price_board(request: HttpRequest, province: str = "", produce: str = "") -> Any:
    return selectors.price_board(
        province=get_object_or_404(Province, code=province) if province else None,
        produce=get_object_or_404(ProduceKind, code=produce) if produce else None,
    )


@router.get(
    "/prices/{produce_code}/{province_code}",
    response=list[PricePointOut],
    summary="A product's price history in a province (oldest first)",
)
def price_history(
    request: HttpRequest, produce_code: str, province_code: str, days: int = 90
) -> Any:
    return selectors.price_history(
        produce=get_object_or_404(ProduceKind, code=produce_code),
        province=get_object_or_404(Province, code=province_code),
        days=max(1, min(days, 3650)),
    )


@router.post("/prices", response=PricePointOut, summary="Enter (or correct) a reference price")
@refused_is_403
def price_set(request: HttpRequest, payload: PriceIn) -> Any:
    row, _outcome = services.market_price_set(
        actor=request.user,  # type: ignore[arg-type]
        produce=_by_codes(ProduceKind, [payload.produce], "produce")[0],
        province=_by_codes(Province, [payload.province], "province")[0],
        day=payload.day,
        price=payload.price,
        source=payload.source,
    )
    return row


@router.post(
    "/prices/import", response=ImportOut, summary="Import prices from CSV (the request body)"
)
@refused_is_403
def price_import(request: HttpRequest) -> dict[str, Any]:
    """Columns Ngày, Tỉnh, Sản phẩm, Giá, Nguồn; good rows are kept, each rejected row comes
    back with its number and reason; sending the same file again changes nothing."""
    if len(request.body) > 5 * 1024 * 1024:
        raise ApplicationError("Tệp lớn hơn 5 MB.", field="file")
    result = services.market_prices_import(actor=request.user, content=request.body)  # type: ignore[arg-type]
    return {
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "errors": [{"row": number, "message": message} for number, message in result.errors],
    }


# --- Production inputs --------------------------------------------------------------------------


@router.get(
    "/inputs", response=list[InputOut], summary="Production inputs on sale, with household prices"
)
@paginate(BoundedPagination)
def input_list(request: HttpRequest) -> list[dict[str, Any]]:
    """A verified household also gets its household price and what is left of its quota."""
    products = list(
        catalog_selectors.listed_products()
        .filter(category__kind=Category.Kind.INPUT)
        .select_related("shop")
        .order_by("-pk")[:500]
    )
    offers = catalog_selectors.household_offers_for(buyer=request.user, products=products)
    return [
        {
            "id": p.pk,
            "name": p.name,
            "shop": p.shop.name,
            "unit": p.unit,
            "price": p.price,
            "registration_number": p.registration_number,
            "household_price": offers[p.pk].price if p.pk in offers else None,
            "household_quota_left": offers[p.pk].remaining if p.pk in offers else None,
        }
        for p in products
    ]


@router.put(
    "/inputs/{product_id}/household-price",
    response={204: None},
    summary="Set an input's household price and quota (its supplier)",
)
@refused_is_403
def household_price_set(request: HttpRequest, product_id: int, payload: HouseholdPriceIn) -> Any:
    product = catalog_selectors.product_get_for_manage(actor=request.user, product_id=product_id)
    catalog_services.household_price_set(
        actor=request.user,  # type: ignore[arg-type]
        product=product,
        price=payload.price,
        quota=payload.quota,
        season_start=payload.season_start,
        season_end=payload.season_end,
    )
    return Status(204, None)
