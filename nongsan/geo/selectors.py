"""Reads of administrative units and countries: lookups by the names people write, form lists."""

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from django.db import connections
from django.db.models import Count, Max, QuerySet, Sum
from django.http import Http404
from django.utils.translation import gettext as _

from nongsan.core import sql
from nongsan.core.errors import ApplicationError
from nongsan.core.text import fold, fold_key
from nongsan.geo import distance, postcodes
from nongsan.geo.models import (
    AddressHandover,
    Commune,
    Country,
    DigitalAddress,
    LegacyDistrict,
    LegacyProvince,
    LegacyWard,
    LegacyWardSuccessor,
    Province,
    Region,
    SalesPoint,
)

# Names people write for a current province that its official names do not fold to (keys are
# fold_key()ed). "Thừa Thiên Huế" is the same, unmerged province under its name before 2025.
PROVINCE_ALIASES: Mapping[str, str] = {
    "hn": "01",
    "hcm": "79",
    "hcmc": "79",
    "tphcm": "79",
    "hochiminhcity": "79",
    "saigon": "79",
    "sg": "79",
    "thuathienhue": "46",
    "tthue": "46",
}

# The same for the 63 legacy provinces, keyed to their legacy codes.
LEGACY_PROVINCE_ALIASES: Mapping[str, str] = {
    "brvt": "77",
    "baria": "77",
    "vungtau": "77",
    "daclac": "66",
    "dacnong": "67",
    "thuathienhue": "46",
    "tthue": "46",
}

# Everyday names of countries besides CLDR's Vietnamese and English ones.
COUNTRY_ALIASES: Mapping[str, str] = {
    "my": "US",
    "usa": "US",
    "america": "US",
    "unitedstatesofamerica": "US",
    "anh": "GB",
    "uk": "GB",
    "england": "GB",
    "britain": "GB",
    "greatbritain": "GB",
    "uc": "AU",
    "nhat": "JP",
    "namhan": "KR",
    "korea": "KR",
    "bactrieutien": "KP",
    "tq": "CN",
    "hongkong": "HK",
    "macao": "MO",
    "macau": "MO",
    "holland": "NL",
    "uae": "AE",
}

# Prefixes of a province's folded key; the rest is looked up again ("tphcm" -> "hcm").
# Tried in this order after the whole name: "T." is "Tỉnh" abbreviated (no current or legacy
# province's key is "t" followed by another's, so it cannot take one province for another).
_PROVINCE_PREFIX_KEYS = ("thanhpho", "tinh", "tp", "t")

# Unit-type prefixes as they look after fold(): in full, abbreviated with or without a dot, or
# glued to a number ("P.1", "F1", "Q3").
_COMMUNE_PREFIX = re.compile(
    r"^(phuong|xa|thi tran|dac khu|p|f|x|tt)(?:\s*\.\s*|\s+|(?=\d))(?P<rest>.+)$"
)
_DISTRICT_PREFIX = re.compile(
    r"^(huyen|quan|thi xa|thanh pho|tp|tx|q|h)(?:\s*\.\s*|\s+|(?=\d))(?P<rest>.+)$"
)
_PREFIX_KINDS = {
    "p": "phuong",
    "f": "phuong",
    "x": "xa",
    "tt": "thi tran",
    "q": "quan",
    "h": "huyen",
    "tx": "thi xa",
    "tp": "thanh pho",
}
_COMMUNE_KIND_WORDS: Mapping[str, str] = {
    Commune.Kind.COMMUNE: "xa",
    Commune.Kind.WARD: "phuong",
    Commune.Kind.SPECIAL_ZONE: "dac khu",
}

# How many candidates an ambiguity message lists before "and N others".
_MAX_OPTIONS = 6

_cache: dict[str, dict[str, str]] = {}


def cache_clear() -> None:
    """Forget the cached name tables (the loader calls this after writing units)."""
    _cache.clear()


_COMMUNE_BY_CODE_SQL = (
    f"SELECT {sql.columns(Commune, 'c')}, {sql.columns(Province, 'p')} "
    f"FROM {Commune._meta.db_table} c JOIN {Province._meta.db_table} p ON p.id = c.province_id "
    "WHERE c.code = %s"
)


def commune_by_code(*, code: str) -> Commune | None:
    """The commune of a delivery address, with its province (read by hand: checkout's path)."""
    found = sql.rows(_COMMUNE_BY_CODE_SQL, [code])
    if not found:
        return None
    commune = sql.build(Commune, found[0])
    commune.province = sql.build(Province, found[0], sql.width(Commune))
    return commune


def province_find(*, name: str) -> Province | None:
    """The current province called `name` ("Bắc Ninh", "tinh bac ninh", "TP.HCM", "27"), or None.

    Diacritics, case, Unicode form, the "Tỉnh"/"Thành phố"/"TP" prefix and common aliases are
    ignored. Names of the 63 legacy provinces are not resolved: see province_resolve.
    """
    code = _lookup(name, _province_codes(), prefixes=_PROVINCE_PREFIX_KEYS)
    if code is None:
        return None
    return Province.objects.filter(code=code).first()


def province_resolve(*, name: str) -> Province | None:
    """The current province for a current or legacy province name or code, or None.

    A current name wins; otherwise a legacy province ("Bắc Giang", "Hải Dương", "30") gives the
    province it became part of on 1 July 2025.
    """
    province = province_find(name=name)
    if province is not None:
        return province
    legacy = _legacy_province_find(name=name)
    return legacy.successor if legacy is not None else None


def commune_find(*, name: str, province: Province) -> Commune | None:
    """The current commune of `province` called `name`, or None when none or several match.

    Accepts "Phường Ba Đình", "ba dinh", "P. Ba Đình", "Xã Tân Sỏi", NFD text. When two communes
    fold alike, the prefix or the diacritics written decide ("Xã Cẩm Giàng" vs "Xã Cẩm Giang").
    """
    found = _commune_candidates(name=name, province=province)
    return found[0] if len(found) == 1 else None


def commune_resolve(*, province: str, commune: str, district: str = "") -> Commune:
    """The current commune for an address written with current or legacy units.

    If `province` is a current province and `commune` one of its communes, that commune. Otherwise
    the address is read as legacy (old province, optional district, old commune) and the old
    commune's default successor is returned. Raises ApplicationError naming the field at fault
    when a unit is unknown or the name is ambiguous.
    """
    if not fold_key(province):
        raise ApplicationError(_("Chưa nhập tỉnh/thành phố."), field="province")
    current = province_find(name=province)
    if current is not None:
        matches = _commune_candidates(name=commune, province=current)
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1 and not fold_key(district):
            raise ApplicationError(
                _(
                    "Có nhiều xã/phường tên “%(name)s” ở %(province)s (%(options)s), hãy ghi rõ "
                    "loại (xã/phường) và đủ dấu."
                )
                % {
                    "name": commune,
                    "province": current.name,
                    "options": ", ".join(c.name for c in matches),
                },
                field="commune",
            )
        scope = list(LegacyProvince.objects.filter(successor=current).order_by("code"))
        place = current.name
    else:
        legacy = _legacy_province_find(name=province)
        if legacy is None:
            raise ApplicationError(
                _("Không tìm thấy tỉnh/thành phố “%(name)s”.") % {"name": province},
                field="province",
            )
        scope = [legacy]
        place = _("%(name)s (trước ngày 1/7/2025)") % {"name": legacy.name}
    return _legacy_resolve(scope=scope, place=place, commune=commune, district=district)


def country_find(*, name_or_code: str) -> Country | None:
    """The country for an ISO code ("DE") or a Vietnamese or English name ("Đức", "duc", "Germany").

    Two upper-case letters are read as a code first ("MY" is Malaysia); anything else as a name
    first ("Mỹ", "my" are the United States).
    """
    text = name_or_code.strip()
    table = _country_codes()
    codes = set(table.values())
    code: str | None = None
    if len(text) == 2 and text.isascii() and text.isupper() and text in codes:
        code = text
    if code is None:
        key = fold_key(text)
        code = table.get(key) or (key.upper() if key.upper() in codes else None)
    if code is None:
        return None
    return Country.objects.filter(code=code).first()


def province_list() -> QuerySet[Province]:
    """The 34 provinces in alphabetical order, ignoring diacritics, for choice lists."""
    return Province.objects.order_by("key", "code")


def commune_list(*, province: Province) -> QuerySet[Commune]:
    """The communes of a province in alphabetical order, ignoring diacritics, for choice lists."""
    return Commune.objects.filter(province=province).order_by("key", "code")


def provinces_by_region() -> dict[Region, list[Province]]:
    """Provinces grouped North, Central, South, each group in code order (north to south)."""
    grouped: dict[Region, list[Province]] = {region: [] for region in Region}
    for province in Province.objects.order_by("code"):
        grouped[Region(province.region)].append(province)
    return grouped


# Name parsing -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Name:
    """A unit name as written, reduced to the keys to look up and the hints to choose by."""

    keys: tuple[str, ...]  # the whole name's key first, then the key without a type prefix
    kind: str  # the folded type word of a prefix ("phuong", "xa", "huyen"...), or ""
    signature: tuple[tuple[str, str], ...]  # per word: base letters and diacritics

    @property
    def has_marks(self) -> bool:
        return any(marks for _, marks in self.signature)


def _parse(text: str, *, prefix: re.Pattern[str], numbered: str) -> _Name:
    """Split a type prefix off a unit name; numbered units ("P.1") become "<numbered> 1"."""
    folded = fold(text)
    keys = [fold_key(folded)]
    kind = ""
    match = prefix.match(folded)
    if match:
        kind = _PREFIX_KINDS.get(match.group(1), match.group(1))
        rest = fold_key(match.group("rest"))
        keys.append(rest)
        if rest.isdigit():
            # Numbered wards and districts keep their type word as their name ("Phường 1").
            keys.append(fold_key(f"{kind or numbered}{int(rest)}"))
    elif keys[0].isdigit():
        keys.append(f"{fold_key(numbered)}{int(keys[0])}")
    return _Name(
        keys=tuple(dict.fromkeys(key for key in keys if key)),
        kind=kind,
        signature=_signature(text),
    )


def _signature(text: str) -> tuple[tuple[str, str], ...]:
    """Per word, its letters and its diacritics in a fixed order.

    Two names that fold alike differ here ("Giang"/"Giàng"), while the old and new tone placement
    ("Hoà"/"Hòa") and the Unicode form do not.
    """
    words = []
    for word in unicodedata.normalize("NFD", text.lower()).split():
        base: list[str] = []
        marks: list[str] = []
        for char in word:
            if unicodedata.combining(char):
                marks.append(char)
            elif char == "đ":
                base.append("d")
                marks.append(char)
            elif char.isalnum():
                base.append(char)
        if base:
            words.append(("".join(base), "".join(sorted(marks))))
    return tuple(words)


_Unit = TypeVar("_Unit", Commune, LegacyWard, LegacyDistrict)


def _narrow(candidates: list[_Unit], name: _Name, *, kind: Callable[[_Unit], str]) -> list[_Unit]:
    """Keep the candidates that best fit what was written: whole name, type, then diacritics."""
    whole = [unit for unit in candidates if unit.key == name.keys[0]]
    if whole:
        # "Phương Liên" is the ward of that name, not a ward "Liên" with a "Phường" prefix.
        candidates = whole
    elif name.kind:
        same_kind = [unit for unit in candidates if kind(unit) == name.kind]
        candidates = same_kind or candidates
    if len(candidates) > 1 and name.has_marks:
        toned = [
            unit
            for unit in candidates
            if (sig := _signature(unit.short_name)) and name.signature[-len(sig) :] == sig
        ]
        candidates = toned or candidates
    return candidates


def _lookup(text: str, table: Mapping[str, str], *, prefixes: Sequence[str]) -> str | None:
    """The code for a name or code in a key -> code table, trying the key without a prefix too."""
    stripped = text.strip()
    if stripped.isdigit() and len(stripped) <= 2:
        code = stripped.zfill(2)
        return code if code in table.values() else None
    key = fold_key(stripped)
    if key in table:
        return table[key]
    for prefix in prefixes:
        if key.startswith(prefix) and key[len(prefix) :] in table:
            return table[key[len(prefix) :]]
    return None


def _name_table(rows: Iterable[tuple[str, str, str]], aliases: Mapping[str, str]) -> dict[str, str]:
    table: dict[str, str] = {}
    for code, name, short_name in rows:
        table[fold_key(name)] = code
        table[fold_key(short_name)] = code
    codes = set(table.values())
    for alias, code in aliases.items():
        if code in codes:
            table.setdefault(alias, code)
    return table


def _cached(name: str, build: Callable[[], dict[str, str]]) -> dict[str, str]:
    table = _cache.get(name)
    if table is None:
        table = build()
        # An empty table means the units are not loaded yet: build it again next time.
        if table:
            _cache[name] = table
    return table


def _province_codes() -> dict[str, str]:
    return _cached(
        "provinces",
        lambda: _name_table(
            Province.objects.values_list("code", "name", "short_name"), PROVINCE_ALIASES
        ),
    )


def _legacy_province_codes() -> dict[str, str]:
    return _cached(
        "legacy_provinces",
        lambda: _name_table(
            LegacyProvince.objects.values_list("code", "name", "short_name"),
            LEGACY_PROVINCE_ALIASES,
        ),
    )


def _country_codes() -> dict[str, str]:
    return _cached(
        "countries",
        lambda: _name_table(
            Country.objects.values_list("code", "name", "name_en"), COUNTRY_ALIASES
        ),
    )


def _legacy_province_find(*, name: str) -> LegacyProvince | None:
    code = _lookup(name, _legacy_province_codes(), prefixes=_PROVINCE_PREFIX_KEYS)
    if code is None:
        return None
    return LegacyProvince.objects.select_related("successor").filter(code=code).first()


def _commune_candidates(*, name: str, province: Province) -> list[Commune]:
    parsed = _parse(name, prefix=_COMMUNE_PREFIX, numbered="phuong")
    if not parsed.keys:
        return []
    candidates = list(
        Commune.objects.filter(province=province, key__in=parsed.keys).select_related("province")
    )
    return _narrow(candidates, parsed, kind=lambda unit: _COMMUNE_KIND_WORDS[unit.kind])


# Legacy addresses ---------------------------------------------------------------------------


def _legacy_resolve(
    *, scope: Sequence[LegacyProvince], place: str, commune: str, district: str
) -> Commune:
    """Resolve an old commune (and district) within the given legacy provinces."""
    scope_ids = [province.pk for province in scope]
    ward_name = _parse(commune, prefix=_COMMUNE_PREFIX, numbered="phuong")
    wards: list[LegacyWard] = []
    if ward_name.keys:
        wards = list(
            LegacyWard.objects.filter(
                district__province_id__in=scope_ids, key__in=ward_name.keys
            ).select_related("district__province")
        )
    districts: list[LegacyDistrict] = []
    district_given = bool(fold_key(district))
    district_missed = False
    if district_given:
        district_name = _parse(district, prefix=_DISTRICT_PREFIX, numbered="quan")
        districts = _narrow(
            list(
                LegacyDistrict.objects.filter(
                    province_id__in=scope_ids, key__in=district_name.keys
                ).select_related("successor__province", "province")
            ),
            district_name,
            kind=lambda unit: fold(unit.kind),
        )
        district_ids = {unit.pk for unit in districts}
        # A district that does not hold the ward is set aside rather than trusted: wards moved
        # between districts in the years before 2025 and lists keep the old district.
        in_district = [ward for ward in wards if ward.district_id in district_ids]
        district_missed = not in_district
        wards = in_district or wards
    wards = _narrow(wards, ward_name, kind=lambda unit: fold(unit.kind))

    if not wards:
        island = _island_successor(scope_ids=scope_ids, commune=commune, districts=districts)
        if island is not None:
            return island
        if not ward_name.keys:
            raise ApplicationError(_("Chưa nhập xã/phường."), field="commune")
        raise ApplicationError(
            _("Không tìm thấy xã/phường “%(name)s” ở %(place)s.")
            % {"name": commune, "place": place},
            field="commune",
        )

    successors = {
        link.legacy_ward_id: link.commune
        for link in LegacyWardSuccessor.objects.filter(
            legacy_ward__in=wards, is_default=True
        ).select_related("commune__province")
    }
    chosen = {successors[ward.pk].pk: successors[ward.pk] for ward in wards}
    if len(chosen) == 1:
        # One old ward, or several old wards that all went into the same commune.
        return next(iter(chosen.values()))
    raise _ambiguous_ward(
        wards=wards, commune=commune, district=district if district_missed else ""
    )


def _ambiguous_ward(
    *, wards: Sequence[LegacyWard], commune: str, district: str
) -> ApplicationError:
    """The error for an old ward name that several wards bear; `district` if it held none."""
    several_provinces = len({ward.district.province_id for ward in wards}) > 1
    shown = [
        f"{ward.name} – {ward.district.name}"
        + (f" – {ward.district.province.name}" if several_provinces else "")
        for ward in wards[:_MAX_OPTIONS]
    ]
    if len(wards) > _MAX_OPTIONS:
        shown.append(_("và %(count)d nơi khác") % {"count": len(wards) - _MAX_OPTIONS})
    values = {
        "kind": _kind_word(ward.kind for ward in wards),
        "name": commune,
        "province": ", ".join(dict.fromkeys(ward.district.province.short_name for ward in wards)),
        "district": district or wards[0].district.name,
        "options": ", ".join(shown),
    }
    if district:
        return ApplicationError(
            _(
                "Có nhiều %(kind)s tên “%(name)s” trong tỉnh cũ %(province)s (%(options)s) nhưng "
                "không nơi nào thuộc “%(district)s”, hãy kiểm tra lại huyện."
            )
            % values,
            field="district",
        )
    if len({ward.district_id for ward in wards}) == 1:
        return ApplicationError(
            _(
                "Có nhiều %(kind)s tên “%(name)s” trong %(district)s (%(options)s), hãy ghi đúng "
                "loại và đủ dấu."
            )
            % values,
            field="commune",
        )
    return ApplicationError(
        _(
            "Có nhiều %(kind)s tên “%(name)s” trong tỉnh cũ %(province)s (%(options)s), "
            "hãy ghi rõ huyện."
        )
        % values,
        field="commune",
    )


def _island_successor(
    *, scope_ids: Sequence[int], commune: str, districts: Sequence[LegacyDistrict]
) -> Commune | None:
    """The special zone that an island district without wards became, if the address names one."""
    islands = [unit for unit in districts if unit.successor_id is not None]
    if not islands and fold_key(commune):
        name = _parse(commune, prefix=_DISTRICT_PREFIX, numbered="quan")
        islands = list(
            LegacyDistrict.objects.filter(
                province_id__in=scope_ids, successor__isnull=False, key__in=name.keys
            ).select_related("successor__province")
        )
    if len(islands) == 1:
        return islands[0].successor
    return None


def _kind_word(kinds: Iterable[str]) -> str:
    """ "xã", "phường" or "thị trấn" when all candidates are of one kind, else "xã/phường"."""
    distinct = set(kinds)
    if len(distinct) == 1:
        return next(iter(distinct)).lower()
    return "xã/phường"


# --- Digital addresses and sales points ---------------------------------------------------------


def digital_address_get(*, code: str) -> DigitalAddress:
    """A digital address by its code, as typed (case, spaces and look-alike letters forgiven)."""
    normalized = postcodes.normalize_code(code)
    if not postcodes.is_valid_code(normalized):
        raise ApplicationError(
            f"Mã địa chỉ số “{code}” không đúng dạng 5 chữ số, gạch ngang, 7 ký tự "
            "(ví dụ 25000-7K3QD2M) hoặc sai ký tự kiểm tra.",
            field="code",
        )
    found = (
        DigitalAddress.objects.select_related("commune__province").filter(code=normalized).first()
    )
    if found is None:
        raise Http404(_("Không tìm thấy địa chỉ số."))
    return found


@dataclass(frozen=True)
class HandoverRow:
    province: Province
    created: int
    handed_over: int
    last_handover_at: dt.datetime | None

    @property
    def remaining(self) -> int:
        return self.created - self.handed_over


def handover_table() -> list[HandoverRow]:
    """Per province: digital addresses created, handed over to the province, and when."""
    created = dict(
        DigitalAddress.objects.values("commune__province")
        .annotate(n=Count("pk"))
        .values_list("commune__province", "n")
    )
    handed: dict[int, tuple[int, dt.datetime | None]] = {
        province_id: (n or 0, last)
        for province_id, n, last in AddressHandover.objects.values("province")
        .annotate(n=Sum("count"), last=Max("handed_over_at"))
        .values_list("province", "n", "last")
    }
    return [
        HandoverRow(
            province=province,
            created=created.get(province.pk, 0),
            handed_over=handed.get(province.pk, (0, None))[0],
            last_handover_at=handed.get(province.pk, (0, None))[1],
        )
        for province in Province.objects.order_by("code")
    ]


@dataclass(frozen=True)
class NearPoint:
    point: SalesPoint
    distance_km: float
    minutes: int


NEAREST_FIRST_RADIUS_KM = 5.0
NEAREST_MAX_RADIUS_KM = 2500.0  # the length of the country: beyond it, every point qualifies


def sales_points(
    *,
    province: Province | None = None,
    commune: Commune | None = None,
    kind: str = "",
    status: str = "",
) -> QuerySet[SalesPoint]:
    points = SalesPoint.objects.select_related("commune", "province")
    if province is not None:
        points = points.filter(province=province)
    if commune is not None:
        points = points.filter(commune=commune)
    if kind:
        points = points.filter(kind=kind)
    if status:
        points = points.filter(status=status)
    return points.order_by("name", "pk")


# Coordinates no place has: stand-ins for the box's bounds while its SQL is compiled once.
_BOX_STAND_INS = (-1234.5, 1234.25, -2345.5, 2345.25)


def _box_reader(
    points: QuerySet[SalesPoint],
) -> Callable[[tuple[float, float, float, float]], list[tuple[int, float, float]]]:
    """Read (id, latitude, longitude) of `points` inside a box, the SQL compiled once for all
    the boxes of one search (compiling costs more than the indexed read itself)."""
    low_lat, high_lat, low_lng, high_lng = _BOX_STAND_INS
    query = points.filter(
        latitude__gte=low_lat,
        latitude__lte=high_lat,
        longitude__gte=low_lng,
        longitude__lte=high_lng,
    ).values_list("pk", "latitude", "longitude")
    sql, params = query.query.sql_with_params()
    slots = [list(params).index(value) for value in _BOX_STAND_INS]
    connection = connections[query.db]

    def read(box: tuple[float, float, float, float]) -> list[tuple[int, float, float]]:
        values = list(params)
        for slot, value in zip(slots, box, strict=True):
            values[slot] = value
        with connection.cursor() as cursor:
            cursor.execute(sql, values)
            return list(cursor.fetchall())

    return read


def nearest_sales_points(
    *,
    latitude: float,
    longitude: float,
    limit: int = 10,
    points: QuerySet[SalesPoint] | None = None,
) -> list[NearPoint]:
    """The `limit` points nearest to a place, nearest first, with the estimated travel time.

    A bounding box on the indexed latitude/longitude finds candidates; their exact haversine
    distance ranks them. The box grows until it holds `limit` points within its radius: every
    point nearer than the radius lies inside the box, so the answer is exact. It grows by the
    density seen so far (to about the radius that should hold `limit`), doubling while empty,
    so a sparse area never jumps to a box holding half the country.
    """
    base = (points if points is not None else SalesPoint.objects.all()).order_by()
    read_box = _box_reader(base)
    radius = NEAREST_FIRST_RADIUS_KM
    while True:
        box = read_box(distance.bounding_box(latitude, longitude, radius))
        measured = sorted(
            (distance.haversine_km(latitude, longitude, lat, lng), pk) for pk, lat, lng in box
        )
        within = [(km, pk) for km, pk in measured if km <= radius]
        if len(within) >= limit or radius >= NEAREST_MAX_RADIUS_KM:
            chosen = (within if radius < NEAREST_MAX_RADIUS_KM else measured)[:limit]
            break
        if within:  # points spread evenly: `limit` of them need sqrt(limit / found) times more
            radius *= min(4.0, max(1.25, math.sqrt(limit / len(within)) * 1.2))
        else:
            radius *= 2
    rows = SalesPoint.objects.select_related("commune", "province").in_bulk(
        [pk for _, pk in chosen]
    )
    return [
        NearPoint(point=rows[pk], distance_km=km, minutes=distance.travel_minutes(km))
        for km, pk in chosen
    ]
