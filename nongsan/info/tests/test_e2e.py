"""A custard-apple household in Lạng Sơn reads an urgent pest warning on a phone screen, follows
it to the inputs and buys fertiliser at the household price. In Debian's Chromium, 360 px wide."""

import pytest

from nongsan.accounts.tests import factories as account_factories
from nongsan.catalog.tests import factories as catalog_factories
from nongsan.info.models import Bulletin, Delivery
from nongsan.info.tests import factories
from nongsan.orders.models import Order

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def login(page, base, phone):
    page.goto(base + "/dang-nhap/")
    page.fill("input[name=identifier]", phone)
    page.fill("input[name=password]", account_factories.PASSWORD)
    page.click("main button.primary")
    page.wait_for_load_state()


def test_household_reads_a_pest_warning_and_buys_discounted_fertiliser(
    live_server,
    units_loaded,
    phone_page,
    screenshot,
    settings,
    tmp_path,
    django_capture_on_commit_callbacks,
):
    settings.MEDIA_ROOT = tmp_path
    fertiliser = catalog_factories.fertiliser()
    household = factories.household(
        commune=account_factories.commune("Lạng Sơn"), grows=("na",), head_name="Nông Thị Mai"
    )
    household.user.set_password(account_factories.PASSWORD)
    household.user.save()
    with django_capture_on_commit_callbacks(execute=True):
        warning = factories.bulletin(
            actor=factories.editor(province=account_factories.province("Lạng Sơn")),
            kind=Bulletin.Kind.PEST,
            title="Cảnh báo rệp sáp hại na",
            body="Rệp sáp phát sinh mạnh trên na. Thăm vườn, bón phân cân đối cho cây khỏe.",
            provinces=[account_factories.province("Lạng Sơn")],
            produce=[factories.produce("na")],
            is_urgent=True,
        )
        factories.bulletin(title="Thời tiết tuần này", kind=Bulletin.Kind.WEATHER)
    assert Delivery.objects.get(bulletin=warning, household=household).sms_sent

    page, base = phone_page, live_server.url
    login(page, base, household.user.phone)
    page.click("header >> text=Tin cho hộ")
    page.wait_for_load_state()
    feed = page.locator("ul.feed li")
    assert feed.count() == 2
    first = feed.first
    assert "Cảnh báo rệp sáp hại na" in first.inner_text()
    assert "warning" in (first.get_attribute("class") or "")
    assert "chưa đọc" in first.inner_text()
    screenshot(page, "info-feed")

    first.locator("a").click()
    page.wait_for_load_state()
    assert "Rệp sáp phát sinh mạnh" in page.inner_text("article")
    assert Delivery.objects.get(bulletin=warning, household=household).read_at is not None
    screenshot(page, "info-pest-warning")

    page.click("text=Xem vật tư nông nghiệp giá ưu đãi cho hộ")
    page.wait_for_load_state()
    page.goto(f"{base}/san-pham/{fertiliser.pk}/")
    buybox = page.inner_text(".buybox")
    assert "450.000" in buybox and "Giá ưu đãi cho hộ sản xuất" in buybox
    screenshot(page, "info-fertiliser-household-price")
    page.fill("form.buy input[name=quantity]", "2")
    page.click("form.buy >> text=Mua ngay")
    page.wait_for_load_state()
    cart = page.inner_text("main")
    assert "giá ưu đãi cho hộ" in cart and "900.000" in cart
    screenshot(page, "info-cart")

    page.click("main a.button >> text=Đặt hàng")
    page.wait_for_load_state()
    page.select_option("select[name=province]", label="Lạng Sơn")
    page.click("button[name=preview]")
    page.wait_for_load_state()
    page.select_option("select[name=commune]", index=1)
    page.fill("input[name=street]", "Thôn Quán Thanh")
    page.check("input[name=payment_method][value=cod]")
    page.click("button[name=preview]")
    page.wait_for_load_state()
    page.click("main button.primary >> text=Đặt hàng")
    page.wait_for_load_state()
    order = Order.objects.get(buyer=household.user)
    assert order.number in page.inner_text("h1")
    line = order.sub_orders.get().lines.get()
    assert (line.unit_price, order.goods_total) == (450_000, 900_000)
    screenshot(page, "info-order-placed")
