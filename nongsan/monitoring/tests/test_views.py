import io

import openpyxl
import pytest
from django.urls import reverse

from nongsan.accounts.models import Role
from nongsan.accounts.tests import factories as account_factories
from nongsan.households.models import Milestone
from nongsan.households.tests import factories as household_factories
from nongsan.monitoring.tests.scenarios import local, record

pytestmark = pytest.mark.django_db
REPORT = reverse("monitoring:report")
XLSX = reverse("monitoring:report_xlsx")


def province_key(short_name):
    return f"province-{account_factories.province(short_name).code}"


class TestReportPage:
    def test_the_ministry_sees_a_province_week_with_figures_and_manual_notes(
        self, client, scenario, ministry
    ):
        client.force_login(ministry)

        response = client.get(REPORT, {"don_vi": province_key("Lạng Sơn"), "ky": "2026-W47"})

        assert response.status_code == 200
        page = response.content.decode()
        assert "Tuần 47/2026 (19/11/2026 – 25/11/2026)" in page
        assert "Số hộ SXNN có tài khoản bán hàng/gian hàng trên sàn" in page
        assert "28,6" in page  # I.1 completion: 2 of 7
        assert "Postmart: 1, Vỏ Sò: 2" in page  # I.3 side by side
        assert "Nhập thủ công" not in page  # every indicator now comes from the platform
        assert "—" in page  # I.2 grew from zero
        assert "Chậm tiến độ" in page and "cần 1,0/tuần, 4 tuần qua 0,5/tuần" in page

    def test_milestones_recorded_since_the_last_fold_show_at_once(self, client, ministry, postmart):
        household = household_factories.household(commune=account_factories.commune("Huế"))
        record(household, Milestone.Kind.SHOP_OPENED, local(20), postmart)  # not folded yet
        client.force_login(ministry)

        response = client.get(REPORT, {"don_vi": "nation", "ky": "2026-W47", "san": "postmart"})

        assert response.context["report"].row("I.3").value == 1

    def test_a_province_official_opens_their_province_by_default(self, client):
        official = account_factories.user(Role.PROVINCE_OFFICIAL)
        client.force_login(official)

        response = client.get(REPORT)

        assert response.status_code == 200
        assert response.context["report"].unit.province == official.province

    @pytest.mark.parametrize("key", ["nation", "region-north", "province-46"])
    def test_a_province_official_gets_404_outside_their_province(self, client, key):
        client.force_login(account_factories.user(Role.PROVINCE_OFFICIAL))  # Lạng Sơn

        assert client.get(REPORT, {"don_vi": key}).status_code == 404
        assert client.get(XLSX, {"don_vi": key}).status_code == 404

    @pytest.mark.parametrize("role", [Role.BUYER, Role.FIELD_AGENT, Role.HOUSEHOLD])
    def test_other_roles_are_refused(self, client, role):
        client.force_login(account_factories.user(role))

        assert client.get(REPORT).status_code == 403
        assert client.get(XLSX).status_code == 403

    def test_anonymous_visitors_are_sent_to_log_in(self, client):
        response = client.get(REPORT)

        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]

    @pytest.mark.parametrize(
        "params", [{"ky": "2026-W99"}, {"ky": "hôm nay"}, {"san": "shopee"}, {"don_vi": "x"}]
    )
    def test_bad_parameters_are_404(self, client, ministry, params):
        client.force_login(ministry)

        assert client.get(REPORT, params).status_code == 404


class TestXlsxExport:
    def read(self, response):
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        return openpyxl.load_workbook(io.BytesIO(response.content)).active

    def test_weekly_workbook_is_laid_out_as_appendix_02(self, client, scenario, ministry):
        client.force_login(ministry)

        sheet = self.read(client.get(XLSX, {"don_vi": province_key("Lạng Sơn"), "ky": "2026-W47"}))

        assert sheet["A1"].value == "BÁO CÁO TUẦN"
        assert sheet["A2"].value == "(trước 14h00 thứ 5 hàng tuần)"
        assert (sheet["A5"].value, sheet["B5"].value) == ("Tên đơn vị:", "Tỉnh Lạng Sơn")
        assert [cell.value for cell in sheet[7]] == [
            "TT",
            "Chỉ tiêu",
            "Đơn vị tính",
            "Chỉ tiêu đạt được trong tuần (Số lượng)",
            "Tăng trưởng so với tuần trước (%)",
            "Chỉ tiêu đạt được lũy kế đến hiện tại (Số lượng)",
            "Tỉ lệ hoàn thành chỉ tiêu đến thời điểm hiện tại (%)",
            "Ghi chú thông tin bổ sung",
        ]
        numbered = [(row[0].value, row[2].value) for row in sheet.iter_rows(min_row=8)]
        assert numbered == [
            ("I", None),
            (1, "Hộ"), (2, "Hộ"), (3, "Hộ"), (4, "Hộ"),
            ("II", None),
            (1, "Sản phẩm/Loại"), (2, "Tấn"), (3, "Sản phẩm"), (4, "Hộ"), (5, "Sản phẩm/hộ"),
            (6, "tỉnh/thành phố"), (7, "Quốc gia"),
        ]  # fmt: skip
        assert sheet["B8"].value == "Chỉ tiêu hỗ trợ đưa hộ SXNN lên sàn TMĐT"
        assert sheet["B13"].value == "Chỉ tiêu hỗ trợ đẩy mạnh tiêu thụ sản phẩm nông nghiệp"
        merged = {str(cells) for cells in sheet.merged_cells.ranges}
        assert {"A1:H1", "A2:H2", "A3:H3", "B5:H5", "B8:H8", "B13:H13"} <= merged
        # I.1: 1 in the week, growth 0 %, 2 in all, 28.6 % of 7; I.2: growth from zero is "—"
        assert [cell.value for cell in sheet[9]][3:7] == [1, 0, 2, 28.6]
        assert sheet["E10"].value == "—"
        assert sheet["H11"].value == "Postmart: 1, Vỏ Sò: 2"
        assert sheet["H19"].value.startswith("Danh sách các tỉnh thành: - Miền Bắc;")
        assert sheet["D19"].value == 0  # II.6 is computed: no market reached in the scenario
        assert sheet["D14"].value == 0  # II.1 is computed: no product in the scenario

    def test_monthly_workbook_follows_appendix_03(self, client, scenario, ministry):
        client.force_login(ministry)

        sheet = self.read(client.get(XLSX, {"don_vi": "nation", "ky": "2026-11"}))

        assert sheet["A1"].value == "BÁO CÁO THÁNG"
        assert sheet["D7"].value == "Chỉ tiêu đạt được trong tháng (Số lượng)"
        assert sheet["B5"].value == "Toàn quốc"
        codes = [row[0].value for row in sheet.iter_rows(min_row=8)]
        assert codes == ["I", 1, 2, 3, 4, "II", 1, 2, 3, 4, 5, 6, 7, "III", 1, 2, 3, 4, 5]
        assert sheet["B8"].value == "Chỉ tiêu hỗ trợ đưa hộ SXNN lên sàn"
        assert (sheet["C18"].value, sheet["C19"].value) == (None, "Tỉnh/thành")
        assert sheet["C23"].value == "Lần/Tháng"
        assert sheet["B26"].value.startswith("Số loại hàng hoá, sản phẩm đầu vào")
        assert sheet["C26"].value == "Sản phẩm"
        assert sheet["D9"].value == 1  # I.1 from 15 October to 14 November: household A
