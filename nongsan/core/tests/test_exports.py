import io

import openpyxl
import pytest

from nongsan.core import exports


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("+84 912 000 004", "+84 912 000 004"),
        ("-1.500", "-1.500"),
        ("-cmd|' /C calc'!A0", "'-cmd|' /C calc'!A0"),
        ("\tTAB", "'\tTAB"),
        ("Nông Thị Mai", "Nông Thị Mai"),
    ],
)
def test_a_typed_text_never_runs_as_a_formula(typed, written):
    assert exports.safe_text(typed) == written


def test_csv_and_xlsx_keep_numbers_as_numbers_and_formulas_as_text():
    rows: list[list[exports.Cell]] = [["=1+1", 120_000], ["Na Chi Lăng", 5]]
    text = exports.csv_bytes(["Tên", "Tiền"], rows).decode("utf-8-sig")
    assert text.splitlines() == ["Tên;Tiền", "'=1+1;120000", "Na Chi Lăng;5"]
    sheet = openpyxl.load_workbook(
        io.BytesIO(exports.xlsx_bytes("T", ["Tên", "Tiền"], rows))
    ).active
    assert sheet["A4"].value == "'=1+1" and sheet["A4"].data_type == "s"
    assert sheet["B4"].value == 120_000
    assert sheet.print_title_rows == "$3:$3"
