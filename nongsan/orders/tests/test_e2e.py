"""A buyer in Hà Nội fills a cart from two farms, checks out with VietQR, the bank's notification
arrives, and each farm sees its own part of the order. In Debian's Chromium, 360 px wide."""

import json

import pytest

from nongsan.accounts.tests import factories as account_factories
from nongsan.catalog.tests import factories as catalog_factories
from nongsan.orders.models import Order
from nongsan.orders.tests import factories
from nongsan.payments import services as payments_services

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


def _seller(shop):
    user = shop.household.user
    user.set_password(account_factories.PASSWORD)
    user.save()
    return user


def test_buyer_pays_by_vietqr_and_each_farm_sees_its_sub_order(
    live_server, units_loaded, phone_page, screenshot, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    postmart = account_factories.marketplace("postmart", "Postmart")
    na_shop = catalog_factories.shop(marketplace=postmart, name="Vườn na nhà chị Mai")
    vai_shop = catalog_factories.shop(
        marketplace=postmart,
        name="Vải thiều nhà anh Tùng",
        household=catalog_factories.household_with_account(
            commune=account_factories.commune("Bắc Ninh")
        ),
    )
    na = factories.product(
        shop=na_shop, name="Na Chi Lăng loại 1", price=65_000, stock="30", order_step="0.5"
    )
    vai = factories.product(shop=vai_shop, name="Vải thiều Lục Ngạn", price=45_000, stock="80")
    buyer = factories.buyer(full_name="Phạm Minh Anh")
    page, base = phone_page, live_server.url

    login(page, base, buyer.phone)
    page.goto(f"{base}/san-pham/{na.pk}/")
    page.fill("form.buy input[name=quantity]", "2,5")
    page.click("form.buy >> text=Thêm vào giỏ")
    page.wait_for_load_state()
    assert "Đã thêm" in page.inner_text("main")
    page.goto(f"{base}/san-pham/{vai.pk}/")
    page.fill("form.buy input[name=quantity]", "3")
    page.click("form.buy >> text=Mua ngay")
    page.wait_for_load_state()
    cart = page.inner_text("main")
    assert "Vườn na nhà chị Mai" in cart and "Vải thiều nhà anh Tùng" in cart
    assert "297.500" in cart  # 2,5 kg x 65.000 + 3 kg x 45.000
    screenshot(page, "orders-cart")

    page.click("main a.button >> text=Đặt hàng")
    page.wait_for_load_state()
    page.select_option("select[name=province]", label="Hà Nội")
    page.click("button[name=preview]")
    page.wait_for_load_state()
    page.select_option("select[name=commune]", index=1)
    page.fill("input[name=street]", "Số 8 Tràng Thi")
    page.check("input[name=payment_method][value=vietqr]")
    page.click("button[name=preview]")
    page.wait_for_load_state()
    screenshot(page, "orders-checkout")
    page.click("main button.primary >> text=Đặt hàng")
    page.wait_for_load_state()
    order = Order.objects.get(buyer=buyer)
    assert order.number in page.inner_text("h1")
    assert page.locator(".qr svg").count() == 1
    screenshot(page, "orders-vietqr")

    body = json.dumps(
        {"id": "FT2611230001", "amount": order.total, "description": f"IBFT {order.number}"}
    ).encode()
    answer = page.request.post(
        f"{base}/api/payments/webhooks/bank",
        data=body,
        headers={
            "Content-Type": "application/json",
            "X-Signature": payments_services.bank_signature(body),
        },
    )
    assert answer.ok and answer.json()["outcome"] == "accepted"
    page.reload()
    assert "Đã thanh toán" in page.inner_text("main")
    screenshot(page, "orders-paid")
    logout(page)

    numbers = {sub.shop_id: sub.number for sub in order.sub_orders.all()}
    for shop, other in ((na_shop, vai_shop), (vai_shop, na_shop)):
        login(page, base, _seller(shop).phone)
        page.click("header >> text=Đơn bán")
        page.wait_for_load_state()
        listing = page.inner_text("main")
        assert numbers[shop.pk] in listing and numbers[other.pk] not in listing
        page.click(f"text={numbers[shop.pk]}")
        page.wait_for_load_state()
        assert "Đã thanh toán" in page.inner_text("main")
        page.click("main button >> text=Xác nhận đơn")
        page.wait_for_load_state()
        assert "Đã xác nhận" in page.inner_text("main")
        screenshot(page, f"orders-seller-{shop.pk}")
        logout(page)
