"""A provincial official opens the weekly report on a phone and downloads the workbook."""

import datetime as dt
import io

import openpyxl
import pytest

from nongsan.accounts.models import Role
from nongsan.accounts.tests import factories as account_factories
from nongsan.core.timeutils import VN_TZ
from nongsan.households.models import Milestone
from nongsan.households.tests import factories as household_factories
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
