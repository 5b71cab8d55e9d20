"""Loads administrative units (current and legacy), their succession and the ISO countries."""

import importlib.util
import json
import sqlite3
from collections.abc import Iterable, Mapping
from contextlib import closing
from pathlib import Path
from typing import Any

from babel import Locale
from django.db import models, transaction

from nongsan.core.text import fold, fold_key, normalize
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

_N, _C, _S = Region.NORTH, Region.CENTRAL, Region.SOUTH
_E = EconomicRegion

# Region and socio-economic region of each of the 34 provinces, keyed by province code. A merged
# province is placed where its new seat and most of its territory lie.
PROVINCE_REGIONS: Mapping[str, tuple[Region, EconomicRegion]] = {
    "01": (_N, _E.RED_RIVER_DELTA),  # Hà Nội
    "04": (_N, _E.NORTHERN_MIDLANDS),  # Cao Bằng
    "08": (_N, _E.NORTHERN_MIDLANDS),  # Tuyên Quang (+ Hà Giang)
    "11": (_N, _E.NORTHERN_MIDLANDS),  # Điện Biên
    "12": (_N, _E.NORTHERN_MIDLANDS),  # Lai Châu
    "14": (_N, _E.NORTHERN_MIDLANDS),  # Sơn La
    "15": (_N, _E.NORTHERN_MIDLANDS),  # Lào Cai (+ Yên Bái)
    "19": (_N, _E.NORTHERN_MIDLANDS),  # Thái Nguyên (+ Bắc Kạn)
    "20": (_N, _E.NORTHERN_MIDLANDS),  # Lạng Sơn
    "22": (_N, _E.RED_RIVER_DELTA),  # Quảng Ninh
    # Bắc Giang was a midlands province, but the merged Bắc Ninh counts with the delta.
    "24": (_N, _E.RED_RIVER_DELTA),  # Bắc Ninh (+ Bắc Giang)
    # Vĩnh Phúc was in the delta, but Phú Thọ and Hòa Bình make the merged province a midlands one.
    "25": (_N, _E.NORTHERN_MIDLANDS),  # Phú Thọ (+ Vĩnh Phúc, Hòa Bình)
    "31": (_N, _E.RED_RIVER_DELTA),  # Hải Phòng (+ Hải Dương)
    "33": (_N, _E.RED_RIVER_DELTA),  # Hưng Yên (+ Thái Bình)
    "37": (_N, _E.RED_RIVER_DELTA),  # Ninh Bình (+ Hà Nam, Nam Định)
    "38": (_C, _E.NORTH_CENTRAL_COAST),  # Thanh Hóa
    "40": (_C, _E.NORTH_CENTRAL_COAST),  # Nghệ An
    "42": (_C, _E.NORTH_CENTRAL_COAST),  # Hà Tĩnh
    "44": (_C, _E.NORTH_CENTRAL_COAST),  # Quảng Trị (+ Quảng Bình)
    "46": (_C, _E.NORTH_CENTRAL_COAST),  # Huế
    "48": (_C, _E.NORTH_CENTRAL_COAST),  # Đà Nẵng (+ Quảng Nam)
    # Kon Tum was in the highlands; the merged province's seat is on the coast.
    "51": (_C, _E.NORTH_CENTRAL_COAST),  # Quảng Ngãi (+ Kon Tum)
    # Bình Định was coastal (and hosts the new seat, Quy Nhơn); most of the land is the plateau.
    "52": (_C, _E.CENTRAL_HIGHLANDS),  # Gia Lai (+ Bình Định)
    "56": (_C, _E.NORTH_CENTRAL_COAST),  # Khánh Hòa (+ Ninh Thuận)
    "66": (_C, _E.CENTRAL_HIGHLANDS),  # Đắk Lắk (+ Phú Yên)
    "68": (_C, _E.CENTRAL_HIGHLANDS),  # Lâm Đồng (+ Đắk Nông, Bình Thuận)
    "75": (_S, _E.SOUTHEAST),  # Đồng Nai (+ Bình Phước)
    "79": (_S, _E.SOUTHEAST),  # Hồ Chí Minh (+ Bình Dương, Bà Rịa - Vũng Tàu)
    # Long An was a Mekong Delta province, but Tây Ninh keeps the name and the Southeast
    # classification, and the province is planned with Hồ Chí Minh City's economic zone.
    "80": (_S, _E.SOUTHEAST),  # Tây Ninh (+ Long An)
    "82": (_S, _E.MEKONG_DELTA),  # Đồng Tháp (+ Tiền Giang)
    "86": (_S, _E.MEKONG_DELTA),  # Vĩnh Long (+ Bến Tre, Trà Vinh)
    "91": (_S, _E.MEKONG_DELTA),  # An Giang (+ Kiên Giang)
    "92": (_S, _E.MEKONG_DELTA),  # Cần Thơ (+ Hậu Giang, Sóc Trăng)
    "96": (_S, _E.MEKONG_DELTA),  # Cà Mau (+ Bạc Liêu)
}

# CLDR territory codes that are not ISO 3166-1 countries: exceptionally reserved or user-assigned
# codes (Ascension, Clipperton, Sark, Diego Garcia, Ceuta & Melilla, Canary Islands, Tristan da
# Cunha, EU, Eurozone, UN, Outlying Oceania, pseudo-locales, Kosovo, unknown).
_NOT_COUNTRIES = frozenset(
    ["AC", "CP", "CQ", "DG", "EA", "IC", "TA", "EU", "EZ", "UN", "QO", "XA", "XB", "XK", "ZZ"]
)

# Continent of each ISO 3166-1 country, after the UN M49 regions that CLDR's territory containment
# follows (002 Africa, 019 Americas, 142 Asia, 150 Europe, 009 Oceania); Babel does not ship that
# containment table, so it is spelt out here.
_CONTINENT_CODES: Mapping[Continent, str] = {
    Continent.AFRICA: (
        "DZ EG LY MA SD TN EH "  # Northern Africa
        "IO BI KM DJ ER ET TF KE MG MW MU YT MZ RE RW SC SO SS UG TZ ZM ZW "  # Eastern
        "AO CM CF TD CG CD GQ GA ST "  # Middle
        "BW SZ LS NA ZA "  # Southern
        "BJ BF CV CI GM GH GN GW LR ML MR NE NG SH SN SL TG"  # Western
    ),
    Continent.AMERICAS: (
        "AI AG AW BS BB BQ VG KY CU CW DM DO GD GP HT JM MQ MS PR BL KN LC MF VC SX TT TC VI "
        "BZ CR SV GT HN MX NI PA "  # Central America
        "AR BO BV BR CL CO EC FK GF GY PY PE GS SR UY VE "  # South America
        "BM CA GL PM US"  # Northern America
    ),
    Continent.ASIA: (
        "KZ KG TJ TM UZ "  # Central Asia
        "CN HK MO KP JP MN KR TW "  # Eastern
        "BN KH ID LA MY MM PH SG TH TL VN "  # South-eastern
        "AF BD BT IN IR MV NP PK LK "  # Southern
        "AM AZ BH CY GE IQ IL JO KW LB OM QA SA PS SY TR AE YE"  # Western
    ),
    Continent.EUROPE: (
        "BY BG CZ HU PL MD RO RU SK UA "  # Eastern Europe
        "AX DK EE FO FI GG IS IE IM JE LV LT NO SJ SE GB "  # Northern
        "AL AD BA HR GI GR VA IT MT ME MK PT SM RS SI ES "  # Southern
        "AT BE FR DE LI LU MC NL CH"  # Western
    ),
    Continent.OCEANIA: (
        "AU CX CC HM NZ NF "  # Australia and New Zealand
        "FJ NC PG SB VU "  # Melanesia
        "GU KI MH FM NR MP PW UM "  # Micronesia
        "AS CK PF NU PN WS TK TO TV WF"  # Polynesia
    ),
    Continent.ANTARCTICA: "AQ",
}
COUNTRY_CONTINENTS: Mapping[str, Continent] = {
    code: continent for continent, codes in _CONTINENT_CODES.items() for code in codes.split()
}

# CLDR's Vietnamese names for the two SARs are full legal titles; report notes list countries on
# one line, so they get the short form in everyday use.
_COUNTRY_NAME_OVERRIDES: Mapping[str, str] = {
    "HK": "Hồng Kông (Trung Quốc)",
    "MO": "Ma Cao (Trung Quốc)",
}

_COMMUNE_KINDS: Mapping[str, Commune.Kind] = {
    "Xã": Commune.Kind.COMMUNE,
    "Phường": Commune.Kind.WARD,
    "Đặc khu": Commune.Kind.SPECIAL_ZONE,
}


def units_load() -> dict[str, int]:
    """Load or refresh every unit table and the countries; return the counts in the database.

    Rows are matched by code: missing ones are created, changed ones updated, unchanged ones left
    alone, so a second run writes nothing. Succession rows that the data no longer gives are
    deleted. Units are never deleted: other tables point at them.
    """
    source = _Source.read()
    with transaction.atomic():
        written = _load_units(source) + _load_countries()
    # Imported late: selectors sit above the loader and cache the unit names it has just written.
    from nongsan.geo import selectors

    selectors.cache_clear()
    return {
        "provinces": Province.objects.count(),
        "communes": Commune.objects.count(),
        "legacy_provinces": LegacyProvince.objects.count(),
        "districts": LegacyDistrict.objects.count(),
        "legacy_wards": LegacyWard.objects.count(),
        "successions": LegacyWardSuccessor.objects.count(),
        "countries": Country.objects.count(),
        "written": written,
    }


def _data_dir() -> Path:
    # Locate the package's data without importing it: its __init__ pulls in the address parser
    # and an online geocoder client, none of which may run here.
    spec = importlib.util.find_spec("vietnamadminunits")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("The vietnamadminunits package is not installed.")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


class _Source:
    """The package's two tables and its succession dictionaries, read once."""

    def __init__(
        self,
        current: list[dict[str, Any]],
        legacy: list[dict[str, Any]],
        converter: dict[str, Any],
    ) -> None:
        self.current = current
        self.legacy = legacy
        self.converter = converter

    @classmethod
    def read(cls) -> "_Source":
        data = _data_dir()
        uri = f"{(data / 'dataset.db').as_uri()}?mode=ro"
        with closing(sqlite3.connect(uri, uri=True)) as conn:
            conn.row_factory = sqlite3.Row
            current = [
                dict(row)
                for row in conn.execute(
                    "SELECT province, provinceShort, provinceCode, provinceLat, provinceLon,"
                    " provinceKey, ward, wardShort, wardType, wardCode, wardLat, wardLon,"
                    " wardAreaKm2, wardKey FROM admin_units ORDER BY wardCode"
                )
            ]
            legacy = [
                dict(row)
                for row in conn.execute(
                    "SELECT province, provinceShort, provinceCode, provinceKey,"
                    " district, districtShort, districtType, districtCode, districtKey,"
                    " ward, wardShort, wardType, wardCode, wardLat, wardLon, wardKey"
                    " FROM admin_units_legacy ORDER BY districtCode, wardCode"
                )
            ]
        converter = json.loads((data / "converter_2025.json").read_text(encoding="utf-8"))
        return cls(current, legacy, converter)


def _upsert(
    model: type[models.Model],
    rows: Mapping[str, Mapping[str, Any]],
    *,
    key: str = "code",
) -> tuple[dict[str, Any], int]:
    """Create or update rows matched on `key`; return key -> pk and the number of rows written."""
    fields = list(next(iter(rows.values())))
    manager = model._default_manager
    existing = {getattr(obj, key): obj for obj in manager.only(key, *fields)}
    to_create = []
    to_update = []
    for code, values in rows.items():
        obj = existing.get(code)
        if obj is None:
            to_create.append(model(**{key: code}, **values))
        elif any(getattr(obj, field) != value for field, value in values.items()):
            for field, value in values.items():
                setattr(obj, field, value)
            to_update.append(obj)
    if to_create:
        manager.bulk_create(to_create, batch_size=1000)
    if to_update:
        manager.bulk_update(to_update, fields, batch_size=500)
    pks = dict(manager.values_list(key, "pk"))
    return pks, len(to_create) + len(to_update)


def _short_name(name: str, kind: str | None, short: str) -> str:
    """The name as people write it without its type: "Thành phố Cao Lãnh" -> "Cao Lãnh".

    The package disambiguates same-named units in its short names ("Cao Lãnh (Thành phố)"),
    which no list ever contains; the type is kept on the row instead.
    """
    name, kind = normalize(name), normalize(kind)
    if kind and fold(name).startswith(fold(kind) + " "):
        rest = name[len(kind) :].strip()
        # Numbered units keep their type word as their name: "Quận 3", "Phường 1".
        return name if rest.isdigit() else rest
    return normalize(short)


def _one_per(rows: Iterable[dict[str, Any]], column: str) -> dict[str, dict[str, Any]]:
    """The first row for each distinct value of `column` (unit columns repeat on each ward row)."""
    out: dict[str, dict[str, Any]] = {}
    for row in rows:
        if row[column] is not None:
            out.setdefault(row[column], row)
    return out


def _load_units(source: _Source) -> int:
    written = 0

    # Current provinces.
    provinces = _one_per(source.current, "provinceCode")
    missing = sorted(set(provinces) - set(PROVINCE_REGIONS))
    if missing:
        raise ValueError(f"No region for province codes {missing}: add them to PROVINCE_REGIONS.")
    province_rows = {}
    for code, row in provinces.items():
        name, short = normalize(row["province"]), normalize(row["provinceShort"])
        region, economic_region = PROVINCE_REGIONS[code]
        province_rows[code] = {
            "name": name,
            "short_name": short,
            "kind": Province.Kind.CITY
            if fold_key(name).startswith("thanhpho")
            else Province.Kind.PROVINCE,
            "region": region.value,
            "economic_region": economic_region.value,
            "latitude": row["provinceLat"],
            "longitude": row["provinceLon"],
            "key": fold_key(short),
        }
    province_pks, n = _upsert(Province, province_rows)
    written += n

    # Current communes.
    commune_rows = {}
    for row in source.current:
        short = normalize(row["wardShort"])
        kind = _COMMUNE_KINDS.get(row["wardType"])
        if kind is None:
            raise ValueError(f"Unknown commune type {row['wardType']!r} for {row['wardCode']}.")
        commune_rows[row["wardCode"]] = {
            "province_id": province_pks[row["provinceCode"]],
            "name": normalize(row["ward"]),
            "short_name": short,
            "kind": kind.value,
            "latitude": row["wardLat"],
            "longitude": row["wardLon"],
            "area_km2": row["wardAreaKm2"],
            "key": fold_key(short),
        }
    commune_pks, n = _upsert(Commune, commune_rows)
    written += n

    # The converter names units by the package's own keys; map them to codes.
    new_province_code = {row["provinceKey"]: code for code, row in provinces.items()}
    new_ward_code = _NewWardCodes(source.current)
    old_ward_code = {
        f"{row['provinceKey']}_{row['districtKey']}_{row['wardKey'] or ''}": row["wardCode"]
        or row["districtCode"]
        for row in source.legacy
    }

    # Legacy provinces and their successor.
    successor_of_old_province = {
        old_key: new_province_code[new_key]
        for new_key, old_keys in source.converter["DICT_PROVINCE"].items()
        for old_key in old_keys
    }
    legacy_provinces = _one_per(source.legacy, "provinceCode")
    legacy_province_rows = {}
    for code, row in legacy_provinces.items():
        short = normalize(row["provinceShort"])
        legacy_province_rows[code] = {
            "name": normalize(row["province"]),
            "short_name": short,
            "key": fold_key(short),
            "successor_id": province_pks[successor_of_old_province[row["provinceKey"]]],
        }
    legacy_province_pks, n = _upsert(LegacyProvince, legacy_province_rows)
    written += n

    # Successions, from the converter's two dictionaries: wards that went whole into one new
    # commune, and wards split between several (one of them the default).
    successions: dict[tuple[str, str], bool] = {}
    district_successor: dict[str, str] = {}
    for new_province_key, wards in source.converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_ward_key, old_keys in wards.items():
            commune_code = new_ward_code(new_province_key, new_ward_key)
            for old_key in old_keys:
                if old_key.endswith("_"):
                    # An island district without wards, become a special zone.
                    district_successor[old_ward_code[old_key]] = commune_code
                else:
                    successions[(old_ward_code[old_key], commune_code)] = True
    for new_province_key, old_wards in source.converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_key, parts in old_wards.items():
            for part in parts:
                commune_code = new_ward_code(new_province_key, part["newWardKey"])
                successions[(old_ward_code[old_key], commune_code)] = bool(part["isDefaultNewWard"])

    # Legacy districts.
    district_rows = {}
    for code, row in _one_per(source.legacy, "districtCode").items():
        short = _short_name(row["district"], row["districtType"], row["districtShort"])
        successor = district_successor.get(code)
        district_rows[code] = {
            "province_id": legacy_province_pks[row["provinceCode"]],
            "name": normalize(row["district"]),
            "short_name": short,
            "kind": row["districtType"],
            "key": fold_key(short),
            "successor_id": commune_pks[successor] if successor else None,
        }
    district_pks, n = _upsert(LegacyDistrict, district_rows)
    written += n

    # Legacy wards (island districts have a row without a ward: skipped).
    ward_rows = {}
    for row in source.legacy:
        if row["wardCode"] is None:
            continue
        short = _short_name(row["ward"], row["wardType"], row["wardShort"])
        ward_rows[row["wardCode"]] = {
            "district_id": district_pks[row["districtCode"]],
            "name": normalize(row["ward"]),
            "short_name": short,
            "kind": row["wardType"],
            "key": fold_key(short),
            "latitude": row["wardLat"],
            "longitude": row["wardLon"],
        }
    ward_pks, n = _upsert(LegacyWard, ward_rows)
    written += n

    defaults = {ward for (ward, _), is_default in successions.items() if is_default}
    without_default = sorted(set(ward_rows) - defaults)
    if without_default or sum(successions.values()) != len(defaults):
        raise ValueError(f"Legacy wards without exactly one default successor: {without_default}")
    written += _sync_successions(
        {
            (ward_pks[ward], commune_pks[commune]): is_default
            for (ward, commune), is_default in successions.items()
        }
    )
    return written


class _NewWardCodes:
    """Resolves the converter's new-ward keys to commune codes.

    The package's keys are folded, except where two communes of a province fold alike ("Xã Cẩm
    Giang" and "Xã Cẩm Giàng" in Hải Phòng): there the key keeps its diacritics and only an exact
    match is right. A key that is neither found as is nor folds to a single commune is an error.
    """

    def __init__(self, rows: Iterable[Mapping[str, Any]]) -> None:
        self.exact: dict[tuple[str, str], str] = {}
        folded: dict[tuple[str, str], list[str]] = {}
        for row in rows:
            self.exact[(row["provinceKey"], row["wardKey"])] = row["wardCode"]
            folded.setdefault((row["provinceKey"], fold_key(row["ward"])), []).append(
                row["wardCode"]
            )
        self.folded = {key: codes[0] for key, codes in folded.items() if len(codes) == 1}

    def __call__(self, province_key: str, ward_key: str) -> str:
        code = self.exact.get((province_key, ward_key)) or self.folded.get(
            (province_key, fold_key(ward_key))
        )
        if code is None:
            raise ValueError(f"Unknown or ambiguous new ward key {ward_key!r} in {province_key}.")
        return code


def _sync_successions(wanted: Mapping[tuple[int, int], bool]) -> int:
    """Make LegacyWardSuccessor hold exactly `wanted`; return the number of rows written."""
    existing = {
        (ward, commune): (pk, is_default)
        for pk, ward, commune, is_default in LegacyWardSuccessor.objects.values_list(
            "pk", "legacy_ward_id", "commune_id", "is_default"
        )
    }
    stale = [pk for pair, (pk, _) in existing.items() if pair not in wanted]
    flip_off = [pk for pair, (pk, d) in existing.items() if d and wanted.get(pair) is False]
    flip_on = [pk for pair, (pk, d) in existing.items() if not d and wanted.get(pair) is True]
    new = [
        LegacyWardSuccessor(legacy_ward_id=ward, commune_id=commune, is_default=is_default)
        for (ward, commune), is_default in wanted.items()
        if (ward, commune) not in existing
    ]
    # Order matters for "one default per legacy ward": clear old defaults before setting new ones.
    objects = LegacyWardSuccessor.objects
    for pks, apply in (
        (stale, lambda qs: qs.delete()),
        (flip_off, lambda qs: qs.update(is_default=False)),
        (flip_on, lambda qs: qs.update(is_default=True)),
    ):
        for start in range(0, len(pks), 500):
            apply(objects.filter(pk__in=pks[start : start + 500]))
    objects.bulk_create(new, batch_size=1000)
    return len(stale) + len(flip_off) + len(flip_on) + len(new)


def _load_countries() -> int:
    vi, en = Locale("vi").territories, Locale("en").territories
    # Numeric codes are regions (150 Europe...), not countries.
    codes = sorted(
        code
        for code in en
        if isinstance(code, str)
        and len(code) == 2
        and code.isalpha()
        and code not in _NOT_COUNTRIES
    )
    missing = [code for code in codes if code not in COUNTRY_CONTINENTS]
    if missing:
        raise ValueError(f"No continent for countries {missing}: add them to _CONTINENT_CODES.")
    rows = {}
    for code in codes:
        name = normalize(_COUNTRY_NAME_OVERRIDES.get(code) or vi.get(code) or en[code])
        rows[code] = {
            "name": name,
            "name_en": normalize(en[code]),
            "continent": COUNTRY_CONTINENTS[code].value,
            "key": fold_key(name),
        }
    _, written = _upsert(Country, rows)
    return written
