"""The places API under /api/places/: digital address lookup (signed-in callers), the nearest
sales points (public), the Ministry's handover record per province."""

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from nongsan.accounts.api_auth import api_auth
from nongsan.geo import selectors as geo_selectors
from nongsan.geo.models import DigitalAddress, Province, SalesPoint
from nongsan.places import selectors

router = Router(tags=["places"], auth=api_auth)


class DigitalAddressOut(Schema):
    code: str
    postcode: str
    street: str
    commune: str = Field(alias="commune.code")
    province: str = Field(alias="commune.province.code")
    latitude: float
    longitude: float
    plus_code: str
    source: str


class SalesPointOut(Schema):
    id: int
    kind: str
    name: str
    status: str
    opening_hours: str
    phone: str
    address: str
    commune: str = Field(alias="commune.code")
    province: str = Field(alias="province.code")
    latitude: float
    longitude: float


class NearOut(Schema):
    point: SalesPointOut
    distance_km: float
    minutes: int


class HandoverRowOut(Schema):
    province: str
    name: str
    created: int
    handed_over: int
    remaining: int
    last_handover_at: dt.datetime | None


@router.get("/addresses/{code}", response=DigitalAddressOut, summary="A digital address")
def address_get(request: HttpRequest, code: str) -> DigitalAddress:
    return geo_selectors.digital_address_get(code=code)


@router.get(
    "/sales-points/nearest",
    response=list[NearOut],
    auth=None,
    summary="The nearest sales points to a place, with distance and estimated travel time",
)
def nearest(
    request: HttpRequest,
    lat: float,
    lng: float,
    limit: int = 10,
    kind: str = "",
    open_only: bool = True,
    province: str = "",
) -> list:
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise HttpError(400, "Vĩ độ từ -90 đến 90, kinh độ từ -180 đến 180.")
    if not 1 <= limit <= 50:
        raise HttpError(400, "Số điểm (limit) từ 1 đến 50.")
    if kind and kind not in SalesPoint.Kind.values:
        raise HttpError(400, "Loại điểm không hợp lệ.")
    points = geo_selectors.sales_points(
        province=Province.objects.filter(code=province).first() if province else None,
        kind=kind,
        status=SalesPoint.Status.OPEN if open_only else "",
    )
    return geo_selectors.nearest_sales_points(
        latitude=lat, longitude=lng, limit=limit, points=points
    )


@router.get("/handovers", response=list[HandoverRowOut], summary="Addresses handed to provinces")
def handovers(request: HttpRequest) -> list[dict]:
    if not selectors.may_see_handovers(actor=request.auth):
        raise HttpError(403, "Chỉ cán bộ Bộ và Sở TTTT xem biên bản bàn giao.")
    return [
        {
            "province": r.province.code,
            "name": r.province.name,
            "created": r.created,
            "handed_over": r.handed_over,
            "remaining": r.remaining,
            "last_handover_at": r.last_handover_at,
        }
        for r in geo_selectors.handover_table()
    ]
