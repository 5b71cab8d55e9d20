"""Importing household lists (XLSX, CSV): read, map the columns, validate, upsert by CCCD, report.

Communes send lists typed by hand in Excel. The reader takes them as they really are (titles above
the header, two-row headers, legacy province and district names, numbers that lost their leading
zero, NFD text, 9-digit and 11-digit phones) and every row of the file ends in exactly one outcome
counted on the job: a new household, an update, no change, rejected, blank, or a repeat of an
earlier row. The rows not imported go to an error file, the original cells plus the reason.

Rows are validated with the rules and messages of `services.household_register` and written in
bulk, a chunk of rows per transaction: each distinct address is resolved once, existing CCCDs are
looked up per chunk, households, accounts and milestones are inserted in bulk (COPY on
PostgreSQL, bulk_create elsewhere). A re-import of the same file changes nothing (upsert by CCCD,
blank cells never erase data). `python -m nongsan.bench household_import` measures it.
"""

import csv
import datetime as dt
import io
import itertools
import logging
import re
import secrets
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, TypeVar

import python_calamine
import xlsxwriter
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connections, router, transaction
from django.db.models import Model, QuerySet
from django.http import Http404
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nongsan.accounts.models import Role, User
from nongsan.accounts.scope import scope_filter
from nongsan.core import exports
from nongsan.core.errors import ApplicationError
from nongsan.core.text import fold, fold_key, normalize
from nongsan.core.validators import parse_cccd, parse_mobile
from nongsan.geo import selectors as geo_selectors
from nongsan.geo.models import Commune, Province, Region
from nongsan.households import services
from nongsan.households.models import Household, ImportJob, Milestone, ProduceKind

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
MAX_ROWS = 300_000
CHUNK_SIZE = 2_000
PREVIEW_ROWS = 8
HEADER_SCAN_ROWS = 30
SAMPLE_ERRORS = 50
# SQLite refuses statements with more than 999 parameters (Django's limit for it).
IN_BATCH = 900

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
TEXT_SUFFIXES = (".csv", ".txt", ".tsv")

# The messages of services.household_register for the same faults, word for word (a test pins
# them): an agent reads the same reason whether the household came by the form or by a list.
NAME_MISSING = gettext_lazy("Họ tên chủ hộ đang để trống.")
CONSENT_MISSING = gettext_lazy(
    "Cần chủ hộ đồng ý cho xử lý dữ liệu cá nhân (Nghị định 13/2023/NĐ-CP)."
)
BIRTH_IN_FUTURE = gettext_lazy("Ngày sinh nằm trong tương lai.")
BIRTH_YEAR_MISMATCH = gettext_lazy(
    "Năm sinh %(year)s không khớp với năm sinh %(cccd_year)s ghi trong số CCCD."
)
GENDER_MISMATCH = gettext_lazy(
    "Giới tính không khớp với số CCCD (chữ số thứ 4 cho biết chủ hộ là %(expected)s)."
)


# --- Columns ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A field a list may carry, what it is called on screen, and how headers name it."""

    key: str
    label: str | Promise
    pattern: re.Pattern[str]  # searched in the folded header, punctuation turned into spaces


def _words(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


# Tried in this order: "Giới tính" must be gender before "tinh" makes it a province, "Huyện/Thị
# xã" a district before "xa" makes it a commune, and the name last as "chủ hộ" is everywhere.
COLUMNS: tuple[Column, ...] = (
    Column(
        "head_cccd",
        gettext_lazy("Số CCCD chủ hộ"),
        _words(r"\b(cccd|cmnd|cmt|can cuoc|dinh danh|chung minh)\b"),
    ),
    Column(
        "head_phone",
        gettext_lazy("Số điện thoại"),
        _words(r"\b(sdt|dt|dtdd|dien thoai|di dong|phone|mobile|tel)\b"),
    ),
    Column(
        "head_birth_date",
        gettext_lazy("Ngày sinh"),
        _words(r"\b(ngay sinh|nam sinh|sinh ngay|ngay thang nam sinh|ns|dob|birth)\b"),
    ),
    Column(
        "head_gender",
        gettext_lazy("Giới tính"),
        _words(r"\b(gioi tinh|gioi|nam nu|gender|sex|phai)\b"),
    ),
    Column(
        "members_count",
        gettext_lazy("Số nhân khẩu"),
        _words(r"\b(nhan khau|so khau|so nguoi|thanh vien)\b"),
    ),
    Column(
        "district",
        gettext_lazy("Huyện/quận (cũ)"),
        _words(r"\b(huyen|thi xa|quan huyen)\b|^quan\b"),
    ),
    Column(
        "province",
        gettext_lazy("Tỉnh/thành phố"),
        _words(r"\b(tinh|thanh pho|tp)\b"),
    ),
    Column(
        "commune",
        gettext_lazy("Xã/phường"),
        _words(r"\b(xa|phuong|thi tran|dac khu)\b"),
    ),
    Column(
        "village",
        gettext_lazy("Thôn/xóm/ấp/bản"),
        _words(r"\b(thon|xom|ap|buon|khom|soc|to dan pho|khu pho)\b|^(ban|lang|to)$"),
    ),
    Column(
        "street",
        gettext_lazy("Số nhà, đường"),
        _words(r"\b(so nha|duong|dia chi)\b"),
    ),
    Column(
        "produce",
        gettext_lazy("Sản phẩm chính"),
        _words(r"\b(san pham|nong san|cay trong|vat nuoi|mat hang|cay con)\b"),
    ),
    Column(
        "farming_area_unit",
        gettext_lazy("Đơn vị diện tích"),
        _words(r"\b(don vi|dvt)\b"),
    ),
    Column(
        "farming_area",
        gettext_lazy("Diện tích canh tác"),
        _words(r"\bdien tich\b"),
    ),
    Column(
        "consent",
        gettext_lazy("Đồng ý xử lý dữ liệu"),
        _words(r"\bdong y\b"),
    ),
    Column(
        "head_name",
        gettext_lazy("Họ tên chủ hộ"),
        _words(r"\b(ho va ten|ho ten|ten chu ho|chu ho|ten|name)\b"),
    ),
)
COLUMNS_BY_KEY: Mapping[str, Column] = {column.key: column for column in COLUMNS}
# Headers never mapped: row numbers, notes, and the two columns this module adds to error files.
_IGNORED_HEADERS = re.compile(
    r"^(stt|tt|so tt|so thu tu|ghi chu|loi|dong|dong trong tep goc|ket qua)$"
)
# Words a merged cell above a two-row header says ("Địa chỉ" over Tỉnh / Xã / Thôn).
_GROUP_HEADERS = frozenset({"dia chi", "thong tin chu ho", "chu ho", "thong tin ho", "noi o"})
REQUIRED_COLUMNS = ("head_cccd",)  # a list may only update known households
# Order of the fields on screen and in the template.
FIELD_ORDER = (
    "head_name",
    "head_cccd",
    "head_birth_date",
    "head_gender",
    "head_phone",
    "members_count",
    "province",
    "district",
    "commune",
    "village",
    "street",
    "produce",
    "farming_area",
    "farming_area_unit",
    "consent",
)


def field_choices() -> list[tuple[str, str]]:
    """(key, label) of each field a column can be mapped to, in screen order."""
    return [(key, str(COLUMNS_BY_KEY[key].label)) for key in FIELD_ORDER]


def _header_key(label: str) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", fold(label)).split())


def column_for_header(label: str) -> str | None:
    """The field a header names ("Số CCCD", "CMND/CCCD", "Ho ten chu ho", ...), or None."""
    key = _header_key(label)
    if not key or _IGNORED_HEADERS.match(key):
        return None
    for column in COLUMNS:
        if column.pattern.search(key):
            return column.key
    return None


def guess_mapping(labels: Sequence[str]) -> dict[int, str]:
    """Column index -> field for the headers that name one; the first column of a field wins."""
    mapping: dict[int, str] = {}
    taken: set[str] = set()
    for index, label in enumerate(labels):
        key = column_for_header(label)
        if key is not None and key not in taken:
            mapping[index] = key
            taken.add(key)
    return mapping


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: how Excel names a column."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# --- Reading files ------------------------------------------------------------------------------

Rows = list[list[Any]]


def source_kind(name: str) -> str:
    """ "xlsx" for spreadsheets calamine reads, "csv" for text, else an ApplicationError."""
    lowered = name.lower()
    if lowered.endswith(SPREADSHEET_SUFFIXES):
        return "xlsx"
    if lowered.endswith(TEXT_SUFFIXES):
        return "csv"
    raise ApplicationError(
        _("Chỉ nhận tệp Excel (.xlsx, .xls) hoặc CSV (.csv); tệp “%(name)s” không đúng loại.")
        % {"name": name},
        field="file",
    )


def _workbook(data: bytes) -> python_calamine.CalamineWorkbook:
    try:
        return python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except python_calamine.PasswordError as exc:
        raise ApplicationError(
            _("Tệp Excel có mật khẩu; hãy bỏ mật khẩu rồi tải lên lại."), field="file"
        ) from exc
    except Exception as exc:  # calamine raises several types for a damaged or foreign file
        raise ApplicationError(
            _("Không đọc được tệp Excel này; hãy mở bằng Excel, lưu lại dạng .xlsx rồi thử lại."),
            field="file",
        ) from exc


def sheet_names(data: bytes, kind: str) -> list[str]:
    """The visible worksheets of a workbook (a CSV has one unnamed sheet)."""
    if kind == "csv":
        return [""]
    workbook = _workbook(data)
    return [
        meta.name
        for meta in workbook.sheets_metadata
        if meta.typ == python_calamine.SheetTypeEnum.WorkSheet
        and meta.visible == python_calamine.SheetVisibleEnum.Visible
    ]


def decode_text(data: bytes) -> str:
    """CSV bytes as text: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1258."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    for encoding in ("utf-8-sig", "cp1258"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ApplicationError(
        _("Không đọc được chữ trong tệp CSV; hãy lưu lại với bảng mã UTF-8 rồi tải lên lại."),
        field="file",
    )


def sniff_delimiter(text: str) -> str:
    """The delimiter of a CSV: the candidate that splits the first lines most consistently."""
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    if not lines:
        return ","
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=",;\t|").delimiter
    except csv.Error:
        pass
    best, best_score = ",", 0
    for candidate in (",", ";", "\t", "|"):
        counts = [len(next(csv.reader([line], delimiter=candidate))) for line in lines]
        score = min(counts) if min(counts) > 1 else 0
        if score > best_score:
            best, best_score = candidate, score
    return best


def read_rows(data: bytes, kind: str, sheet: str = "", limit: int | None = None) -> Rows:
    """The cells of a sheet, row i being spreadsheet row i + 1, trailing blank rows dropped.

    Spreadsheet cells keep their type (str, float, int, bool, date, datetime); CSV cells are str.
    """
    rows: Rows
    if kind == "csv":
        text = decode_text(data)
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
        rows = [list(row) for row in itertools.islice(reader, limit or MAX_ROWS + 100)]
    else:
        workbook = _workbook(data)
        try:
            worksheet = (
                workbook.get_sheet_by_name(sheet) if sheet else workbook.get_sheet_by_index(0)
            )
        except Exception as exc:
            raise ApplicationError(
                _("Không thấy trang tính “%(name)s” trong tệp.") % {"name": sheet}, field="sheet"
            ) from exc
        rows = worksheet.to_python(skip_empty_area=False, nrows=limit)
    while rows and not any(cell_text(cell) for cell in rows[-1]):
        rows.pop()
    return rows


# --- Header -------------------------------------------------------------------------------------


def _looks_like_data(row: Sequence[Any]) -> bool:
    """A row holding an ID, a phone, a date or a number is data, not a header."""
    for cell in row:
        if isinstance(cell, (int, float, dt.date)) and not isinstance(cell, bool):
            return True
        if isinstance(cell, str) and re.search(r"\d{6,}", cell.replace(" ", "")):
            return True
    return False


def _header_depth(rows: Rows, index: int) -> int:
    """2 when the row below the header holds sub-headers under merged cells ("Địa chỉ")."""
    if index + 1 >= len(rows):
        return 1
    top, below = rows[index], rows[index + 1]
    if _looks_like_data(below):
        return 1
    matched = 0
    for position, cell in enumerate(below):
        above = _header_key(cell_text(top[position])) if position < len(top) else ""
        if column_for_header(cell_text(cell)) and (not above or above in _GROUP_HEADERS):
            matched += 1
    return 2 if matched >= 2 else 1


def detect_header(rows: Rows) -> tuple[int, int]:
    """(index of the header row, 1 or 2 header rows): the row among the first that names most
    fields. Title lines above it ("DANH SÁCH HỘ ...") are skipped."""
    best_index, best_count = 0, 0
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        count = len(guess_mapping([cell_text(cell) for cell in row]))
        if count > best_count:
            best_index, best_count = index, count
    if best_count < 2:
        return 0, 1
    return best_index, _header_depth(rows, best_index)


def header_labels(rows: Rows, index: int, depth: int) -> list[str]:
    """The header of each column; with two header rows the lower one where it says something."""
    if index >= len(rows):
        return []
    top = [cell_text(cell) for cell in rows[index]]
    if depth == 2 and index + 1 < len(rows):
        below = [cell_text(cell) for cell in rows[index + 1]]
        width = max(len(top), len(below))
        top += [""] * (width - len(top))
        below += [""] * (width - len(below))
        return [sub or main for main, sub in zip(top, below, strict=True)]
    return top


# --- Cells --------------------------------------------------------------------------------------


def cell_text(value: Any) -> str:
    """A cell as text, the way it reads on screen: numbers without ".0", dates dd/mm/yyyy."""
    if value is None:
        return ""
    if isinstance(value, str):
        return normalize(value) if value else ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y" if value.time() == dt.time() else "%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return normalize(str(value))


_EXCEL_EPOCH = dt.date(1899, 12, 30)
_DMY = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4}|\d{2})$")
_YMD = re.compile(r"^(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")
_NUMBER = re.compile(r"^\d+(?:\.0+)?$")


def parse_birth_date(value: Any, *, today: dt.date) -> dt.date | int | None:
    """A birth date from a cell: a date, or a year alone (int), or None when blank.

    Accepts date cells, dd/mm/yyyy, d/m/yy (two-digit years up to this year are 20xx), yyyy-mm-dd,
    Excel serial numbers, and a bare year (1900 to this year).
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = cell_text(value)
    if not text:
        return None
    try:
        match = _DMY.match(text)
        if match:
            day, month, year = (int(part) for part in match.groups())
            if len(match.group(3)) == 2:
                year += 2000 if 2000 + year <= today.year else 1900
            return dt.date(year, month, day)
        match = _YMD.match(text)
        if match:
            year, month, day = (int(part) for part in match.groups())
            return dt.date(year, month, day)
        if _NUMBER.match(text):
            number = int(float(text))
            if 1900 <= number <= today.year:
                return number
            if 0 < number < 2_958_466:
                return _EXCEL_EPOCH + dt.timedelta(days=number)
    except ValueError:
        pass
    raise ApplicationError(
        _("Ngày sinh “%(value)s” không đọc được; hãy ghi ngày/tháng/năm, ví dụ 05/03/1985.")
        % {"value": text},
        field="head_birth_date",
    )


_GENDERS = {
    "nam": Household.Gender.MALE,
    "m": Household.Gender.MALE,
    "male": Household.Gender.MALE,
    "1": Household.Gender.MALE,
    "trai": Household.Gender.MALE,
    "nu": Household.Gender.FEMALE,
    "f": Household.Gender.FEMALE,
    "female": Household.Gender.FEMALE,
    "0": Household.Gender.FEMALE,
    "2": Household.Gender.FEMALE,
    "gai": Household.Gender.FEMALE,
}


def parse_gender(value: Any) -> str:
    """ "male"/"female" from Nam/Nữ/nam/nu/M/F/1/0 (and 2 for Nữ, as in GSO codes), "" if blank."""
    text = cell_text(value)
    if not text:
        return ""
    gender = _GENDERS.get(fold(text).rstrip("."))
    if gender is None:
        raise ApplicationError(
            _("Giới tính “%(value)s” không rõ; hãy ghi Nam hoặc Nữ.") % {"value": text},
            field="head_gender",
        )
    return str(gender)


_YES = frozenset({"co", "x", "1", "yes", "y", "dong y", "da dong y", "true", "ok", "v"})
_NO = frozenset({"khong", "0", "no", "n", "false", "chua", "chua dong y", "khong dong y"})


def parse_consent(value: Any) -> bool | None:
    """True/False from Có/Không (x, 1, 0...), None when blank."""
    text = cell_text(value)
    if not text:
        return None
    key = fold(text).rstrip(".")
    if key in _YES:
        return True
    if key in _NO:
        return False
    raise ApplicationError(
        _("Cột đồng ý xử lý dữ liệu chỉ ghi Có hoặc Không (nhận được “%(value)s”).")
        % {"value": text},
        field="consent",
    )


def parse_members(value: Any) -> int | None:
    text = cell_text(value)
    if not text:
        return None
    match = re.match(r"^(\d+)(?:\s*(?:người|nguoi|khẩu|khau|nhân khẩu))?$", text, re.IGNORECASE)
    count = int(match.group(1)) if match else 0
    if not 1 <= count <= 50:
        raise ApplicationError(
            _("Số nhân khẩu “%(value)s” phải là số nguyên từ 1 đến 50.") % {"value": text},
            field="members_count",
        )
    return count


SAO = "sao"  # sào: Bắc Bộ or Trung Bộ, decided by the household's region
_UNIT_KEYS: Mapping[str, str] = {
    "m": Household.AreaUnit.SQUARE_METRE,
    "m2": Household.AreaUnit.SQUARE_METRE,
    "metvuong": Household.AreaUnit.SQUARE_METRE,
    "ha": Household.AreaUnit.HECTARE,
    "hecta": Household.AreaUnit.HECTARE,
    "hectare": Household.AreaUnit.HECTARE,
    "sao": SAO,
    "saobacbo": Household.AreaUnit.SAO_NORTH,
    "saobac": Household.AreaUnit.SAO_NORTH,
    "saotrungbo": Household.AreaUnit.SAO_CENTRAL,
    "saotrung": Household.AreaUnit.SAO_CENTRAL,
    "cong": Household.AreaUnit.CONG,
    "congdat": Household.AreaUnit.CONG,
}


def parse_area_unit(value: Any) -> str:
    """A unit key from "m2", "m²", "ha", "héc-ta", "sào", "sào Bắc Bộ", "công"; "" if blank."""
    text = cell_text(value)
    if not text:
        return ""
    unit = _UNIT_KEYS.get(fold_key(re.sub(r"\(.*?\)", "", text)))
    if unit is None:
        raise ApplicationError(
            _("Đơn vị diện tích “%(value)s” không rõ; hãy ghi m2, ha, sào hoặc công.")
            % {"value": text},
            field="farming_area_unit",
        )
    return str(unit)


def header_area_unit(label: str) -> str:
    """The unit a header gives its column: "Diện tích (ha)" -> ha; "" when none."""
    match = re.search(r"\(([^)]*)\)", label)
    if match:
        return str(_UNIT_KEYS.get(fold_key(match.group(1)), ""))
    words = fold(label).split()
    return str(_UNIT_KEYS.get(words[-1], "")) if len(words) > 2 else ""


def parse_decimal(text: str) -> Decimal:
    """A number as Vietnamese lists write it: "2,5" and "1.500" (thousands) and "1,234.5"."""
    compact = text.replace(" ", "")
    if "," in compact and "." in compact:
        decimal_mark = "," if compact.rfind(",") > compact.rfind(".") else "."
        thousands = "." if decimal_mark == "," else ","
        compact = compact.replace(thousands, "").replace(decimal_mark, ".")
    else:
        for mark in (",", "."):
            if mark in compact:
                whole, _sep, rest = compact.rpartition(mark)
                is_thousands = compact.count(mark) > 1 or (
                    len(rest) == 3 and whole not in ("", "0")
                )
                compact = compact.replace(mark, "") if is_thousands else f"{whole}.{rest}"
    return Decimal(compact)


_AREA = re.compile(r"^([\d.,\s]*\d)\s*(.*)$")
_AREA_LIMIT = Decimal(10) ** 10  # DecimalField(max_digits=12, decimal_places=2)


def parse_area(value: Any) -> tuple[Decimal | None, str]:
    """(area, unit written in the cell or "") from 2.5, "2,5 ha", "3.600 m2", "5 sào"."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            area = Decimal(str(value))
        except InvalidOperation:
            area = Decimal(-1)
        unit = ""
    else:
        text = cell_text(value)
        if not text:
            return None, ""
        match = _AREA.match(text)
        try:
            area = parse_decimal(match.group(1)) if match else Decimal(-1)
        except InvalidOperation:
            area = Decimal(-1)
        if match is None or area < 0:
            raise ApplicationError(
                _("Diện tích “%(value)s” không đọc được; hãy ghi số, ví dụ 2,5 hoặc 3.600.")
                % {"value": text},
                field="farming_area",
            )
        unit = parse_area_unit(match.group(2)) if match.group(2) else ""
    if area < 0 or area >= _AREA_LIMIT:
        raise ApplicationError(
            _("Diện tích “%(value)s” không hợp lệ.") % {"value": cell_text(value)},
            field="farming_area",
        )
    return area.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), unit


def clean_name(value: Any) -> str:
    """NFC, single spaces; a name typed in capitals gets ordinary capitalisation."""
    name = cell_text(value)
    return name.title() if name.isupper() else name


class ProduceTable:
    """Produce kinds by the names lists use: "Vải thiều", "vai thieu", "vải", "heo", "mãng cầu"."""

    def __init__(self, kinds: Iterable[ProduceKind]) -> None:
        self.accented: dict[str, set[int]] = defaultdict(set)
        self.folded: dict[str, set[int]] = defaultdict(set)
        self.names: dict[int, str] = {}
        for kind in kinds:
            self.names[kind.pk] = kind.name
            aliases = [kind.name, re.sub(r"\s*\(.*?\)", "", kind.name)]
            for inside in re.findall(r"\((.*?)\)", kind.name):
                aliases += inside.split(",")
            for alias in aliases:
                self.accented[normalize(alias).lower()].add(kind.pk)
                self.folded[fold(alias)].add(kind.pk)
            self.folded[kind.code.replace("-", " ")].add(kind.pk)
        self._cache: dict[str, int | ApplicationError] = {}

    def lookup(self, item: str) -> int:
        found = self._cache.get(item)
        if found is None:
            found = self._find(item)
            self._cache[item] = found
        if isinstance(found, ApplicationError):
            raise found
        return found

    def _find(self, item: str) -> int | ApplicationError:
        ids = self.accented.get(item.lower(), set())
        if len(ids) != 1:
            key = fold(item)
            ids = self.folded.get(key, set()) or {
                pk
                for alias, pks in self.folded.items()
                if alias.startswith(key + " ")
                for pk in pks
            }
        if len(ids) == 1:
            return next(iter(ids))
        if ids:
            return ApplicationError(
                _("Sản phẩm “%(item)s” không rõ là %(options)s; hãy ghi đủ tên, có dấu.")
                % {"item": item, "options": _(" hay ").join(sorted(self.names[i] for i in ids))},
                field="produce",
            )
        return ApplicationError(
            _("Không nhận ra sản phẩm “%(item)s”; hãy dùng tên trong trang Danh mục của tệp mẫu.")
            % {"item": item},
            field="produce",
        )

    def parse(self, value: Any) -> tuple[int, ...]:
        """The kinds named in a cell ("Vải thiều, gà; lúa"), sorted ids."""
        text = re.sub(r"\(.*?\)", " ", cell_text(value))
        items = [normalize(part) for part in re.split(r"[,;/+\n]|\s+-\s+|\s+và\s+", text)]
        return tuple(sorted({self.lookup(item) for item in items if item}))


# --- Rows ---------------------------------------------------------------------------------------


class Outcome:
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    REJECTED = "rejected"
    BLANK = "blank"
    DUPLICATE = "duplicate"


@dataclass(slots=True)
class Record:
    """One valid row, cleaned: what the household record will say."""

    number: int
    cccd: str
    name: str
    birth_date: dt.date | None
    birth_year: int | None  # a year alone, checked against the CCCD but not stored
    gender: str  # as written, "" when the cell is blank
    cccd_gender: str  # from the CCCD's fourth digit
    phone: str
    members: int | None
    address: tuple[str, str, str] | None  # (province, district, commune) as written
    village: str
    street: str
    area: Decimal | None
    area_unit: str
    produce: tuple[int, ...]
    commune_id: int | None = None  # set once the address is resolved

    def fingerprint(self) -> tuple[Any, ...]:
        return (
            self.name,
            self.birth_date,
            self.birth_year,
            self.gender,
            self.phone,
            self.members,
            self.commune_id,
            self.village,
            self.street,
            self.area,
            self.area_unit,
            self.produce,
        )


@dataclass
class Problem:
    number: int
    cells: list[Any]
    outcome: str
    reason: str


def _join(messages: Sequence[str]) -> str:
    return "; ".join(message.rstrip(". ") for message in messages) + "."


T = TypeVar("T")


def _batches(items: Sequence[T], size: int = IN_BATCH) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def bulk_insert(
    model: type[Model], rows: Sequence[Mapping[str, Any]], *, ignore_conflicts: bool = False
) -> list[Any]:
    """Insert rows (field attname -> value, the same keys in every row); their new ids in order.

    Fields a row leaves out take the model's default, as `Model(**row)` would. PostgreSQL gets
    COPY, three to four times faster than bulk_create for whole provinces: the ids are drawn from
    the table's sequence first and the values go as they are (psycopg adapts str, int, Decimal,
    date, aware datetime, bool, None). COPY cannot skip conflicting rows, so `ignore_conflicts`
    is only for rows that cannot conflict anyway. Other databases get bulk_create (without ids
    when conflicts are ignored).
    """
    if not rows:
        return []
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        instances = [model(**row) for row in rows]
        model._default_manager.bulk_create(
            instances, batch_size=1000, ignore_conflicts=ignore_conflicts
        )
        return [instance.pk for instance in instances]
    meta = model._meta
    pk = meta.pk
    assert pk is not None and pk.column
    fields = [
        field
        for field in meta.concrete_fields
        if field.column and not field.generated and not field.primary_key
    ]
    unknown = set(rows[0]) - {field.attname for field in fields}
    if unknown:
        raise ValueError(f"{meta.label} has no fields {sorted(unknown)}")
    given = [field.attname for field in fields if field.attname in rows[0]]
    defaults = [field.get_default() for field in fields if field.attname not in rows[0]]
    columns = (
        [pk.column]
        + [str(field.column) for field in fields if field.attname in rows[0]]
        + [str(field.column) for field in fields if field.attname not in rows[0]]
    )
    table = connection.ops.quote_name(meta.db_table)
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    with connection.cursor() as cursor, connection.wrap_database_errors:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, pk.column, len(rows)],
        )
        ids = [value for (value,) in cursor.fetchall()]
        raw = cursor.cursor  # psycopg's own cursor: Django's wrapper has no copy()
        with raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for new_id, row in zip(ids, rows, strict=True):
                copy.write_row([new_id, *(row[name] for name in given), *defaults])
    return ids


def _unusable_password() -> str:
    """What `set_unusable_password()` stores (the "!" prefix makes it unusable), made quickly."""
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)


# --- The engine ---------------------------------------------------------------------------------

_HOUSEHOLD_VALUES = (
    "pk",
    "head_cccd",
    "head_name",
    "head_birth_date",
    "head_gender",
    "head_phone",
    "members_count",
    "commune_id",
    "village",
    "street",
    "farming_area",
    "farming_area_unit",
)


@dataclass
class _ChunkResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    changed_fields: Counter[str] = field(default_factory=Counter)
    rejected: list[tuple[Record, str]] = field(default_factory=list)


class Importer:
    """Runs one job: reads its file, validates each row, writes chunk by chunk, writes reports."""

    def __init__(self, job: ImportJob) -> None:
        self.job = job
        self.actor: User = job.created_by
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.mapping = {int(index): key for index, key in job.mapping.items()}
        self.index = {key: index for index, key in self.mapping.items()}
        self.produce = ProduceTable(ProduceKind.objects.all())
        communes = scope_filter(
            Commune.objects.all(), actor=self.actor, province="province", commune="pk"
        )
        self.allowed: frozenset[int] = frozenset(communes.values_list("pk", flat=True))
        self.regions: dict[int, str] = dict(Commune.objects.values_list("pk", "province__region"))
        default_commune = job.default_commune
        default_province = job.default_province or (
            default_commune.province if default_commune else None
        )
        self.default_commune_id = default_commune.pk if default_commune else None
        self.default_province_name = default_province.name if default_province else ""
        self.addresses: dict[tuple[str, str, str], int | str] = {}
        self.signatures: dict[tuple[str, ...], int] = {}
        self.cccd_rows: dict[str, tuple[int, tuple[Any, ...]]] = {}
        self.problems: list[Problem] = []
        self.counts: Counter[str] = Counter()
        self.changed_fields: Counter[str] = Counter()
        self.labels: list[str] = []
        self.header_signature: tuple[str, ...] = ()
        self.unit_hint = ""
        self.source_tag = f"import:{job.pk}"
        self.seconds: defaultdict[str, float] = defaultdict(float)  # wall time per phase, logged

    # Reading and looping ---------------------------------------------------------------------

    def run(self) -> None:
        started = time.perf_counter()
        with self.job.source.open("rb") as handle:
            data = handle.read()
        rows = read_rows(data, source_kind(self.job.source_name), self.job.sheet_name)
        self.seconds["read"] += time.perf_counter() - started
        header_index = self.job.header_row - 1
        self.labels = header_labels(rows, header_index, self.job.header_depth)
        if "farming_area" in self.index and self.index["farming_area"] < len(self.labels):
            self.unit_hint = header_area_unit(self.labels[self.index["farming_area"]])
        body = [
            (number, rows[number - 1])
            for number in range(header_index + self.job.header_depth + 1, len(rows) + 1)
        ]
        if len(body) > MAX_ROWS:
            raise ApplicationError(
                _("Tệp có %(count)s dòng, quá giới hạn %(limit)s dòng một lần nhập; hãy chia nhỏ.")
                % {
                    "count": f"{len(body):,}".replace(",", "."),
                    "limit": f"{MAX_ROWS:,}".replace(",", "."),
                },
                field="file",
            )
        # Lists laid out for printing repeat their header on every page.
        self.header_signature = tuple(
            self.labels[index] if index < len(self.labels) else "" for index in self.mapping
        )
        ImportJob.objects.filter(pk=self.job.pk).update(total_rows=len(body))
        for chunk in _batches(body, CHUNK_SIZE):
            self._chunk(chunk)
            self._save_progress()
        reporting = time.perf_counter()
        self._write_reports()
        self.seconds["report"] += time.perf_counter() - reporting
        self.seconds["validate"] -= self.seconds["resolve"]
        logger.info(
            "Household import %s: %s rows in %.1f s (%s)",
            self.job.pk,
            len(body),
            time.perf_counter() - started,
            ", ".join(f"{phase} {seconds:.1f} s" for phase, seconds in self.seconds.items()),
        )

    def _save_progress(self, **extra: Any) -> None:
        ImportJob.objects.filter(pk=self.job.pk).update(
            processed_rows=sum(self.counts.values()),
            created_count=self.counts[Outcome.CREATED],
            updated_count=self.counts[Outcome.UPDATED],
            unchanged_count=self.counts[Outcome.UNCHANGED],
            rejected_count=self.counts[Outcome.REJECTED],
            blank_count=self.counts[Outcome.BLANK],
            duplicate_count=self.counts[Outcome.DUPLICATE],
            changed_fields=dict(self.changed_fields),
            **extra,
        )

    def _problem(self, number: int, cells: list[Any], outcome: str, reason: str) -> None:
        self.counts[outcome] += 1
        self.problems.append(Problem(number, cells, outcome, reason))

    def _cell(self, cells: Sequence[Any], key: str) -> Any:
        index = self.index.get(key)
        if index is None or index >= len(cells):
            return ""
        return cells[index]

    # One chunk -------------------------------------------------------------------------------

    def _chunk(self, chunk: Sequence[tuple[int, list[Any]]]) -> None:
        validating = time.perf_counter()
        cells_of: dict[int, list[Any]] = {}
        ready: list[Record] = []
        for number, cells in chunk:
            texts = {
                key: cell_text(cells[index]) if index < len(cells) else ""
                for index, key in self.mapping.items()
            }
            signature = tuple(texts.values())
            if not any(signature):
                self._problem(number, cells, Outcome.BLANK, _("Dòng trống, bỏ qua."))
                continue
            if signature == self.header_signature:
                self._problem(number, cells, Outcome.BLANK, _("Dòng tiêu đề lặp lại, bỏ qua."))
                continue
            first = self.signatures.setdefault(signature, number)
            if first != number:
                self._problem(
                    number, cells, Outcome.DUPLICATE, _("Trùng với dòng %(row)s.") % {"row": first}
                )
                continue
            record, errors = self._clean(number, cells, texts)
            if record is None or errors:
                self._problem(number, cells, Outcome.REJECTED, _join(errors))
                continue
            seen = self.cccd_rows.get(record.cccd)
            if seen is not None:
                if seen[1] == record.fingerprint():
                    reason = _("Trùng với dòng %(row)s (cùng số CCCD, cùng thông tin).")
                    self._problem(number, cells, Outcome.DUPLICATE, reason % {"row": seen[0]})
                else:
                    reason = _(
                        "Số CCCD này đã có ở dòng %(row)s của tệp với thông tin khác; hãy giữ "
                        "lại một dòng đúng."
                    )
                    self._problem(number, cells, Outcome.REJECTED, reason % {"row": seen[0]})
                continue
            self.cccd_rows[record.cccd] = (number, record.fingerprint())
            cells_of[number] = cells
            ready.append(record)
        self.seconds["validate"] += time.perf_counter() - validating
        if not ready:
            return
        writing = time.perf_counter()
        result = self._write_with_retry(ready)
        self.seconds["write"] += time.perf_counter() - writing
        self.counts[Outcome.CREATED] += result.created
        self.counts[Outcome.UPDATED] += result.updated
        self.counts[Outcome.UNCHANGED] += result.unchanged
        self.changed_fields.update(result.changed_fields)
        for record, reason in result.rejected:
            self._problem(record.number, cells_of[record.number], Outcome.REJECTED, reason)

    def _clean(
        self, number: int, cells: Sequence[Any], texts: Mapping[str, str]
    ) -> tuple[Record | None, list[str]]:
        """The row as a Record, or the reasons it cannot be one (all of them, not the first).

        `texts` holds each mapped cell as text; cells whose type matters (CCCD and phone numbers,
        dates, areas) are read from `cells`.
        """
        errors: list[str] = []
        text = texts.get

        def attempt(parse: Callable[[], T], default: T) -> T:
            try:
                return parse()
            except ApplicationError as exc:
                errors.append(exc.message)
                return default

        citizen = attempt(
            lambda: parse_cccd(
                self._cell(cells, "head_cccd"),
                today=self.today,
                field="head_cccd",
                from_spreadsheet=True,
            ),
            None,
        )
        name = clean_name(text("head_name", ""))
        if len(name) > 150:
            errors.append(_("Họ tên chủ hộ dài quá 150 ký tự."))
        birth = attempt(
            lambda: parse_birth_date(self._cell(cells, "head_birth_date"), today=self.today), None
        )
        gender = attempt(lambda: parse_gender(text("head_gender", "")), "")
        if citizen is not None:
            # The checks of services._clean_identity, in its order and words.
            year = birth if isinstance(birth, int) else birth.year if birth else None
            if isinstance(birth, dt.date) and birth > self.today:
                errors.append(str(BIRTH_IN_FUTURE))
            elif year is not None and year != citizen.birth_year:
                errors.append(
                    str(BIRTH_YEAR_MISMATCH) % {"year": year, "cccd_year": citizen.birth_year}
                )
            if gender and (gender == Household.Gender.FEMALE) != citizen.is_female:
                expected = _("nữ") if citizen.is_female else _("nam")
                errors.append(str(GENDER_MISMATCH) % {"expected": expected})
        raw_phone = self._cell(cells, "head_phone")
        phone = ""
        if text("head_phone"):
            phone = attempt(lambda: parse_mobile(raw_phone, field="head_phone"), "")
        members = attempt(lambda: parse_members(text("members_count", "")), None)
        village = text("village", "")
        if len(village) > 100:
            errors.append(_("Thôn/xóm dài quá 100 ký tự."))
        street = text("street", "")
        if len(street) > 200:
            errors.append(_("Số nhà, đường dài quá 200 ký tự."))
        no_area: tuple[Decimal | None, str] = (None, "")
        area, area_unit = attempt(lambda: parse_area(self._cell(cells, "farming_area")), no_area)
        unit_cell = attempt(lambda: parse_area_unit(text("farming_area_unit", "")), "")
        no_produce: tuple[int, ...] = ()
        produce = attempt(lambda: self.produce.parse(text("produce", "")), no_produce)
        if attempt(lambda: parse_consent(text("consent", "")), None) is False:
            errors.append(str(CONSENT_MISSING))
        province = text("province", "")
        district = text("district", "")
        commune = text("commune", "")
        record = None
        if citizen is not None:
            record = Record(
                number=number,
                cccd=citizen.number,
                name=name,
                birth_date=birth if isinstance(birth, dt.date) else None,
                birth_year=birth if isinstance(birth, int) else None,
                gender=gender,
                cccd_gender=Household.Gender.FEMALE if citizen.is_female else Household.Gender.MALE,
                phone=phone,
                members=members,
                address=None,
                village=village,
                street=street,
                area=area,
                area_unit=(area_unit or unit_cell or self.unit_hint) if area is not None else "",
                produce=produce,
            )
        if commune or ((province or district) and self.default_commune_id is None):
            address = (province or self.default_province_name, district, commune)
            commune_id = self._resolve(address)
            if isinstance(commune_id, str):
                errors.append(commune_id)
            elif record is not None:
                record.address = address
                record.commune_id = commune_id
        elif record is not None:
            record.commune_id = self.default_commune_id  # None: kept for updates, refused for new
        return record, errors

    def _resolve(self, address: tuple[str, str, str]) -> int | str:
        """The commune id for an address, or the reason it has none; each address resolved once."""
        key = (address[0].lower(), address[1].lower(), address[2].lower())
        found = self.addresses.get(key)
        if found is None:
            resolving = time.perf_counter()
            try:
                commune = geo_selectors.commune_resolve(
                    province=address[0], district=address[1], commune=address[2]
                )
            except ApplicationError as exc:
                found = exc.message
            else:
                if commune.pk in self.allowed:
                    found = commune.pk
                else:
                    found = _("%(commune)s (%(province)s) không thuộc địa bàn bạn phụ trách.") % {
                        "commune": commune.name,
                        "province": commune.province.name,
                    }
            self.addresses[key] = found
            self.seconds["resolve"] += time.perf_counter() - resolving
        return found

    # Writing ---------------------------------------------------------------------------------

    def _write_with_retry(self, records: Sequence[Record]) -> _ChunkResult:
        """Write a chunk; if someone registered one of its CCCDs or phones meanwhile, look again."""
        for attempt in range(3):
            try:
                with transaction.atomic():
                    return self._write(records)
            except IntegrityError:
                if attempt == 2:
                    raise
                logger.info("Import %s: a row was written concurrently, retrying", self.job.pk)
        raise AssertionError("unreachable")

    def _unit(self, record: Record, commune_id: int) -> str:
        if record.area_unit == SAO:
            central = self.regions.get(commune_id) == Region.CENTRAL
            return Household.AreaUnit.SAO_CENTRAL if central else Household.AreaUnit.SAO_NORTH
        return record.area_unit or Household.AreaUnit.SQUARE_METRE

    def _write(self, records: Sequence[Record]) -> _ChunkResult:
        result = _ChunkResult()
        existing: dict[str, dict[str, Any]] = {}
        for cccds in _batches([record.cccd for record in records]):
            for values in Household.objects.filter(head_cccd__in=cccds).values(*_HOUSEHOLD_VALUES):
                existing[values["head_cccd"]] = values
        produce_of: dict[int, set[int]] = defaultdict(set)
        through = Household.produce.through
        for pks in _batches([values["pk"] for values in existing.values()]):
            for household_id, kind_id in through.objects.filter(household_id__in=pks).values_list(
                "household_id", "producekind_id"
            ):
                produce_of[household_id].add(kind_id)

        creates: list[Record] = []
        updates: dict[frozenset[str], list[Household]] = defaultdict(list)
        produce_updates: dict[int, tuple[int, ...]] = {}
        for record in records:
            current = existing.get(record.cccd)
            if current is None:
                if not record.name:
                    result.rejected.append((record, str(NAME_MISSING)))
                elif record.commune_id is None:
                    result.rejected.append((record, _("Chưa nhập xã/phường.")))
                else:
                    creates.append(record)
                continue
            if current["commune_id"] not in self.allowed:
                result.rejected.append(
                    (
                        record,
                        _(
                            "Hộ có số CCCD này đã được đăng ký ở một xã/phường ngoài địa bàn bạn "
                            "phụ trách."
                        ),
                    )
                )
                continue
            changes = self._changes(record, current, produce_of.get(current["pk"], set()))
            if not changes:
                result.unchanged += 1
                continue
            result.updated += 1
            result.changed_fields.update(key for key in changes if key != "head_name_key")
            if "produce" in changes:
                produce_updates[current["pk"]] = changes.pop("produce")
            changes["updated_at"] = self.now
            fields = frozenset("commune" if key == "commune_id" else key for key in changes)
            updates[fields].append(Household(pk=current["pk"], **changes))

        self._create(creates)
        for fields, households in updates.items():
            Household.objects.bulk_update(households, sorted(fields), batch_size=500)
        if produce_updates:
            ids = list(produce_updates)
            for pks in _batches(ids):
                through.objects.filter(household_id__in=pks).delete()
            through.objects.bulk_create(
                [
                    through(household_id=household_id, producekind_id=kind_id)
                    for household_id, kinds in produce_updates.items()
                    for kind_id in kinds
                ],
                batch_size=1000,
            )
        result.created = len(creates)
        return result

    def _changes(
        self, record: Record, current: Mapping[str, Any], produce: set[int]
    ) -> dict[str, Any]:
        """The fields where the row brings a non-empty value that differs from the record."""
        changes: dict[str, Any] = {}
        if record.name and record.name != current["head_name"]:
            changes["head_name"] = record.name
            changes["head_name_key"] = fold(record.name)
        if record.birth_date and record.birth_date != current["head_birth_date"]:
            changes["head_birth_date"] = record.birth_date
        if record.gender and record.gender != current["head_gender"]:
            changes["head_gender"] = record.gender
        if record.phone and record.phone != current["head_phone"]:
            changes["head_phone"] = record.phone
        if record.members is not None and record.members != current["members_count"]:
            changes["members_count"] = record.members
        commune_id = current["commune_id"]
        if record.address is not None and record.commune_id != commune_id:
            changes["commune_id"] = commune_id = record.commune_id
        if record.village and record.village != current["village"]:
            changes["village"] = record.village
        if record.street and record.street != current["street"]:
            changes["street"] = record.street
        if record.area is not None:
            unit = self._unit(record, commune_id)
            if (record.area, unit) != (current["farming_area"], current["farming_area_unit"]):
                changes["farming_area"] = record.area
                changes["farming_area_unit"] = unit
        if record.produce and set(record.produce) != produce:
            changes["produce"] = record.produce
        return changes

    def _create(self, records: Sequence[Record]) -> None:
        """New households with their accounts, produce and REGISTERED milestone, in bulk."""
        if not records:
            return
        user_ids = self._accounts(records)
        consent_at = self.job.consent_confirmed_at or self.now
        rows = []
        for record in records:
            assert record.commune_id is not None  # checked by the caller
            rows.append(
                {
                    "head_name": record.name,
                    "head_name_key": fold(record.name),
                    "head_cccd": record.cccd,
                    "head_birth_date": record.birth_date,
                    "head_gender": record.gender or record.cccd_gender,
                    "head_phone": record.phone,
                    "members_count": record.members or 1,
                    "commune_id": record.commune_id,
                    "village": record.village,
                    "street": record.street,
                    "farming_area": record.area,
                    "farming_area_unit": self._unit(record, record.commune_id),
                    "user_id": user_ids.get(record.number),
                    "registered_by_id": self.actor.pk,
                    "consent_at": consent_at,
                    "consent_recorded_by_id": self.actor.pk,
                    "created_at": self.now,
                    "updated_at": self.now,
                }
            )
        ids = bulk_insert(Household, rows)
        bulk_insert(
            Household.produce.through,
            [
                {"household_id": household_id, "producekind_id": kind_id}
                for household_id, record in zip(ids, records, strict=True)
                for kind_id in record.produce
            ],
        )
        # The households were inserted in this transaction, so none of them can have a milestone
        # yet; ignore_conflicts only guards the non-PostgreSQL path against the impossible.
        bulk_insert(
            Milestone,
            [
                {
                    "household_id": household_id,
                    "kind": Milestone.Kind.REGISTERED,
                    "achieved_at": self.now,
                    "commune_id": record.commune_id,
                    "recorded_at": self.now,
                    "source": self.source_tag,
                }
                for household_id, record in zip(ids, records, strict=True)
            ],
            ignore_conflicts=True,
        )

    def _accounts(self, records: Sequence[Record]) -> dict[int, int]:
        """Row number -> user id of each new household's own login, as services do one by one.

        An existing account with the phone is linked unless it already logs in for a household
        or belongs to staff; a buyer's account becomes a household's; otherwise a new account
        (SMS login, no password). A phone serves the first household of the file that has it.
        """
        phones = sorted({record.phone for record in records if record.phone})
        users: dict[str, tuple[int, str]] = {}
        for numbers in _batches(phones):
            for pk, phone, role in User.objects.filter(phone__in=numbers).values_list(
                "pk", "phone", "role"
            ):
                users[phone] = (pk, role)
        linked: set[int] = set()
        known_ids = [pk for pk, _role in users.values()]
        for pks in _batches(known_ids):
            linked.update(
                Household.objects.filter(user_id__in=pks).values_list("user_id", flat=True)
            )
        chosen: dict[int, int] = {}
        promote: list[int] = []
        new_numbers: list[int] = []
        new_users: list[dict[str, Any]] = []
        taken: set[str] = set()
        for record in records:
            if not record.phone or record.phone in taken:
                continue
            taken.add(record.phone)
            if record.phone in users:
                pk, role = users[record.phone]
                if pk in linked:
                    continue
                if role == Role.BUYER:
                    promote.append(pk)
                elif role != Role.HOUSEHOLD:
                    continue
                chosen[record.number] = pk
            else:
                new_numbers.append(record.number)
                new_users.append(
                    {
                        "phone": record.phone,
                        "full_name": " ".join(record.name.split()),
                        "role": Role.HOUSEHOLD,
                        "password": _unusable_password(),
                        "date_joined": self.now,
                    }
                )
        chosen.update(zip(new_numbers, bulk_insert(User, new_users), strict=True))
        for pks in _batches(promote):
            User.objects.filter(pk__in=pks, role=Role.BUYER).update(role=Role.HOUSEHOLD)
        return chosen

    # Reports ---------------------------------------------------------------------------------

    def _write_reports(self) -> None:
        self.problems.sort(key=lambda problem: problem.number)
        extra: dict[str, Any] = {
            "sample_errors": [
                [problem.number, problem.reason] for problem in self.problems[:SAMPLE_ERRORS]
            ]
        }
        if self.problems:
            width = max([len(self.labels)] + [len(problem.cells) for problem in self.problems])
            labels = self.labels + [""] * (width - len(self.labels))
            text_columns = {
                self.index[key] for key in ("head_cccd", "head_phone") if key in self.index
            }
            stem = f"nhap-ho-{self.job.pk}-loi"
            self.job.error_xlsx.save(
                f"{stem}-{uuid.uuid4().hex[:8]}.xlsx",
                ContentFile(error_workbook(labels, self.problems, text_columns, self.summary())),
                save=False,
            )
            self.job.error_csv.save(
                f"{stem}-{uuid.uuid4().hex[:8]}.csv",
                ContentFile(error_csv(labels, self.problems)),
                save=False,
            )
            extra["error_xlsx"] = self.job.error_xlsx.name
            extra["error_csv"] = self.job.error_csv.name
        self._save_progress(
            status=ImportJob.Status.DONE, finished_at=timezone.now(), failure="", **extra
        )

    def summary(self) -> list[tuple[str, int]]:
        return [
            (_("Số dòng trong tệp"), sum(self.counts.values())),
            (_("Hộ mới"), self.counts[Outcome.CREATED]),
            (_("Hộ được cập nhật"), self.counts[Outcome.UPDATED]),
            (_("Hộ không thay đổi"), self.counts[Outcome.UNCHANGED]),
            (_("Dòng bị từ chối"), self.counts[Outcome.REJECTED]),
            (_("Dòng trống"), self.counts[Outcome.BLANK]),
            (_("Dòng trùng"), self.counts[Outcome.DUPLICATE]),
        ]


def error_csv(labels: Sequence[str], problems: Sequence[Problem]) -> bytes:
    """The rows not imported, cells as text, plus their row number and the reason (UTF-8 BOM)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([*labels, _("Dòng trong tệp gốc"), _("Lỗi")])
    width = len(labels)
    for problem in problems:
        cells = [exports.safe_text(cell_text(cell)) for cell in problem.cells[:width]]
        cells += [""] * (width - len(cells))
        writer.writerow([*cells, problem.number, problem.reason])
    return buffer.getvalue().encode("utf-8-sig")


def error_workbook(
    labels: Sequence[str],
    problems: Sequence[Problem],
    text_columns: set[int],
    summary: Sequence[tuple[str, int]],
) -> bytes:
    """The rows not imported as a workbook: original cells, row number, reason; and a summary."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer,
        {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False},
    )
    bold = workbook.add_format({"bold": True, "bg_color": "#E7F3EC", "border": 1})
    text = workbook.add_format({"num_format": "@"})
    date = workbook.add_format({"num_format": "dd/mm/yyyy"})
    reason = workbook.add_format({"font_color": "#B42318", "text_wrap": True})
    sheet = workbook.add_worksheet(_("Dòng chưa nhập")[:31])
    width = len(labels)
    for column, label in enumerate([*labels, _("Dòng trong tệp gốc"), _("Lỗi")]):
        sheet.write_string(0, column, label, bold)
    for column in range(width):
        sheet.set_column(column, column, 16, text if column in text_columns else None)
    sheet.set_column(width, width, 10)
    sheet.set_column(width + 1, width + 1, 60)
    for row, problem in enumerate(problems, start=1):
        for column, value in enumerate(problem.cells[:width]):
            if value is None or value == "":
                continue
            if column in text_columns or isinstance(value, str):
                sheet.write_string(row, column, cell_text(value), text)
            elif isinstance(value, bool):
                sheet.write_boolean(row, column, value)
            elif isinstance(value, (int, float)):
                sheet.write_number(row, column, value)
            elif isinstance(value, (dt.date, dt.datetime)):
                sheet.write_datetime(row, column, value, date)
            else:
                sheet.write_string(row, column, cell_text(value))
        sheet.write_number(row, width, problem.number)
        sheet.write_string(row, width + 1, problem.reason, reason)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, len(problems), width + 1)
    totals = workbook.add_worksheet(_("Tóm tắt"))
    totals.set_column(0, 0, 28)
    for row, (label, count) in enumerate(summary):
        totals.write_string(row, 0, label)
        totals.write_number(row, 1, count)
    workbook.close()
    return buffer.getvalue()


# --- Template -----------------------------------------------------------------------------------

# (header, field, width, how to fill it, example); the header is what guess_mapping reads back.
TEMPLATE_COLUMNS: tuple[tuple[str, str, int, str | Promise, str], ...] = (
    ("STT", "", 6, gettext_lazy("Số thứ tự, không bắt buộc; không được nhập."), "1"),
    (
        "Họ và tên chủ hộ",
        "head_name",
        24,
        gettext_lazy("Bắt buộc. Ghi đủ họ tên, có dấu."),
        "Nguyễn Thị Lan",
    ),
    (
        "Số CCCD",
        "head_cccd",
        16,
        gettext_lazy(
            "Bắt buộc. 12 chữ số của căn cước công dân chủ hộ. Định dạng cột là Văn bản (Text) "
            "để Excel không xóa số 0 ở đầu hay đổi sang dạng 1,2E+11. Số CCCD là khóa: nhập "
            "lại cùng số sẽ cập nhật hộ đã có, không tạo hộ mới."
        ),
        "024185001234",
    ),
    (
        "Ngày sinh",
        "head_birth_date",
        12,
        gettext_lazy(
            "Ngày/tháng/năm, ví dụ 05/03/1985 (hoặc chỉ ghi năm sinh). Phải khớp năm sinh "
            "trong số CCCD."
        ),
        "05/03/1985",
    ),
    (
        "Giới tính",
        "head_gender",
        9,
        gettext_lazy(
            "Nam hoặc Nữ (cũng nhận M/F, 1 = Nam, 0 = Nữ). Để trống thì lấy theo số CCCD."
        ),
        "Nữ",
    ),
    (
        "Số điện thoại",
        "head_phone",
        14,
        gettext_lazy(
            "Số di động của chủ hộ, 10 chữ số (0912345678 hoặc +84912345678; số cũ 11 số được "
            "tự đổi). Định dạng cột là Văn bản. Hộ đăng nhập bằng số này (mã gửi qua SMS)."
        ),
        "0912345678",
    ),
    ("Số nhân khẩu", "members_count", 8, gettext_lazy("Số nguyên từ 1 đến 50."), "4"),
    (
        "Tỉnh/Thành phố",
        "province",
        16,
        gettext_lazy(
            "Tên tỉnh mới (34 tỉnh từ 1/7/2025) hoặc tên tỉnh cũ trước sáp nhập; có thể để "
            "trống nếu chọn tỉnh mặc định khi nhập."
        ),
        "Bắc Ninh",
    ),
    (
        "Huyện (cũ, nếu có)",
        "district",
        16,
        gettext_lazy("Chỉ cần khi ghi địa chỉ theo đơn vị cũ (trước 1/7/2025)."),
        "",
    ),
    (
        "Xã/Phường",
        "commune",
        18,
        gettext_lazy(
            "Tên xã/phường hiện nay, hoặc tên xã cũ cùng tỉnh và huyện cũ: hệ thống tự chuyển "
            "sang xã mới."
        ),
        "Xã Lục Ngạn",
    ),
    ("Thôn/Xóm/Ấp/Bản", "village", 16, gettext_lazy("Không bắt buộc."), "Thôn Kép"),
    ("Số nhà, đường", "street", 16, gettext_lazy("Không bắt buộc."), ""),
    (
        "Sản phẩm chính",
        "produce",
        22,
        gettext_lazy(
            "Một hay nhiều sản phẩm, cách nhau bằng dấu phẩy; dùng tên trong trang Danh mục."
        ),
        "Vải thiều, Gà",
    ),
    (
        "Diện tích",
        "farming_area",
        10,
        gettext_lazy("Số, dùng dấu phẩy cho phần thập phân (2,5)."),
        "5",
    ),
    (
        "Đơn vị diện tích",
        "farming_area_unit",
        12,
        gettext_lazy("m2, ha, sào (Bắc Bộ 360 m², Trung Bộ 500 m²) hoặc công; trống là m2."),
        "sào",
    ),
    (
        "Đồng ý xử lý dữ liệu",
        "consent",
        12,
        gettext_lazy(
            "Có hoặc Không: chủ hộ đã đồng ý cho xử lý dữ liệu cá nhân (Nghị định 13/2023). "
            "Dòng ghi Không sẽ không được nhập."
        ),
        "Có",
    ),
)


def template_workbook() -> bytes:
    """The blank list to fill in, with an instructions sheet and the lists of names to use."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, exports.XLSX_OPTIONS)
    head = workbook.add_format(
        {"bold": True, "bg_color": "#1F6F43", "font_color": "#FFFFFF", "text_wrap": True}
    )
    text = workbook.add_format({"num_format": "@"})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    title = workbook.add_format({"bold": True, "font_size": 14})
    bold = workbook.add_format({"bold": True, "valign": "top", "text_wrap": True})

    sheet = workbook.add_worksheet(_("Danh sách hộ"))
    last = 5000
    for column, (header, key, width, _help, _example) in enumerate(TEMPLATE_COLUMNS):
        is_text = key in ("head_cccd", "head_phone", "head_birth_date")
        sheet.set_column(column, column, width, text if is_text else None)
        sheet.write_string(0, column, header, head)
    sheet.set_row(0, 32)
    sheet.freeze_panes(1, 0)
    keys = [key for _header, key, *_rest in TEMPLATE_COLUMNS]
    lists = {
        "head_gender": ["Nam", "Nữ"],
        "farming_area_unit": ["m2", "ha", "sào", "sào Bắc Bộ", "sào Trung Bộ", "công"],
        "consent": ["Có", "Không"],
    }
    for key, values in lists.items():
        column = keys.index(key)
        sheet.data_validation(
            1, column, last, column, {"validate": "list", "source": values, "ignore_blank": True}
        )
    column = keys.index("members_count")
    sheet.data_validation(
        1,
        column,
        last,
        column,
        {"validate": "integer", "criteria": "between", "minimum": 1, "maximum": 50},
    )

    guide = workbook.add_worksheet(_("Hướng dẫn"))
    guide.set_column(0, 0, 22)
    guide.set_column(1, 1, 70)
    guide.set_column(2, 2, 18)
    guide.write_string(0, 0, _("Cách điền danh sách hộ sản xuất nông nghiệp"), title)
    notes = [
        _("Mỗi dòng là một hộ; dòng 1 của trang “Danh sách hộ” là tiêu đề, giữ nguyên."),
        _(
            "Có thể dùng tệp của xã với tiêu đề khác (ví dụ “Họ tên”, “CMND/CCCD”, “SĐT”): khi "
            "nhập, hệ thống tự nhận cột và cho sửa lại trước khi nhập."
        ),
        _(
            "Dòng có lỗi không làm hỏng cả tệp: các dòng đúng được nhập, các dòng lỗi được trả "
            "lại trong tệp lỗi kèm lý do để sửa rồi nhập lại."
        ),
        _("Trước khi nhập, xã phải thu thập ý kiến đồng ý xử lý dữ liệu cá nhân của chủ hộ."),
    ]
    for row, note in enumerate(notes, start=1):
        guide.merge_range(row, 0, row, 2, note, wrap)
        guide.set_row(row, 30)
    start = len(notes) + 2
    for column, header in enumerate([_("Cột"), _("Cách ghi"), _("Ví dụ")]):
        guide.write_string(start, column, header, head)
    for row, (header, _key, _width, help_text, example) in enumerate(
        TEMPLATE_COLUMNS, start=start + 1
    ):
        guide.write_string(row, 0, header, bold)
        guide.write_string(row, 1, str(help_text), wrap)
        guide.write_string(row, 2, example, wrap)

    catalog = workbook.add_worksheet(_("Danh mục"))
    catalog.set_column(0, 2, 28)
    for column, header in enumerate([_("Sản phẩm chính"), _("Nhóm"), _("Tỉnh/thành phố")]):
        catalog.write_string(0, column, header, head)
    for row, kind in enumerate(ProduceKind.objects.order_by("group", "name"), start=1):
        catalog.write_string(row, 0, kind.name)
        catalog.write_string(row, 1, str(kind.get_group_display()))
    for row, province in enumerate(geo_selectors.province_list(), start=1):
        catalog.write_string(row, 2, province.name)
    workbook.close()
    return buffer.getvalue()


# --- Services -----------------------------------------------------------------------------------


def _check_may_import(actor: User) -> None:
    if actor.role not in services.REGISTRAR_ROLES and not actor.is_superuser:
        raise ApplicationError(_("Bạn không có quyền nhập danh sách hộ."), code="forbidden")


def import_job_create(*, actor: User, upload: UploadedFile) -> ImportJob:
    """Store an uploaded list and guess its sheet, header row and column mapping."""
    _check_may_import(actor)
    name = upload.name or "danh-sach"
    kind = source_kind(name)
    if upload.size and upload.size > MAX_UPLOAD_BYTES:
        raise ApplicationError(
            _("Tệp quá lớn: tối đa %(mb)s MB; hãy chia danh sách thành nhiều tệp.")
            % {"mb": MAX_UPLOAD_BYTES // 1024 // 1024},
            field="file",
        )
    data = upload.read()
    # The sheet whose header names most fields: lists often come after a sheet of notes.
    best: tuple[int, str, int, int, dict[int, str]] | None = None
    for sheet in sheet_names(data, kind):
        rows = read_rows(data, kind, sheet, limit=HEADER_SCAN_ROWS + PREVIEW_ROWS)
        if not rows:
            continue
        header_index, depth = detect_header(rows)
        mapping = guess_mapping(header_labels(rows, header_index, depth))
        if best is None or len(mapping) > best[0]:
            best = (len(mapping), sheet, header_index, depth, mapping)
    if best is None:
        raise ApplicationError(_("Tệp không có dòng dữ liệu nào."), field="file")
    _count, sheet, header_index, depth, mapping = best
    suffix = name[name.rfind(".") :].lower() if "." in name else ".csv"
    job = ImportJob(
        created_by=actor,
        source_name=name[-255:],
        sheet_name=sheet,
        header_row=header_index + 1,
        header_depth=depth,
        mapping={str(index): key for index, key in mapping.items()},
    )
    job.source.save(f"{uuid.uuid4().hex}{suffix}", ContentFile(data), save=False)
    job.save()
    return job


@dataclass(frozen=True)
class Preview:
    """What the mapping page shows: the sheets, the header and the first rows of the list."""

    sheets: list[str]
    sheet: str
    header_row: int
    header_depth: int
    labels: list[str]
    rows: list[tuple[int, list[str]]]
    mapping: dict[int, str]

    @property
    def columns(self) -> list[tuple[int, str, str]]:
        """(index, letter, header) of each column."""
        return [(index, column_letter(index), label) for index, label in enumerate(self.labels)]


def import_preview(
    *, job: ImportJob, sheet: str | None = None, header_row: int | None = None
) -> Preview:
    """The list as read with the job's settings, or with another sheet or header row."""
    with job.source.open("rb") as handle:
        data = handle.read()
    kind = source_kind(job.source_name)
    sheets = sheet_names(data, kind)
    sheet = job.sheet_name if sheet is None else sheet
    if kind != "csv" and sheet not in sheets:
        raise ApplicationError(
            _("Không thấy trang tính “%(name)s” trong tệp.") % {"name": sheet}, field="sheet"
        )
    scan = max(header_row or job.header_row, HEADER_SCAN_ROWS) + PREVIEW_ROWS + 2
    rows = read_rows(data, kind, sheet, limit=scan)
    if sheet == job.sheet_name and header_row in (None, job.header_row):
        index, depth = job.header_row - 1, job.header_depth
        mapping = {int(position): key for position, key in job.mapping.items()}
        labels = header_labels(rows, index, depth)
    else:
        if header_row is None:
            index, depth = detect_header(rows)
        else:
            index = header_row - 1
            depth = _header_depth(rows, index) if index < len(rows) else 1
        labels = header_labels(rows, index, depth)
        mapping = guess_mapping(labels)
    width = max([len(labels)] + [len(row) for row in rows[index + depth :]], default=0)
    labels += [""] * (width - len(labels))
    body = [
        (number, [cell_text(cell) for cell in rows[number - 1]] + [""] * width)
        for number in range(index + depth + 1, min(len(rows), index + depth + PREVIEW_ROWS) + 1)
    ]
    return Preview(
        sheets=sheets,
        sheet=sheet,
        header_row=index + 1,
        header_depth=depth,
        labels=labels,
        rows=[(number, cells[:width]) for number, cells in body],
        mapping=mapping,
    )


def _check_own_upload(*, actor: User, job: ImportJob) -> None:
    _check_may_import(actor)
    if job.created_by_id != actor.pk:
        raise ApplicationError(_("Chỉ người tải danh sách lên mới nhập được."), code="forbidden")
    if job.status != ImportJob.Status.UPLOADED:
        raise ApplicationError(_("Danh sách này đã được gửi nhập rồi."), code="conflict")


def import_job_reread(
    *, actor: User, job: ImportJob, sheet: str, header_row: int | None
) -> ImportJob:
    """Read the list again from another sheet or header row, and guess its columns anew.

    On another sheet the header row is found again unless one is given.
    """
    _check_own_upload(actor=actor, job=job)
    if sheet != job.sheet_name and header_row == job.header_row:
        header_row = None
    preview = import_preview(job=job, sheet=sheet, header_row=header_row)
    job.sheet_name = preview.sheet
    job.header_row = preview.header_row
    job.header_depth = preview.header_depth
    job.mapping = {str(index): key for index, key in preview.mapping.items()}
    job.save(update_fields=["sheet_name", "header_row", "header_depth", "mapping"])
    return job


@transaction.atomic
def import_job_start(
    *,
    actor: User,
    job: ImportJob,
    mapping: Mapping[int, str],
    consent: bool,
    default_province: Province | None = None,
    default_commune: Commune | None = None,
) -> ImportJob:
    """Check the mapping and the defaults, record the consent, and queue the import."""
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    _check_own_upload(actor=actor, job=job)
    if not consent:
        raise ApplicationError(
            _(
                "Cần xác nhận xã/phường đã thu thập ý kiến đồng ý xử lý dữ liệu cá nhân của các "
                "chủ hộ (Nghị định 13/2023/NĐ-CP)."
            ),
            field="consent",
        )
    columns: dict[str, int] = {}
    for index, key in sorted(mapping.items()):
        if key not in COLUMNS_BY_KEY:
            raise ApplicationError(_("Trường “%(key)s” không có.") % {"key": key}, field="mapping")
        if key in columns:
            raise ApplicationError(
                _("Cột %(first)s và cột %(second)s cùng được chọn là “%(label)s”.")
                % {
                    "first": column_letter(columns[key]),
                    "second": column_letter(index),
                    "label": COLUMNS_BY_KEY[key].label,
                },
                field="mapping",
            )
        columns[key] = index
    for key in REQUIRED_COLUMNS:
        if key not in columns:
            raise ApplicationError(
                _("Chưa chọn cột nào là “%(label)s”.") % {"label": COLUMNS_BY_KEY[key].label},
                field="mapping",
            )
    if "commune" not in columns and default_commune is None:
        raise ApplicationError(
            _("Danh sách không có cột xã/phường: hãy chọn xã/phường mặc định."),
            field="default_commune",
        )
    communes = scope_filter(Commune.objects.all(), actor=actor, province="province", commune="pk")
    if default_commune is not None and not communes.filter(pk=default_commune.pk).exists():
        raise ApplicationError(
            _("%(name)s không thuộc địa bàn bạn phụ trách.") % {"name": default_commune.name},
            field="default_commune",
        )
    if default_province is not None and not communes.filter(province=default_province).exists():
        raise ApplicationError(
            _("%(name)s không thuộc địa bàn bạn phụ trách.") % {"name": default_province.name},
            field="default_province",
        )
    job.mapping = {str(index): key for key, index in columns.items()}
    job.default_province = default_province
    job.default_commune = default_commune
    job.consent_confirmed_at = timezone.now()
    job.language = translation.get_language() or ""
    job.status = ImportJob.Status.QUEUED
    job.save()
    from nongsan.households import tasks  # tasks call back into this module

    job_id = job.pk
    transaction.on_commit(lambda: tasks.import_run.delay(job_id=job_id))
    return job


def import_job_run(*, job_id: int) -> ImportJob:
    """Import a queued job's rows (what the Celery task does); a job runs once."""
    with transaction.atomic():
        job = (
            ImportJob.objects.select_for_update(of=("self",))
            .select_related("created_by", "default_commune__province", "default_province")
            .get(pk=job_id)
        )
        if job.status != ImportJob.Status.QUEUED:
            return job
        job.status = ImportJob.Status.RUNNING
        job.started_at = timezone.now()
        job.save(update_fields=["status", "started_at"])
    try:
        with translation.override(job.language or None):
            _check_may_import(job.created_by)
            Importer(job).run()
    except Exception as exc:
        if not isinstance(exc, ApplicationError):
            logger.exception("Household import %s failed", job.pk)
        message = (
            exc.message
            if isinstance(exc, ApplicationError)
            else _("Lỗi hệ thống (%(error)s); hãy báo quản trị viên.")
            % {"error": type(exc).__name__}
        )
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.FAILED, failure=message[:2000], finished_at=timezone.now()
        )
    job.refresh_from_db()
    return job


# --- Selectors ----------------------------------------------------------------------------------


def import_job_list(*, actor: Any) -> QuerySet[ImportJob]:
    """The imports the actor uploaded.

    Only the uploader (and superusers): a job's files hold the full CCCDs and phones of its rows,
    which others, national officials included, see masked (selectors.can_see_identity).
    """
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return ImportJob.objects.none()
    if actor.is_superuser:
        return ImportJob.objects.all()
    return ImportJob.objects.filter(created_by=actor)


def import_job_get_for(*, actor: Any, job_id: int) -> ImportJob:
    """One of the actor's imports; anyone else's is a 404, never a hint that it exists."""
    job = (
        import_job_list(actor=actor)
        .select_related("created_by", "default_commune", "default_province")
        .filter(pk=job_id)
        .first()
    )
    if job is None:
        raise Http404(_("Không tìm thấy hoặc bạn không có quyền xem."))
    return job


def changed_field_labels(job: ImportJob) -> list[tuple[str, int]]:
    """(what changed, how many households) for the report, largest first."""
    labels: dict[str, str] = {
        "head_name": str(_("họ tên")),
        "head_birth_date": str(_("ngày sinh")),
        "head_gender": str(_("giới tính")),
        "head_phone": str(_("số điện thoại")),
        "members_count": str(_("số nhân khẩu")),
        "commune_id": str(_("xã/phường")),
        "village": str(_("thôn/xóm")),
        "street": str(_("số nhà, đường")),
        "farming_area": str(_("diện tích")),
        "farming_area_unit": str(_("đơn vị diện tích")),
        "produce": str(_("sản phẩm chính")),
    }
    counted = Counter(job.changed_fields)
    counted.pop("farming_area_unit", None)  # always changes with the area
    return [(labels.get(str(key), str(key)), count) for key, count in counted.most_common()]
