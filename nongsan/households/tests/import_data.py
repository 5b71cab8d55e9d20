"""Messy household lists as communes send them, for the import tests and the import benchmark.

`messy_list` makes rows the way Excel lists really look (legacy units, CCCDs that lost their
leading zero, 9-digit and 11-digit phones, NFD names, dates in four spellings...) and plants a
known number of faulty, duplicated and blank rows, so a test can check the import's counts.
"""

import datetime as dt
import io
import random
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import xlsxwriter

from nongsan.core.errors import ApplicationError
from nongsan.core.validators import OLD_MOBILE_PREFIXES
from nongsan.geo import selectors as geo_selectors
from nongsan.geo.models import Commune, LegacyWardSuccessor, Province

HEADERS = (
    "STT",
    "Họ và tên",
    "CMND/CCCD",
    "Ngày sinh",
    "Giới tính",
    "SĐT",
    "Tỉnh/TP",
    "Huyện",
    "Xã/Phường",
    "Thôn/Xóm",
    "Sản phẩm chính",
    "Diện tích",
    "Số nhân khẩu",
)

FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Nông", "Lương", "Hà")
MALE = ("Văn Hùng", "Văn Páo", "Đức Thắng", "Minh Tuấn", "Hữu Lộc", "Quang Vinh")
FEMALE = ("Thị Mai", "Thị Lan", "Thị Hoa", "Ngọc Hân", "Kim Liên", "Thị Yến")
VILLAGES = ("Thôn 3", "Xóm Chợ", "Bản Hố", "Thôn Kép", "Ấp Tân Lộc", "Thôn Đồng Bành")
PRODUCE = ("Vải thiều", "vai thieu", "Lúa", "Gà", "heo", "Na (mãng cầu)", "Bưởi", "Cà phê")
AREAS: tuple[Any, ...] = ("5 sào", 2.5, "1.200 m2", "0,8 ha", 3, "2 công", "")
# New mobile prefixes and, for those renumbered in 2018, the old 11-digit one.
MOBILE_PREFIXES = ("090", "091", "094", "096", "097", "098", "086", "088", "032", "035", "038")
OLD_PREFIX = {new: old for old, new in OLD_MOBILE_PREFIXES.items()}
BIRTH_CODES = ("024", "020", "001", "066", "094", "014", "068", "033")


@dataclass(frozen=True)
class Place:
    """An address as a list writes it, and the current commune it must resolve to."""

    province: str
    district: str
    commune: str
    commune_id: int


@dataclass
class MessyList:
    rows: list[list[Any]]
    planted_errors: int = 0
    planted_duplicates: int = 0
    planted_blanks: int = 0
    planted: dict[str, int] = field(default_factory=dict)

    @property
    def valid_rows(self) -> int:
        return len(self.rows) - self.planted_errors - self.planted_duplicates - self.planted_blanks


def _nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def places(rng: random.Random, *, provinces: Sequence[str], per_province: int) -> list[Place]:
    """Current and legacy addresses in the given provinces that resolve unambiguously."""
    found: list[Place] = []
    for short_name in provinces:
        province = Province.objects.get(short_name=short_name)
        communes = list(Commune.objects.filter(province=province).order_by("code"))
        for commune in rng.sample(communes, min(per_province, len(communes))):
            spelling = rng.choice(
                [commune.name, commune.short_name, _nfd(commune.name), commune.name.lower()]
            )
            written = rng.choice([province.name, province.short_name, _nfd(province.short_name)])
            found.append(Place(written, "", spelling, commune.pk))
        links = list(
            LegacyWardSuccessor.objects.filter(
                is_default=True, legacy_ward__district__province__successor=province
            )
            .select_related("legacy_ward__district__province")
            .order_by("legacy_ward__code")
        )
        for link in rng.sample(links, min(per_province, len(links))):
            ward = link.legacy_ward
            found.append(
                Place(
                    ward.district.province.short_name,
                    rng.choice([ward.district.name, ward.district.short_name]),
                    rng.choice([ward.name, ward.short_name, _nfd(ward.name)]),
                    link.commune_id,
                )
            )
    kept = []
    for place in found:
        try:
            commune = geo_selectors.commune_resolve(
                province=place.province, district=place.district, commune=place.commune
            )
        except ApplicationError:
            continue
        if commune.pk == place.commune_id:
            kept.append(place)
    return kept


def _phones(rng: random.Random, count: int) -> list[str]:
    numbers: set[str] = set()
    while len(numbers) < count:
        numbers.add(rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10_000_000):07d}")
    return sorted(numbers)


def _phone_cell(rng: random.Random, phone: str) -> Any:
    roll = rng.random()
    if roll < 0.2:
        return float(phone[1:])  # a number cell: the leading zero is gone, 9 digits left
    if roll < 0.35:
        return f"+84 {phone[1:4]} {phone[4:7]} {phone[7:]}"
    if roll < 0.45 and phone[:3] in OLD_PREFIX:
        return OLD_PREFIX[phone[:3]] + phone[3:]  # the 11-digit number from before 2018
    if roll < 0.55:
        return f"{phone[:4]}.{phone[4:7]}.{phone[7:]}"
    if roll < 0.6:
        return ""
    return phone


def _cccd_cell(rng: random.Random, cccd: str) -> Any:
    roll = rng.random()
    if roll < 0.2:
        return float(cccd)  # a number cell: "024..." became 24...
    if roll < 0.35:
        return f"{cccd[:4]} {cccd[4:8]} {cccd[8:]}"
    if roll < 0.4:
        return f" {cccd}  "
    return cccd


def _birth_cell(rng: random.Random, born: dt.date) -> Any:
    roll = rng.random()
    if roll < 0.4:
        return born
    if roll < 0.6:
        return born.strftime("%d/%m/%Y")
    if roll < 0.7:
        return f"{born.day}/{born.month}/{born.year % 100:02d}"
    if roll < 0.8:
        return float((born - dt.date(1899, 12, 30)).days)  # an Excel serial in a General cell
    if roll < 0.95:
        return born.isoformat()
    return ""


def _gender_cell(rng: random.Random, female: bool) -> str:
    if rng.random() < 0.1:
        return ""
    return rng.choice(["Nữ", "nu", "F", "0", _nfd("Nữ")] if female else ["Nam", "nam", "M", "1"])


def _name(rng: random.Random, female: bool) -> str:
    name = f"{rng.choice(FAMILY)} {rng.choice(FEMALE if female else MALE)}"
    roll = rng.random()
    if roll < 0.1:
        return _nfd(name)
    if roll < 0.15:
        return name.upper()
    if roll < 0.2:
        return name.replace(" ", "  ") + " "
    return name


# Each fault makes one row fail one check, with the reason the import must give.
FAULTS = (
    "short_cccd",
    "unknown_birth_code",
    "gender_mismatch",
    "landline",
    "year_mismatch",
    "unknown_commune",
    "unknown_produce",
)


def messy_list(
    rng: random.Random,
    *,
    count: int,
    places: Sequence[Place],
    error_rate: float = 0.03,
    duplicate_rate: float = 0.01,
    blank_rate: float = 0.005,
    serial_start: int = 1,
) -> MessyList:
    """`count` rows (STT first, as HEADERS) with planted faults, duplicates and blank rows."""
    result = MessyList(rows=[])
    phones = _phones(rng, count)
    rng.shuffle(phones)
    for index in range(count):
        number = index + 1
        if index and rng.random() < blank_rate:
            result.rows.append([number] + [""] * (len(HEADERS) - 1))
            result.planted_blanks += 1
            continue
        if index > 10 and rng.random() < duplicate_rate:
            earlier = rng.choice(
                [row for row in result.rows[-50:] if any(cell != "" for cell in row[1:])]
            )
            result.rows.append([number, *earlier[1:]])
            result.planted_duplicates += 1
            continue
        female = rng.random() < 0.45
        born = dt.date(rng.randint(1950, 2004), rng.randint(1, 12), rng.randint(1, 28))
        century = (0 if born.year < 2000 else 2) + (1 if female else 0)
        cccd = f"{rng.choice(BIRTH_CODES)}{century}{born.year % 100:02d}{serial_start + index:06d}"
        place = rng.choice(places)
        row = [
            number,
            _name(rng, female),
            _cccd_cell(rng, cccd),
            _birth_cell(rng, born),
            _gender_cell(rng, female),
            _phone_cell(rng, phones[index]),
            place.province,
            place.district,
            place.commune,
            rng.choice(VILLAGES),
            ", ".join(rng.sample(PRODUCE, rng.randint(1, 2))),
            rng.choice(AREAS),
            rng.randint(1, 8),
        ]
        if rng.random() < error_rate:
            fault = rng.choice(FAULTS)
            if fault == "short_cccd":
                row[2] = cccd[:9]
            elif fault == "unknown_birth_code":
                row[2] = "003" + cccd[3:]
            elif fault == "gender_mismatch":
                row[4] = "Nam" if female else "Nữ"
            elif fault == "landline":
                row[5] = "0243 825 1234"
            elif fault == "year_mismatch":
                row[3] = born.replace(year=born.year - 1 if born.year > 1950 else 1951)
            elif fault == "unknown_commune":
                row[8] = "Xã Không Có Thật"
            else:
                row[10] = "Cây ăn quả lạ"
            result.planted_errors += 1
            result.planted[fault] = result.planted.get(fault, 0) + 1
        result.rows.append(row)
    return result


def to_xlsx(rows: Sequence[Sequence[Any]], *, headers: Sequence[str] = HEADERS) -> bytes:
    """The rows as a workbook, with a title above the header as communes make them."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": True})
    sheet = workbook.add_worksheet("Danh sách")
    date = workbook.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write_string(0, 0, "DANH SÁCH HỘ SẢN XUẤT NÔNG NGHIỆP ĐĂNG KÝ LÊN SÀN TMĐT")
    for column, header in enumerate(headers):
        sheet.write_string(2, column, header)
    for number, row in enumerate(rows, start=3):
        for column, value in enumerate(row):
            if value == "" or value is None:
                continue
            if isinstance(value, dt.date):
                sheet.write_datetime(number, column, value, date)
            elif isinstance(value, (int, float)):
                sheet.write_number(number, column, value)
            else:
                sheet.write_string(number, column, str(value))
    workbook.close()
    return buffer.getvalue()
