"""Writes of reference data that other apps build on: digital addresses (geocoded to the
commune centre when no GPS is given) and sales points kept in step with their sources."""

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from openlocationcode import openlocationcode as olc

from nongsan.core.errors import ApplicationError
from nongsan.geo import postcodes
from nongsan.geo.models import Commune, DigitalAddress, SalesPoint

# Vietnam's mainland and islands (Hoàng Sa, Trường Sa included), for a sanity check on GPS.
VN_LAT = (8.0, 23.5)
VN_LNG = (102.0, 117.9)


def check_coordinates(latitude: float, longitude: float) -> None:
    if not (VN_LAT[0] <= latitude <= VN_LAT[1] and VN_LNG[0] <= longitude <= VN_LNG[1]):
        raise ApplicationError(
            f"Tọa độ ({latitude:.5f}, {longitude:.5f}) nằm ngoài lãnh thổ Việt Nam: "
            "hãy kiểm tra vĩ độ (8–23,5) và kinh độ (102–118).",
            field="latitude",
        )


def geocode(
    *, commune: Commune, latitude: float | None, longitude: float | None
) -> tuple[float, float, str]:
    """GPS when both are given (checked), else the commune's centre (an estimate)."""
    if latitude is not None and longitude is not None:
        check_coordinates(latitude, longitude)
        return latitude, longitude, DigitalAddress.Source.GPS
    if (latitude is None) != (longitude is None):
        raise ApplicationError("Cần cả vĩ độ và kinh độ, hoặc bỏ trống cả hai.", field="latitude")
    return commune.latitude, commune.longitude, DigitalAddress.Source.COMMUNE_CENTRE


def postcode_for(commune: Commune) -> str:
    return postcodes.province_postcode(commune.province.code)


@transaction.atomic
def digital_address_create(
    *,
    commune: Commune,
    street: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    postcode: str = "",
    now: dt.datetime | None = None,
) -> DigitalAddress:
    """A new digital address in a commune: its code, its point (GPS or the commune centre) and
    the point's Plus Code."""
    postcode = postcode.strip() or postcode_for(commune)
    if len(postcode) != 5 or not postcode.isdigit():
        raise ApplicationError(f"Mã bưu chính “{postcode}” phải có 5 chữ số.", field="postcode")
    lat, lng, source = geocode(commune=commune, latitude=latitude, longitude=longitude)
    for _attempt in range(8):
        try:
            with transaction.atomic():
                return DigitalAddress.objects.create(
                    code=postcodes.new_code(postcode),
                    postcode=postcode,
                    commune=commune,
                    street=" ".join(street.split())[:250],
                    latitude=lat,
                    longitude=lng,
                    plus_code=olc.encode(lat, lng),
                    source=source,
                    created_at=now or timezone.now(),
                )
        except IntegrityError:  # the random serial was taken: draw again
            continue
    raise ApplicationError("Không cấp được mã địa chỉ số, hãy thử lại.", field="postcode")


@transaction.atomic
def sales_point_save(*, source_key: str | None, **fields: Any) -> SalesPoint:
    """Create or update a sales point; synced ones are found again by their source's key."""
    commune: Commune = fields["commune"]
    fields.setdefault("province", commune.province)
    if fields.get("latitude") is None or fields.get("longitude") is None:
        fields["latitude"], fields["longitude"] = commune.latitude, commune.longitude
    check_coordinates(fields["latitude"], fields["longitude"])
    fields["updated_at"] = timezone.now()
    if source_key is None:
        return SalesPoint.objects.create(**fields)
    point, _created = SalesPoint.objects.update_or_create(source_key=source_key, defaults=fields)
    return point
