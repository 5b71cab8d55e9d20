import json
from decimal import Decimal

import pytest
from django.urls import reverse

from nongsan.accounts.models import Role
from nongsan.accounts.tests import factories as account_factories
from nongsan.catalog.tests import factories as catalog_factories
from nongsan.orders import services
from nongsan.orders.models import Order, PaymentMethod, SubOrder
from nongsan.orders.tests import factories
from nongsan.payments import services as payments_services
from nongsan.payments.models import Payment

pytestmark = pytest.mark.django_db
Status = SubOrder.Status


@pytest.fixture
def shop():
    return catalog_factories.shop(marketplace=account_factories.marketplace())


@pytest.fixture
def na(shop):
    return factories.product(shop=shop, price=65_000, stock="20", order_step="0.5")


def _checkout_data(commune, **extra):
    data = {
        "recipient_name": "Trần Thu Hà",
        "recipient_phone": "0912345678",
        "province": commune.province_id,
        "commune": commune.pk,
        "street": "12 Nguyễn Trãi",
        "delivery_option": "standard",
        "payment_method": "cod",
        "idempotency_key": "form-1",
    }
    data.update(extra)
    return data


def test_a_visitor_fills_a_cart_and_must_sign_in_to_check_out(client, na):
    response = client.post(reverse("orders:cart_add", args=[na.pk]), {"quantity": "2,5"})
    assert response.status_code == 302
    page = client.get(reverse("orders:cart")).content.decode()
    assert na.name in page and "162.500" in page
    login = client.get(reverse("orders:checkout"))
    assert login.status_code == 302 and "dang-nhap" in login.url
    buyer = factories.buyer()
    client.force_login(buyer)
    page = client.get(reverse("orders:cart")).content.decode()
    assert na.name in page  # what the visitor chose is still there after signing in
    assert buyer.cart.lines.get().quantity == Decimal("2.5")


def test_bad_quantity_is_explained_and_nothing_is_added(client, na):
    client.post(reverse("orders:cart_add", args=[na.pk]), {"quantity": "2,3"})
    page = client.get(reverse("orders:cart")).content.decode()
    assert "Giỏ hàng đang trống" in page


def test_checkout_places_the_order_and_shows_it(client, na):
    buyer = factories.buyer()
    client.force_login(buyer)
    client.post(reverse("orders:cart_add", args=[na.pk]), {"quantity": "3"})
    commune = factories.hanoi_commune()
    response = client.post(reverse("orders:checkout"), _checkout_data(commune))
    order = Order.objects.get(buyer=buyer)
    assert response.url == reverse("orders:buyer_detail", args=[order.number])
    page = client.get(response.url).content.decode()
    assert order.number in page and "Chờ người bán xác nhận" in page
    # Posting the same form again (a double tap) does not make a second order.
    client.post(reverse("orders:cart_add", args=[na.pk]), {"quantity": "1"})
    client.post(reverse("orders:checkout"), _checkout_data(commune))
    assert Order.objects.filter(buyer=buyer).count() == 1


def test_checkout_errors_name_the_field(client, na):
    client.force_login(factories.buyer())
    client.post(reverse("orders:cart_add", args=[na.pk]), {"quantity": "1"})
    commune = factories.hanoi_commune()
    page = client.post(
        reverse("orders:checkout"), _checkout_data(commune, recipient_phone="123")
    ).content.decode()
    assert "has-error" in page and "Số điện thoại" in page
    assert not Order.objects.exists()


def test_vietqr_order_shows_a_qr_and_the_bank_webhook_marks_it_paid(client, na):
    buyer = factories.buyer()
    order = factories.place(buyer_user=buyer, items=[(na, 1)], method=PaymentMethod.VIETQR)
    client.force_login(buyer)
    page = client.get(reverse("orders:buyer_detail", args=[order.number])).content.decode()
    assert "<svg" in page and order.number in page
    body = json.dumps({"id": "tx-9", "amount": order.total, "description": order.number}).encode()
    hook = client.post(
        "/api/payments/webhooks/bank",
        body,
        content_type="application/json",
        headers={"X-Signature": payments_services.bank_signature(body)},
    )
    assert hook.status_code == 200 and hook.json()["outcome"] == "accepted"
    order.refresh_from_db()
    assert order.payment_status == Order.PaymentStatus.PAID
    forged = client.post(
        "/api/payments/webhooks/bank",
        body,
        content_type="application/json",
        headers={"X-Signature": "0" * 64},
    )
    assert forged.status_code == 401


def test_ewallet_sandbox_round_trip(client, na):
    buyer = factories.buyer()
    order = factories.place(buyer_user=buyer, items=[(na, 1)], method=PaymentMethod.EWALLET)
    payment = Payment.objects.get(order_reference=order.number)
    client.force_login(buyer)
    go = client.get(reverse("orders:ewallet_go", args=[order.number]))
    assert go.url == payment.redirect_url
    sandbox = reverse("orders:ewallet_sandbox", args=[payment.provider_ref])
    back = client.post(sandbox, {"pay": "1"})
    assert back.url.startswith(reverse("orders:ewallet_return"))
    done = client.get(back.url)
    assert done.url == reverse("orders:buyer_detail", args=[order.number])
    order.refresh_from_db()
    assert order.payment_status == Order.PaymentStatus.PAID
    # The same return link again changes nothing.
    assert client.get(back.url).status_code == 302
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.SUCCEEDED


def test_tampered_wallet_return_is_refused(client, na):
    buyer = factories.buyer()
    order = factories.place(buyer_user=buyer, items=[(na, 1)], method=PaymentMethod.EWALLET)
    payment = Payment.objects.get(order_reference=order.number)
    client.force_login(buyer)
    params = payments_services.sandbox_wallet().sign_return(
        provider_ref=payment.provider_ref,
        reference=payment.reference,
        amount=payment.amount,
        status="succeeded",
        event_id="ret-1",
    )
    params["amount"] = "1000"
    query = "&".join(f"{k}={v}" for k, v in params.items())
    response = client.get(f"{reverse('orders:ewallet_return')}?{query}")
    assert response.url == reverse("orders:buyer_list")
    order.refresh_from_db()
    assert order.payment_status == Order.PaymentStatus.UNPAID


def test_seller_sees_and_moves_only_their_sub_orders(client, na, shop):
    order = factories.place(items=[(na, 2)])
    sub = order.sub_orders.get()
    seller = shop.household.user
    client.force_login(seller)
    listing = client.get(reverse("orders:seller_list")).content.decode()
    assert sub.number in listing
    moved = client.post(reverse("orders:transition", args=[sub.number]), {"to": Status.CONFIRMED})
    assert "Đã xác nhận" in client.get(moved.url).content.decode()
    sub.refresh_from_db()
    assert sub.status == Status.CONFIRMED

    other = catalog_factories.shop(marketplace=shop.marketplace, name="Vườn khác")
    client.force_login(other.household.user)
    assert sub.number not in client.get(reverse("orders:seller_list")).content.decode()
    assert client.get(reverse("orders:seller_detail", args=[sub.number])).status_code == 404
    refused = client.post(reverse("orders:transition", args=[sub.number]), {"to": Status.PACKED})
    assert refused.status_code == 404


def test_a_buyer_sees_only_their_orders(client, na):
    order = factories.place(items=[(na, 1)])
    client.force_login(factories.buyer())
    assert client.get(reverse("orders:buyer_detail", args=[order.number])).status_code == 404
    assert order.number not in client.get(reverse("orders:buyer_list")).content.decode()


def test_buyer_confirms_receipt_and_reviews(client, na, shop):
    buyer = factories.buyer()
    sub = factories.place(buyer_user=buyer, items=[(na, 1)]).sub_orders.get()
    for status in (Status.CONFIRMED, Status.PACKED, Status.HANDED_TO_CARRIER, Status.DELIVERED):
        services.sub_order_transition(actor=shop.household.user, sub_order=sub, to=status)
    client.force_login(buyer)
    client.post(reverse("orders:transition", args=[sub.number]), {"to": Status.COMPLETED})
    sub.refresh_from_db()
    assert sub.status == Status.COMPLETED
    client.post(reverse("orders:review", args=[sub.number, na.pk]), {"stars": 5, "text": "Ngon"})
    na.refresh_from_db()
    assert na.rating_count == 1
    product_page = client.get(reverse("catalog:product", args=[na.pk])).content.decode()
    assert reverse("orders:reviews", args=[na.pk]) in product_page
    client.logout()
    reviews = client.get(reverse("orders:reviews", args=[na.pk])).content.decode()
    assert "Ngon" in reviews and "★★★★★" in reviews
    assert buyer.full_name not in reviews and "T. Hà" in reviews


def test_harvest_page_fills_preorders(client, shop):
    lychee = factories.product(
        shop=shop,
        name="Vải đặt trước",
        stock="0",
        preorder_enabled=True,
        expected_yield=Decimal(50),
        **factories.future_season(),
    )
    factories.place(items=[(lychee, 20)])
    client.force_login(shop.household.user)
    page = client.get(reverse("orders:harvest", args=[lychee.pk])).content.decode()
    assert "Đơn đặt trước đang chờ (1)" in page
    client.post(reverse("orders:harvest", args=[lychee.pk]), {"harvested": "45"})
    lychee.refresh_from_db()
    assert lychee.stock == 25
    client.force_login(account_factories.user(Role.HOUSEHOLD))
    assert client.get(reverse("orders:harvest", args=[lychee.pk])).status_code == 404


def test_the_product_page_offers_to_buy_listed_products_only(client, na, shop):
    page = client.get(reverse("catalog:product", args=[na.pk])).content.decode()
    assert reverse("orders:cart_add", args=[na.pk]) in page
    draft = factories.product(shop=shop, name="Na nháp", status="draft")
    client.force_login(shop.household.user)
    page = client.get(reverse("catalog:product", args=[draft.pk])).content.decode()
    assert reverse("orders:cart_add", args=[draft.pk]) not in page


def test_buyer_says_the_sellers_own_delivery_did_not_come(client, na, shop):
    buyer = factories.buyer()
    sub = factories.place(buyer_user=buyer, items=[(na, 1)]).sub_orders.get()
    for status in (Status.CONFIRMED, Status.PACKED, Status.HANDED_TO_CARRIER, Status.DELIVERED):
        services.sub_order_transition(actor=shop.household.user, sub_order=sub, to=status)
    client.force_login(buyer)
    page = reverse("orders:buyer_detail", args=[sub.order.number])
    assert "Chưa nhận được hàng hoặc hàng không đúng?" in client.get(page).content.decode()
    client.post(reverse("orders:dispute", args=[sub.number]), {"note": "Chưa thấy ai giao"})
    shown = client.get(page).content.decode()
    assert "Chưa thấy ai giao" in shown and "Sàn đang xem xét" in shown
    client.force_login(shop.household.user)
    seller_page = client.get(reverse("orders:seller_detail", args=[sub.number])).content.decode()
    assert "Chưa thấy ai giao" in seller_page
    client.post(reverse("orders:dispute", args=[sub.number]), {"note": "Người bán thử báo"})
    sub.refresh_from_db()
    assert sub.dispute_note == "Chưa thấy ai giao"
