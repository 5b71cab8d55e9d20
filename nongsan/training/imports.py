"""Reading attendance lists from uploaded CSV/XLSX files, and the report an import gives back."""

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import xlsxwriter
from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook

from nongsan.core import exports
from nongsan.core.errors import ApplicationError
from nongsan.core.text import fold

# The canonical columns an attendance list may carry; rows are dicts with these keys plus "row".
COLUMNS = ("cccd", "phone", "name")
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
# How far down a title block may push the header row ("DANH SÁCH HỌC VIÊN ...").
HEADER_SEARCH_ROWS = 15
MAX_ROWS = 5000


def column_for(header: object) -> str | None:
    """The canonical column a header cell names, whatever its spelling, accents or case."""
    text = fold(str(header or ""))
    if not text:
        return None
    words = text.replace("/", " ").replace("(", " ").replace(")", " ").replace(".", " ").split()
    joined = " ".join(words)
    if any(key in joined for key in ("cccd", "can cuoc", "dinh danh", "cmnd")):
        return "cccd"
    if any(key in joined for key in ("dien thoai", "sdt", "so dt", "di dong", "phone", "mobile")):
        return "phone"
    if joined in {"ten", "name", "full name"} or any(
        key in joined for key in ("ho ten", "ho va ten", "chu ho", "hoc vien", "nguoi tham du")
    ):
        return "name"
    return None


def _rows_from_table(table: Sequence[Sequence[object]]) -> list[dict[str, object]]:
    """Find the header row, then turn every row below it into a dict with its file row number."""
    for index, cells in enumerate(table[:HEADER_SEARCH_ROWS]):
        mapping: dict[int, str] = {}
        for position, cell in enumerate(cells):
            column = column_for(cell)
            if column is not None and column not in mapping.values():
                mapping[position] = column
        if mapping:
            header_index = index
            break
    else:
        raise ApplicationError(
            _(
                "Không tìm thấy dòng tiêu đề có cột Số CCCD, Số điện thoại hoặc Họ và tên "
                "trong %(n)s dòng đầu của tệp."
            )
            % {"n": HEADER_SEARCH_ROWS},
            field="file",
        )
    body = table[header_index + 1 :]
    if len(body) > MAX_ROWS:
        raise ApplicationError(
            _("Tệp có %(n)s dòng; mỗi lần chỉ nhập tối đa %(max)s dòng.")
            % {"n": len(body), "max": MAX_ROWS},
            field="file",
        )
    rows = []
    for offset, cells in enumerate(body):
        row: dict[str, object] = {"row": header_index + 2 + offset}
        for position, column in mapping.items():
            value = cells[position] if position < len(cells) else ""
            row[column] = value.strip() if isinstance(value, str) else value
        rows.append(row)
    return rows


def _read_csv(content: bytes) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")  # with or without the BOM Excel writes
    except UnicodeDecodeError as exc:
        raise ApplicationError(
            _("Tệp CSV phải được lưu với bảng mã UTF-8 (trong Excel: Lưu thành > CSV UTF-8)."),
            field="file",
        ) from exc
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel  # one column, or too little text to tell: commas
    return [list(row) for row in csv.reader(io.StringIO(text), dialect)]


def _read_spreadsheet(content: bytes) -> list[list[object]]:
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        sheet = workbook.get_sheet_by_index(0)
        # Keep the empty area above and left of the data so indices are the sheet's row numbers.
        return [list(row) for row in sheet.to_python(skip_empty_area=False)]
    except (CalamineError, ValueError, OSError) as exc:
        raise ApplicationError(
            _("Không đọc được tệp bảng tính; hãy lưu lại dạng .xlsx hoặc .csv rồi tải lên."),
            field="file",
        ) from exc


def read_rows(*, filename: str, content: bytes) -> list[dict[str, object]]:
    """The rows of an uploaded list (first sheet of a workbook, or a CSV), keyed by column.

    Each row is `{"row": <row number in the file>, "cccd": ..., "phone": ..., "name": ...}` with
    only the columns the header names; no row is dropped, blank ones included.
    """
    name = filename.lower()
    if name.endswith(".csv"):
        table: Sequence[Sequence[object]] = _read_csv(content)
    elif name.endswith(SPREADSHEET_SUFFIXES):
        table = _read_spreadsheet(content)
    else:
        raise ApplicationError(
            _("Chỉ nhận tệp Excel (.xlsx) hoặc CSV (.csv)."), field="file", code="file_type"
        )
    return _rows_from_table(table)


@dataclass(frozen=True)
class RowResult:
    """What happened to one row of a list."""

    row: int
    status: str  # one of ImportReport.ACCEPTED, REJECTED, BLANK
    message: str
    household_id: int | None = None
    household_name: str = ""
    certificate_number: str = ""
    created: bool = False


@dataclass(frozen=True)
class ImportReport:
    """Every row of an attendance list with its outcome: accepted, rejected (why) or blank."""

    ACCEPTED = "accepted"
    REJECTED = "rejected"
    BLANK = "blank"

    rows: tuple[RowResult, ...] = field(default_factory=tuple)

    @property
    def accepted(self) -> list[RowResult]:
        return [r for r in self.rows if r.status == self.ACCEPTED]

    @property
    def rejected(self) -> list[RowResult]:
        return [r for r in self.rows if r.status == self.REJECTED]

    @property
    def blank(self) -> list[RowResult]:
        return [r for r in self.rows if r.status == self.BLANK]

    @property
    def created_count(self) -> int:
        return sum(1 for r in self.rows if r.created)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-safe form, to keep the report in the user's session between POST and GET."""
        return {"rows": [asdict(r) for r in self.rows]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "ImportReport":
        return cls(rows=tuple(RowResult(**r) for r in data.get("rows", ())))


def template_xlsx() -> bytes:
    """A blank attendance list with the recognised headers, ID columns formatted as text."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, exports.XLSX_OPTIONS)
    bold = workbook.add_format({"bold": True, "bg_color": "#E7F3EC", "border": 1})
    text = workbook.add_format({"num_format": "@"})
    sheet = workbook.add_worksheet(_("Danh sách"))
    headers = [_("STT"), _("Họ và tên chủ hộ"), _("Số CCCD"), _("Số điện thoại")]
    widths = [6, 30, 18, 16]
    for position, (header, width) in enumerate(zip(headers, widths, strict=True)):
        sheet.write(0, position, header, bold)
        sheet.set_column(position, position, width, text if position >= 2 else None)
    sheet.freeze_panes(1, 0)
    notes = workbook.add_worksheet(_("Hướng dẫn"))
    notes.set_column(0, 0, 100)
    for line, note in enumerate(
        (
            _("Mỗi dòng là một hộ có mặt ở buổi tập huấn; dòng tiêu đề giữ nguyên như mẫu."),
            _("Ghi ít nhất một trong ba cột: Số CCCD của chủ hộ, Số điện thoại, Họ và tên."),
            _(
                "Hộ được tìm theo số CCCD trước, rồi đến số điện thoại; chỉ có họ tên thì hộ "
                "phải ở đúng xã/phường của buổi tập huấn và không trùng tên."
            ),
            _("Số CCCD và số điện thoại nên để dạng Văn bản để không mất số 0 ở đầu."),
            _("Hộ phải được đăng ký trên hệ thống trước khi nhập danh sách tập huấn."),
            _("Nhập lại cùng một tệp không ghi nhận trùng: hộ đã có mặt được giữ nguyên."),
        )
    ):
        notes.write(line, 0, note)
    workbook.close()
    return buffer.getvalue()
