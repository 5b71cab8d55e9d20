"""Demo delivery: rate cards and compensation promises, parcels for the demo's waiting orders in
every state (some breached and claimed), and a distancing episode with priority vehicle cards."""

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from nongsan.accounts.models import Role, User
from nongsan.core.errors import ApplicationError
from nongsan.geo.models import Province
from nongsan.orders import services as orders_services
from nongsan.orders.models import Order, SubOrder
from nongsan.orgs.models import Carrier, Marketplace
from nongsan.shipping import services
from nongsan.shipping.models import CompensationPolicy, DistancingOrder, PriorityCard, Shipment

Status = Shipment.Status
# How far each demo parcel gets (weighted).
JOURNEYS = (
    ["created"] * 3
    + ["picked_up", "at_hub", "in_transit", "out_for_delivery", "failed_attempt", "returned"]
    + ["delivered"] * 6
    + ["breached"] * 2
    + ["claimed"] * 2
)
EVERY_JOURNEY = tuple(dict.fromkeys(JOURNEYS))
PATH = (Status.PICKED_UP, Status.AT_HUB, Status.IN_TRANSIT, Status.OUT_FOR_DELIVERY)
PLACES = ("Bưu cục huyện", "Trung tâm khai thác", "Bưu cục phát", "Điểm giao nhận")


def _staff(carrier: Carrier) -> User | None:
    return User.objects.filter(role=Role.CARRIER_STAFF, carrier=carrier).first()


def _operator(marketplace_id: int) -> User | None:
    return User.objects.filter(
        role=Role.MARKETPLACE_OPERATOR, marketplace_id=marketplace_id
    ).first()


def _journey(rng: random.Random, shipment: Shipment, fate: str, start: dt.datetime) -> None:
    now = timezone.now()
    at = start
    steps: list[str]
    if fate == "created":
        return
    if fate in ("delivered", "claimed"):
        steps = [*PATH, Status.DELIVERED]
    elif fate == "breached":
        steps = list(PATH[:3])
    elif fate == "failed_attempt":
        steps = [*PATH, Status.FAILED_ATTEMPT]
    elif fate == "returned":
        steps = [*PATH, Status.FAILED_ATTEMPT, Status.RETURNED]
    else:
        steps = list(PATH[: PATH.index(fate) + 1])  # type: ignore[arg-type]
    for index, kind in enumerate(steps):
        at += dt.timedelta(hours=rng.randint(1, 6) if fate != "breached" else 20)
        if at > now:
            break
        services.event_record(
            shipment=shipment,
            kind=kind,
            at=at,
            source="webhook",
            place=PLACES[min(index, len(PLACES) - 1)],
            external_id=f"demo-{shipment.tracking_number}-{index}",
            now=now,
        )
    if fate == "claimed":
        shipment.refresh_from_db()
        buyer = shipment.sub_order.order.buyer
        try:
            claim = services.claim_open(
                actor=buyer,
                shipment=shipment,
                kind="missing",
                description="Thiếu một túi so với đơn.",
                now=shipment.delivered_at,
            )
        except ApplicationError:
            return
        operator = _operator(shipment.sub_order.marketplace_id)
        if operator is not None and rng.random() < 0.5:
            services.claim_decide(actor=operator, claim=claim, accept=True)


def shipping_demo_seed(*, rng: random.Random) -> dict[str, int]:
    """Once: rate cards for every carrier, promises, parcels, a distancing episode."""
    if Shipment.objects.exists():
        return {}
    carriers = list(Carrier.objects.filter(is_active=True).order_by("code"))
    for carrier in carriers:
        services.rate_cards_seed(carrier=carrier)
    for marketplace in Marketplace.objects.all():
        for carrier in carriers:
            CompensationPolicy.objects.get_or_create(
                marketplace=marketplace,
                carrier=carrier,
                defaults={"multiple": Decimal(10) if marketplace.code == "voso" else Decimal(2)},
            )
    waiting = (
        SubOrder.objects.filter(status__in=[SubOrder.Status.PLACED, SubOrder.Status.CONFIRMED])
        .exclude(order__payment_status=Order.PaymentStatus.UNPAID)
        .select_related("shop", "order")
        .order_by("pk")
    )
    made = 0
    for sub in waiting:
        seller = orders_services.seller_user(sub.shop)
        if seller is None or not carriers or rng.random() < 0.3:
            continue  # some orders stay waiting for their seller
        start = max(sub.placed_at, timezone.now() - dt.timedelta(days=rng.uniform(1, 5)))
        if sub.status == SubOrder.Status.PLACED:
            sub = orders_services.sub_order_transition(
                actor=seller, sub_order=sub, to=SubOrder.Status.CONFIRMED, now=start
            )
        carrier = rng.choice(carriers)
        try:
            shipment = services.shipment_create(
                actor=seller,
                sub_order=sub,
                carrier=carrier,
                weight_kg=max(sub.weight_kg, Decimal("0.5")) + Decimal("0.3"),
                length_cm=rng.choice([30, 40, 50]),
                width_cm=rng.choice([20, 30]),
                height_cm=rng.choice([15, 20, 25]),
                now=start,
            )
        except ApplicationError:
            continue  # no rate for the zone: left waiting
        # Every kind of journey once, then at random.
        fate = EVERY_JOURNEY[made] if made < len(EVERY_JOURNEY) else rng.choice(JOURNEYS)
        made += 1
        _journey(rng, shipment, fate, start)
    checked = services.freshness_check()
    return {"shipments": made, **{f"freshness_{k}": v for k, v in checked.items()}, **_episode()}


def _episode() -> dict[str, int]:
    """Bắc Ninh (with the former Bắc Giang, the lychee country) under distancing for three
    weeks around today, and the green-lane cards of the carriers' vans."""
    province = Province.objects.filter(short_name="Bắc Ninh").first()
    if province is None or DistancingOrder.objects.exists():
        return {}
    today = timezone.localdate()
    official = User.objects.filter(role=Role.PROVINCE_OFFICIAL).first()
    DistancingOrder.objects.create(
        province=province,
        starts_on=today - dt.timedelta(days=14),
        ends_on=today + dt.timedelta(days=7),
        decision="Chỉ thị 15/CT-UBND về giãn cách xã hội",
        created_by=official,
    )
    cards = 0
    plates = ("98C-123.45", "98H-456.78", "29C-888.12", "99C-234.56", "98C-777.01")
    for index, plate in enumerate(plates):
        staff = User.objects.filter(role=Role.CARRIER_STAFF).first()
        if staff is None or staff.carrier_id is None:
            break
        card = PriorityCard.objects.create(
            code=f"DEMO{index:04d}{plate[-2:]}",
            carrier_id=staff.carrier_id,
            plate=plate,
            driver_name=(
                "Nguyễn Văn Hải",
                "Trần Đức Thắng",
                "Lê Văn Tuấn",
                "Phạm Quốc Việt",
                "Hoàng Minh Đức",
            )[index],
            driver_phone=f"+8491234{index:04d}",
            route="Lục Ngạn - QL31 - QL1A - Hà Nội",
            valid_from=today - dt.timedelta(days=10),
            valid_to=today + dt.timedelta(days=7),
            authority="Sở Giao thông vận tải Bắc Ninh",
            province=province,
            requested_by=staff,
            status=(
                PriorityCard.Status.APPROVED,
                PriorityCard.Status.APPROVED,
                PriorityCard.Status.APPROVED,
                PriorityCard.Status.PENDING,
                PriorityCard.Status.REVOKED,
            )[index],
            revoke_reason="Xe đi sai lộ trình đăng ký" if index == 4 else "",
            decided_by=official if index != 3 else None,
        )
        cards += bool(card)
    return {"distancing_areas": 1, "priority_cards": cards}
