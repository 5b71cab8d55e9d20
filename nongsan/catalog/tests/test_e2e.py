"""A household opens a shop and lists na on a phone; the operator publishes it; a buyer finds it
typing without diacritics. In Debian's Chromium, 360 px wide."""

import pytest
from django.views.static import serve

from nongsan.accounts.tests import factories as account_factories
from nongsan.catalog import demo
from nongsan.catalog.models import Product
from nongsan.catalog.tests import factories
from nongsan.households.models import Milestone

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def login(page, base, phone):
    page.goto(base + "/dang-nhap/")
    page.fill("input[name=identifier]", phone)
    page.fill("input[name=password]", account_factories.PASSWORD)
    page.click("main button.primary")
    page.wait_for_load_state()


def logout(page):
    page.click("header >> text=Đăng xuất")
    page.wait_for_load_state()


def test_household_lists_na_operator_publishes_buyer_finds_it(
    live_server, catalog_loaded, phone_page, screenshot, settings, tmp_path
):
    settings.ROOT_URLCONF = "nongsan.catalog.tests.urls_with_media"
    assert serve  # media is served by the test URLconf
    postmart = account_factories.marketplace("postmart", "Postmart")
    household = factories.household_with_account(
        commune=account_factories.commune("Lạng Sơn", 0), head_name="Nông Thị Mai"
    )
    household.user.set_password(account_factories.PASSWORD)
    household.user.save()
    operator = factories.operator(postmart)
    operator.full_name = "Lê Thu Trang"
    operator.set_password(account_factories.PASSWORD)
    operator.save()
    item = demo.PRODUCE["Lạng Sơn"][0]
    photo = tmp_path / "na.jpg"
    photo.write_bytes(demo.draw_photo(item.name, item.style, item.color))
    page, base = phone_page, live_server.url

    login(page, base, household.user.phone)
    page.goto(base + "/ban-hang/")
    assert "Bạn chưa có gian hàng" in page.inner_text("main")
    page.click("main >> text=Mở gian hàng")
    page.fill("input[name=name]", "Vườn na nhà chị Mai")
    page.fill("textarea[name=story]", "Ba đời trồng na trên núi đá Chi Lăng.")
    screenshot(page, "catalog-shop-open")
    page.click("main button.primary")
    page.wait_for_load_state()
    assert "Thêm sản phẩm" in page.inner_text("h1")
    page.set_input_files("input[name=photo]", str(photo))
    page.fill("input[name=name]", "Na Chi Lăng loại 1")
    page.fill("input[name=price]", "65.000")
    page.select_option("select[name=unit]", "kg")
    page.fill("input[name=stock]", "120,5")
    screenshot(page, "catalog-product-add")
    page.click("main button.primary")
    page.wait_for_load_state()
    assert "Chờ duyệt" in page.inner_text("main")
    screenshot(page, "catalog-product-pending")
    product = Product.objects.get()
    assert product.status == Product.Status.PENDING and str(product.stock) == "120.500"
    assert Milestone.objects.filter(
        household=household, kind=Milestone.Kind.SHOP_OPENED, marketplace=postmart
    ).exists()
    logout(page)

    login(page, base, operator.phone)
    page.goto(base + "/kiem-duyet/")
    assert "Na Chi Lăng loại 1" in page.inner_text("main")
    screenshot(page, "catalog-moderation-queue")
    page.click("main button.primary >> text=Duyệt")
    page.wait_for_load_state()
    assert "Đã duyệt" in page.inner_text("main")
    product.refresh_from_db()
    assert product.status == Product.Status.PUBLISHED and product.is_listed
    logout(page)

    page.goto(base + "/tim-kiem/")
    page.fill("form.searchbar input[name=q]", "na chi lang")
    page.click("form.searchbar button.primary")
    page.wait_for_load_state()
    results = page.inner_text("ul.grid")
    assert "Na Chi Lăng loại 1" in results and "65.000 ₫/kg" in results
    thumbnail = page.locator("ul.grid img").first
    assert thumbnail.evaluate("img => img.complete && img.naturalWidth > 0")
    screenshot(page, "catalog-search-results")
    page.click("ul.grid h3 a")
    page.wait_for_load_state()
    assert "Na Chi Lăng loại 1" in page.inner_text("h1")
    assert "Vườn na nhà chị Mai" in page.inner_text("main")
    screenshot(page, "catalog-product-page")
    assert Milestone.objects.filter(
        household=household, kind=Milestone.Kind.FIRST_PRODUCT, marketplace=postmart
    ).exists()
