"""Postcodes, digital address codes, geocoding, and the nearest sales points against brute force."""

import random

import pytest
from django.http import Http404
from hypothesis import given
from hypothesis import strategies as st
from openlocationcode import openlocationcode as olc

from nongsan.core.errors import ApplicationError
from nongsan.geo import distance, postcodes, selectors, services
from nongsan.geo.models import Commune, DigitalAddress, LegacyProvince, Province, SalesPoint


def test_every_legacy_and_current_province_has_a_distinct_postcode_prefix():
    prefixes = list(postcodes.POSTCODE_PREFIX.values())
    assert len(prefixes) == 63 and len(set(prefixes)) == 63
    assert postcodes.province_postcode("20") == "25000"  # Lạng Sơn
    assert postcodes.province_postcode("01") == "10000"  # Hà Nội


@pytest.mark.django_db
def test_current_and_legacy_provinces_are_covered():
    for code in LegacyProvince.objects.values_list("code", flat=True):
        assert code in postcodes.POSTCODE_PREFIX
    for code in Province.objects.values_list("code", flat=True):
        assert len(postcodes.province_postcode(code)) == 5


@given(st.text(alphabet=postcodes.CROCKFORD, min_size=6, max_size=6))
def test_check_symbol_catches_a_changed_character(serial):
    code = f"25000-{serial}{postcodes.check_symbol('25000', serial)}"
    assert postcodes.is_valid_code(code)
    changed = serial[:2] + ("1" if serial[2] != "1" else "2") + serial[3:]
    assert not postcodes.is_valid_code(f"25000-{changed}{code[-1]}")


def test_codes_are_read_as_typed():
    code = postcodes.new_code("25000")
    assert postcodes.is_valid_code(code)
    assert postcodes.normalize_code(f" {code.lower()} ") == code
    assert not postcodes.is_valid_code("25000-ABC")


@pytest.mark.django_db
def test_digital_addresses_are_unique_valid_and_geocoded():
    commune = Commune.objects.select_related("province").filter(province__code="20").first()
    made = [services.digital_address_create(commune=commune, street=f"Thôn {i}") for i in range(50)]
    codes = {a.code for a in made}
    assert len(codes) == 50
    for address in made:
        assert postcodes.is_valid_code(address.code) and address.postcode == "25000"
        assert address.source == DigitalAddress.Source.COMMUNE_CENTRE
        assert (address.latitude, address.longitude) == (commune.latitude, commune.longitude)
        assert olc.isValid(address.plus_code)
    gps = services.digital_address_create(commune=commune, latitude=21.85, longitude=106.76)
    assert gps.source == DigitalAddress.Source.GPS
    assert olc.decode(gps.plus_code).latitudeCenter == pytest.approx(21.85, abs=1e-3)
    assert selectors.digital_address_get(code=gps.code.lower()).pk == gps.pk
    with pytest.raises(ApplicationError) as error:
        services.digital_address_create(commune=commune, latitude=48.85, longitude=2.35)
    assert error.value.field == "latitude"
    with pytest.raises(ApplicationError):
        selectors.digital_address_get(code="25000-XXXXXX0")
    valid_unknown = postcodes.new_code("99000")
    with pytest.raises(Http404):
        selectors.digital_address_get(code=valid_unknown)


def test_haversine_and_travel_time():
    hanoi, hcm = (21.0285, 105.8542), (10.7769, 106.7009)
    assert distance.haversine_km(*hanoi, *hcm) == pytest.approx(1138, rel=0.01)
    assert distance.travel_minutes(10) == 27
    assert distance.travel_minutes(0) == 1


@pytest.mark.django_db
def test_nearest_points_match_brute_force():
    rng = random.Random(1034)
    communes = list(Commune.objects.select_related("province")[:200])
    for i in range(600):
        commune = rng.choice(communes)
        SalesPoint.objects.create(
            kind=rng.choice(SalesPoint.Kind.values),
            name=f"Điểm {i}",
            status=rng.choice(SalesPoint.Status.values),
            commune=commune,
            province=commune.province,
            latitude=rng.uniform(8.6, 23.3),
            longitude=rng.uniform(102.2, 109.4),
        )
    everything = list(SalesPoint.objects.values_list("pk", "latitude", "longitude", "status"))
    for _ in range(25):
        lat, lng = rng.uniform(8.6, 23.3), rng.uniform(102.2, 109.4)
        for limit, status in ((10, ""), (3, SalesPoint.Status.OPEN), (700, "")):
            pool = selectors.sales_points(status=status)
            found = selectors.nearest_sales_points(
                latitude=lat, longitude=lng, limit=limit, points=pool
            )
            reference = sorted(
                (distance.haversine_km(lat, lng, a, b), pk)
                for pk, a, b, st_ in everything
                if not status or st_ == status
            )[:limit]
            assert [n.point.pk for n in found] == [pk for _, pk in reference]
            assert [n.distance_km for n in found] == pytest.approx([km for km, _ in reference])
            assert all(n.minutes == distance.travel_minutes(n.distance_km) for n in found)
