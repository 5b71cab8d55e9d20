"""A commune raises a difficulty, the Ministry answers, the commune reads the answer.
In Debian's Chromium, 360 px wide."""

import pytest

from nongsan.accounts.tests import factories as account_factories
from nongsan.support.models import Difficulty
from nongsan.support.tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def login(page, base, user):
    user.set_password(account_factories.PASSWORD)
    user.save()
    page.goto(base + "/dang-nhap/")
    page.fill("input[name=identifier]", user.phone)
    page.fill("input[name=password]", account_factories.PASSWORD)
    page.click("main button.primary")
    page.wait_for_load_state()


def logout(page):
    page.click("header >> text=Đăng xuất")
    page.wait_for_load_state()


def test_a_commune_raises_a_difficulty_the_ministry_answers_the_commune_reads_it(
    live_server, units_loaded, phone_page, screenshot, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    agent = factories.commune_agent()
    ministry = factories.ministry()
    page, base = phone_page, live_server.url

    login(page, base, agent)
    page.click("header >> text=Khó khăn, vướng mắc")
    page.wait_for_load_state()
    page.click("main >> text=Gửi khó khăn mới")
    page.wait_for_load_state()
    page.select_option("select[name=topic]", "delivery")
    page.fill("input[name=title]", "Bưu tá không đến lấy hàng")
    page.fill("textarea[name=description]", "Ba ngày nay xã không có chuyến lấy hàng nào.")
    screenshot(page, "support-raise")
    page.click("main button >> text=Gửi")
    page.wait_for_load_state()
    difficulty = Difficulty.objects.get()
    assert difficulty.number in page.inner_text("h1")
    assert "Mới gửi" in page.inner_text("main .state")
    logout(page)

    login(page, base, ministry)
    page.goto(base + "/kho-khan/")
    assert "Bưu tá không đến lấy hàng" in page.inner_text("main table")
    page.click(f"main >> text={difficulty.number}")
    page.wait_for_load_state()
    page.fill(
        "form.reply textarea[name=body]",
        "Bưu điện tỉnh đã bố trí thêm chuyến lấy hàng vào thứ Ba và thứ Sáu.",
    )
    page.click("form.reply button >> text=Gửi trả lời")
    page.wait_for_load_state()
    assert "Đã trả lời" in page.inner_text("main .state")
    screenshot(page, "support-answered")
    logout(page)

    login(page, base, agent)
    page.click("header >> text=Thông báo")
    page.wait_for_load_state()
    assert "đã có trả lời" in page.inner_text("main")
    page.goto(f"{base}/kho-khan/{difficulty.number}/")
    thread = page.inner_text("main .thread")
    assert "Bưu điện tỉnh đã bố trí thêm chuyến lấy hàng vào thứ Ba và thứ Sáu." in thread
    assert "Trả lời" in thread
    screenshot(page, "support-commune-reads-answer")
    difficulty.refresh_from_db()
    assert difficulty.status == Difficulty.Status.ANSWERED
