"""The catalog API's shapes: what buyers read, what sellers and operators send."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.urls import reverse
from ninja import Field, Schema

from nongsan.catalog import selectors
from nongsan.catalog.models import Category, Product, ProductPhoto, Shop
from nongsan.core.money import format_vnd


class MarketplaceOut(Schema):
    code: str
    name: str
    operator_name: str
    website: str


class CategoryOut(Schema):
    id: int
    slug: str
    name: str
    kind: str
    parent: str | None = Field(None, description="The parent category's slug")
    shelf_life_hours: int | None

    @staticmethod
    def resolve_parent(obj: Category) -> str | None:
        return obj.parent.slug if obj.parent_id else None


class CertificationOut(Schema):
    kind: str
    label: str
    number: str
    issuer: str
    valid_until: dt.date | None
    ocop_stars: int | None

    @staticmethod
    def resolve_label(obj: Any) -> str:
        return str(obj.get_kind_display())


class ShopOut(Schema):
    id: int
    slug: str
    name: str
    marketplace: str
    owner_kind: str
    commune_code: str
    commune: str
    province_code: str
    province: str
    story: str
    rating_count: int
    rating_sum: int
    is_active: bool
    url: str

    @staticmethod
    def resolve_marketplace(obj: Shop) -> str:
        return obj.marketplace.code

    @staticmethod
    def resolve_commune_code(obj: Shop) -> str:
        return obj.commune.code

    @staticmethod
    def resolve_commune(obj: Shop) -> str:
        return obj.commune.name

    @staticmethod
    def resolve_province_code(obj: Shop) -> str:
        return obj.commune.province.code

    @staticmethod
    def resolve_province(obj: Shop) -> str:
        return obj.commune.province.name

    @staticmethod
    def resolve_url(obj: Shop) -> str:
        return reverse("catalog:shop", args=[obj.slug])


class ShopDetailOut(ShopOut):
    certifications: list[CertificationOut]

    @staticmethod
    def resolve_certifications(obj: Shop) -> list[Any]:
        return selectors.shop_certifications(shop=obj)


class PhotoOut(Schema):
    id: int
    url: str
    thumbnail_url: str
    width: int
    height: int

    @staticmethod
    def resolve_url(obj: ProductPhoto) -> str:
        return obj.original.url

    @staticmethod
    def resolve_thumbnail_url(obj: ProductPhoto) -> str:
        return obj.thumbnail.url


class ProductOut(Schema):
    id: int
    name: str
    shop: str = Field(description="The shop's slug")
    shop_name: str
    marketplace: str
    category: str = Field(description="The category's slug")
    unit: str
    unit_label: str
    unit_weight_kg: Decimal | None = Field(description="Weight of one unit of sale; null for kg")
    price: int = Field(description="VND per unit of sale (per kg when the unit is kg)")
    price_display: str
    stock: Decimal
    min_order: Decimal
    order_step: Decimal
    available_from: dt.date | None
    available_to: dt.date | None
    season_start: str | None = Field(description="Yearly season start, MM-DD")
    season_end: str | None = Field(
        description="Yearly season end, MM-DD (before the start: over the new year)"
    )
    in_season: bool
    preorder_open: bool
    expected_yield: Decimal | None
    shelf_life_hours: int | None
    standards: list[str]
    ocop_stars: int | None
    origin_commune_code: str
    origin_province_code: str
    origin_province: str
    rating_count: int
    rating_sum: int
    thumbnail_url: str | None
    url: str

    @staticmethod
    def resolve_shop(obj: Product) -> str:
        return obj.shop.slug

    @staticmethod
    def resolve_shop_name(obj: Product) -> str:
        return obj.shop.name

    @staticmethod
    def resolve_marketplace(obj: Product) -> str:
        return obj.marketplace.code

    @staticmethod
    def resolve_category(obj: Product) -> str:
        node = selectors.category_tree().by_id.get(obj.category_id)
        return node.slug if node else obj.category.slug

    @staticmethod
    def resolve_unit_label(obj: Product) -> str:
        return str(Product.Unit(obj.unit).label)

    @staticmethod
    def resolve_price_display(obj: Product) -> str:
        return format_vnd(obj.price)

    @staticmethod
    def resolve_season_start(obj: Product) -> str | None:
        return _month_day(obj.season_start)

    @staticmethod
    def resolve_season_end(obj: Product) -> str | None:
        return _month_day(obj.season_end)

    @staticmethod
    def resolve_in_season(obj: Product) -> bool:
        return selectors.in_season_now(product=obj)

    @staticmethod
    def resolve_preorder_open(obj: Product) -> bool:
        return selectors.preorder_open(product=obj)

    @staticmethod
    def resolve_standards(obj: Product) -> list[str]:
        certifications = getattr(obj, "valid_certifications", [])
        return sorted({c.kind for c in certifications if c.kind in selectors.STANDARDS})

    @staticmethod
    def resolve_origin_commune_code(obj: Product) -> str:
        return obj.origin_commune.code

    @staticmethod
    def resolve_origin_province_code(obj: Product) -> str:
        return obj.origin_province.code

    @staticmethod
    def resolve_origin_province(obj: Product) -> str:
        return obj.origin_province.name

    @staticmethod
    def resolve_thumbnail_url(obj: Product) -> str | None:
        photos = list(obj.photos.all())
        return photos[0].thumbnail.url if photos else None

    @staticmethod
    def resolve_url(obj: Product) -> str:
        return reverse("catalog:product", args=[obj.pk])


def _month_day(value: int | None) -> str | None:
    return f"{value // 100:02d}-{value % 100:02d}" if value else None


class ProductDetailOut(ProductOut):
    description: str
    registration_number: str
    photos: list[PhotoOut]
    certifications: list[CertificationOut]

    @staticmethod
    def resolve_photos(obj: Product) -> list[Any]:
        return list(obj.photos.all())

    @staticmethod
    def resolve_certifications(obj: Product) -> list[Any]:
        certifications = getattr(obj, "valid_certifications", None)
        return list(certifications if certifications is not None else [])


class SellerProductOut(ProductDetailOut):
    """What the seller and the operator see: the product in any state, with its figures."""

    status: str
    status_reason: str
    is_listed: bool
    views_total: int
    views_7_days: int
    orders: int

    # Read from `selectors.with_stats` annotations: a page of products costs no query apiece.
    @staticmethod
    def resolve_views_total(obj: Product) -> int:
        total = getattr(obj, "views_total", None)
        return (
            total
            if total is not None
            else selectors.product_stats(products=[obj])[obj.pk].views_total
        )

    @staticmethod
    def resolve_views_7_days(obj: Product) -> int:
        week = getattr(obj, "views_7_days", None)
        return (
            week
            if week is not None
            else selectors.product_stats(products=[obj])[obj.pk].views_7_days
        )

    @staticmethod
    def resolve_orders(obj: Product) -> int:
        return selectors.product_order_count(product=obj)


class SearchOut(Schema):
    page: int
    has_next: bool
    results: list[ProductOut]


class ShopIn(Schema):
    marketplace: str = Field(description="Marketplace code, e.g. postmart")
    name: str
    story: str = ""
    household_id: int | None = Field(
        None, description="For a field agent opening it for a household"
    )
    cooperative_id: int | None = None
    commune_code: str = Field("", description="Input suppliers only: where the shop is")


class ShopPatch(Schema):
    name: str | None = None
    story: str | None = None
    preorder_allocation: str | None = None


class ProductIn(Schema):
    name: str
    price: int = Field(description="VND per unit of sale")
    unit: str = Field("kg", description="kg | fruit | head | piece | plant | bunch | box | ...")
    stock: Decimal
    unit_weight_kg: Decimal | None = None
    category: str = Field("", description="Category slug; guessed from the name when empty")
    description: str = ""
    household_id: int | None = Field(None, description="Cooperative shops: the member supplying")
    min_order: Decimal | None = None
    order_step: Decimal | None = None
    available_from: dt.date | None = None
    available_to: dt.date | None = None
    preorder_enabled: bool = False
    expected_yield: Decimal | None = None
    shelf_life_hours: int | None = None
    certification_ids: list[int] = Field(default_factory=list)
    registration_number: str = ""
    submit: bool = Field(False, description="Send for review at once (needs a photo first)")


class ProductPatch(Schema):
    name: str | None = None
    price: int | None = None
    unit: str | None = None
    stock: Decimal | None = None
    unit_weight_kg: Decimal | None = None
    category: str | None = None
    description: str | None = None
    household_id: int | None = None
    min_order: Decimal | None = None
    order_step: Decimal | None = None
    available_from: dt.date | None = None
    available_to: dt.date | None = None
    preorder_enabled: bool | None = None
    expected_yield: Decimal | None = None
    shelf_life_hours: int | None = None
    certification_ids: list[int] | None = None
    registration_number: str | None = None


class TransitionIn(Schema):
    to: str = Field(description="draft | pending | published | hidden")
    reason: str = ""


class ShopActiveIn(Schema):
    is_active: bool
    reason: str = ""
