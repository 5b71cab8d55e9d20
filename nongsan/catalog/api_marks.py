"""The brand marks API under /api/brand-marks/: the marks a marketplace or province granted,
granting against criteria, revoking; whether a product or household is marked (public)."""

import datetime as dt

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.responses import Status

from nongsan.accounts.api_auth import api_auth
from nongsan.catalog import selectors, services
from nongsan.catalog.models import BrandMark, Product
from nongsan.core.api import BoundedPagination, refused_is_403
from nongsan.core.errors import ApplicationError

router = Router(tags=["brand marks"], auth=api_auth)


class BrandMarkOut(Schema):
    id: int
    product_id: int | None
    household_id: int | None
    marketplace: str | None = Field(default=None, alias="marketplace.code")
    province: str | None = Field(default=None, alias="province.code")
    criteria: list[str]
    reason: str
    valid_from: dt.date
    valid_until: dt.date | None
    granted_at: dt.datetime
    revoked_at: dt.datetime | None
    revoke_reason: str


class BrandMarkIn(Schema):
    product_id: int | None = None
    household_id: int | None = None
    criteria: list[str]
    reason: str = Field(max_length=500)
    valid_from: dt.date
    valid_until: dt.date | None = None


class RevokeIn(Schema):
    reason: str = Field(max_length=500)


class MarkedOut(Schema):
    product_id: int
    marked: bool


@router.get("", response=list[BrandMarkOut], summary="Marks my marketplace or province granted")
@paginate(BoundedPagination)
def mark_list(request: HttpRequest) -> QuerySet[BrandMark]:
    if not selectors.may_grant(actor=request.auth):
        raise HttpError(403, "Chỉ vận hành sàn và cán bộ Sở TTTT xem được mark đã gắn.")
    return selectors.brand_mark_list(actor=request.auth)


@router.post("", response={201: BrandMarkOut}, summary="Grant a brand mark")
@refused_is_403
def mark_grant(request: HttpRequest, payload: BrandMarkIn) -> Status:
    if (payload.product_id is None) == (payload.household_id is None):
        raise ApplicationError("Chọn một sản phẩm hoặc một hộ sản xuất.", field="product_id")
    product = household = None
    if payload.product_id is not None:
        product = selectors.brand_mark_target_product(
            actor=request.auth, product_id=payload.product_id
        )
    else:
        assert payload.household_id is not None
        household = selectors.brand_mark_target_household(
            actor=request.auth, household_id=payload.household_id
        )
    mark = services.brand_mark_grant(
        actor=request.auth,  # type: ignore[arg-type]
        product=product,
        household=household,
        criteria=payload.criteria,
        reason=payload.reason,
        valid_from=payload.valid_from,
        valid_until=payload.valid_until,
    )
    return Status(201, mark)


@router.post("/{mark_id}/revoke", response=BrandMarkOut, summary="Revoke a brand mark")
@refused_is_403
def mark_revoke(request: HttpRequest, mark_id: int, payload: RevokeIn) -> BrandMark:
    mark = selectors.brand_mark_get_for(actor=request.auth, mark_id=mark_id)
    return services.brand_mark_revoke(
        actor=request.auth,  # type: ignore[arg-type]
        mark=mark,
        reason=payload.reason,
    )


@router.get(
    "/products/{product_id}", response=MarkedOut, auth=None, summary="Is a listed product marked"
)
def product_marked(request: HttpRequest, product_id: int) -> dict:
    product = get_object_or_404(selectors.listed_products(), pk=product_id)
    assert isinstance(product, Product)
    return {
        "product_id": product.pk,
        "marked": bool(selectors.marked_product_ids(products=[product])),
    }
