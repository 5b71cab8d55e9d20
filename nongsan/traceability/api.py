"""The traceability API under /api/traceability/: a seller's lots and their events, and the
public trace lookup by GS1 keys (what a scanner app reads after resolving a Digital Link)."""

import datetime as dt
from decimal import Decimal

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from nongsan.accounts.api_auth import api_auth
from nongsan.core.api import BoundedPagination, refused_is_403
from nongsan.traceability import gs1, selectors, services
from nongsan.traceability.models import Lot, TraceEvent

router = Router(tags=["traceability"], auth=api_auth)


class TraceEventOut(Schema):
    step: str
    at: dt.datetime
    place: str
    who: str
    detail: str
    source: str
    sub_order: str | None = Field(default=None, alias="sub_order.number")


class LotOut(Schema):
    id: int
    product_id: int
    household_id: int
    gtin: str
    code: str
    quantity: Decimal | None
    is_open: bool
    traced_at: dt.datetime | None
    digital_link: str

    @staticmethod
    def resolve_digital_link(obj: Lot) -> str:
        return gs1.digital_link(gtin=obj.gtin, lot=obj.code)


class LotDetailOut(LotOut):
    events: list[TraceEventOut]

    @staticmethod
    def resolve_events(obj: Lot) -> QuerySet[TraceEvent]:
        return selectors.lot_events(lot=obj)


class LotIn(Schema):
    product_id: int
    code: str = Field(default="", max_length=20)
    gtin: str = Field(default="", max_length=20)
    quantity: Decimal | None = Field(default=None, gt=0, max_digits=12, decimal_places=3)
    note: str = Field(default="", max_length=300)


class TraceEventIn(Schema):
    step: str = Field(max_length=20)
    at: dt.datetime
    place: str = Field(max_length=200)
    who: str = Field(default="", max_length=150)
    detail: str = Field(default="", max_length=300)


class TraceOut(Schema):
    digital_link: str
    gtin: str
    lot: str
    product: str
    household: str
    commune: str
    province: str
    certifications: list[str]
    events: list[TraceEventOut]
    delivery: list[TraceEventOut]


@router.get("/lots", response=list[LotOut], summary="Lots of the products I sell")
@paginate(BoundedPagination)
def lot_list(request: HttpRequest, product_id: int | None = None) -> QuerySet[Lot]:
    return selectors.lot_list_managed(actor=request.auth, product_id=product_id)


@router.post("/lots", response={201: LotDetailOut}, summary="Open a lot of a product")
@refused_is_403
def lot_create(request: HttpRequest, payload: LotIn) -> Status:
    product = get_object_or_404(
        selectors.products_for_lots(actor=request.auth), pk=payload.product_id
    )
    lot = services.lot_create(
        actor=request.auth,  # type: ignore[arg-type]
        product=product,
        code=payload.code,
        gtin=payload.gtin,
        quantity=payload.quantity,
        note=payload.note,
    )
    return Status(201, lot)


@router.get("/lots/{lot_id}", response=LotDetailOut, summary="A lot and all its events")
def lot_get(request: HttpRequest, lot_id: int) -> Lot:
    return selectors.lot_get_for_manage(actor=request.auth, lot_id=lot_id)


@router.post(
    "/lots/{lot_id}/events", response={201: LotDetailOut}, summary="Record a step of a lot"
)
@refused_is_403
def event_create(request: HttpRequest, lot_id: int, payload: TraceEventIn) -> Status:
    lot = selectors.lot_get_for_manage(actor=request.auth, lot_id=lot_id)
    services.event_record(
        actor=request.auth,  # type: ignore[arg-type]
        lot=lot,
        step=payload.step,
        at=payload.at,
        place=payload.place,
        who=payload.who,
        detail=payload.detail,
    )
    return Status(201, selectors.lot_get_for_manage(actor=request.auth, lot_id=lot_id))


@router.get(
    "/trace/{gtin}/{code}",
    response=TraceOut,
    auth=None,
    summary="The public journey of a lot by its GS1 keys (serial: a sub-order number)",
)
def trace(request: HttpRequest, gtin: str, code: str, serial: str = "") -> dict:
    lot = selectors.lot_get_public(gtin=gtin, code=code)
    journey = selectors.journey(lot=lot, serial=serial)
    commune = lot.household.commune
    return {
        "digital_link": journey.url,
        "gtin": lot.gtin,
        "lot": lot.code,
        "product": lot.product.name,
        "household": lot.household.head_name,
        "commune": commune.name,
        "province": commune.province.name,
        "certifications": [f"{c.get_kind_display()} {c.number}" for c in journey.certifications],
        "events": journey.events,
        "delivery": journey.delivery,
    }
