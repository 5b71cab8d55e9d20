"""Reads of the places pages: where "near me" is, the map's points, who sees the handovers."""

from dataclasses import dataclass
from typing import Any

from django.http import Http404

from nongsan.accounts.models import Role
from nongsan.core.errors import ApplicationError
from nongsan.geo import selectors as geo_selectors
from nongsan.geo.models import Province, SalesPoint


@dataclass(frozen=True)
class Origin:
    latitude: float
    longitude: float
    label: str


def origin_of(
    *,
    latitude: float | None,
    longitude: float | None,
    address: str,
    province: Province | None,
) -> Origin | None:
    """Where to measure from: the browser's position, a digital address code, or a commune's
    centre named within the chosen province. None when nothing was given."""
    if latitude is not None and longitude is not None:
        return Origin(latitude, longitude, "")
    text = address.strip()
    if not text:
        return None
    if any(ch.isdigit() for ch in text[:5]) and "-" in text:
        try:
            found = geo_selectors.digital_address_get(code=text)
        except Http404 as exc:
            raise ApplicationError(f"Không tìm thấy địa chỉ số “{text}”.", field="dia_chi") from exc
        return Origin(found.latitude, found.longitude, found.code)
    if province is None:
        raise ApplicationError("Chọn tỉnh/thành phố để tìm theo tên xã/phường.", field="dia_chi")
    commune = geo_selectors.commune_find(name=text, province=province)
    if commune is None:
        raise ApplicationError(
            f"Không tìm thấy xã/phường “{text}” ở {province.name}.", field="dia_chi"
        )
    return Origin(commune.latitude, commune.longitude, commune.name)


def sales_point_get(*, point_id: int) -> SalesPoint:
    point = SalesPoint.objects.select_related("commune", "province").filter(pk=point_id).first()
    if point is None:
        raise Http404("Không tìm thấy điểm bán hàng.")
    return point


def may_see_handovers(*, actor: Any) -> bool:
    return bool(
        getattr(actor, "is_authenticated", False)
        and actor.is_active
        and (actor.is_superuser or actor.role in (Role.MINISTRY_OFFICIAL, Role.PROVINCE_OFFICIAL))
    )


def may_record_handovers(*, actor: Any) -> bool:
    return may_see_handovers(actor=actor) and (
        actor.is_superuser or actor.role == Role.MINISTRY_OFFICIAL
    )
