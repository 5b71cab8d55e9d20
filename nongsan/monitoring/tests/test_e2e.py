"""A provincial official reads the weekly report on a phone, downloads it, files it with a manual
figure; the Ministry sees the filing on its board and its dashboard with the map."""

import datetime as dt
import io

import openpyxl
import pytest

from nongsan.accounts.models import Role
from nongsan.accounts.tests import factories as account_factories
from nongsan.core.timeutils import VN_TZ
from nongsan.households.models import Milestone
from nongsan.households.tests import factories as household_factories
from nongsan.monitoring import services
from nongsan.monitoring.periods import period_last_ended
from nongsan.monitoring.tests.scenarios import record

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_official_reads_the_weekly_report_and_downloads_it(
    live_server, units_loaded, phone_page, screenshot
):
    week = period_last_ended(kind="weekly", moment=dt.datetime.now(tz=VN_TZ))
    commune = account_factories.commune("Lạng Sơn", 0)
    postmart = account_factories.marketplace("postmart", "Postmart")
    for _index in range(3):
        household = household_factories.household(commune=commune)
        when = dt.datetime.combine(week.start, dt.time(9), tzinfo=VN_TZ)
        record(household, Milestone.Kind.TRAINED_DIGITAL, when)
        record(household, Milestone.Kind.SHOP_OPENED, when, postmart)
    account_factories.user(Role.PROVINCE_OFFICIAL, phone="0912000077", full_name="Hà Thị Mai")

    page = phone_page
    page.goto(live_server.url + "/dang-nhap/")
    page.fill("input[name=identifier]", "0912000077")
    page.fill("input[name=password]", account_factories.PASSWORD)
    page.click("button.primary")
    page.goto(live_server.url + "/theo-doi/bao-cao/")

    main = page.inner_text("main")
    assert "Báo cáo tuần" in main and "Tỉnh Lạng Sơn" in main
    assert week.label in main
    assert "Postmart: 3" in main
    screenshot(page, "monitoring-weekly-report")

    with page.expect_download() as download_info:
        page.click("text=Tải tệp Excel")
    path = download_info.value.path()
    with open(path, "rb") as handle:
        sheet = openpyxl.load_workbook(io.BytesIO(handle.read())).active
    assert sheet["A1"].value == "BÁO CÁO TUẦN"
    assert sheet["D9"].value == 3  # I.1 in the week


def _sign_in(page, url, phone):
    page.goto(url + "/dang-nhap/")
    page.fill("input[name=identifier]", phone)
    page.fill("input[name=password]", account_factories.PASSWORD)
    page.click("button.primary")


def test_official_files_with_a_manual_figure_and_the_ministry_sees_it(
    live_server, units_loaded, browser, phone_page, screenshot
):
    week = period_last_ended(kind="weekly", moment=dt.datetime.now(tz=VN_TZ))
    commune = account_factories.commune("Lạng Sơn", 0)
    postmart = account_factories.marketplace("postmart", "Postmart")
    sendo = account_factories.marketplace("sendo", "Sendo Farm")
    sendo.is_hosted = False
    sendo.save()
    household = household_factories.household(commune=commune)
    when = dt.datetime.combine(week.start, dt.time(9), tzinfo=VN_TZ)
    record(household, Milestone.Kind.SHOP_OPENED, when, postmart)
    account_factories.user(Role.PROVINCE_OFFICIAL, phone="0912000078", full_name="Hà Thị Mai")
    minister = account_factories.user(
        Role.MINISTRY_OFFICIAL, phone="0912000079", full_name="Trần Văn Bộ"
    )
    services.target_set(  # I.3: half of 4 farm households, 2: Lạng Sơn is half-way
        actor=minister, province=commune.province, year=week.end.year, baseline_households=4
    )

    page = phone_page
    _sign_in(page, live_server.url, "0912000078")
    page.click("nav >> text=Nộp báo cáo")
    assert "Chưa lập báo cáo kỳ này." in page.inner_text("main")
    page.click("text=Lập báo cáo từ số liệu nền tảng")
    page.select_option("select[name=indicator]", "I.3")
    page.select_option("select[name=marketplace]", label="Sendo Farm")
    page.fill("input[name=value]", "4")
    page.fill("input[name=cumulative]", "10")
    page.fill("input[name=source]", "Công văn 12/SENDO")
    page.click("text=Ghi số liệu")
    assert "Đã ghi số liệu nhập tay." in page.inner_text("main")
    screenshot(page, "monitoring-filing-draft")
    page.fill("textarea[name=comment]", "Đã rà soát với các sàn.")
    page.click("button:has-text('Nộp báo cáo')")
    main = page.inner_text("main")
    assert "đã nộp lúc" in main and "Sendo Farm: 4" in main
    screenshot(page, "monitoring-filing-submitted")

    with page.expect_download() as download_info:
        page.click("main >> text=Excel")
    with open(download_info.value.path(), "rb") as handle:
        sheet = openpyxl.load_workbook(io.BytesIO(handle.read())).active
    assert sheet["A1"].value == "BÁO CÁO TUẦN"
    assert sheet["D11"].value == 1 + 4  # I.3: Postmart's household and Sendo Farm's figure

    ministry = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    desk = ministry.new_page()
    _sign_in(desk, live_server.url, "0912000079")
    desk.click("nav >> text=Tình hình nộp")
    row = desk.locator("tr", has_text="Lạng Sơn").inner_text()
    assert "Đúng hạn" in row or "Muộn" in row
    assert "chưa nộp" in desk.inner_text("main")
    screenshot(desk, "monitoring-filing-board")

    desk.click("nav >> text=Tổng quan 1034")
    assert desk.locator("svg.dot-map path").count() == 34  # a province each, a dot per commune
    assert desk.locator("svg.dot-map").bounding_box()["height"] > 400
    assert "Tỉnh Lạng Sơn: 1 (50%)" in desk.inner_html("svg.dot-map")
    assert "Lạng Sơn" in desk.inner_text("main")
    assert "nộp muộn" in desk.inner_text("main") or "đúng hạn" in desk.inner_text("main")
    screenshot(desk, "monitoring-dashboard")
    ministry.close()
