"""Tests of the unit loader: counts, idempotence, repair, regions, succession and countries."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count

from nongsan.geo import loader
from nongsan.geo.models import (
    Commune,
    Continent,
    Country,
    EconomicRegion,
    LegacyDistrict,
    LegacyProvince,
    LegacyWard,
    LegacyWardSuccessor,
    Province,
    Region,
)

pytestmark = pytest.mark.django_db


def _snapshot() -> dict[str, list[tuple]]:
    return {
        model.__name__: list(model.objects.order_by("pk").values_list())
        for model in (
            Province,
            Commune,
            LegacyProvince,
            LegacyDistrict,
            LegacyWard,
            LegacyWardSuccessor,
            Country,
        )
    }


def test_counts_after_load():
    assert Province.objects.count() == 34
    assert Commune.objects.count() == 3321
    assert LegacyProvince.objects.count() == 63
    assert LegacyDistrict.objects.count() == 696
    assert LegacyWard.objects.count() == 10035


def test_second_load_changes_nothing():
    before = _snapshot()

    counts = loader.units_load()

    assert counts["written"] == 0
    assert counts["provinces"] == 34
    assert counts["communes"] == 3321
    assert counts["legacy_wards"] == 10035
    assert _snapshot() == before


def test_load_repairs_edited_rows_and_stale_successions():
    before = _snapshot()
    Province.objects.filter(code="24").update(name="Tỉnh Sai Tên", region=Region.SOUTH)
    tan_soi = LegacyWard.objects.get(district__province__short_name="Bắc Giang", key="tansoi")
    LegacyWardSuccessor.objects.filter(legacy_ward=tan_soi).delete()
    stale = LegacyWardSuccessor.objects.create(
        legacy_ward=tan_soi, commune=Commune.objects.get(code="00004"), is_default=True
    )
    phuc_dien = LegacyWard.objects.get(district__province__short_name="Hải Dương", key="phucdien")
    links = LegacyWardSuccessor.objects.filter(legacy_ward=phuc_dien)
    # Swap the default of a split ward: the loader must clear before it sets.
    links.filter(is_default=True).update(is_default=False)
    links.filter(commune__key="camgiang").update(is_default=True)

    counts = loader.units_load()

    assert counts["written"] >= 4
    assert not LegacyWardSuccessor.objects.filter(pk=stale.pk).exists()
    after = _snapshot()
    assert after["Province"] == before["Province"]
    assert after["Commune"] == before["Commune"]
    successions = lambda rows: sorted(row[1:] for row in rows)  # noqa: E731
    assert successions(after["LegacyWardSuccessor"]) == successions(before["LegacyWardSuccessor"])


def test_every_province_has_a_region_and_an_economic_region():
    provinces = list(Province.objects.all())
    assert {p.code for p in provinces} == set(loader.PROVINCE_REGIONS)
    for province in provinces:
        assert province.region in Region.values
        assert province.economic_region in EconomicRegion.values
    by_region = {r: sum(p.region == r for p in provinces) for r in Region.values}
    assert by_region == {Region.NORTH: 15, Region.CENTRAL: 11, Region.SOUTH: 8}


@pytest.mark.parametrize(
    ("short_name", "region", "economic_region"),
    [
        ("Hà Nội", Region.NORTH, EconomicRegion.RED_RIVER_DELTA),
        ("Bắc Ninh", Region.NORTH, EconomicRegion.RED_RIVER_DELTA),
        ("Phú Thọ", Region.NORTH, EconomicRegion.NORTHERN_MIDLANDS),
        ("Thanh Hóa", Region.CENTRAL, EconomicRegion.NORTH_CENTRAL_COAST),
        ("Quảng Trị", Region.CENTRAL, EconomicRegion.NORTH_CENTRAL_COAST),
        ("Lâm Đồng", Region.CENTRAL, EconomicRegion.CENTRAL_HIGHLANDS),
        ("Gia Lai", Region.CENTRAL, EconomicRegion.CENTRAL_HIGHLANDS),
        ("Đồng Nai", Region.SOUTH, EconomicRegion.SOUTHEAST),
        ("Tây Ninh", Region.SOUTH, EconomicRegion.SOUTHEAST),
        ("Hồ Chí Minh", Region.SOUTH, EconomicRegion.SOUTHEAST),
        ("Cà Mau", Region.SOUTH, EconomicRegion.MEKONG_DELTA),
    ],
)
def test_province_regions(short_name, region, economic_region):
    province = Province.objects.get(short_name=short_name)
    assert (province.region, province.economic_region) == (region, economic_region)


def test_province_fields():
    bac_ninh = Province.objects.get(code="24")
    assert (bac_ninh.name, bac_ninh.short_name, bac_ninh.key) == (
        "Tỉnh Bắc Ninh",
        "Bắc Ninh",
        "bacninh",
    )
    assert bac_ninh.kind == Province.Kind.PROVINCE
    assert 20 < bac_ninh.latitude < 22 and 105 < bac_ninh.longitude < 107
    cities = Province.objects.filter(kind=Province.Kind.CITY)
    assert sorted(cities.values_list("short_name", flat=True)) == sorted(
        ["Hà Nội", "Hải Phòng", "Huế", "Đà Nẵng", "Hồ Chí Minh", "Cần Thơ"]
    )
    assert Province.objects.get(code="01").name == "Thành phố Hà Nội"


def test_commune_fields_and_kinds():
    ba_dinh = Commune.objects.get(province__code="01", key="badinh")
    assert (ba_dinh.name, ba_dinh.short_name, ba_dinh.kind) == (
        "Phường Ba Đình",
        "Ba Đình",
        Commune.Kind.WARD,
    )
    assert ba_dinh.area_km2 and ba_dinh.area_km2 > 0
    kinds = dict(Commune.objects.values_list("kind").annotate(n=Count("pk")))
    assert kinds == {
        Commune.Kind.COMMUNE: 2621,
        Commune.Kind.WARD: 687,
        Commune.Kind.SPECIAL_ZONE: 13,
    }


def test_every_legacy_ward_has_exactly_one_default_successor():
    defaults = LegacyWardSuccessor.objects.filter(is_default=True)
    assert defaults.count() == LegacyWard.objects.count()
    assert not LegacyWard.objects.exclude(legacywardsuccessor__is_default=True).exists()


def test_whole_ward_succession():
    tan_soi = LegacyWard.objects.get(
        name="Xã Tân Sỏi", district__name="Huyện Yên Thế", district__province__name="Tỉnh Bắc Giang"
    )
    successors = list(tan_soi.successors.select_related("province"))
    assert [(c.name, c.province.short_name) for c in successors] == [("Xã Yên Thế", "Bắc Ninh")]


def test_split_ward_succession_keeps_the_tone_marked_key():
    # Phúc Điền (Cẩm Giàng, Hải Dương) was split; the package names one part "xãcẩmgiàng",
    # which folding would confuse with the different commune "Xã Cẩm Giang".
    phuc_dien = LegacyWard.objects.get(district__province__short_name="Hải Dương", key="phucdien")
    links = {
        link.commune.name: link.is_default
        for link in LegacyWardSuccessor.objects.filter(legacy_ward=phuc_dien).select_related(
            "commune"
        )
    }
    assert links == {"Xã Mao Điền": True, "Xã Cẩm Giàng": False}


def test_legacy_province_successors():
    assert LegacyProvince.objects.get(short_name="Bắc Giang").successor.short_name == "Bắc Ninh"
    assert LegacyProvince.objects.get(short_name="Hải Dương").successor.short_name == "Hải Phòng"
    assert (
        LegacyProvince.objects.get(short_name="Bà Rịa - Vũng Tàu").successor.short_name
        == "Hồ Chí Minh"
    )
    assert LegacyProvince.objects.get(short_name="Quảng Bình").successor.short_name == "Quảng Trị"
    assert Province.objects.filter(predecessors__isnull=True).count() == 0


def test_island_districts_become_special_zones():
    islands = LegacyDistrict.objects.filter(successor__isnull=False).select_related("successor")
    assert sorted((d.short_name, d.successor.name) for d in islands) == [
        ("Bạch Long Vĩ", "Đặc khu Bạch Long Vĩ"),
        ("Côn Đảo", "Đặc khu Côn Đảo"),
        ("Cồn Cỏ", "Đặc khu Cồn Cỏ"),
        ("Hoàng Sa", "Đặc khu Hoàng Sa"),
        ("Lý Sơn", "Đặc khu Lý Sơn"),
    ]
    assert not LegacyWard.objects.filter(district__in=islands).exists()


def test_countries():
    assert Country.objects.count() >= 240
    germany = Country.objects.get(code="DE")
    assert (germany.name, germany.name_en, germany.continent) == (
        "Đức",
        "Germany",
        Continent.EUROPE,
    )
    assert Country.objects.get(code="VN").continent == Continent.ASIA
    assert Country.objects.get(code="VN").name == "Việt Nam"
    assert Country.objects.get(code="US").continent == Continent.AMERICAS
    assert Country.objects.get(code="AU").continent == Continent.OCEANIA
    assert Country.objects.get(code="ZA").continent == Continent.AFRICA
    assert Country.objects.get(code="AQ").continent == Continent.ANTARCTICA
    assert not Country.objects.filter(code__in=["EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"]).exists()
    assert all(
        len(code) == 2 and code.isalpha() for code in Country.objects.values_list("code", flat=True)
    )


def test_continent_table_names_each_country_once():
    codes = [code for codes in loader._CONTINENT_CODES.values() for code in codes.split()]
    assert len(codes) == len(set(codes)) == len(loader.COUNTRY_CONTINENTS)
    assert set(codes) == set(Country.objects.values_list("code", flat=True))


def test_command_prints_counts():
    out = StringIO()

    call_command("geo_load", stdout=out)

    text = out.getvalue()
    assert (
        "34 provinces, 3321 communes, 63 legacy provinces, 696 districts, 10035 legacy wards, "
        "10597 successions, 249 countries." in text
    )
    assert "already up to date" in text
