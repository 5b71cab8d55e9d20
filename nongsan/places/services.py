"""Every write about places: digital addresses given to households, shops, post offices and
delivery addresses (a batch job that only fills what is missing), the Ministry's handovers of
addresses to provinces, and the sales points kept in step with shops, cooperatives and post
offices, plus markets entered by officials."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Model, QuerySet
from django.urls import reverse
from django.utils import timezone

from nongsan.accounts.models import Role, User
from nongsan.catalog import selectors as catalog_selectors
from nongsan.catalog.models import Shop
from nongsan.core.errors import ApplicationError
from nongsan.core.text import normalize
from nongsan.geo import services as geo_services
from nongsan.geo.models import AddressHandover, Commune, DigitalAddress, Province, SalesPoint
from nongsan.households.models import Cooperative, Household
from nongsan.orders.models import Order
from nongsan.orgs.models import PostOffice

Kind = SalesPoint.Kind
Status = SalesPoint.Status


def _forbidden(message: str) -> ApplicationError:
    return ApplicationError(message, code="forbidden")


# --- Digital addresses --------------------------------------------------------------------------


def _assign(
    rows: Iterable[Model], *, street: str, commune: str = "commune", gps: bool = True
) -> int:
    made = 0
    for row in rows:
        with transaction.atomic():
            address = geo_services.digital_address_create(
                commune=getattr(row, commune),
                street=getattr(row, street) or "",
                latitude=getattr(row, "latitude", None) if gps else None,
                longitude=getattr(row, "longitude", None) if gps else None,
            )
            # Only a row still without one takes it: a concurrent run loses nothing twice.
            taken = (
                type(row)
                ._default_manager.filter(pk=row.pk, digital_address__isnull=True)
                .update(digital_address=address)
            )
            if taken:
                made += 1
            else:
                address.delete()
    return made


def digital_addresses_assign(*, limit: int = 10_000) -> dict[str, int]:
    """Give a digital address to every household, post office and domestic delivery address
    without one (at most `limit` of each per run); running it again changes nothing."""
    households: QuerySet[Household] = Household.objects.filter(
        digital_address__isnull=True
    ).select_related("commune__province")
    offices: QuerySet[PostOffice] = PostOffice.objects.filter(
        digital_address__isnull=True
    ).select_related("commune__province")
    orders: QuerySet[Order] = Order.objects.filter(
        digital_address__isnull=True, commune__isnull=False
    ).select_related("commune__province")
    return {
        "households": _assign(households.order_by("pk")[:limit], street="street"),
        "post_offices": _assign(offices.order_by("pk")[:limit], street="address"),
        "orders": _assign(orders.order_by("pk")[:limit], street="street", gps=False),
    }


@transaction.atomic
def shop_place_set(
    *,
    actor: User,
    shop: Shop,
    street: str,
    latitude: float | None = None,
    longitude: float | None = None,
    opening_hours: str = "",
) -> SalesPoint:
    """A seller gives their shop a physical place (a stall, a farm shop): it gets a digital
    address and appears on the sales-point map."""
    if not catalog_selectors.may_manage_shop(actor=actor, shop=shop):
        raise _forbidden("Chỉ người bán của gian hàng này khai báo được địa điểm.")
    street = normalize(street)
    if not street:
        raise ApplicationError("Hãy ghi số nhà, đường hoặc thôn/xóm.", field="street")
    address = geo_services.digital_address_create(
        commune=shop.commune, street=street, latitude=latitude, longitude=longitude
    )
    Shop.objects.filter(pk=shop.pk).update(digital_address=address)
    shop.digital_address = address
    return _sync_shop(shop, opening_hours=opening_hours)


# --- Handover to provinces ----------------------------------------------------------------------


@transaction.atomic
def handover_record(
    *, actor: User, province: Province, note: str = "", at: dt.datetime | None = None
) -> AddressHandover:
    """The Ministry hands a province every digital address of its communes not handed over yet."""
    if not (actor.is_active and (actor.is_superuser or actor.role == Role.MINISTRY_OFFICIAL)):
        raise _forbidden("Chỉ cán bộ Bộ TTTT ghi nhận bàn giao địa chỉ số.")
    pending = DigitalAddress.objects.select_for_update().filter(
        commune__province=province, handover__isnull=True
    )
    ids = list(pending.values_list("pk", flat=True))
    if not ids:
        raise ApplicationError(
            f"{province.name} không còn địa chỉ số nào chưa bàn giao.", field="province"
        )
    handover = AddressHandover.objects.create(
        province=province,
        handed_over_at=at or timezone.now(),
        count=len(ids),
        note=normalize(note)[:300],
        recorded_by=actor,
    )
    DigitalAddress.objects.filter(pk__in=ids).update(handover=handover)
    return handover


# --- Sales points -------------------------------------------------------------------------------


def _sync_shop(shop: Shop, *, opening_hours: str = "") -> SalesPoint:
    address = shop.digital_address
    assert address is not None
    point = SalesPoint.objects.filter(source_key=f"shop:{shop.pk}").first()
    household = shop.household
    return geo_services.sales_point_save(
        source_key=f"shop:{shop.pk}",
        kind=Kind.SHOP,
        name=shop.name,
        status=Status.OPEN if shop.is_active else Status.TEMPORARILY_CLOSED,
        opening_hours=opening_hours or (point.opening_hours if point else ""),
        phone=household.head_phone if household is not None else "",
        contact_name=household.head_name if household is not None else "",
        commune=shop.commune,
        address=address.street,
        latitude=address.latitude,
        longitude=address.longitude,
        url=reverse("catalog:shop", args=[shop.slug]),
    )


def sales_points_sync() -> dict[str, int]:
    """Bring the map in step with its sources: shops with a physical place, cooperatives and
    post offices. A source gone or closed shows its point as closed; markets are left alone."""
    counts = {"shops": 0, "cooperatives": 0, "post_offices": 0, "closed": 0}
    seen: set[str] = set()
    shops = Shop.objects.filter(digital_address__isnull=False).select_related(
        "digital_address", "household", "commune__province"
    )
    for shop in shops.order_by("pk").iterator(chunk_size=500):
        _sync_shop(shop)
        seen.add(f"shop:{shop.pk}")
        counts["shops"] += 1
    for coop in Cooperative.objects.select_related("commune__province").order_by("pk"):
        geo_services.sales_point_save(
            source_key=f"cooperative:{coop.pk}",
            kind=Kind.COOPERATIVE,
            name=coop.name,
            status=Status.OPEN,
            phone=coop.phone,
            contact_name=coop.representative_name,
            commune=coop.commune,
            address=coop.commune.name,
        )
        seen.add(f"cooperative:{coop.pk}")
        counts["cooperatives"] += 1
    offices = PostOffice.objects.select_related("commune__province", "carrier")
    for office in offices.order_by("pk"):
        geo_services.sales_point_save(
            source_key=f"post_office:{office.pk}",
            kind=Kind.POST_OFFICE,
            name=office.name,
            status=Status.OPEN if office.is_active else Status.CLOSED,
            opening_hours=office.opening_hours,
            phone=office.phone,
            contact_name=office.carrier.name,
            commune=office.commune,
            address=office.address,
            latitude=office.latitude,
            longitude=office.longitude,
        )
        seen.add(f"post_office:{office.pk}")
        counts["post_offices"] += 1
    gone = SalesPoint.objects.filter(source_key__isnull=False).exclude(source_key__in=seen)
    counts["closed"] = gone.exclude(status=Status.CLOSED).update(
        status=Status.CLOSED, updated_at=timezone.now()
    )
    return counts


def may_edit_markets(*, actor: Any, province: Province) -> bool:
    return bool(
        getattr(actor, "is_authenticated", False)
        and actor.is_active
        and (
            actor.is_superuser
            or actor.role == Role.MINISTRY_OFFICIAL
            or (actor.role == Role.PROVINCE_OFFICIAL and actor.province_id == province.pk)
        )
    )


@transaction.atomic
def market_create(
    *,
    actor: User,
    name: str,
    commune: Commune,
    address: str = "",
    opening_hours: str = "",
    phone: str = "",
    contact_name: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
) -> SalesPoint:
    """A provincial official (or the Ministry) puts a market on the map."""
    if not may_edit_markets(actor=actor, province=commune.province):
        raise _forbidden("Chỉ cán bộ Sở TTTT của tỉnh thêm được chợ.")
    name = normalize(name)
    if not name:
        raise ApplicationError("Hãy ghi tên chợ.", field="name")
    return geo_services.sales_point_save(
        source_key=None,
        kind=Kind.MARKET,
        name=name[:200],
        status=Status.OPEN,
        opening_hours=normalize(opening_hours)[:200],
        phone=normalize(phone)[:16],
        contact_name=normalize(contact_name)[:150],
        commune=commune,
        address=normalize(address)[:300],
        latitude=latitude,
        longitude=longitude,
    )


@transaction.atomic
def sales_point_set_status(*, actor: User, point: SalesPoint, status: str) -> SalesPoint:
    """Officials open or close a market; synced points follow their source instead."""
    if status not in Status.values:
        raise ApplicationError("Trạng thái không hợp lệ.", field="status")
    if point.kind != Kind.MARKET:
        raise ApplicationError(
            "Trạng thái điểm này theo gian hàng, HTX hoặc bưu điện của nó.", field="status"
        )
    if not may_edit_markets(actor=actor, province=point.province):
        raise _forbidden("Chỉ cán bộ Sở TTTT của tỉnh đổi được trạng thái chợ.")
    point.status = status
    point.updated_at = timezone.now()
    point.save(update_fields=["status", "updated_at"])
    return point
