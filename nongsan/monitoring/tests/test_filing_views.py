"""Filing over HTTP: the official's page, downloads of a version, the Ministry's board and the
national workbook, the partner figures endpoint; scope and bad input."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from nongsan.accounts import services as account_services
from nongsan.accounts.models import Role
from nongsan.accounts.tests import factories as account_factories
from nongsan.monitoring.models import ExternalFigure, ManualFigure, Submission
from nongsan.monitoring.tests.scenarios import local as at

pytestmark = pytest.mark.django_db
FILING = reverse("monitoring:filing")
BOARD = reverse("monitoring:filing_board")


def page_of(official):
    return f"{FILING}?tinh={official.province.code}&ky=2026-W47"


class TestOfficialFiles:
    def test_prepare_type_a_figure_submit_and_download(self, client, official, sendo, clock):
        clock(at(26, 9))
        client.force_login(official)
        url = page_of(official)

        assert "Chưa lập báo cáo kỳ này." in client.get(url).content.decode()
        assert client.post(url, {"action": "prepare"}).status_code == 302
        page = client.get(url).content.decode()
        assert "bản nháp, chưa nộp" in page and "Số liệu nhập tay" in page

        response = client.post(
            url,
            {
                "action": "figure",
                "indicator": "I.3",
                "marketplace": sendo.pk,
                "value": "4",
                "cumulative": "10",
                "source": "Công văn 12/SENDO",
            },
        )
        assert response.status_code == 302
        assert ManualFigure.objects.get().source == "Công văn 12/SENDO"

        clock(at(26, 15, 30))
        response = client.post(url, {"action": "submit", "comment": "Đã rà soát."}, follow=True)
        page = response.content.decode()
        assert "muộn 1 giờ 30 phút" in page
        filed = Submission.objects.get()
        assert filed.status == Submission.Status.SUBMITTED
        assert "Lập bản điều chỉnh" in page

        workbook = openpyxl.load_workbook(
            io.BytesIO(
                client.get(reverse("monitoring:submission_file", args=[filed.pk, "xlsx"])).content
            )
        )
        sheet = workbook.active
        assert sheet["A1"].value == "BÁO CÁO TUẦN"
        assert sheet["A4"].value.startswith("Nộp lần 1 lúc 15:30 26/11/2026")
        shops = next(
            row for row in sheet.iter_rows(values_only=True) if row[1] and "gian hàng" in row[1]
        )
        assert shops[3] == 5 and shops[5] == 12  # platform 1 + Sendo 4; 2 + 10
        assert "Sendo Farm: 4 (lũy kế 10; nguồn: Công văn 12/SENDO)" in shops[7]

        body = client.get(reverse("monitoring:submission_file", args=[filed.pk, "csv"]))
        assert body["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(body.content.decode("utf-8-sig")), delimiter=";"))
        assert rows[1][0] == "TT" and rows[2][0] == "I"
        assert any(row[3:6] == ["5", "400", "12"] for row in rows if len(row) > 5)  # 1 in W46

        pdf = client.get(reverse("monitoring:submission_file", args=[filed.pk, "pdf"]))
        assert pdf["Content-Type"] == "application/pdf"
        assert pdf.content.startswith(b"%PDF")

    def test_a_bad_figure_is_answered_in_vietnamese_and_nothing_is_lost(
        self, client, official, sendo, clock
    ):
        clock(at(26, 9))
        client.force_login(official)
        url = page_of(official)
        client.post(url, {"action": "prepare"})
        response = client.post(
            url,
            {
                "action": "figure",
                "indicator": "I.3",
                "marketplace": sendo.pk,
                "value": "12",
                "cumulative": "10",
                "source": "Sendo",
            },
        )
        assert response.status_code == 200
        page = response.content.decode()
        assert "Số lũy kế không được nhỏ hơn số trong kỳ." in page
        assert 'value="12"' in page  # what was typed stays in the form
        assert not ManualFigure.objects.exists()

    def test_a_correction_needs_a_reason_and_keeps_history(self, client, official, clock):
        clock(at(26, 9))
        client.force_login(official)
        url = page_of(official)
        client.post(url, {"action": "prepare"})
        client.post(url, {"action": "submit"})
        response = client.post(url, {"action": "correct", "reason": ""})
        assert "This field is required" in response.content.decode() or "bắt buộc" in (
            response.content.decode()
        )
        client.post(url, {"action": "correct", "reason": "Sàn gửi lại số liệu"})
        page = client.get(url).content.decode()
        assert "Lần 2" in page and "Các lần nộp" in page and "Sàn gửi lại số liệu" in page
        assert list(Submission.objects.values_list("version", "status")) == [
            (1, "submitted"),
            (2, "draft"),
        ]


class TestScope:
    def test_an_official_cannot_file_or_read_another_province(
        self, client, official, scenario, clock
    ):
        clock(at(26, 9))
        hue = account_factories.user(Role.PROVINCE_OFFICIAL, province=scenario["hue"])
        client.force_login(hue)
        client.post(f"{FILING}?tinh={scenario['hue'].code}&ky=2026-W47", {"action": "prepare"})
        hue_report = Submission.objects.get()

        client.force_login(official)
        # asking for Huế shows their own province: it is the only one in their scope
        page = client.get(f"{FILING}?tinh={scenario['hue'].code}&ky=2026-W47").content.decode()
        assert "Lạng Sơn" in page and "Chưa lập báo cáo kỳ này." in page
        download = reverse("monitoring:submission_file", args=[hue_report.pk, "xlsx"])
        assert client.get(download).status_code == 404

    def test_the_ministry_reads_but_does_not_file(self, client, official, ministry, clock):
        clock(at(26, 9))
        client.force_login(ministry)
        assert client.post(page_of(official), {"action": "prepare"}).status_code == 403
        assert client.get(page_of(official)).status_code == 200

    def test_buyers_and_households_are_kept_out(self, client, db):
        client.force_login(account_factories.user(Role.BUYER))
        assert client.get(FILING).status_code == 403
        assert client.get(BOARD).status_code == 403


class TestBoard:
    def test_the_board_and_the_national_workbook(self, client, official, ministry, clock):
        clock(at(26, 10))
        client.force_login(official)
        client.post(page_of(official), {"action": "prepare"})
        client.post(page_of(official), {"action": "submit"})

        clock(at(26, 16))
        client.force_login(ministry)
        page = client.get(BOARD, {"ky": "2026-W47"}).content.decode()
        assert "Đúng hạn" in page and "Chưa nộp – quá hạn" in page
        assert "<strong>1</strong> đúng hạn" in page and ">33</strong> chưa nộp" in page

        response = client.get(reverse("monitoring:national_workbook"), {"ky": "2026-W47"})
        workbook = openpyxl.load_workbook(io.BytesIO(response.content))
        assert len(workbook.sheetnames) == 34
        lang_son = workbook[f"{official.province.code} Lạng Sơn"]
        assert lang_son["A4"].value.startswith("Nộp lần 1")
        hue = next(workbook[name] for name in workbook.sheetnames if name.endswith("Huế"))
        assert hue["A4"].value == "Chưa nộp: số liệu nền tảng tự tính"

    def test_only_the_ministry_downloads_the_national_workbook(self, client, official):
        client.force_login(official)
        response = client.get(reverse("monitoring:national_workbook"), {"ky": "2026-W47"})
        assert response.status_code == 403


class TestPartnerFigures:
    def test_a_partner_posts_figures_idempotently_with_provenance(self, client, official, sendo):
        partner = account_factories.user(Role.MARKETPLACE_OPERATOR, marketplace=sendo)
        key, raw = account_services.api_key_create(user=partner, name="Sendo")
        url = f"/api/monitoring/figures/{official.province.code}/2026-W47"
        body = {"version": 1, "figures": [{"indicator": "I.3", "value": 4, "cumulative": 10}]}
        headers = {"HTTP_X_API_KEY": raw, "HTTP_X_REQUEST_ID": "req-77"}

        first = client.post(url, body, content_type="application/json", **headers)
        again = client.post(url, body, content_type="application/json", **headers)

        assert first.status_code == 200, first.content
        assert first.json()["results"] == {"I.3": "created"}
        assert again.json()["results"] == {"I.3": "unchanged"}
        posted = ExternalFigure.objects.get()
        assert (posted.key_prefix, posted.request_id) == (key.prefix, "req-77")

    def test_bad_figures_are_refused_with_the_field_named(self, client, official, sendo):
        partner = account_factories.user(Role.MARKETPLACE_OPERATOR, marketplace=sendo)
        _key, raw = account_services.api_key_create(user=partner, name="Sendo")
        url = f"/api/monitoring/figures/{official.province.code}/2026-W47"
        body = {"version": 1, "figures": [{"indicator": "I.3", "value": 11, "cumulative": 10}]}
        response = client.post(url, body, content_type="application/json", HTTP_X_API_KEY=raw)
        assert response.status_code == 400
        assert response.json()["field"] == "I.3"
        assert "lũy kế" in response.json()["message"]
        assert not ExternalFigure.objects.exists()

    def test_a_province_official_cannot_post_partner_figures(self, client, official):
        _key, raw = account_services.api_key_create(user=official, name="mine")
        url = f"/api/monitoring/figures/{official.province.code}/2026-W47"
        body = {"version": 1, "figures": [{"indicator": "I.3", "value": 1, "cumulative": 1}]}
        response = client.post(url, body, content_type="application/json", HTTP_X_API_KEY=raw)
        assert response.status_code == 403
