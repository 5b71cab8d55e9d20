"""The seller's lot pages, QR codes, label sheets, and the public trace page."""

import datetime as dt
import io

import pytest
import zxingcpp
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from nongsan.accounts.models import Role
from nongsan.accounts.tests import factories as account_factories
from nongsan.catalog.tests import factories as catalog_factories
from nongsan.orders import services as orders_services
from nongsan.orders.models import SubOrder
from nongsan.orders.tests import factories as order_factories
from nongsan.traceability import gs1
from nongsan.traceability.models import Lot
from nongsan.traceability.tests import factories

pytestmark = pytest.mark.django_db


def test_seller_creates_a_lot_and_records_its_steps(client):
    product = catalog_factories.product(name="Na Chi Lăng")
    seller = factories.seller_of(product)
    client.force_login(seller)
    response = client.post(reverse("traceability:lots"), {"product": product.pk, "code": "na-01"})
    lot = Lot.objects.get()
    assert response.status_code == 302 and lot.code == "NA-01"
    url = reverse("traceability:lot", args=[lot.pk])
    at = (timezone.localtime() - dt.timedelta(days=30)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(url, {"step": "harvest", "at": at, "place": "Vườn"})
    assert response.status_code == 200
    assert "gieo trồng hoặc thả nuôi" in response.content.decode()
    response = client.post(url, {"step": "planting", "at": at, "place": "Vườn đồi Chi Lăng"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Vườn đồi Chi Lăng" in page and "<svg" in page
    assert gs1.digital_link(gtin=lot.gtin, lot=lot.code) in page


def test_lot_pages_are_the_sellers_only(client):
    lot = factories.lot()
    for role in (Role.BUYER, Role.HOUSEHOLD, Role.MARKETPLACE_OPERATOR):
        other = catalog_factories.household_with_account().user if role == Role.HOUSEHOLD else None
        user = other or (
            catalog_factories.operator()
            if role == Role.MARKETPLACE_OPERATOR
            else account_factories.user(role)
        )
        client.force_login(user)
        assert client.get(reverse("traceability:lot", args=[lot.pk])).status_code == 404
        assert client.get(reverse("traceability:labels", args=[lot.pk])).status_code == 404
        assert client.post(reverse("traceability:lot_open", args=[lot.pk])).status_code == 404
    client.logout()
    assert client.get(reverse("traceability:lots")).status_code == 302


def test_lot_list_query_count(client, django_assert_max_num_queries):
    product = catalog_factories.product()
    for _ in range(6):
        factories.lot(product)
    client.force_login(factories.seller_of(product))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("traceability:lots"))
    assert response.content.decode().count("/truy-xuat/lo/") >= 6


def test_public_trace_page_shows_the_journey_without_login(client, django_assert_max_num_queries):
    lot = factories.traced_lot()
    url = gs1.digital_link_path(gtin=lot.gtin, lot=lot.code)
    with django_assert_max_num_queries(12):
        response = client.get(url)
    page = response.content.decode()
    assert response.status_code == 200
    assert lot.product.name in page and lot.household.head_name in page
    for label in ("Gieo trồng", "Thu hoạch", "Đóng gói", "Phân hữu cơ vi sinh 20 kg"):
        assert label in page
    assert "<script" not in page
    # A GTIN-13 in the URL is the same key; unknown lots are 404.
    assert client.get(url.replace(f"/01/{lot.gtin}/", f"/01/{lot.gtin[1:]}/")).status_code == 200
    assert client.get(url.replace(lot.code, "KHONG-CO")).status_code == 404
    assert client.get(url + "/21/S-NOPE").status_code == 404


def test_trace_page_with_an_order_serial_shows_its_delivery(client):
    lot = factories.traced_lot()
    order = order_factories.place(items=[(lot.product, 2)])
    sub = order.sub_orders.get()
    seller = orders_services.seller_user(sub.shop)
    for step in (SubOrder.Status.CONFIRMED, SubOrder.Status.PACKED):
        sub = orders_services.sub_order_transition(actor=seller, sub_order=sub, to=step)
    path = gs1.digital_link_path(gtin=lot.gtin, lot=lot.code, serial=sub.number)
    page = client.get(path).content.decode()
    assert f"Giao hàng của đơn {sub.number}" in page


@pytest.mark.parametrize("kind", ["png", "svg"])
def test_qr_codes_of_a_lot(client, kind):
    lot = factories.lot()
    response = client.get(reverse("traceability:qr", args=[lot.gtin, lot.code, kind]))
    assert response.status_code == 200
    if kind == "png":
        image = Image.open(io.BytesIO(response.content)).convert("L")
        (found,) = zxingcpp.read_barcodes(image)
        assert found.text == gs1.digital_link(gtin=lot.gtin, lot=lot.code)
    else:
        assert response["Content-Type"] == "image/svg+xml"


def test_label_sheet_page_and_pdf(client):
    lot = factories.traced_lot()
    client.force_login(factories.seller_of(lot.product))
    url = reverse("traceability:labels", args=[lot.pk])
    page = client.get(url, {"count": 30}).content.decode()
    assert page.count('class="label"') == 30 and page.count('class="sheet"') == 2
    response = client.get(url, {"count": 3, "pdf": 1})
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_api_lots_events_and_public_trace(client):
    product = catalog_factories.product(name="Bưởi Diễn")
    seller = factories.seller_of(product)
    client.force_login(seller)
    made = client.post(
        "/api/traceability/lots",
        {"product_id": product.pk, "code": "BD-1"},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    lot_id = made.json()["id"]
    at = (timezone.now() - dt.timedelta(days=100)).isoformat()
    bad = client.post(
        f"/api/traceability/lots/{lot_id}/events",
        {"step": "packing", "at": at, "place": "Vườn"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["field"] == "step"
    good = client.post(
        f"/api/traceability/lots/{lot_id}/events",
        {"step": "planting", "at": at, "place": "Vườn bưởi"},
        content_type="application/json",
    )
    assert good.status_code == 201 and good.json()["events"][0]["step"] == "planting"
    listed = client.get("/api/traceability/lots").json()
    assert listed["count"] == 1 and listed["items"][0]["digital_link"].endswith("/10/BD-1")
    client.logout()
    gtin = listed["items"][0]["gtin"]
    public = client.get(f"/api/traceability/trace/{gtin}/BD-1")
    assert public.status_code == 200
    assert public.json()["events"][0]["place"] == "Vườn bưởi"
    assert client.get(f"/api/traceability/lots/{lot_id}").status_code == 401
    stranger = account_factories.user(Role.BUYER)
    client.force_login(stranger)
    assert client.get(f"/api/traceability/lots/{lot_id}").status_code == 404
    refused = client.post(
        "/api/traceability/lots", {"product_id": product.pk}, content_type="application/json"
    )
    assert refused.status_code == 404


def test_parcel_labels_carry_the_order_as_serial(client):
    lot = factories.traced_lot()
    order = order_factories.place(items=[(lot.product, 2)])
    sub = order.sub_orders.get()
    seller = orders_services.seller_user(sub.shop)
    for step in (SubOrder.Status.CONFIRMED, SubOrder.Status.PACKED):
        sub = orders_services.sub_order_transition(actor=seller, sub_order=sub, to=step)
    client.force_login(seller)
    lot_page = client.get(reverse("traceability:lot", args=[lot.pk])).content.decode()
    assert reverse("traceability:parcel_labels", args=[sub.number]) in lot_page
    page = client.get(reverse("traceability:parcel_labels", args=[sub.number])).content.decode()
    assert gs1.digital_link(gtin=lot.gtin, lot=lot.code, serial=sub.number) in page
    client.force_login(order.buyer)
    assert client.get(reverse("traceability:parcel_labels", args=[sub.number])).status_code == 404
