"""Tables written as files people open in a spreadsheet: CSV (UTF-8 with a byte-order mark, ";"
as Vietnamese Excel expects) and XLSX (frozen header, landscape A4, header repeated on every
printed page). Every text cell goes through `safe_text`, so nothing a user typed runs as a
formula when the file is opened."""

import csv
import io
import re
from collections.abc import Sequence

import xlsxwriter

Cell = str | int | float | None
# Every workbook the platform writes: a text someone typed is never turned into a formula or a
# link by the writer (xlsxwriter does both by default).
XLSX_OPTIONS = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
_NUMBER = re.compile(r"[+\-][\d\s.,]+")


def safe_text(text: str) -> str:
    """A text a spreadsheet shows as text: a leading =, @, tab or carriage return, or a + or -
    that does not start a plain number, gets a quote in front."""
    if text[:1] in ("=", "@", "\t", "\r") or (
        text[:1] in ("+", "-") and not _NUMBER.fullmatch(text)
    ):
        return "'" + text
    return text


def _cell(value: Cell) -> Cell:
    return safe_text(value) if isinstance(value, str) else value


def csv_bytes(
    header: Sequence[str], rows: Sequence[Sequence[Cell]], *, delimiter: str = ";"
) -> bytes:
    """`delimiter`: ";" for files people open in Excel with Vietnamese settings; "," for files
    that are read back by an import (its error file, its report)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([safe_text(str(h)) for h in header])
    for row in rows:
        writer.writerow(["" if value is None else _cell(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(
    title: str, header: Sequence[str], rows: Sequence[Sequence[Cell]], *, sheet: str = "Sheet1"
) -> bytes:
    """One sheet: a title line, the header (frozen and repeated on each printed page), rows;
    whole numbers shown with thousands separators."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, XLSX_OPTIONS)
    worksheet = workbook.add_worksheet(sheet[:31])
    bold = workbook.add_format(
        {"bold": True, "text_wrap": True, "border": 1, "bg_color": "#E8F0E8"}
    )
    number = workbook.add_format({"num_format": "#,##0", "border": 1})
    text = workbook.add_format({"border": 1})
    worksheet.write_string(0, 0, safe_text(title), workbook.add_format({"bold": True}))
    for col, name in enumerate(header):
        worksheet.write_string(2, col, safe_text(str(name)), bold)
        worksheet.set_column(col, col, 16 if col else 14)
    for r, row in enumerate(rows, start=3):
        for col, value in enumerate(row):
            if isinstance(value, bool) or value is None:
                worksheet.write_string(r, col, "" if value is None else str(value), text)
            elif isinstance(value, int | float):
                worksheet.write_number(r, col, value, number)
            else:
                worksheet.write_string(r, col, safe_text(str(value)), text)
    worksheet.freeze_panes(3, 0)
    worksheet.repeat_rows(2)
    worksheet.set_landscape()
    worksheet.set_paper(9)  # A4
    worksheet.fit_to_pages(1, 0)
    workbook.close()
    return buffer.getvalue()
