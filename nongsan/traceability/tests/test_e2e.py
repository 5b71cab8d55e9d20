"""In Debian's Chromium on a phone-sized screen: a buyer scans a lot's QR code (drawn on the
seller's page, decoded from the screen) and reads its journey; a user finds the nearest open
sales point on the map page from the browser's location."""

import io

import pytest
import zxingcpp
from PIL import Image

from nongsan.accounts.tests import factories as account_factories
from nongsan.geo.models import Commune, SalesPoint
from nongsan.orders import services as orders_services
from nongsan.orders.models import SubOrder
from nongsan.orders.tests import factories as order_factories
from nongsan.traceability import gs1
from nongsan.traceability.tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def login(page, base, user):
    user.set_password(account_factories.PASSWORD)
    user.save()
    page.goto(base + "/dang-nhap/")
    page.fill("input[name=identifier]", user.phone)
    page.fill("input[name=password]", account_factories.PASSWORD)
    page.click("main button.primary")
    page.wait_for_load_state()


def test_buyer_scans_a_lot_qr_and_sees_its_journey(
    live_server, units_loaded, phone_page, screenshot, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    settings.TRACEABILITY = {**settings.TRACEABILITY, "RESOLVER_URL": live_server.url}
    lot = factories.traced_lot(
        order_factories.product(name="Vải thiều Lục Ngạn", stock="200", shelf_life_hours=48)
    )
    order = order_factories.place(items=[(lot.product, 3)])
    sub = order.sub_orders.get()
    seller = orders_services.seller_user(sub.shop)
    for step in (SubOrder.Status.CONFIRMED, SubOrder.Status.PACKED):
        sub = orders_services.sub_order_transition(actor=seller, sub_order=sub, to=step)
    page, base = phone_page, live_server.url

    # The seller's lot page draws the QR code (SVG); the "camera" reads it off the screen.
    login(page, base, seller)
    page.goto(f"{base}/truy-xuat/lo/{lot.pk}/")
    screenshot(page, "trace-lot-seller")
    shot = Image.open(io.BytesIO(page.locator(".qr svg").screenshot())).convert("L")
    # A phone camera sees it larger than 360 px of screen: enlarge, keep the modules sharp.
    shot = shot.resize((shot.width * 4, shot.height * 4), Image.Resampling.NEAREST)
    (found,) = zxingcpp.read_barcodes(shot)
    assert found.text == gs1.digital_link(gtin=lot.gtin, lot=lot.code)
    page.click("header >> text=Đăng xuất")
    page.wait_for_load_state()

    # A buyer, not signed in, opens the scanned URL.
    page.goto(found.text)
    assert lot.product.name in page.inner_text("h1")
    journey = page.inner_text("main .journey")
    for step in ("Gieo trồng", "Sử dụng vật tư", "Thu hoạch", "Đóng gói"):
        assert step in journey
    assert lot.household.head_name in page.inner_text("main")
    screenshot(page, "trace-public-journey")
    # The QR printed on this order's parcel adds its delivery.
    page.goto(gs1.digital_link(gtin=lot.gtin, lot=lot.code, serial=sub.number))
    assert f"Giao hàng của đơn {sub.number}" in page.inner_text("main")
    screenshot(page, "trace-public-order")


def test_user_finds_the_nearest_open_sales_point_on_the_map(
    live_server, units_loaded, browser, screenshot
):
    commune = Commune.objects.select_related("province").filter(province__code="20").first()
    here = (21.8460, 106.7610)

    def point(name, dlat, status="open", kind="market"):
        return SalesPoint.objects.create(
            kind=kind, name=name, status=status, commune=commune, province=commune.province,
            latitude=here[0] + dlat, longitude=here[1], opening_hours="6:00–18:00",
        )  # fmt: skip

    point("Chợ tạm đóng gần nhất", 0.001, status="temporarily_closed")
    nearest = point("Bưu điện văn hóa xã Chi Lăng", 0.004, kind="post_office")
    point("Chợ Đông Kinh", 0.02)
    point("Chợ Kỳ Lừa", 0.05)
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        locale="vi-VN",
        geolocation={"latitude": here[0], "longitude": here[1]},
        permissions=["geolocation"],
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        page.goto(live_server.url + "/ban-do-diem-ban/")
        page.check("input[name=dang_mo]")
        page.wait_for_selector("#near-me:not([hidden])")
        page.click("#near-me")
        page.wait_for_load_state()
        page.wait_for_selector("#map .leaflet-marker-icon")
        first = page.locator("ol.points li").first.inner_text()
        assert nearest.name in first and "km" in first and "phút" in first
        assert "tạm đóng" not in page.inner_text("ol.points")
        screenshot(page, "map-nearest-open")
        page.locator("ol.points li a").first.click()
        page.wait_for_load_state()
        assert nearest.name in page.inner_text("h1")
        assert f"/ban-do-diem-ban/{nearest.pk}/" in page.input_value("main input[readonly]")
        screenshot(page, "map-point")
    finally:
        context.close()
