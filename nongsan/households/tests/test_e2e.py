"""A field agent registers a household on a phone, in Debian's Chromium."""

import pytest

from nongsan.accounts.tests import factories as account_factories
from nongsan.households.models import Household

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_agent_registers_a_household_on_a_phone(live_server, units_loaded, phone_page, screenshot):
    commune = account_factories.commune("Lạng Sơn", 0)
    agent = account_factories.user(
        "field_agent", phone="0912000003", full_name="Vi Văn Tùng", communes=[commune]
    )
    page = phone_page
    page.goto(live_server.url + "/dang-nhap/")
    page.fill("input[name=identifier]", "0912000003")
    page.fill("input[name=password]", account_factories.PASSWORD)
    page.click("button.primary")
    page.click("nav >> text=Đăng ký hộ")
    page.fill("input[name=head_name]", "Hoàng Thị Hồng")
    page.fill("input[name=head_cccd]", "020 192 004 567")
    page.fill("input[name=head_birth_date]", "1992-09-02")
    page.check("input[name=head_gender][value=female]")
    page.fill("input[name=head_phone]", "0987 654 321")
    page.fill("input[name=village]", "Thôn Quán Thanh")
    page.check("text=Na (mãng cầu)")
    page.check("input[name=consent]")
    screenshot(page, "household-register-form")
    page.click("button.primary")
    page.wait_for_load_state()
    assert "Hoàng Thị Hồng" in page.inner_text("h1")
    assert "Bước tiếp theo" in page.inner_text("main")
    screenshot(page, "household-registered")
    household = Household.objects.get()
    assert household.registered_by == agent and household.head_cccd == "020192004567"

    page.click("nav >> text=Hộ sản xuất")
    page.fill("input[name=q]", "hoang thi hong")
    page.click("form.filters button.primary")
    assert "Hoàng Thị Hồng" in page.inner_text("main")
    screenshot(page, "household-search")
