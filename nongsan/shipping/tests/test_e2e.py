"""Carrier staff scan a pickup and a delivery on a phone; the buyer opens a claim with a photo.
In Debian's Chromium, 360 px wide."""

import pytest

from nongsan.accounts.tests import factories as account_factories
from nongsan.catalog import demo as catalog_demo
from nongsan.shipping.models import Claim, Shipment
from nongsan.shipping.tests import factories

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


def test_staff_scan_pickup_and_delivery_and_the_buyer_claims_with_a_photo(
    live_server, units_loaded, phone_page, screenshot, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    shipment = factories.shipment()
    staff = factories.staff(shipment.carrier)
    staff.full_name = "Đỗ Văn Bình"
    page, base = phone_page, live_server.url

    login(page, base, staff)
    page.click("header >> text=Vận chuyển")
    page.wait_for_load_state()
    assert "Cần xe lạnh" in page.inner_text("main")
    screenshot(page, "shipping-runs")
    for kind, label in (("picked_up", "Đã lấy hàng"), ("delivered", "Đã giao")):
        page.fill("input[name=tracking_number]", shipment.tracking_number.lower())
        page.click("main button >> text=Mở")
        page.wait_for_load_state()
        assert shipment.tracking_number in page.inner_text("h1")
        page.select_option("select[name=kind]", kind)
        page.fill("input[name=place]", "Chi Lăng" if kind == "picked_up" else "Đống Đa, Hà Nội")
        page.click("main button >> text=Ghi")
        page.wait_for_load_state()
        assert label in page.inner_text("main .status")
        screenshot(page, f"shipping-scan-{kind}")
        page.goto(base + "/van-chuyen/")
    logout(page)
    shipment.refresh_from_db()
    assert shipment.status == Shipment.Status.DELIVERED

    buyer = shipment.sub_order.order.buyer
    item = catalog_demo.PRODUCE["Lạng Sơn"][0]
    photo = tmp_path / "hong.jpg"
    photo.write_bytes(catalog_demo.draw_photo("Vải dập", item.style, (120, 60, 40)))
    login(page, base, buyer)
    page.goto(f"{base}/don-hang/{shipment.sub_order.order.number}/")
    page.click("text=Theo dõi hành trình, khiếu nại")
    page.wait_for_load_state()
    assert "Đã lấy hàng" in page.inner_text("main .timeline")
    page.check("input[name=kind][value=damaged]")
    page.fill("textarea[name=description]", "Nửa thùng vải bị dập, chảy nước.")
    page.set_input_files("input[name=photo]", str(photo))
    screenshot(page, "shipping-claim-form")
    page.click("main button >> text=Gửi khiếu nại")
    page.wait_for_load_state()
    claim = Claim.objects.get()
    assert claim.photos.count() == 1
    assert "Đơn vị vận chuyển" in page.inner_text("main")
    screenshot(page, "shipping-claim")
