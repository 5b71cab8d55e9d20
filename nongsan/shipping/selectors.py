"""Every read about delivery, scoped by the actor: a parcel is seen by its buyer, its seller,
the staff of its carrier and the operators of its marketplace."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from nongsan.accounts.models import Role
from nongsan.catalog import selectors as catalog_selectors
from nongsan.orgs.models import Carrier
from nongsan.shipping.models import (
    Claim,
    DistancingOrder,
    PriorityCard,
    Shipment,
    TrackingEvent,
)


def _authenticated(actor: Any) -> bool:
    return bool(getattr(actor, "is_authenticated", False) and actor.is_active)


def _shipments() -> QuerySet[Shipment]:
    return Shipment.objects.select_related(
        "carrier",
        "sub_order__order__buyer",
        "sub_order__shop",
        "origin_commune__province",
        "destination_province",
        "destination_country",
    )


def may_see(*, actor: Any, shipment: Shipment) -> bool:
    if not _authenticated(actor):
        return False
    sub = shipment.sub_order
    return bool(
        actor.is_superuser
        or sub.order.buyer_id == actor.pk
        or (actor.role == Role.CARRIER_STAFF and actor.carrier_id == shipment.carrier_id)
        or (actor.role == Role.MARKETPLACE_OPERATOR and actor.marketplace_id == sub.marketplace_id)
        or catalog_selectors.may_manage_shop(actor=actor, shop=sub.shop)
    )


def shipment_get_for(*, actor: Any, tracking_number: str) -> Shipment:
    shipment = _shipments().filter(tracking_number=tracking_number.strip().upper()).first()
    if shipment is None or not may_see(actor=actor, shipment=shipment):
        raise Http404("Không tìm thấy vận đơn.")
    return shipment


def shipment_of(*, sub_order: Any) -> Shipment | None:
    return _shipments().filter(sub_order=sub_order).first()


def timeline(*, shipment: Shipment) -> QuerySet[TrackingEvent]:
    return shipment.events.order_by("at", "pk")


def carrier_shipments(*, actor: Any, status: str = "") -> QuerySet[Shipment]:
    """The parcels of the actor's carrier (carrier staff), most urgent first."""
    if not _authenticated(actor) or actor.role != Role.CARRIER_STAFF or not actor.carrier_id:
        return Shipment.objects.none()
    found = _shipments().filter(carrier_id=actor.carrier_id)
    if status:
        found = found.filter(status=status)
    else:
        found = found.exclude(status__in=[Shipment.Status.DELIVERED, Shipment.Status.RETURNED])
    return found.order_by("fresh_until", "created_at")


@dataclass(frozen=True)
class PickupRun:
    """The day's parcels waiting in one commune: one collection run for the carrier."""

    commune_id: int
    commune: str
    province: str
    parcels: int
    weight_kg: Decimal
    cold_chain: bool


def pickup_runs(*, actor: Any, day: dt.date | None = None) -> list[PickupRun]:
    """Parcels waiting for pickup (created up to the end of `day`), one run per commune,
    with a cold-chain flag when any of them is perishable."""
    day = day or timezone.localdate()
    end = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))
    rows = (
        carrier_shipments(actor=actor, status=Shipment.Status.CREATED)
        .filter(created_at__lt=end)
        .order_by()
        .values("origin_commune_id", "origin_commune__name", "origin_commune__province__name")
        .annotate(
            parcels=Count("pk"),
            weight=Sum("weight_kg"),
            perishable=Count("pk", filter=Q(is_perishable=True)),
        )
        .order_by("origin_commune__province__name", "origin_commune__name")
    )
    return [
        PickupRun(
            commune_id=r["origin_commune_id"],
            commune=r["origin_commune__name"],
            province=r["origin_commune__province__name"],
            parcels=r["parcels"],
            weight_kg=r["weight"] or Decimal(0),
            cold_chain=r["perishable"] > 0,
        )
        for r in rows
    ]


def run_parcels(*, actor: Any, commune_id: int) -> QuerySet[Shipment]:
    return carrier_shipments(actor=actor, status=Shipment.Status.CREATED).filter(
        origin_commune_id=commune_id
    )


def claim_list(*, actor: Any) -> QuerySet[Claim]:
    """Claims the actor is a party to, or decides (operators of the marketplace)."""
    claims = Claim.objects.select_related(
        "shipment__sub_order__order", "shipment__sub_order__shop", "shipment__carrier"
    )
    if not _authenticated(actor):
        return claims.none()
    if actor.is_superuser:
        return claims
    if actor.role == Role.MARKETPLACE_OPERATOR:
        return claims.filter(shipment__sub_order__marketplace_id=actor.marketplace_id)
    if actor.role == Role.CARRIER_STAFF:
        return claims.filter(shipment__carrier_id=actor.carrier_id)
    shops = catalog_selectors.shop_list_managed(actor=actor).values("pk")
    return claims.filter(
        Q(shipment__sub_order__order__buyer=actor) | Q(shipment__sub_order__shop__in=shops)
    )


def claim_get_for(*, actor: Any, claim_id: int) -> Claim:
    claim = claim_list(actor=actor).filter(pk=claim_id).first()
    if claim is None:
        raise Http404("Không tìm thấy khiếu nại.")
    return claim


def card_get_public(*, code: str) -> PriorityCard:
    card = PriorityCard.objects.select_related("carrier", "province").filter(code=code).first()
    if card is None:
        raise Http404("Không tìm thấy thẻ.")
    return card


CARD_ROLES = frozenset({Role.CARRIER_STAFF, Role.PROVINCE_OFFICIAL, Role.MINISTRY_OFFICIAL})


def may_see_cards(*, actor: Any) -> bool:
    return _authenticated(actor) and (actor.is_superuser or actor.role in CARD_ROLES)


def cards_for(*, actor: Any) -> QuerySet[PriorityCard]:
    cards = PriorityCard.objects.select_related("carrier", "province")
    if not _authenticated(actor):
        return cards.none()
    if actor.is_superuser or actor.role == Role.MINISTRY_OFFICIAL:
        return cards
    if actor.role == Role.PROVINCE_OFFICIAL:
        return cards.filter(province_id=actor.province_id)
    if actor.role == Role.CARRIER_STAFF:
        return cards.filter(carrier_id=actor.carrier_id)
    return cards.none()


def carriers() -> QuerySet[Carrier]:
    return Carrier.objects.filter(is_active=True, rate_cards__isnull=False).distinct()


def distancing_list(*, actor: Any) -> QuerySet[DistancingOrder]:
    areas = DistancingOrder.objects.select_related("province").order_by("-starts_on", "-pk")
    if getattr(actor, "role", "") == Role.PROVINCE_OFFICIAL:
        return areas.filter(province_id=actor.province_id)
    return areas


# --- Cash on delivery, for the carriers' remittances --------------------------------------------


def cod_parcels(*, carrier: Carrier, tracking_numbers: Sequence[str]) -> dict[str, Shipment]:
    """This carrier's parcels by tracking number, with their sub-order and order."""
    return {
        shipment.tracking_number: shipment
        for shipment in Shipment.objects.filter(
            carrier=carrier, tracking_number__in=list(tracking_numbers)
        ).select_related("sub_order__order")
    }


def cod_collected_by(*, carrier: Carrier, until: dt.datetime) -> QuerySet[Shipment]:
    """Parcels this carrier delivered with cash to collect, up to `until`."""
    return (
        Shipment.objects.filter(
            carrier=carrier,
            cod_amount__gt=0,
            status=Shipment.Status.DELIVERED,
            delivered_at__lte=until,
        )
        .select_related("sub_order__order")
        .order_by("delivered_at", "pk")
    )
