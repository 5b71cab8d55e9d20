"""The delivery API under /api/shipping/: shipments and their events (carrier staff), the
carriers' signed tracking webhook, claims, and priority vehicle cards (the card check is public)."""

import datetime as dt
from decimal import Decimal

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.responses import Status

from nongsan.accounts.api_auth import api_auth
from nongsan.core.api import BoundedPagination, refused_is_403
from nongsan.core.errors import ApplicationError
from nongsan.geo.models import Province
from nongsan.orders import selectors as orders_selectors
from nongsan.orgs.models import Carrier
from nongsan.shipping import selectors, services
from nongsan.shipping.models import Claim, PriorityCard, Shipment, TrackingEvent

router = Router(tags=["shipping"], auth=api_auth)


class EventOut(Schema):
    kind: str
    at: dt.datetime
    place: str
    note: str
    source: str


class ShipmentOut(Schema):
    tracking_number: str
    sub_order: str = Field(alias="sub_order.number")
    carrier: str = Field(alias="carrier.code")
    status: str
    zone: str
    weight_kg: Decimal
    fee: int
    cod_amount: int
    is_perishable: bool
    is_essential: bool
    freshness_hours: int | None
    picked_up_at: dt.datetime | None
    fresh_until: dt.datetime | None
    at_risk_at: dt.datetime | None
    breached_at: dt.datetime | None
    delivered_at: dt.datetime | None
    destination_province: str | None = Field(default=None, alias="destination_province.code")
    destination_country: str = Field(alias="destination_country_id")


class ShipmentDetailOut(ShipmentOut):
    events: list[EventOut]

    @staticmethod
    def resolve_events(obj: Shipment) -> QuerySet[TrackingEvent]:
        return selectors.timeline(shipment=obj)


class ShipmentIn(Schema):
    sub_order: str = Field(max_length=16)
    carrier: str = Field(max_length=30)
    weight_kg: Decimal = Field(gt=0, le=500, max_digits=8, decimal_places=3)
    length_cm: int = Field(ge=1, le=300)
    width_cm: int = Field(ge=1, le=300)
    height_cm: int = Field(ge=1, le=300)


class EventIn(Schema):
    kind: str = Field(max_length=20)
    at: dt.datetime | None = None
    place: str = Field(default="", max_length=200)
    note: str = Field(default="", max_length=300)


class ClaimIn(Schema):
    kind: str = Field(max_length=12)
    description: str = Field(default="", max_length=2000)


class ClaimOut(Schema):
    id: int
    tracking_number: str = Field(alias="shipment.tracking_number")
    kind: str
    status: str
    automatic: bool
    opened_at: dt.datetime
    responsible_by_rule: str
    rule_reason: str
    responsible: str
    goods_value: int
    multiple: Decimal
    refund_amount: int
    recovery_amount: int


class DecisionIn(Schema):
    accept: bool
    responsible: str = Field(default="", max_length=10)
    note: str = Field(default="", max_length=500)


class CardIn(Schema):
    plate: str = Field(max_length=15)
    driver_name: str = Field(max_length=150)
    driver_phone: str = Field(max_length=16)
    route: str = Field(max_length=300)
    valid_from: dt.date
    valid_to: dt.date
    province_code: str = Field(max_length=2)
    authority: str = Field(max_length=200)


class CardOut(Schema):
    code: str
    plate: str
    carrier: str = Field(alias="carrier.code")
    driver_name: str
    route: str
    valid_from: dt.date
    valid_to: dt.date
    province: str = Field(alias="province.code")
    authority: str
    status: str
    valid_today: bool

    @staticmethod
    def resolve_valid_today(obj: PriorityCard) -> bool:
        return services.card_is_valid(obj)


class CardDecisionIn(Schema):
    approve: bool
    reason: str = Field(default="", max_length=300)


@router.get("/shipments", response=list[ShipmentOut], summary="Parcels of my carrier")
@paginate(BoundedPagination)
def shipment_list(request: HttpRequest, status: str = "") -> QuerySet[Shipment]:
    if status and status not in Shipment.Status.values:
        raise ApplicationError("Trạng thái không hợp lệ.", field="status")
    return selectors.carrier_shipments(actor=request.auth, status=status)


@router.post("/shipments", response={201: ShipmentDetailOut}, summary="Book a packed parcel")
@refused_is_403
def shipment_create(request: HttpRequest, payload: ShipmentIn) -> Status:
    sub = orders_selectors.sub_order_get_for_seller(actor=request.auth, number=payload.sub_order)
    carrier = Carrier.objects.filter(code=payload.carrier, is_active=True).first()
    if carrier is None:
        raise ApplicationError("Đơn vị vận chuyển không hợp lệ.", field="carrier")
    shipment = services.shipment_create(
        actor=request.auth,  # type: ignore[arg-type]
        sub_order=sub,
        carrier=carrier,
        weight_kg=payload.weight_kg,
        length_cm=payload.length_cm,
        width_cm=payload.width_cm,
        height_cm=payload.height_cm,
    )
    return Status(201, shipment)


@router.get("/shipments/{tracking_number}", response=ShipmentDetailOut, summary="A parcel")
def shipment_get(request: HttpRequest, tracking_number: str) -> Shipment:
    return selectors.shipment_get_for(actor=request.auth, tracking_number=tracking_number)


@router.post(
    "/shipments/{tracking_number}/events",
    response={201: ShipmentDetailOut},
    summary="Record a tracking event (carrier staff)",
)
@refused_is_403
def event_create(request: HttpRequest, tracking_number: str, payload: EventIn) -> Status:
    shipment = selectors.shipment_get_for(actor=request.auth, tracking_number=tracking_number)
    services.event_record(
        shipment=shipment,
        kind=payload.kind,
        at=payload.at or timezone.now(),
        source=TrackingEvent.Source.STAFF,
        actor=request.auth,  # type: ignore[arg-type]
        place=payload.place,
        note=payload.note,
    )
    return Status(
        201, selectors.shipment_get_for(actor=request.auth, tracking_number=tracking_number)
    )


@router.post(
    "/shipments/{tracking_number}/claims", response={201: ClaimOut}, summary="Open a claim"
)
@refused_is_403
def claim_create(request: HttpRequest, tracking_number: str, payload: ClaimIn) -> Status:
    shipment = selectors.shipment_get_for(actor=request.auth, tracking_number=tracking_number)
    claim = services.claim_open(
        actor=request.auth,  # type: ignore[arg-type]
        shipment=shipment,
        kind=payload.kind,
        description=payload.description,
    )
    return Status(201, claim)


@router.get("/claims", response=list[ClaimOut], summary="Claims I am a party to or decide")
@paginate(BoundedPagination)
def claim_list(request: HttpRequest) -> QuerySet[Claim]:
    return selectors.claim_list(actor=request.auth)


@router.post("/claims/{claim_id}/decision", response=ClaimOut, summary="Decide a claim")
@refused_is_403
def claim_decision(request: HttpRequest, claim_id: int, payload: DecisionIn) -> Claim:
    claim = selectors.claim_get_for(actor=request.auth, claim_id=claim_id)
    return services.claim_decide(
        actor=request.auth,  # type: ignore[arg-type]
        claim=claim,
        accept=payload.accept,
        responsible=payload.responsible,
        note=payload.note,
    )


@router.get("/cards", response=list[CardOut], summary="Priority vehicle cards I may see")
@paginate(BoundedPagination)
def card_list(request: HttpRequest) -> QuerySet[PriorityCard]:
    return selectors.cards_for(actor=request.auth)


@router.post("/cards", response={201: CardOut}, summary="Ask for a priority vehicle card")
@refused_is_403
def card_create(request: HttpRequest, payload: CardIn) -> Status:
    province = Province.objects.filter(code=payload.province_code).first()
    if province is None:
        raise ApplicationError("Mã tỉnh không hợp lệ.", field="province_code")
    card = services.card_request(
        actor=request.auth,  # type: ignore[arg-type]
        plate=payload.plate,
        driver_name=payload.driver_name,
        driver_phone=payload.driver_phone,
        route=payload.route,
        valid_from=payload.valid_from,
        valid_to=payload.valid_to,
        province=province,
        authority=payload.authority,
    )
    return Status(201, card)


@router.post("/cards/{code}/decision", response=CardOut, summary="Approve or revoke a card")
@refused_is_403
def card_decision(request: HttpRequest, code: str, payload: CardDecisionIn) -> PriorityCard:
    card = selectors.card_get_public(code=code)
    return services.card_decide(
        actor=request.auth,  # type: ignore[arg-type]
        card=card,
        approve=payload.approve,
        reason=payload.reason,
    )


@router.get("/cards/{code}/check", response=CardOut, auth=None, summary="Is this card valid today")
def card_check(request: HttpRequest, code: str) -> PriorityCard:
    return selectors.card_get_public(code=code)


class WebhookOut(Schema):
    recorded: int


@router.post(
    "/webhooks/{carrier_code}",
    response=WebhookOut,
    auth=None,
    summary="A carrier's tracking events, signed (X-Carrier-Signature: hex HMAC-SHA256)",
)
def carrier_webhook(request: HttpRequest, carrier_code: str) -> dict[str, int]:
    carrier = Carrier.objects.filter(code=carrier_code).first()
    if carrier is None:
        raise HttpError(404, "Không có đơn vị vận chuyển này.")
    try:
        events = services.webhook_receive(
            carrier=carrier,
            body=request.body,
            signature=request.headers.get("X-Carrier-Signature", ""),
        )
    except ApplicationError as exc:
        if exc.code == "bad_signature":
            raise HttpError(401, exc.message) from exc
        raise
    return {"recorded": len(events)}
