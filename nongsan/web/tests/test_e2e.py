"""In Debian's Chromium on a phone-sized screen: the home page, and logging in as every role."""

import pytest

from nongsan.web.demo import ACCOUNTS, DEMO_PASSWORD, demo_seed

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_home_page_and_login_as_each_demo_role(live_server, units_loaded, phone_page, screenshot):
    demo_seed(households=3)
    page = phone_page
    page.goto(live_server.url + "/")
    assert "Đưa nông sản của hộ nông dân lên sàn" in page.inner_text("h1")
    screenshot(page, "home")

    for account in ACCOUNTS:
        page.goto(live_server.url + "/dang-nhap/")
        page.fill("input[name=identifier]", account.phone)
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("button.primary")
        page.wait_for_load_state()
        header = page.inner_text("header")
        assert account.full_name in header, header
        screenshot(page, f"login-{account.role}")
        page.click("header button:has-text('Đăng xuất')")
        page.wait_for_load_state()
        assert "Đăng nhập" in page.inner_text("header")
