"""The catalog API under /api/catalog/: public reads; writes by the shop's seller or the
marketplace operator, each out of scope a 404 and a refused action a 403."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, File, Router, Schema
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.responses import Status

from nongsan.accounts.api_auth import api_auth
from nongsan.catalog import selectors, services
from nongsan.catalog.models import Category, Product, Shop
from nongsan.catalog.schemas import (
    CategoryOut,
    MarketplaceOut,
    PhotoOut,
    ProductDetailOut,
    ProductIn,
    ProductPatch,
    SearchOut,
    SellerProductOut,
    ShopActiveIn,
    ShopDetailOut,
    ShopIn,
    ShopOut,
    ShopPatch,
    TransitionIn,
)
from nongsan.core.api import refused_is_403
from nongsan.core.errors import ApplicationError
from nongsan.geo.models import Commune
from nongsan.households.models import Certification, Cooperative, Household
from nongsan.orgs.models import Marketplace

router = Router(tags=["catalog"])


PAGE_MAX_LIMIT = 100
PAGE_MAX_OFFSET = 1_000_000


class Pagination(LimitOffsetPagination):
    """Limit and offset within bounds: anything else is a 422 naming the parameter, never a
    database error (an offset past what SQL takes) or an unbounded page."""

    class Input(Schema):
        limit: int = Field(PAGE_MAX_LIMIT, ge=1, le=PAGE_MAX_LIMIT)
        offset: int = Field(0, ge=0, le=PAGE_MAX_OFFSET)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=PAGE_MAX_LIMIT, **kwargs)


def _seller_product(product_id: int) -> Product:
    """One product as a seller or operator reads it, figures included."""
    return selectors.with_stats(selectors.with_details(Product.objects.filter(pk=product_id))).get()


# --- Public reads -------------------------------------------------------------------------------


@router.get("/marketplaces", response=list[MarketplaceOut], summary="Marketplaces hosted here")
def marketplace_list(request: HttpRequest) -> QuerySet[Marketplace]:
    return selectors.marketplace_list()


@router.get("/categories", response=list[CategoryOut], summary="The category tree, flat")
def category_list(request: HttpRequest, kind: str = "") -> QuerySet[Category]:
    return selectors.category_list(kind=kind)


@router.get("/shops", response=list[ShopOut], summary="Open shops")
@paginate(Pagination)
def shop_list(request: HttpRequest, marketplace: str = "") -> QuerySet[Shop]:
    found = selectors.marketplace_get(code=marketplace) if marketplace else None
    return selectors.shop_list_public(marketplace=found)


@router.get("/shops/{slug}", response=ShopDetailOut, summary="One open shop")
def shop_detail(request: HttpRequest, slug: str) -> Shop:
    return selectors.shop_get_public(slug=slug)


def _search(
    *,
    q: str,
    category: str,
    province: str,
    standard: str,
    ocop: int | None,
    price_min: int | None,
    price_max: int | None,
    in_season: bool,
    marketplace: str,
    shop: str,
    kind: str,
    sort: str,
    page: int,
    branded: bool = False,
) -> dict[str, Any]:
    filters = selectors.ProductFilters(
        query=q,
        category=selectors.category_get(slug=category) if category else None,
        province=selectors.province_get(code=province) if province else None,
        standard=standard,
        ocop_min=ocop,
        price_min=price_min,
        price_max=price_max,
        in_season=in_season,
        marketplace=selectors.marketplace_get(code=marketplace) if marketplace else None,
        shop=selectors.shop_get_public(slug=shop) if shop else None,
        kind=kind,
        sort=sort,
        branded=branded,
    )
    result = selectors.search_page(filters=filters, page=page, per_page=24)
    return {
        "page": result.number,
        "has_next": result.has_next,
        "results": result.products,
    }


SEARCH_DOC = (
    "Diacritic- and case-insensitive, regional synonyms included (`mang cau` finds `Na`). "
    "Filters: category and province (with sub-units), standard (vietgap, globalgap, organic), "
    "ocop (minimum stars), price range in VND, in_season, marketplace, shop, kind "
    "(produce/input), branded (a brand mark in force). "
    "Sort: lien-quan, moi-nhat, gia-tang, gia-giam."
)


@router.get("/products", response=SearchOut, summary="Listed products", description=SEARCH_DOC)
def product_list(
    request: HttpRequest,
    q: str = "",
    category: str = "",
    province: str = "",
    standard: str = "",
    ocop: int | None = None,
    price_min: int | None = None,
    price_max: int | None = None,
    in_season: bool = False,
    marketplace: str = "",
    shop: str = "",
    kind: str = "",
    sort: str = "",
    page: int = 1,
    branded: bool = False,
) -> dict[str, Any]:
    return _search(**{k: v for k, v in locals().items() if k != "request"})


@router.get("/search", response=SearchOut, summary="Search listed products", description=SEARCH_DOC)
def product_search(
    request: HttpRequest,
    q: str,
    category: str = "",
    province: str = "",
    standard: str = "",
    ocop: int | None = None,
    price_min: int | None = None,
    price_max: int | None = None,
    in_season: bool = False,
    marketplace: str = "",
    shop: str = "",
    kind: str = "",
    sort: str = "",
    page: int = 1,
    branded: bool = False,
) -> dict[str, Any]:
    return _search(**{k: v for k, v in locals().items() if k != "request"})


@router.get("/products/{product_id}", response=ProductDetailOut, summary="One listed product")
def product_detail(request: HttpRequest, product_id: int) -> Product:
    return selectors.product_get_public(product_id=product_id)


# --- Sellers ------------------------------------------------------------------------------------


@router.get("/seller/shops", response=list[ShopOut], auth=api_auth, summary="Shops I run")
def seller_shop_list(request: HttpRequest) -> QuerySet[Shop]:
    return selectors.shop_list_managed(actor=request.user).order_by("name", "pk")


@router.post("/seller/shops", response={201: ShopOut}, auth=api_auth, summary="Open a shop")
@refused_is_403
def seller_shop_open(request: HttpRequest, payload: ShopIn) -> Status:
    marketplace = Marketplace.objects.filter(code=payload.marketplace).first()
    if marketplace is None:
        raise ApplicationError("Mã sàn không tồn tại.", field="marketplace")
    household = cooperative = commune = None
    if payload.household_id is not None:
        household = Household.objects.filter(pk=payload.household_id).first()
        if household is None:
            raise ApplicationError("Không có hộ này.", field="household_id")
    if payload.cooperative_id is not None:
        cooperative = Cooperative.objects.filter(pk=payload.cooperative_id).first()
        if cooperative is None:
            raise ApplicationError("Không có HTX này.", field="cooperative_id")
    if payload.commune_code:
        commune = Commune.objects.filter(code=payload.commune_code).first()
        if commune is None:
            raise ApplicationError("Mã xã/phường không tồn tại.", field="commune_code")
    shop = services.shop_open(
        actor=request.user,
        marketplace=marketplace,
        name=payload.name,
        story=payload.story,
        household=household,
        cooperative=cooperative,
        commune=commune,
    )
    return Status(201, shop)


@router.patch("/seller/shops/{shop_id}", response=ShopOut, auth=api_auth, summary="Edit my shop")
@refused_is_403
def seller_shop_update(request: HttpRequest, shop_id: int, payload: ShopPatch) -> Shop:
    shop = selectors.shop_get_for_manage(actor=request.user, shop_id=shop_id)
    return services.shop_update(actor=request.user, shop=shop, **payload.dict(exclude_unset=True))


@router.get(
    "/seller/products", response=list[SellerProductOut], auth=api_auth, summary="My products"
)
@paginate(Pagination)
def seller_product_list(
    request: HttpRequest, shop_id: int | None = None, status: str = ""
) -> QuerySet[Product]:
    shop = selectors.shop_get_for_manage(actor=request.user, shop_id=shop_id) if shop_id else None
    products = selectors.product_list_managed(actor=request.user, shop=shop, status=status)
    return selectors.with_stats(selectors.with_details(products)).order_by("-pk")


def _category(slug: str) -> Category | None:
    if not slug:
        return None
    category = Category.objects.filter(slug=slug).select_related("parent").first()
    if category is None:
        raise ApplicationError("Mã danh mục không tồn tại.", field="category")
    return category


def _household(household_id: int | None) -> Household | None:
    if household_id is None:
        return None
    household = Household.objects.filter(pk=household_id).select_related("commune").first()
    if household is None:
        raise ApplicationError("Không có hộ này.", field="household_id")
    return household


def _certifications(ids: list[int]) -> list[Certification]:
    found = list(Certification.objects.filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise ApplicationError("Có chứng nhận không tồn tại.", field="certification_ids")
    return found


@router.post(
    "/seller/shops/{shop_id}/products",
    response={201: SellerProductOut},
    auth=api_auth,
    summary="Add a product to my shop",
)
@refused_is_403
def seller_product_create(request: HttpRequest, shop_id: int, payload: ProductIn) -> Status:
    shop = selectors.shop_get_for_manage(actor=request.user, shop_id=shop_id)
    data = payload.dict(exclude={"category", "household_id", "certification_ids"})
    product = services.product_create(
        actor=request.user,
        shop=shop,
        category=_category(payload.category),
        household=_household(payload.household_id),
        certifications=_certifications(payload.certification_ids),
        **data,
    )
    return Status(201, _seller_product(product.pk))


@router.patch(
    "/seller/products/{product_id}",
    response=SellerProductOut,
    auth=api_auth,
    summary="Edit my product (price and stock alone never send it back to review)",
)
@refused_is_403
def seller_product_update(request: HttpRequest, product_id: int, payload: ProductPatch) -> Product:
    product = selectors.product_get_for_manage(actor=request.user, product_id=product_id)
    changes = payload.dict(exclude_unset=True)
    if set(changes) <= {"price", "stock"}:
        services.product_quick_update(
            actor=request.user,
            product=product,
            price=changes.get("price"),
            stock=changes.get("stock"),
        )
    else:
        certification_ids = changes.pop("certification_ids", None)
        if "category" in changes:
            changes["category"] = _category(changes["category"] or "") or product.category
        if "household_id" in changes:
            changes["household"] = _household(changes.pop("household_id"))
        services.product_update(
            actor=request.user,
            product=product,
            certifications=(
                _certifications(certification_ids) if certification_ids is not None else None
            ),
            **changes,
        )
    return _seller_product(product.pk)


@router.post(
    "/seller/products/{product_id}/photos",
    response={201: PhotoOut},
    auth=api_auth,
    summary="Add a photo (multipart field `photo`)",
)
@refused_is_403
def seller_photo_add(request: HttpRequest, product_id: int, photo: File[UploadedFile]) -> Status:
    product = selectors.product_get_for_manage(actor=request.user, product_id=product_id)
    photo_row = services.product_photo_add(actor=request.user, product=product, upload=photo)
    return Status(201, photo_row)


@router.delete(
    "/seller/photos/{photo_id}", response={204: None}, auth=api_auth, summary="Delete a photo"
)
@refused_is_403
def seller_photo_delete(request: HttpRequest, photo_id: int) -> Status:
    photo = selectors.photo_get_for_manage(actor=request.user, photo_id=photo_id)
    services.product_photo_delete(actor=request.user, photo=photo)
    return Status(204, None)


# --- Moderation (seller's and operator's moves) -------------------------------------------------


@router.post(
    "/products/{product_id}/transition",
    response=SellerProductOut,
    auth=api_auth,
    summary="Move a product along moderation: the seller submits or withdraws; the operator "
    "of its marketplace publishes, refuses (with reason), hides (with reason) or restores",
)
@refused_is_403
def product_transition(request: HttpRequest, product_id: int, payload: TransitionIn) -> Product:
    product = selectors.product_get_for_transition(actor=request.user, product_id=product_id)
    services.product_transition(
        actor=request.user, product=product, to=payload.to, reason=payload.reason
    )
    return _seller_product(product.pk)


@router.get(
    "/moderation",
    response=list[SellerProductOut],
    auth=api_auth,
    summary="Products of my marketplace in a status (pending by default)",
)
@paginate(Pagination)
def moderation_list(
    request: HttpRequest, status: str = Product.Status.PENDING
) -> QuerySet[Product]:
    if not selectors.is_operator(actor=request.user):
        raise HttpError(403, "Chỉ người vận hành sàn xem được hàng chờ duyệt.")
    products = selectors.moderation_list(actor=request.user, status=status)
    return selectors.with_stats(selectors.with_details(products))


@router.post(
    "/moderation/shops/{shop_id}/active",
    response=ShopOut,
    auth=api_auth,
    summary="Close (with reason) or reopen a shop of my marketplace",
)
@refused_is_403
def shop_set_active(request: HttpRequest, shop_id: int, payload: ShopActiveIn) -> Shop:
    shop = selectors.shop_get(shop_id=shop_id)
    return services.shop_set_active(
        actor=request.user, shop=shop, is_active=payload.is_active, reason=payload.reason
    )
