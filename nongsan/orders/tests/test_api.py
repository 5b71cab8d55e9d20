import json
import threading
from decimal import Decimal

import pytest
from django.db import close_old_connections, connection
from django.test.utils import CaptureQueriesContext

from nongsan.accounts import services as accounts_services
from nongsan.accounts.tests import factories as account_factories
from nongsan.catalog.models import Product
from nongsan.catalog.tests import factories as catalog_factories
from nongsan.core.errors import ApplicationError
from nongsan.orders import services
from nongsan.orders.models import Order, SubOrder
from nongsan.orders.tests import factories
from nongsan.payments import services as payments_services
from nongsan.payments.models import Payment

Status = SubOrder.Status


def _key(user):
    return {"X-API-Key": accounts_services.api_key_create(user=user, name="test")[1]}


def _checkout_body(commune):
    return {
        "address": {
            "recipient_name": "Trần Thu Hà",
            "recipient_phone": "0912345678",
            "commune_code": commune.code,
            "street": "12 Nguyễn Trãi",
        },
        "payment_method": "vietqr",
    }


@pytest.fixture
def shop(db):
    return catalog_factories.shop(marketplace=account_factories.marketplace())


@pytest.mark.django_db
def test_cart_checkout_and_payment_over_the_api(client, shop):
    na = factories.product(shop=shop, price=65_000, stock="20", order_step="0.5")
    buyer = factories.buyer()
    headers = _key(buyer)
    added = client.post(
        "/api/orders/cart/items",
        {"product_id": na.pk, "quantity": "2.5"},
        content_type="application/json",
        headers=headers,
    )
    assert added.status_code == 200 and added.json()["goods_total"] == 162_500
    body = _checkout_body(factories.hanoi_commune())
    placed = client.post(
        "/api/orders/checkout",
        body,
        content_type="application/json",
        headers={**headers, "Idempotency-Key": "chk-1"},
    )
    assert placed.status_code == 201, placed.content
    order = placed.json()
    assert order["sub_orders"][0]["lines"][0]["quantity"] == "2.500"
    again = client.post(
        "/api/orders/checkout",
        body,
        content_type="application/json",
        headers={**headers, "Idempotency-Key": "chk-1"},
    )
    assert again.status_code == 201 and again.json()["number"] == order["number"]
    payments = client.get(f"/api/orders/{order['number']}/payments", headers=headers).json()
    assert payments[0]["vietqr"].startswith("000201010212")
    retry = client.post(
        f"/api/orders/{order['number']}/payments",
        {"method": "ewallet"},
        content_type="application/json",
        headers={**headers, "Idempotency-Key": "pay-2"},
    )
    assert retry.status_code == 201 and retry.json()["redirect_url"]
    repeat = client.post(
        f"/api/orders/{order['number']}/payments",
        {"method": "ewallet"},
        content_type="application/json",
        headers={**headers, "Idempotency-Key": "pay-2"},
    )
    assert repeat.json()["reference"] == retry.json()["reference"]
    assert Payment.objects.filter(order_reference=order["number"]).count() == 2


@pytest.mark.django_db
def test_ewallet_webhook_is_verified_and_idempotent(client, shop):
    na = factories.product(shop=shop)
    order = factories.place(items=[(na, 1)], method="ewallet")
    payment = Payment.objects.get(order_reference=order.number)
    sandbox = payments_services.sandbox_wallet()
    body = sandbox.sign_webhook(
        provider_ref=payment.provider_ref,
        reference=payment.reference,
        amount=payment.amount,
        status="succeeded",
        event_id="ipn-1",
    )
    url = "/api/payments/webhooks/ewallet/sandbox"
    first = client.post(url, body, content_type="application/json")
    second = client.post(url, body, content_type="application/json")
    assert first.json()["outcome"] == "accepted" and second.status_code == 200
    order.refresh_from_db()
    assert order.payment_status == Order.PaymentStatus.PAID
    tampered = json.loads(body)
    tampered["amount"] = "1"
    refused = client.post(url, json.dumps(tampered), content_type="application/json")
    assert refused.status_code == 401


@pytest.mark.django_db
def test_api_scopes_orders_to_their_parties(client, shop):
    na = factories.product(shop=shop)
    order = factories.place(items=[(na, 1)])
    sub = order.sub_orders.get()
    stranger = _key(factories.buyer())
    assert client.get(f"/api/orders/{order.number}", headers=stranger).status_code == 404
    moved = client.post(
        f"/api/orders/sub-orders/{sub.number}/transition",
        {"to": "confirmed"},
        content_type="application/json",
        headers=stranger,
    )
    assert moved.status_code == 404
    buyer_tries = client.post(
        f"/api/orders/sub-orders/{sub.number}/transition",
        {"to": "confirmed"},
        content_type="application/json",
        headers=_key(order.buyer),
    )
    assert buyer_tries.status_code == 403
    seller = _key(shop.household.user)
    listed = client.get("/api/orders/seller/sub-orders", headers=seller).json()
    assert [s["number"] for s in listed["items"]] == [sub.number]
    ok = client.post(
        f"/api/orders/sub-orders/{sub.number}/transition",
        {"to": "confirmed"},
        content_type="application/json",
        headers=seller,
    )
    assert ok.status_code == 200 and ok.json()["confirmed_at"]
    assert client.get("/api/orders/").status_code == 401


@pytest.mark.django_db
def test_checkout_runs_a_bounded_number_of_statements(shop):
    """A checkout of three shops' products: the statements do not grow with the cart beyond
    one conditional UPDATE per product."""
    shops = [shop] + [
        catalog_factories.shop(marketplace=shop.marketplace, name=f"Vườn {i}") for i in range(2)
    ]
    products = [factories.product(shop=s, stock="50") for s in shops]
    buyer = factories.buyer()
    cart = services.cart_for(user=buyer, session_key=None)
    for product in products:
        services.cart_add(cart=cart, product=product, quantity=Decimal(2))
    address = factories.address()
    with CaptureQueriesContext(connection) as captured:
        services.checkout(buyer=buyer, cart=cart, address=address, idempotency_key="q-1")
    assert len(captured) <= 25, "\n".join(q["sql"][:120] for q in captured.captured_queries)


@pytest.mark.django_db
def test_checkout_of_lines_the_client_keeps(client, shop):
    """An app that keeps its own cart sends the lines with the checkout: they are placed as
    sent (the same product twice adds up), paid by the method chosen, and the cart on the
    server stays as it was."""
    other = catalog_factories.shop(marketplace=shop.marketplace, name="Vườn cam Hà Giang")
    na = factories.product(shop=shop, price=65_000, stock="20", order_step="0.5")
    cam = factories.product(shop=other, price=40_000, stock="5")
    kept = factories.product(shop=other, price=10_000, stock="9")
    buyer = factories.buyer()
    headers = _key(buyer)
    services.cart_add(
        cart=services.cart_for(user=buyer, session_key=None), product=kept, quantity=Decimal(1)
    )
    body = {
        **_checkout_body(factories.hanoi_commune()),
        "payment_method": "ewallet",
        "lines": [
            {"product_id": na.pk, "quantity": "1.5"},
            {"product_id": cam.pk, "quantity": "2"},
            {"product_id": na.pk, "quantity": "1"},
        ],
    }
    placed = client.post(
        "/api/orders/checkout",
        body,
        content_type="application/json",
        headers={**headers, "Idempotency-Key": "app-1"},
    )
    assert placed.status_code == 201, placed.content
    order = placed.json()
    assert order["payment_method"] == "ewallet"
    assert order["goods_total"] == 65_000 * 2.5 + 40_000 * 2
    bought = {
        line["product_id"]: line["quantity"] for sub in order["sub_orders"] for line in sub["lines"]
    }
    assert bought == {na.pk: "2.500", cam.pk: "2.000"}
    assert [s["shop_name"] for s in order["sub_orders"]] == [shop.name, other.name]
    assert order == client.get(f"/api/orders/{order['number']}", headers=headers).json()
    na.refresh_from_db()
    cam.refresh_from_db()
    assert (na.stock, cam.stock) == (Decimal("17.5"), Decimal(3))
    [payment] = Payment.objects.filter(order_reference=order["number"])
    assert payment.method == "ewallet" and payment.amount == order["total"]
    cart = client.get("/api/orders/cart", headers=headers).json()
    assert [line["product_id"] for line in cart["lines"]] == [kept.pk]
    again = client.post(
        "/api/orders/checkout",
        body,
        content_type="application/json",
        headers={**headers, "Idempotency-Key": "app-1"},
    )
    assert again.status_code == 201 and again.json() == order


@pytest.mark.django_db
def test_checkout_answer_is_what_a_later_read_gives_for_many_shops(client, shop):
    """Eleven shops: sub-orders -1 ... -11 come back in the order every read gives them."""
    shops = [shop] + [
        catalog_factories.shop(marketplace=shop.marketplace, name=f"Vườn {i}") for i in range(10)
    ]
    products = [factories.product(shop=s, stock="5") for s in shops]
    headers = {**_key(factories.buyer()), "Idempotency-Key": "many-1"}
    body = {
        **_checkout_body(factories.hanoi_commune()),
        "lines": [{"product_id": p.pk, "quantity": "1"} for p in products],
    }
    placed = client.post(
        "/api/orders/checkout", body, content_type="application/json", headers=headers
    )
    assert placed.status_code == 201, placed.content
    order = placed.json()
    assert len(order["sub_orders"]) == 11
    assert order == client.get(f"/api/orders/{order['number']}", headers=headers).json()
    again = client.post(
        "/api/orders/checkout", body, content_type="application/json", headers=headers
    )
    assert again.json() == order


@pytest.mark.django_db
def test_a_product_number_beyond_any_key_is_not_found(client, shop):
    buyer = factories.buyer()
    client.force_login(buyer)
    assert client.post("/gio-hang/them/99999999999999999999/", {"quantity": "1"}).status_code == 404
    answer = client.post(
        "/api/orders/checkout",
        {
            **_checkout_body(factories.hanoi_commune()),
            "lines": [{"product_id": 2**63, "quantity": "1"}],
        },
        content_type="application/json",
        headers=_key(buyer),
    )
    assert answer.status_code == 400 and "mã 9223372036854775808" in answer.json()["message"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ([], "ít nhất một sản phẩm"),
        ([{"product_id": 987654, "quantity": "1"}], "mã 987654"),
        ([{"product_id": "NA", "quantity": "2"}], None),
        ([{"product_id": "NA", "quantity": "1.3"}], "bước 0.5"),
        ([{"product_id": "NA", "quantity": "50"}], "chỉ còn 20 kg"),
    ],
)
def test_checkout_of_lines_refuses_what_cannot_be_sold(client, shop, lines, message):
    na = factories.product(shop=shop, price=65_000, stock="20", order_step="0.5")
    na_listed_off = message is None
    if na_listed_off:
        Product.objects.filter(pk=na.pk).update(is_listed=False)
    for line in lines:
        if line["product_id"] == "NA":
            line["product_id"] = na.pk
    buyer = factories.buyer()
    answer = client.post(
        "/api/orders/checkout",
        {**_checkout_body(factories.hanoi_commune()), "lines": lines},
        content_type="application/json",
        headers=_key(buyer),
    )
    assert answer.status_code == 400, answer.content
    assert (message or "không còn được bán") in answer.json()["message"]
    assert not Order.objects.filter(buyer=buyer).exists()
    na.refresh_from_db()
    assert na.stock == Decimal(20)


@pytest.mark.django_db
def test_checkout_over_the_api_reads_nothing_back(client, shop):
    """The answer to a checkout is built from what was just written: the statements of the
    request are the service's plus the key and the address, whatever the cart holds."""
    shops = [shop] + [
        catalog_factories.shop(marketplace=shop.marketplace, name=f"Vườn {i}") for i in range(2)
    ]
    products = [factories.product(shop=s, stock="50") for s in shops for _ in range(2)]
    buyer = factories.buyer()
    headers = _key(buyer)
    body = {
        **_checkout_body(factories.hanoi_commune()),
        "lines": [{"product_id": p.pk, "quantity": "1"} for p in products],
    }
    client.get("/api/orders/cart", headers=headers)  # the key's first use is recorded once
    with CaptureQueriesContext(connection) as captured:
        placed = client.post(
            "/api/orders/checkout", body, content_type="application/json", headers=headers
        )
    assert placed.status_code == 201, placed.content
    assert len(placed.json()["sub_orders"]) == 3
    statements = [q["sql"] for q in captured.captured_queries]
    # The key, the address and the products; then one transaction (its two ends) writing the
    # order, sub-orders, lines, history, payment and notices, and one stock UPDATE per product.
    assert len(statements) == 3 + 2 + 6 + len(products), "\n".join(x[:100] for x in statements)


@pytest.mark.django_db
def test_cart_add_and_payment_attempt_run_a_fixed_number_of_statements(client, shop):
    """The other requests of a web buyer's checkout: adding to a cart that already holds a
    product, and starting a new payment attempt with an Idempotency-Key."""
    products = [factories.product(shop=shop, stock="50") for _ in range(2)]
    buyer = factories.buyer()
    headers = _key(buyer)
    add = {"content_type": "application/json", "headers": headers}
    client.post("/api/orders/cart/items", {"product_id": products[0].pk, "quantity": "1"}, **add)
    with CaptureQueriesContext(connection) as added:
        answer = client.post(
            "/api/orders/cart/items", {"product_id": products[1].pk, "quantity": "1"}, **add
        )
    assert answer.status_code == 200 and len(answer.json()["lines"]) == 2
    # The key, the product, the cart, its lines, the new line, the cart as answered.
    assert len(added) == 6, "\n".join(q["sql"][:100] for q in added.captured_queries)
    placed = client.post(
        "/api/orders/checkout", _checkout_body(factories.hanoi_commune()), **add
    ).json()
    url = f"/api/orders/{placed['number']}/payments"
    retry = {**add, "headers": {**headers, "Idempotency-Key": "pay-2"}}
    with CaptureQueriesContext(connection) as paid:
        attempt = client.post(url, {"method": "ewallet"}, **retry)
    assert attempt.status_code == 201 and attempt.json()["method"] == "ewallet"
    # The key and the order; then one transaction (its two ends): the order locked, the
    # Idempotency-Key looked up once, the method changed, earlier attempts cancelled and
    # counted, the new attempt.
    assert len(paid) == 2 + 2 + 6, "\n".join(q["sql"][:100] for q in paid.captured_queries)
    assert client.post(url, {"method": "ewallet"}, **retry).json() == attempt.json()
    assert Payment.objects.filter(order_reference=placed["number"]).count() == 2


@pytest.mark.django_db(transaction=True)
def test_fifty_buyers_race_for_the_last_ten_kilos(units_loaded):
    if connection.vendor != "postgresql":
        pytest.skip("row locks under real concurrency need PostgreSQL")
    shop = catalog_factories.shop(marketplace=account_factories.marketplace())
    lychee = factories.product(shop=shop, stock="10")
    address = factories.address()
    buyers = [factories.buyer() for _ in range(50)]
    carts = []
    for buyer in buyers:
        cart = services.cart_for(user=buyer, session_key=None)
        services.cart_add(cart=cart, product=lychee, quantity=Decimal(1))
        carts.append(cart)
    start = threading.Barrier(50)
    outcomes: list[str] = []

    def buy(buyer, cart):
        try:
            start.wait()
            services.checkout(buyer=buyer, cart=cart, address=address)
            outcomes.append("ok")
        except ApplicationError as error:
            outcomes.append(error.code)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=buy, args=pair) for pair in zip(buyers, carts, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("ok") == 10
    assert outcomes.count("out_of_stock") == 40
    lychee.refresh_from_db()
    assert lychee.stock == 0
    assert SubOrder.objects.count() == 10
    assert Product.objects.filter(stock__lt=0).count() == 0
