import io

import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook

from nongsan.accounts.tests import factories as account_factories
from nongsan.core.errors import ApplicationError
from nongsan.households.models import Milestone
from nongsan.training import services
from nongsan.training.imports import ImportReport, column_for, read_rows, template_xlsx
from nongsan.training.models import Attendance
from nongsan.training.tests import factories

pytestmark = pytest.mark.django_db


def xlsx(rows, *, top_rows=()):
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet()
    for line, row in enumerate((*top_rows, *rows)):
        for column, value in enumerate(row):
            if value is not None:
                sheet.write(line, column, value)
    workbook.close()
    return buffer.getvalue()


class TestReadRows:
    @pytest.mark.parametrize(
        ("header", "column"),
        [
            ("Số CCCD", "cccd"),
            ("CCCD chủ hộ", "cccd"),
            ("so dinh danh ca nhan", "cccd"),
            ("SĐT", "phone"),
            ("Điện thoại chủ hộ", "phone"),
            ("Họ và tên", "name"),
            ("HỌ TÊN CHỦ HỘ", "name"),
            ("Tên", "name"),
            ("STT", None),
            ("Tên xã", None),
            ("Ghi chú", None),
        ],
    )
    def test_header_names(self, header, column):
        assert column_for(header) == column

    def test_xlsx_below_a_title_block_keeps_file_row_numbers(self):
        content = xlsx(
            [
                ["STT", "Họ và tên", "Số CCCD", "SĐT"],
                [1, "Nông Thị Mai", 20185001234, 912345678],
                [None, None, None, None],
                [2, "Lý Văn Sơn", "020185001235", "+84912345679"],
            ],
            top_rows=[["DANH SÁCH HỘ THAM DỰ TẬP HUẤN"], []],
        )
        rows = read_rows(filename="Danh sach.XLSX", content=content)
        assert [r["row"] for r in rows] == [4, 5, 6]
        assert rows[0] == {
            "row": 4,
            "name": "Nông Thị Mai",
            "cccd": 20185001234.0,
            "phone": 912345678.0,
        }
        assert rows[1] == {"row": 5, "name": "", "cccd": "", "phone": ""}

    @pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
    def test_csv_in_utf8_with_or_without_bom_and_semicolons(self, encoding):
        text = "STT;Họ tên chủ hộ;Số điện thoại\n1;Hoàng Thị Hồng;0987 654 321\n"
        rows = read_rows(filename="ds.csv", content=text.encode(encoding))
        assert rows == [{"row": 2, "name": "Hoàng Thị Hồng", "phone": "0987 654 321"}]

    def test_csv_in_another_encoding_is_refused_with_the_way_out(self):
        with pytest.raises(ApplicationError, match="UTF-8"):
            read_rows(filename="ds.csv", content="Họ tên\nNông Thị Mai\n".encode("utf-16"))

    def test_file_without_known_headers(self):
        with pytest.raises(ApplicationError, match="dòng tiêu đề") as error:
            read_rows(filename="ds.csv", content=b"a,b\n1,2\n")
        assert error.value.field == "file"

    def test_other_file_types_are_refused(self):
        with pytest.raises(ApplicationError, match=r"\.xlsx"):
            read_rows(filename="ds.pdf", content=b"%PDF-1.7")

    def test_broken_spreadsheet_is_refused(self):
        with pytest.raises(ApplicationError, match="Không đọc được tệp bảng tính"):
            read_rows(filename="ds.xlsx", content=b"not a zip at all")

    def test_template_is_read_back_by_the_importer(self):
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(template_xlsx()))
        assert workbook.sheet_names == ["Danh sách", "Hướng dẫn"]
        header = workbook.get_sheet_by_index(0).to_python()[0]
        assert [column_for(cell) for cell in header] == [None, "name", "cccd", "phone"]


class TestAttendanceImport:
    @pytest.fixture
    def setting(self):
        commune = account_factories.commune("Lạng Sơn", 0)
        other = account_factories.commune("Lạng Sơn", 1)
        agent = factories.agent_for(commune)
        session = factories.session(commune=commune, actor=agent, capacity=5)
        mai = factories.household(
            commune=commune, head_name="Nông Thị Mai", head_cccd="020185001234"
        )
        son = factories.household(
            commune=commune, head_name="Lý Văn Sơn", female=False, head_phone="0912345679"
        )
        hoa = factories.household(commune=commune, head_name="Hà Thị Hoa")
        stranger = factories.household(
            commune=other, head_name="Vi Văn Páo", female=False, head_cccd="020080009999"
        )
        return {
            "agent": agent,
            "session": session,
            "mai": mai,
            "son": son,
            "hoa": hoa,
            "stranger": stranger,
        }

    ROWS = [
        {"row": 2, "cccd": 20185001234.0, "name": "Nông Thị Mai"},  # leading zero lost
        {"row": 3, "phone": "+84 912 345 679"},
        {"row": 4, "name": "ha thi hoa"},  # name only, typed without diacritics
        {"row": 5, "cccd": "", "phone": "", "name": ""},
        {"row": 6, "cccd": "020185001234"},  # the same household as row 2
        {"row": 7, "cccd": "020080009999"},  # a household of another commune
        {"row": 8, "cccd": "12345"},
        {"row": 9, "phone": "0243 123 456"},
        {"row": 10, "name": "Trần Văn Không Có"},
    ]

    def test_report_names_every_row(self, setting):
        report = services.attendance_import(
            actor=setting["agent"], session=setting["session"], rows=self.ROWS
        )
        by_row = {r.row: r for r in report.rows}
        assert [r.row for r in report.accepted] == [2, 3, 4, 6]
        assert [r.row for r in report.rejected] == [7, 8, 9, 10]
        assert [r.row for r in report.blank] == [5]
        assert report.created_count == 3
        assert by_row[2].household_id == setting["mai"].pk and by_row[2].created
        assert by_row[3].household_id == setting["son"].pk
        assert by_row[4].household_id == setting["hoa"].pk
        assert (
            by_row[6].message == "Trùng với dòng 2; đã ghi nhận một lần." and not by_row[6].created
        )
        assert by_row[7].message == (
            "Không tìm thấy hộ nào có số CCCD 020080009999 trong địa bàn bạn phụ trách."
        )
        assert "12 chữ số" in by_row[8].message
        assert "không phải số di động" in by_row[9].message
        assert "Không tìm thấy hộ nào tên Trần Văn Không Có" in by_row[10].message
        assert Attendance.objects.filter(source=Attendance.Source.IMPORT).count() == 3
        assert setting["mai"].milestones.filter(kind=Milestone.Kind.TRAINED_DIGITAL).exists()

    def test_importing_again_changes_nothing(self, setting):
        first = services.attendance_import(
            actor=setting["agent"], session=setting["session"], rows=self.ROWS
        )
        numbers = sorted(Attendance.objects.values_list("certificate_number", flat=True))
        again = services.attendance_import(
            actor=setting["agent"], session=setting["session"], rows=self.ROWS
        )
        assert again.created_count == 0
        assert [r.row for r in again.accepted] == [r.row for r in first.accepted]
        assert [r.row for r in again.rejected] == [r.row for r in first.rejected]
        assert {r.message for r in again.accepted if r.row in (2, 3, 4)} == {
            "Đã có trong danh sách có mặt từ trước."
        }
        assert sorted(Attendance.objects.values_list("certificate_number", flat=True)) == numbers

    def test_rows_beyond_capacity_are_rejected_with_the_reason(self, setting):
        session = factories.session(
            commune=setting["session"].commune, actor=setting["agent"], capacity=1
        )
        report = services.attendance_import(
            actor=setting["agent"],
            session=session,
            rows=[{"cccd": "020185001234"}, {"phone": "0912345679"}],
        )
        assert [r.row for r in report.accepted] == [2]
        [full] = report.rejected
        assert full.row == 3 and "đã đủ 1 chỗ" in full.message

    def test_phone_shared_by_two_households_needs_the_name(self, setting):
        commune = setting["session"].commune
        for name in ("Lò Văn Sáng", "Lò Thị Xuân"):
            factories.household(commune=commune, head_name=name, head_phone="0987000111")
        report = services.attendance_import(
            actor=setting["agent"],
            session=setting["session"],
            rows=[{"phone": "0987000111"}, {"phone": "0987000111", "name": "lo thi xuan"}],
        )
        assert "Có 2 hộ cùng dùng số điện thoại" in report.rejected[0].message
        assert report.accepted[0].household_name == "Lò Thị Xuân"

    def test_an_agent_of_another_commune_cannot_import_into_the_session(self, setting):
        outsider = factories.agent_for(account_factories.commune("Lạng Sơn", 1))
        with pytest.raises(ApplicationError) as error:
            services.attendance_import(actor=outsider, session=setting["session"], rows=self.ROWS)
        assert error.value.code == "forbidden"
        assert not Attendance.objects.exists()

    def test_report_survives_a_round_trip_through_the_session_store(self, setting):
        report = services.attendance_import(
            actor=setting["agent"], session=setting["session"], rows=self.ROWS
        )
        assert ImportReport.from_dict(report.as_dict()) == report
