"""Tests of the unit and country lookups: spellings people write, legacy addresses, errors."""

import unicodedata

import pytest

from nongsan.core.errors import ApplicationError
from nongsan.geo import selectors
from nongsan.geo.models import Commune, Continent, Province, Region

pytestmark = pytest.mark.django_db


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


@pytest.fixture
def hanoi() -> Province:
    return Province.objects.get(code="01")


# Provinces ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "Bắc Ninh",
        "bac ninh",
        "BẮC NINH",
        nfd("Bắc Ninh"),
        "  Bắc   Ninh ",
        "Tỉnh Bắc Ninh",
        "tinh bac ninh",
        nfd("TỈNH BẮC NINH"),
        "T. Bắc Ninh",  # the usual abbreviation of "Tỉnh" on forms and envelopes
        "T.Bắc Ninh",
        "24",
    ],
)
def test_province_find_bac_ninh(name):
    assert selectors.province_find(name=name).code == "24"


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("HN", "01"),
        ("Hà Nội", "01"),
        ("Thành phố Hà Nội", "01"),
        ("thanh pho ha noi", "01"),
        ("TP. Hà Nội", "01"),
        ("01", "01"),
        ("1", "01"),
        ("TP HCM", "79"),
        ("TP.HCM", "79"),
        ("TPHCM", "79"),
        ("T.P Hồ Chí Minh", "79"),
        ("HCM", "79"),
        ("Sài Gòn", "79"),
        ("Hồ Chí Minh", "79"),
        ("Huế", "46"),
        ("Thành phố Huế", "46"),
        ("Thừa Thiên Huế", "46"),
        ("Đắk Lắk", "66"),
        ("Khánh Hoà", "56"),
    ],
)
def test_province_find_prefixes_codes_and_aliases(name, code):
    assert selectors.province_find(name=name).code == code


@pytest.mark.parametrize("name", ["Bắc Giang", "Hải Dương", "27", "Narnia", "", "   ", "99"])
def test_province_find_does_not_resolve_legacy_or_unknown_names(name):
    assert selectors.province_find(name=name) is None


@pytest.mark.parametrize(
    ("name", "short_name"),
    [
        ("Bắc Ninh", "Bắc Ninh"),
        ("Bắc Giang", "Bắc Ninh"),
        ("Tỉnh Bắc Giang", "Bắc Ninh"),
        ("hai duong", "Hải Phòng"),
        ("Bà Rịa - Vũng Tàu", "Hồ Chí Minh"),
        ("Bà Rịa – Vũng Tàu", "Hồ Chí Minh"),
        ("BRVT", "Hồ Chí Minh"),
        ("Long An", "Tây Ninh"),
        ("Quảng Bình", "Quảng Trị"),
        ("30", "Hải Phòng"),
    ],
)
def test_province_resolve(name, short_name):
    assert selectors.province_resolve(name=name).short_name == short_name


def test_province_resolve_unknown():
    assert selectors.province_resolve(name="Narnia") is None


def test_province_find_hits_one_indexed_query_once_warm(django_assert_num_queries):
    selectors.province_find(name="Bắc Ninh")
    with django_assert_num_queries(1):
        selectors.province_find(name="tinh bac ninh")


# Communes -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "Phường Ba Đình",
        "phuong ba dinh",
        "Ba Đình",
        "ba dinh",
        "BA ĐÌNH",
        "P. Ba Đình",
        "P.Ba Đình",
        "p ba dinh",
        nfd("Phường Ba Đình"),
    ],
)
def test_commune_find(name, hanoi):
    assert selectors.commune_find(name=name, province=hanoi).name == "Phường Ba Đình"


def test_commune_find_prefixes_of_each_kind():
    bac_ninh = Province.objects.get(code="24")
    assert selectors.commune_find(name="Xã Yên Thế", province=bac_ninh).name == "Xã Yên Thế"
    assert selectors.commune_find(name="X. Yên Thế", province=bac_ninh).name == "Xã Yên Thế"
    hcm = Province.objects.get(code="79")
    zone = selectors.commune_find(name="Đặc khu Côn Đảo", province=hcm)
    assert (zone.name, zone.kind) == ("Đặc khu Côn Đảo", Commune.Kind.SPECIAL_ZONE)
    assert selectors.commune_find(name="con dao", province=hcm) == zone


def test_commune_find_numbered_names():
    lam_dong = Province.objects.get(code="68")
    found = selectors.commune_find(name="Phường 1 Bảo Lộc", province=lam_dong)
    assert found.name == "Phường 1 Bảo Lộc"
    assert selectors.commune_find(name="1 bao loc", province=lam_dong) == found


def test_commune_find_is_scoped_to_the_province(hanoi):
    assert selectors.commune_find(name="Xã Yên Thế", province=hanoi) is None


def test_commune_find_names_that_fold_alike_are_told_apart_by_diacritics():
    hai_phong = Province.objects.get(code="31")
    assert selectors.commune_find(name="Cẩm Giàng", province=hai_phong).name == "Xã Cẩm Giàng"
    assert selectors.commune_find(name="Xã Cẩm Giang", province=hai_phong).name == "Xã Cẩm Giang"
    assert selectors.commune_find(name="cam giang", province=hai_phong) is None


def test_commune_find_names_that_fold_alike_are_told_apart_by_kind():
    thanh_hoa = Province.objects.get(code="38")
    assert selectors.commune_find(name="Phường Dong Tien", province=thanh_hoa).name == (
        "Phường Đông Tiến"
    )
    assert selectors.commune_find(name="xa dong tien", province=thanh_hoa).name == "Xã Đồng Tiến"
    assert selectors.commune_find(name="Đồng Tiến", province=thanh_hoa).name == "Xã Đồng Tiến"
    assert selectors.commune_find(name="dong tien", province=thanh_hoa) is None


# Addresses, current and legacy --------------------------------------------------------------


def test_commune_resolve_current_address():
    commune = selectors.commune_resolve(province="Hà Nội", commune="Phường Ba Đình")
    assert (commune.name, commune.province.code) == ("Phường Ba Đình", "01")


def test_commune_resolve_legacy_address_bac_giang():
    commune = selectors.commune_resolve(
        province="Tỉnh Bắc Giang", district="Huyện Yên Thế", commune="Xã Tân Sỏi"
    )
    assert (commune.name, commune.province.short_name) == ("Xã Yên Thế", "Bắc Ninh")


@pytest.mark.parametrize(
    ("province", "district", "commune"),
    [
        ("bac giang", "", "tan soi"),
        ("Bắc Giang", "H. Yên Thế", nfd("X. Tân Sỏi")),
        # The new province's name with the old commune's.
        ("Bắc Ninh", "", "Xã Tân Sỏi"),
        # A district the ward did not belong to is set aside when the name is unique.
        ("Bắc Giang", "Huyện Lục Nam", "Tân Sỏi"),
        ("Bắc Giang", "Huyện Không Có", "Tân Sỏi"),
    ],
)
def test_commune_resolve_legacy_spellings(province, district, commune):
    found = selectors.commune_resolve(province=province, district=district, commune=commune)
    assert found.name == "Xã Yên Thế"


def test_commune_resolve_split_ward_gives_its_default():
    commune = selectors.commune_resolve(
        province="Hải Dương", district="Huyện Cẩm Giàng", commune="Xã Phúc Điền"
    )
    assert (commune.name, commune.province.short_name) == ("Xã Mao Điền", "Hải Phòng")


def test_commune_resolve_split_ward_in_a_province_that_kept_its_name():
    # Đà Nẵng is a current name too, but "Hòa Liên" is no current commune: read as legacy.
    commune = selectors.commune_resolve(
        province="Đà Nẵng", district="Huyện Hòa Vang", commune="Xã Hòa Liên"
    )
    assert commune.name == "Phường Liên Chiểu"


def test_commune_resolve_hai_duong_lands_in_hai_phong():
    commune = selectors.commune_resolve(province="Hải Dương", commune="Phường Trần Phú")
    assert commune.province.short_name == "Hải Phòng"


def test_commune_resolve_numbered_wards_with_district():
    by_name = selectors.commune_resolve(
        province="Thành phố Hồ Chí Minh", district="Quận 3", commune="Phường 1"
    )
    by_abbreviation = selectors.commune_resolve(province="TP HCM", district="Q.3", commune="P.1")
    by_zero = selectors.commune_resolve(province="TP HCM", district="Q3", commune="Phường 01")
    assert by_name == by_abbreviation == by_zero
    assert by_name.province.code == "79"


def test_commune_resolve_island_district_without_wards():
    zone = selectors.commune_resolve(province="Bà Rịa - Vũng Tàu", commune="Côn Đảo")
    assert zone.name == "Đặc khu Côn Đảo"
    assert (
        selectors.commune_resolve(
            province="Bà Rịa - Vũng Tàu", district="Huyện Côn Đảo", commune=""
        )
        == zone
    )


def test_commune_resolve_old_names_that_merged_into_one_commune_are_not_ambiguous():
    # "Thị trấn Thiệu Hóa" and "Xã Thiệu Hòa" fold alike but both became "Xã Thiệu Hóa".
    commune = selectors.commune_resolve(
        province="Thanh Hóa", district="Huyện Thiệu Hóa", commune="thieu hoa"
    )
    assert commune.name == "Xã Thiệu Hóa"


def test_commune_resolve_queries_stay_few(django_assert_max_num_queries):
    selectors.commune_resolve(province="Bắc Giang", commune="Tân Sỏi")  # warms the name tables
    with django_assert_max_num_queries(6):
        selectors.commune_resolve(
            province="Bắc Giang", district="Huyện Yên Thế", commune="Xã Tân Sỏi"
        )


# Errors -------------------------------------------------------------------------------------


def _error(**address) -> ApplicationError:
    with pytest.raises(ApplicationError) as caught:
        selectors.commune_resolve(**address)
    return caught.value


def test_unknown_province():
    error = _error(province="Tỉnh Narnia", commune="Xã A")
    assert error.field == "province"
    assert error.message == "Không tìm thấy tỉnh/thành phố “Tỉnh Narnia”."


def test_missing_province_and_commune():
    assert _error(province="", commune="Xã A").field == "province"
    error = _error(province="Hà Nội", commune="")
    assert (error.field, error.message) == ("commune", "Chưa nhập xã/phường.")


def test_unknown_commune_in_current_province():
    error = _error(province="Hà Nội", commune="Phường Không Có")
    assert error.field == "commune"
    assert error.message == "Không tìm thấy xã/phường “Phường Không Có” ở Thành phố Hà Nội."


def test_unknown_commune_in_legacy_province():
    error = _error(province="Bắc Giang", commune="Xã Không Có")
    assert error.field == "commune"
    assert "“Xã Không Có”" in error.message
    assert "Tỉnh Bắc Giang (trước ngày 1/7/2025)" in error.message


def test_ambiguous_legacy_ward_asks_for_the_district():
    error = _error(province="Bình Phước", commune="Tân Thành")
    assert error.field == "commune"
    assert error.message.startswith("Có nhiều xã tên “Tân Thành” trong tỉnh cũ Bình Phước (")
    assert "Huyện Bù Đốp" in error.message
    assert "Thành phố Đồng Xoài" in error.message
    assert error.message.endswith("hãy ghi rõ huyện.")
    # Naming the district settles it.
    found = selectors.commune_resolve(
        province="Bình Phước", district="Thành phố Đồng Xoài", commune="Tân Thành"
    )
    assert found.province.short_name == "Đồng Nai"


def test_ambiguous_legacy_ward_with_a_district_that_holds_none_of_them():
    error = _error(province="Bình Phước", district="Huyện Đồng Phú", commune="Tân Thành")
    assert error.field == "district"
    assert "không nơi nào thuộc “Huyện Đồng Phú”" in error.message


def test_ambiguous_current_commune():
    error = _error(province="Thanh Hóa", commune="dong tien")
    assert error.field == "commune"
    assert "Phường Đông Tiến" in error.message and "Xã Đồng Tiến" in error.message


def test_long_ambiguity_lists_are_cut():
    error = _error(province="Hồ Chí Minh", commune="Phường 1")
    assert error.field == "commune"
    assert "nơi khác" in error.message
    assert error.message.endswith("hãy ghi rõ huyện.")


# Countries ----------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["DE", "de", "Đức", "duc", "ĐỨC", nfd("Đức"), "Germany"])
def test_country_find_germany(text):
    country = selectors.country_find(name_or_code=text)
    assert (country.code, country.continent) == ("DE", Continent.EUROPE)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Việt Nam", "VN"),
        ("Vietnam", "VN"),
        ("VN", "VN"),
        ("Mỹ", "US"),
        ("Hoa Kỳ", "US"),
        ("USA", "US"),
        ("United States", "US"),
        ("MY", "MY"),
        ("Malaysia", "MY"),
        ("Úc", "AU"),
        ("Australia", "AU"),
        ("Nhật Bản", "JP"),
        ("Hàn Quốc", "KR"),
        ("Trung Quốc", "CN"),
        ("Hồng Kông", "HK"),
        ("Anh", "GB"),
    ],
)
def test_country_find(text, code):
    assert selectors.country_find(name_or_code=text).code == code


@pytest.mark.parametrize("text", ["Narnia", "", "EU", "ZZ", "150"])
def test_country_find_unknown(text):
    assert selectors.country_find(name_or_code=text) is None


# Lists --------------------------------------------------------------------------------------


def test_province_list_is_alphabetical_ignoring_diacritics():
    names = [p.short_name for p in selectors.province_list()]
    assert len(names) == 34
    assert names[:3] == ["An Giang", "Bắc Ninh", "Cà Mau"]


def test_commune_list(hanoi):
    communes = list(selectors.commune_list(province=hanoi))
    assert len(communes) == 126
    assert {c.province_id for c in communes} == {hanoi.pk}
    keys = [c.key for c in communes]
    assert keys == sorted(keys)


def test_provinces_by_region():
    grouped = selectors.provinces_by_region()
    assert list(grouped) == [Region.NORTH, Region.CENTRAL, Region.SOUTH]
    assert [len(provinces) for provinces in grouped.values()] == [15, 11, 8]
    assert grouped[Region.NORTH][0].short_name == "Hà Nội"
    assert grouped[Region.SOUTH][-1].short_name == "Cà Mau"
    codes = [p.code for p in grouped[Region.CENTRAL]]
    assert codes == sorted(codes)


@pytest.mark.parametrize(
    ("district", "commune"),
    [("Thành phố Cao Lãnh", "Phường 1"), ("TP Cao Lãnh", "P.1"), ("Huyện Cao Lãnh", "Xã Mỹ Hiệp")],
)
def test_commune_resolve_districts_that_share_a_name_with_another_district(district, commune):
    # Đồng Tháp had both a city and a rural district named Cao Lãnh; the type tells them apart.
    resolved = selectors.commune_resolve(province="Đồng Tháp", district=district, commune=commune)
    assert resolved.province.short_name == "Đồng Tháp"


def test_legacy_short_names_are_names_as_people_write_them():
    from nongsan.geo.models import LegacyDistrict, LegacyWard

    assert LegacyDistrict.objects.get(name="Thành phố Cao Lãnh").short_name == "Cao Lãnh"
    assert LegacyWard.objects.filter(name="Thị trấn Yên Viên").get().short_name == "Yên Viên"
