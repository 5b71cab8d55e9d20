"""Every write about delivery: shipments and labels, tracking events (staff or carrier API),
the freshness clock, claims and compensation, distancing areas and priority vehicle cards.

Tracking events may arrive twice or out of order: an event is recorded once per carrier event
id, and only the latest one by time moves the shipment's status; delivered and returned are
final. The shipment drives the sub-order (handed to carrier at pickup, delivered at delivery).
"""

import datetime as dt
import hashlib
import hmac
import json
import math
import secrets
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from nongsan.accounts import services as accounts_services
from nongsan.accounts.models import Role, User
from nongsan.catalog import selectors as catalog_selectors
from nongsan.core import images
from nongsan.core.errors import ApplicationError
from nongsan.core.validators import parse_mobile
from nongsan.geo.models import Commune, Continent, Country, Province
from nongsan.orders import services as orders_services
from nongsan.orders.models import Order, SubOrder
from nongsan.orgs.models import Carrier, Marketplace
from nongsan.payments import services as payments_services
from nongsan.shipping import codes
from nongsan.shipping.models import (
    DEFAULT_MULTIPLE,
    Claim,
    ClaimPhoto,
    CompensationPolicy,
    DistancingOrder,
    PriorityCard,
    RateCard,
    Shipment,
    TrackingEvent,
    Zone,
)

Status = Shipment.Status
FINAL = frozenset({Status.DELIVERED, Status.RETURNED})
# A perishable parcel is at risk once this share of its freshness window has passed and it is
# not yet out for delivery.
AT_RISK_SHARE = Decimal("0.75")
# Handed to the carrier more than this long after the order was placed: late, the seller's part.
HANDOVER_LIMIT = dt.timedelta(hours=48)
MAX_PHOTOS = 5


def _forbidden(message: str) -> ApplicationError:
    return ApplicationError(message, code="forbidden")


# --- Fees ---------------------------------------------------------------------------------------

INTERNATIONAL_ZONE = {
    Continent.ASIA: Zone.ASIA,
    Continent.EUROPE: Zone.EUROPE_OCEANIA,
    Continent.OCEANIA: Zone.EUROPE_OCEANIA,
    Continent.AMERICAS: Zone.AMERICAS_AFRICA,
    Continent.AFRICA: Zone.AMERICAS_AFRICA,
    Continent.ANTARCTICA: Zone.AMERICAS_AFRICA,
}


def zone_of(*, origin: Province, destination: Province | None, country: Country) -> str:
    if country.code != "VN" or destination is None:
        return INTERNATIONAL_ZONE[Continent(country.continent)]
    if destination.pk == origin.pk:
        return Zone.SAME_PROVINCE
    if destination.region == origin.region:
        return Zone.SAME_REGION
    return Zone.OTHER_REGION


def fee_for(*, card: RateCard, weight_kg: Decimal, perishable: bool) -> int:
    """The carrier's price: the first base_kg, then each started step; the perishable surcharge."""
    steps = max(math.ceil((weight_kg - card.base_kg) / card.step_kg), 0)
    return card.base_fee + steps * card.step_fee + (card.perishable_surcharge if perishable else 0)


# A standard table in the shape of the national post's public prices (đồng, 2026): new carriers
# start from it and operators adjust it in the admin.
STANDARD_RATES: Mapping[str, tuple[str, int, str, int, int, int]] = {
    # zone: (base kg, base fee, step kg, step fee, perishable surcharge, transit hours)
    Zone.SAME_PROVINCE: ("2", 18_000, "0.5", 2_000, 10_000, 12),
    Zone.SAME_REGION: ("2", 25_000, "0.5", 3_000, 15_000, 24),
    Zone.OTHER_REGION: ("2", 35_000, "0.5", 4_500, 20_000, 48),
    Zone.ASIA: ("0.5", 320_000, "0.5", 95_000, 150_000, 96),
    Zone.EUROPE_OCEANIA: ("0.5", 450_000, "0.5", 140_000, 200_000, 96),
    Zone.AMERICAS_AFRICA: ("0.5", 520_000, "0.5", 160_000, 220_000, 120),
}


def rate_cards_seed(*, carrier: Carrier) -> int:
    """Give a carrier the standard table for every zone it has no price for yet."""
    made = 0
    for zone, (base_kg, base_fee, step_kg, step_fee, surcharge, hours) in STANDARD_RATES.items():
        _card, created = RateCard.objects.get_or_create(
            carrier=carrier,
            zone=zone,
            defaults={
                "base_kg": Decimal(base_kg),
                "base_fee": base_fee,
                "step_kg": Decimal(step_kg),
                "step_fee": step_fee,
                "perishable_surcharge": surcharge,
                "transit_hours": hours,
            },
        )
        made += created
    return made


def rate_card(*, carrier: Carrier, zone: str) -> RateCard:
    card = RateCard.objects.filter(carrier=carrier, zone=zone).first()
    if card is None:
        raise ApplicationError(
            f"{carrier.name} chưa có bảng giá cho vùng “{Zone(zone).label}”.", field="carrier"
        )
    return card


# --- Shipments ----------------------------------------------------------------------------------


def _may_ship(*, actor: User, sub_order: SubOrder) -> bool:
    return catalog_selectors.may_manage_shop(actor=actor, shop=sub_order.shop)


def is_under_distancing(*, commune: Commune | None, day: dt.date) -> bool:
    if commune is None:
        return False
    active = DistancingOrder.objects.filter(
        province_id=commune.province_id, starts_on__lte=day, ends_on__gte=day
    )
    return active.filter(communes__isnull=True).exists() or active.filter(communes=commune).exists()


@transaction.atomic
def shipment_create(
    *,
    actor: User,
    sub_order: SubOrder,
    carrier: Carrier,
    weight_kg: Decimal,
    length_cm: int,
    width_cm: int,
    height_cm: int,
    now: dt.datetime | None = None,
) -> Shipment:
    """The seller weighs and measures the packed parcel and books a carrier: the fee comes from
    the carrier's rate card, the label carries an S10 tracking number, the sub-order is packed."""
    now = now or timezone.now()
    sub = SubOrder.objects.select_related(
        "order__commune", "order__province", "order__country", "shop__commune__province"
    ).get(pk=sub_order.pk)
    if not _may_ship(actor=actor, sub_order=sub):
        raise _forbidden("Chỉ người bán tạo được vận đơn cho đơn này.")
    if Shipment.objects.filter(sub_order=sub).exists():
        raise ApplicationError("Đơn này đã có vận đơn.", field="carrier")
    if sub.status not in (SubOrder.Status.CONFIRMED, SubOrder.Status.PACKED):
        raise ApplicationError("Xác nhận đơn trước khi tạo vận đơn.", field="carrier")
    if not carrier.is_active:
        raise ApplicationError("Đơn vị vận chuyển đang tạm ngừng.", field="carrier")
    if not Decimal("0.05") <= weight_kg <= Decimal(500):
        raise ApplicationError("Khối lượng từ 0,05 đến 500 kg.", field="weight_kg")
    for name, value in (("length_cm", length_cm), ("width_cm", width_cm), ("height_cm", height_cm)):
        if not 1 <= value <= 300:
            raise ApplicationError("Kích thước mỗi chiều từ 1 đến 300 cm.", field=name)
    if sub.status == SubOrder.Status.CONFIRMED:
        sub = orders_services.sub_order_transition(
            actor=actor, sub_order=sub, to=SubOrder.Status.PACKED, now=now
        )
    order = sub.order
    zone = zone_of(
        origin=sub.shop.commune.province, destination=order.province, country=order.country
    )
    card = rate_card(carrier=carrier, zone=zone)
    weight = max(weight_kg, (Decimal(length_cm * width_cm * height_cm) / 6000)).quantize(
        Decimal("0.001")
    )  # the carrier bills the volumetric weight when the box is large and light
    shelf_lives = [
        line.product.shelf_life_hours
        for line in sub.lines.select_related("product")
        if line.product.shelf_life_hours
    ]
    perishable = bool(shelf_lives)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                shipment = Shipment.objects.create(
                    sub_order=sub,
                    carrier=carrier,
                    tracking_number=codes.s10_number(),
                    zone=zone,
                    weight_kg=weight,
                    length_cm=length_cm,
                    width_cm=width_cm,
                    height_cm=height_cm,
                    fee=fee_for(card=card, weight_kg=weight, perishable=perishable),
                    cod_amount=sub.total if order.payment_method == "cod" else 0,
                    is_perishable=perishable,
                    freshness_hours=min(shelf_lives) if shelf_lives else None,
                    is_essential=is_under_distancing(
                        commune=order.commune, day=timezone.localdate(now)
                    ),
                    origin_commune=sub.shop.commune,
                    destination_province=order.province,
                    destination_country=order.country,
                    created_at=now,
                )
            break
        except IntegrityError:  # the random serial was taken: draw again
            continue
    else:
        raise ApplicationError("Không cấp được mã vận đơn, hãy thử lại.", field="carrier")
    TrackingEvent.objects.create(
        shipment=shipment,
        kind=Status.CREATED,
        at=now,
        place=sub.shop.commune.name,
        source=TrackingEvent.Source.SYSTEM,
        actor=actor,
    )
    orders_services.sub_order_carrier_set(sub_order=sub, carrier=carrier)
    return shipment


# --- Tracking -----------------------------------------------------------------------------------


def _is_staff_of(actor: User | None, carrier_id: int) -> bool:
    return bool(
        actor is not None
        and actor.is_active
        and actor.role == Role.CARRIER_STAFF
        and actor.carrier_id == carrier_id
    )


@transaction.atomic
def event_record(
    *,
    shipment: Shipment,
    kind: str,
    at: dt.datetime,
    source: str,
    actor: User | None = None,
    place: str = "",
    note: str = "",
    external_id: str | None = None,
    now: dt.datetime | None = None,
) -> TrackingEvent:
    """Record a tracking event once and apply it: the latest event by time sets the status,
    pickup starts the freshness clock and hands the sub-order to the carrier, delivery closes
    it (and settles cash on delivery). An older event arriving late joins the timeline only."""
    now = now or timezone.now()
    if source == TrackingEvent.Source.STAFF and not _is_staff_of(actor, shipment.carrier_id):
        raise _forbidden("Chỉ nhân viên của đơn vị vận chuyển này ghi được hành trình.")
    if kind not in Status.values or kind == Status.CREATED:
        raise ApplicationError("Sự kiện không hợp lệ.", field="kind")
    if at > now + dt.timedelta(minutes=10):
        raise ApplicationError("Thời điểm sự kiện ở tương lai.", field="at")
    locked = Shipment.objects.select_for_update().get(pk=shipment.pk)
    if external_id:
        seen = TrackingEvent.objects.filter(shipment=locked, external_id=external_id).first()
        if seen is not None:
            return seen
    if locked.status in FINAL and kind not in FINAL and (locked.last_event_at or at) <= at:
        raise ApplicationError(
            f"Vận đơn đã ở bước cuối ({Status(locked.status).label}).", field="kind"
        )
    event = TrackingEvent.objects.create(
        shipment=locked,
        kind=kind,
        at=at,
        place=place.strip()[:200],
        note=note.strip()[:300],
        source=source,
        external_id=external_id or None,
        actor=actor,
        recorded_at=now,
    )
    latest = locked.last_event_at is None or at >= locked.last_event_at
    fields: list[str] = []
    if locked.picked_up_at is None or at < locked.picked_up_at:
        # Any movement means the parcel has left the farm: the earliest one starts the clock.
        first = locked.picked_up_at is None
        locked.picked_up_at = at
        if locked.freshness_hours:
            locked.fresh_until = at + dt.timedelta(hours=locked.freshness_hours)
        fields += ["picked_up_at", "fresh_until"]
        if first:
            _hand_over(locked, actor=actor, at=at)
    if latest and locked.status not in FINAL:
        locked.status = kind
        locked.last_event_at = at
        fields += ["status", "last_event_at"]
    if kind == Status.DELIVERED and locked.delivered_at is None:
        locked.delivered_at = at
        locked.status = Status.DELIVERED
        fields += ["delivered_at", "status"]
        if locked.fresh_until and at > locked.fresh_until and locked.breached_at is None:
            locked.breached_at = locked.fresh_until
            fields.append("breached_at")
        _deliver(locked, actor=actor, at=at)
    if fields:
        locked.save(update_fields=sorted(set(fields)))
    if locked.breached_at and kind == Status.DELIVERED:
        _open_automatic_claim(locked, now=now)
    shipment.__dict__.update(
        {f: getattr(locked, f) for f in ("status", "picked_up_at", "fresh_until", "delivered_at")}
    )
    return event


def _hand_over(shipment: Shipment, *, actor: User | None, at: dt.datetime) -> None:
    sub = shipment.sub_order
    if sub.status == SubOrder.Status.PACKED:
        orders_services.sub_order_transition(
            actor=actor if _is_staff_of(actor, shipment.carrier_id) else None,
            sub_order=sub,
            to=SubOrder.Status.HANDED_TO_CARRIER,
            now=at,
        )


def _deliver(shipment: Shipment, *, actor: User | None, at: dt.datetime) -> None:
    sub = SubOrder.objects.get(pk=shipment.sub_order_id)
    if sub.status == SubOrder.Status.HANDED_TO_CARRIER:
        orders_services.sub_order_transition(
            actor=actor if _is_staff_of(actor, shipment.carrier_id) else None,
            sub_order=sub,
            to=SubOrder.Status.DELIVERED,
            now=at,
        )


# --- The carrier's API --------------------------------------------------------------------------


def carrier_secret(carrier: Carrier) -> bytes:
    """Each carrier's webhook key, derived from the platform's secret and the carrier's code."""
    master = settings.SHIPPING["WEBHOOK_SECRET"].encode()
    return hmac.new(master, carrier.code.encode(), hashlib.sha256).digest()


def carrier_signature(carrier: Carrier, body: bytes) -> str:
    return hmac.new(carrier_secret(carrier), body, hashlib.sha256).hexdigest()


def webhook_receive(*, carrier: Carrier, body: bytes, signature: str) -> list[TrackingEvent]:
    """A batch of tracking events from a carrier's system (JSON: {"events": [{"id",
    "tracking_number", "status", "at", "place", "note"}]}), signed with its key. Events of
    other carriers' parcels are refused; repeats change nothing."""
    if not signature or not hmac.compare_digest(carrier_signature(carrier, body), signature):
        raise ApplicationError("Chữ ký không hợp lệ.", code="bad_signature")
    try:
        items = json.loads(body)["events"]
        assert isinstance(items, list)
    except (ValueError, KeyError, TypeError, AssertionError) as error:
        raise ApplicationError('Thân thông báo phải là {"events": [...]}.') from error
    recorded = []
    for index, item in enumerate(items):
        try:
            number = str(item["tracking_number"]).strip().upper()
            at = parse_datetime(str(item["at"]))
            event_id = str(item["id"])
            kind = str(item["status"])
        except (KeyError, TypeError) as error:
            raise ApplicationError(f"Sự kiện thứ {index + 1} thiếu trường {error}.") from error
        if at is None or timezone.is_naive(at):
            raise ApplicationError(
                f"Sự kiện thứ {index + 1}: thời điểm phải có múi giờ (ISO 8601)."
            )
        shipment = Shipment.objects.filter(tracking_number=number, carrier=carrier).first()
        if shipment is None:
            raise ApplicationError(f"Sự kiện thứ {index + 1}: không có vận đơn {number}.")
        recorded.append(
            event_record(
                shipment=shipment,
                kind=kind,
                at=at,
                source=TrackingEvent.Source.WEBHOOK,
                place=str(item.get("place", "")),
                note=str(item.get("note", "")),
                external_id=event_id,
            )
        )
    return recorded


# --- The freshness clock ------------------------------------------------------------------------


def _notify(users: Sequence[User | None], message: str, url: str, sms: bool) -> None:
    accounts_services.notify(
        notices=[
            accounts_services.Notice(user=u, message=message, url=url, sms=sms)
            for u in users
            if u is not None
        ]
    )


def _carrier_staff(carrier_id: int) -> list[User]:
    return list(User.objects.filter(role=Role.CARRIER_STAFF, carrier_id=carrier_id, is_active=True))


def freshness_check(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Raise the at-risk alert (a share of the window gone, not out for delivery) and, past the
    window, record the breach and open a spoilage claim. Run every few minutes."""
    now = now or timezone.now()
    open_parcels = Shipment.objects.filter(
        fresh_until__isnull=False, delivered_at__isnull=True
    ).exclude(status=Status.RETURNED)
    alerted = breached = 0
    for shipment in (
        open_parcels.filter(at_risk_at__isnull=True)
        .exclude(status=Status.OUT_FOR_DELIVERY)
        .select_related("sub_order__shop__household__user", "sub_order__shop__cooperative__manager")
    ):
        assert shipment.picked_up_at and shipment.fresh_until
        window = shipment.fresh_until - shipment.picked_up_at
        if now - shipment.picked_up_at < window * float(AT_RISK_SHARE):
            continue
        if Shipment.objects.filter(pk=shipment.pk, at_risk_at__isnull=True).update(at_risk_at=now):
            alerted += 1
            left = max(int((shipment.fresh_until - now).total_seconds() // 3600), 0)
            _notify(
                [
                    *_carrier_staff(shipment.carrier_id),
                    orders_services.seller_user(shipment.sub_order.shop),
                ],
                f"Hàng tươi {shipment.tracking_number} sắp quá hạn: còn {left} giờ, chưa đi giao.",
                reverse("shipping:detail", args=[shipment.tracking_number]),
                sms=True,
            )
    for shipment in open_parcels.filter(breached_at__isnull=True, fresh_until__lt=now):
        with transaction.atomic():
            if not Shipment.objects.filter(pk=shipment.pk, breached_at__isnull=True).update(
                breached_at=shipment.fresh_until
            ):
                continue
            shipment.breached_at = shipment.fresh_until
            _open_automatic_claim(shipment, now=now)
            breached += 1
    return {"alerted": alerted, "breached": breached}


def remaining(*, shipment: Shipment, now: dt.datetime | None = None) -> dt.timedelta | None:
    """Time left in the freshness window (negative once breached; None if not perishable or
    not yet picked up, or already delivered)."""
    if shipment.fresh_until is None or shipment.delivered_at is not None:
        return None
    return shipment.fresh_until - (now or timezone.now())


# --- Claims -------------------------------------------------------------------------------------


def policy_for(*, marketplace: Marketplace, carrier: Carrier) -> CompensationPolicy:
    found = CompensationPolicy.objects.filter(marketplace=marketplace, carrier=carrier).first()
    return found or CompensationPolicy(
        marketplace=marketplace, carrier=carrier, multiple=DEFAULT_MULTIPLE, claim_days=3
    )


def responsibility(*, claim: Claim) -> tuple[str, str]:
    """Who is at fault by the rule, and why: the carrier when the freshness window ran out while
    it had the parcel or the parcel was damaged or lost in its hands; the seller when the parcel
    was handed over late, or what was packed was short or wrong."""
    shipment = claim.shipment
    sub = shipment.sub_order
    handed_late = (
        shipment.picked_up_at is not None and shipment.picked_up_at - sub.placed_at > HANDOVER_LIMIT
    )
    if claim.kind == Claim.Kind.SPOILED:
        if handed_late:
            return Claim.Party.SELLER, "Người bán giao hàng cho bưu điện quá 48 giờ sau khi đặt."
        if shipment.breached_at is not None:
            return Claim.Party.CARRIER, "Quá hạn tươi trong lúc đơn vị vận chuyển giữ hàng."
        return Claim.Party.SELLER, "Giao trong hạn tươi: hàng hỏng do chất lượng hoặc đóng gói."
    if claim.kind == Claim.Kind.DAMAGED:
        return Claim.Party.CARRIER, "Hàng dập, vỡ trong quá trình vận chuyển."
    if claim.kind == Claim.Kind.MISSING and shipment.delivered_at is None:
        return Claim.Party.CARRIER, "Đơn vị vận chuyển chưa giao được hàng."
    return Claim.Party.SELLER, "Người bán đóng thiếu hoặc sai hàng."


def _open(
    *,
    shipment: Shipment,
    kind: str,
    description: str,
    actor: User | None,
    automatic: bool,
    now: dt.datetime,
) -> Claim:
    claim = Claim(
        shipment=shipment,
        kind=kind,
        description=description.strip()[:2000],
        opened_by=actor,
        automatic=automatic,
        opened_at=now,
        goods_value=shipment.sub_order.goods_total,
    )
    claim.responsible_by_rule, claim.rule_reason = responsibility(claim=claim)
    claim.save()
    return claim


def _open_automatic_claim(shipment: Shipment, *, now: dt.datetime) -> Claim | None:
    existing = Claim.objects.filter(
        shipment=shipment,
        kind=Claim.Kind.SPOILED,
        status__in=[Claim.Status.OPEN, Claim.Status.UNDER_REVIEW],
    ).first()
    if existing is not None:
        return existing
    claim = _open(
        shipment=shipment,
        kind=Claim.Kind.SPOILED,
        description="Quá hạn tươi của lô hàng: mở tự động.",
        actor=None,
        automatic=True,
        now=now,
    )
    sub = shipment.sub_order
    _notify(
        [
            sub.order.buyer,
            orders_services.seller_user(sub.shop),
            *_carrier_staff(shipment.carrier_id),
        ],
        f"Lô hàng {shipment.tracking_number} đã quá hạn tươi: khiếu nại hư hỏng được mở tự động.",
        reverse("shipping:claim", args=[claim.pk]),
        sms=True,
    )
    return claim


@transaction.atomic
def claim_open(
    *,
    actor: User,
    shipment: Shipment,
    kind: str,
    description: str = "",
    photos: Sequence[Any] = (),
    now: dt.datetime | None = None,
) -> Claim:
    """The buyer complains about a parcel, with photos, within the policy's days of delivery
    (a parcel never delivered may be claimed missing at any time)."""
    now = now or timezone.now()
    sub = shipment.sub_order
    if sub.order.buyer_id != actor.pk:
        raise _forbidden("Chỉ người mua đơn này mới khiếu nại được.")
    if kind not in Claim.Kind.values:
        raise ApplicationError("Chọn loại khiếu nại.", field="kind")
    policy = policy_for(marketplace=sub.marketplace, carrier=shipment.carrier)
    if shipment.delivered_at is None and kind != Claim.Kind.MISSING:
        raise ApplicationError("Bạn khiếu nại được sau khi nhận hàng.", field="kind")
    if shipment.delivered_at and now > shipment.delivered_at + dt.timedelta(days=policy.claim_days):
        raise ApplicationError(
            f"Đã quá {policy.claim_days} ngày sau khi nhận hàng, không mở khiếu nại được.",
            field="kind",
        )
    if len(photos) > MAX_PHOTOS:
        raise ApplicationError(f"Tối đa {MAX_PHOTOS} ảnh.", field="photos")
    if kind in (Claim.Kind.SPOILED, Claim.Kind.DAMAGED) and not photos:
        raise ApplicationError("Hãy chụp ảnh hàng hỏng để làm bằng chứng.", field="photos")
    cleaned = [images.clean_photo(photo, field="photos") for photo in photos]
    existing = Claim.objects.filter(
        shipment=shipment, kind=kind, status__in=[Claim.Status.OPEN, Claim.Status.UNDER_REVIEW]
    ).first()
    claim = existing or _open(
        shipment=shipment, kind=kind, description=description, actor=actor, automatic=False, now=now
    )
    if existing is not None and description.strip():
        claim.description = (f"{claim.description}\n{description.strip()}").strip()[:2000]
        claim.opened_by = claim.opened_by or actor
        claim.save(update_fields=["description", "opened_by"])
    for photo in cleaned:
        ClaimPhoto.objects.create(claim=claim, image=photo, uploaded_at=now)
    return claim


def may_decide(*, actor: User, claim: Claim) -> bool:
    return bool(
        actor.is_active
        and (
            actor.is_superuser
            or (
                actor.role == Role.MARKETPLACE_OPERATOR
                and actor.marketplace_id == claim.shipment.sub_order.marketplace_id
            )
        )
    )


@transaction.atomic
def claim_decide(
    *,
    actor: User,
    claim: Claim,
    accept: bool,
    responsible: str = "",
    note: str = "",
    now: dt.datetime | None = None,
) -> Claim:
    """The marketplace decides: accepted, the buyer gets the goods' value times the policy's
    multiple (spoiled and damaged produce; the value once for short or wrong items) and the
    party at fault pays it back (the seller at most the goods' value, from its balance)."""
    now = now or timezone.now()
    claim = (
        Claim.objects.select_for_update()
        .select_related(
            "shipment__sub_order__order", "shipment__sub_order__shop", "shipment__carrier"
        )
        .get(pk=claim.pk)
    )
    if not may_decide(actor=actor, claim=claim):
        raise _forbidden("Chỉ nhân viên sàn của đơn này quyết định khiếu nại.")
    if claim.status in (Claim.Status.DECIDED, Claim.Status.REJECTED):
        raise ApplicationError("Khiếu nại đã có quyết định.", field="status")
    note = " ".join(note.split())[:500]
    claim.decided_by, claim.decided_at, claim.decision_note = actor, now, note
    if not accept:
        if not note:
            raise ApplicationError("Hãy ghi lý do không chấp nhận.", field="note")
        claim.status = Claim.Status.REJECTED
        claim.responsible = Claim.Party.NONE
        claim.save()
        _notify_decision(claim)
        return claim
    responsible = responsible or claim.responsible_by_rule
    if responsible not in (Claim.Party.CARRIER, Claim.Party.SELLER):
        raise ApplicationError("Chọn bên chịu trách nhiệm.", field="responsible")
    sub = claim.shipment.sub_order
    multiple = (
        policy_for(marketplace=sub.marketplace, carrier=claim.shipment.carrier).multiple
        if claim.kind in (Claim.Kind.SPOILED, Claim.Kind.DAMAGED)
        else DEFAULT_MULTIPLE
    )
    order = sub.order
    # A parcel paid for in cash is paid only once delivered: before that the buyer is owed
    # nothing, and a carrier at fault owes the seller the goods instead.
    paid = order.payment_status == Order.PaymentStatus.PAID or (
        order.payment_method == "cod" and claim.shipment.delivered_at is not None
    )
    refund = (
        int((Decimal(claim.goods_value) * multiple).quantize(Decimal(1), ROUND_HALF_UP))
        if paid
        else 0
    )
    claim.status = Claim.Status.DECIDED
    claim.responsible = responsible
    claim.multiple = multiple
    claim.refund_amount = refund
    if responsible == Claim.Party.CARRIER:
        claim.recovery_amount = refund or claim.goods_value
    else:
        claim.recovery_amount = claim.goods_value if refund else 0
    claim.save()
    if refund:
        orders_services.claim_refund(
            sub_order=sub,
            reference=f"claim-{claim.pk}",
            amount=refund,
            reason=f"Bồi thường khiếu nại {claim.get_kind_display().lower()}",
        )
    if responsible == Claim.Party.SELLER:
        _recover_from_seller(claim, sub)
    _notify_decision(claim)
    return claim


def _recover_from_seller(claim: Claim, sub: SubOrder) -> None:
    """The households that supplied the parcel repay the goods' value from their balances,
    in proportion to what each supplied."""
    shares: dict[int, int] = {}
    for line in sub.lines.all():
        household_id = line.supplier_id or sub.shop.household_id
        if household_id:
            shares[household_id] = shares.get(household_id, 0) + line.amount
    total = sum(shares.values())
    for household_id, amount in shares.items():
        part = claim.recovery_amount * amount // total if total else 0
        payments_services.claim_recover(
            household_id=household_id, reference=f"claim-{claim.pk}", amount=part
        )


def _notify_decision(claim: Claim) -> None:
    sub = claim.shipment.sub_order
    if claim.status == Claim.Status.REJECTED:
        text = (
            f"Khiếu nại lô {claim.shipment.tracking_number} không được chấp nhận: "
            f"{claim.decision_note}"
        )
    else:
        text = (
            f"Khiếu nại lô {claim.shipment.tracking_number} được chấp nhận: hoàn "
            f"{claim.refund_amount:,} đồng cho người mua; bên chịu trách nhiệm: "
            f"{claim.get_responsible_display().lower()}."
        ).replace(",", ".")
    _notify(
        [sub.order.buyer, orders_services.seller_user(sub.shop)],
        text,
        reverse("shipping:claim", args=[claim.pk]),
        sms=False,
    )


# --- Distancing and priority vehicles -----------------------------------------------------------


def _official_for(actor: User, province: Province) -> bool:
    return bool(
        actor.is_active
        and (
            actor.is_superuser
            or actor.role == Role.MINISTRY_OFFICIAL
            or (actor.role == Role.PROVINCE_OFFICIAL and actor.province_id == province.pk)
        )
    )


def distancing_create(
    *,
    actor: User,
    province: Province,
    starts_on: dt.date,
    ends_on: dt.date,
    decision: str,
    communes: Sequence[Commune] = (),
) -> DistancingOrder:
    if not _official_for(actor, province):
        raise _forbidden("Chỉ cán bộ của tỉnh này hoặc của Bộ ghi được vùng giãn cách.")
    if ends_on < starts_on:
        raise ApplicationError("Ngày kết thúc phải sau ngày bắt đầu.", field="ends_on")
    if not decision.strip():
        raise ApplicationError("Ghi số văn bản quyết định giãn cách.", field="decision")
    if any(c.province_id != province.pk for c in communes):
        raise ApplicationError("Xã/phường phải thuộc tỉnh đã chọn.", field="communes")
    order = DistancingOrder.objects.create(
        province=province,
        starts_on=starts_on,
        ends_on=ends_on,
        decision=decision.strip()[:200],
        created_by=actor,
    )
    order.communes.set(communes)
    return order


def card_request(
    *,
    actor: User,
    plate: str,
    driver_name: str,
    driver_phone: str,
    route: str,
    valid_from: dt.date,
    valid_to: dt.date,
    province: Province,
    authority: str,
) -> PriorityCard:
    """Carrier staff ask for a priority vehicle card for one of their vehicles."""
    if actor.role != Role.CARRIER_STAFF or not actor.carrier_id:
        raise _forbidden("Chỉ nhân viên đơn vị vận chuyển đề nghị cấp thẻ.")
    if valid_to < valid_from:
        raise ApplicationError("Ngày hết hạn phải sau ngày bắt đầu.", field="valid_to")
    if (valid_to - valid_from).days > 90:
        raise ApplicationError("Thẻ có hiệu lực tối đa 90 ngày.", field="valid_to")
    for field, value in (("driver_name", driver_name), ("route", route), ("authority", authority)):
        if not value.strip():
            raise ApplicationError("Trường này không được để trống.", field=field)
    return PriorityCard.objects.create(
        code=secrets.token_hex(6).upper(),
        carrier_id=actor.carrier_id,
        plate=codes.parse_plate(plate),
        driver_name=" ".join(driver_name.split())[:150],
        driver_phone=parse_mobile(driver_phone, field="driver_phone"),
        route=route.strip()[:300],
        valid_from=valid_from,
        valid_to=valid_to,
        province=province,
        authority=authority.strip()[:200],
        requested_by=actor,
    )


def card_decide(
    *, actor: User, card: PriorityCard, approve: bool, reason: str = ""
) -> PriorityCard:
    """An official of the card's province approves it, or revokes it (with a reason)."""
    if not _official_for(actor, card.province):
        raise _forbidden("Chỉ cán bộ của tỉnh cấp thẻ duyệt hoặc thu hồi được.")
    if approve:
        if card.status != PriorityCard.Status.PENDING:
            raise ApplicationError("Thẻ không ở trạng thái chờ duyệt.", field="status")
        card.status = PriorityCard.Status.APPROVED
    else:
        if not reason.strip():
            raise ApplicationError("Ghi lý do thu hồi thẻ.", field="reason")
        card.status = PriorityCard.Status.REVOKED
        card.revoke_reason = reason.strip()[:300]
    card.decided_by = actor
    card.decided_at = timezone.now()
    card.save()
    return card


def card_is_valid(card: PriorityCard, *, day: dt.date | None = None) -> bool:
    day = day or timezone.localdate()
    return card.status == PriorityCard.Status.APPROVED and card.valid_from <= day <= card.valid_to
