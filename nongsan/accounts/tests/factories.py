"""Users built through the real service, one helper per role."""

import itertools

from nongsan.accounts import services
from nongsan.accounts.models import Role, User
from nongsan.geo.models import Commune, Province
from nongsan.orgs.models import Carrier, Marketplace, PostOffice

PASSWORD = "mat-khau-an-toan-2026"
_phones = itertools.count(1)


def next_phone() -> str:
    return f"0913{next(_phones):06d}"


def marketplace(code: str = "postmart", name: str = "Postmart") -> Marketplace:
    return Marketplace.objects.get_or_create(
        code=code, defaults={"name": name, "operator_name": f"Công ty {name}"}
    )[0]


def carrier(code: str = "vnpost", name: str = "Bưu điện Việt Nam") -> Carrier:
    return Carrier.objects.get_or_create(code=code, defaults={"name": name})[0]


def post_office(at: Commune | None = None, code: str = "BC-001") -> PostOffice:
    """A commune post office of Vietnam Post, at the commune centre."""
    place = at or commune()
    return PostOffice.objects.get_or_create(
        code=code,
        defaults={
            "name": f"Bưu điện văn hóa xã {place.short_name}",
            "carrier": carrier(),
            "commune": place,
            "address": f"Trung tâm {place.name}",
            "opening_hours": "T2–T7 7:00–17:00",
            "latitude": place.latitude,
            "longitude": place.longitude,
        },
    )[0]


def province(short_name: str = "Lạng Sơn") -> Province:
    return Province.objects.get(short_name=short_name)


def commune(province_short_name: str = "Lạng Sơn", index: int = 0) -> Commune:
    return Commune.objects.filter(province__short_name=province_short_name).order_by("code")[index]


def user(role: str = Role.BUYER, **fields) -> User:  # type: ignore[no-untyped-def]
    fields.setdefault("full_name", "Nguyễn Văn An")
    fields.setdefault("password", PASSWORD)
    if role == Role.PROVINCE_OFFICIAL:
        fields.setdefault("province", province())
    if role == Role.FIELD_AGENT and "province" not in fields:
        fields.setdefault("communes", [commune()])
    if role == Role.MARKETPLACE_OPERATOR:
        fields.setdefault("marketplace", marketplace())
    if role == Role.CARRIER_STAFF:
        fields.setdefault("carrier", carrier())
    return services.user_create(
        phone=fields.pop("phone", None) or next_phone(), role=role, **fields
    )
