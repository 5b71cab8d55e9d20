"""Checkout prices production inputs at the household price for verified households only,
within their quota for the season; a cancelled order gives the quota back."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from nongsan.catalog import services as catalog_services
from nongsan.catalog.models import HouseholdPriceUse
from nongsan.catalog.tests import factories as catalog_factories
from nongsan.core.errors import ApplicationError
from nongsan.orders import services
from nongsan.orders.models import SubOrder
from nongsan.orders.tests import factories

pytestmark = pytest.mark.django_db


def test_a_verified_household_pays_the_household_price():
    product = catalog_factories.fertiliser()
    farm = catalog_factories.household_with_account()
    order = factories.place(buyer_user=farm.user, items=[(product, 2)])
    line = order.sub_orders.get().lines.get()
    assert line.unit_price == 450_000
    assert order.goods_total == 900_000
    use = HouseholdPriceUse.objects.get()
    assert (use.household, use.quantity) == (farm, Decimal(2))


def test_a_non_household_buyer_never_pays_it():
    product = catalog_factories.fertiliser()
    order = factories.place(items=[(product, 2)])
    assert order.sub_orders.get().lines.get().unit_price == 520_000
    assert order.goods_total == 1_040_000
    assert not HouseholdPriceUse.objects.exists()


def test_beyond_the_quota_the_line_is_at_the_market_price():
    product = catalog_factories.fertiliser()
    farm = catalog_factories.household_with_account()
    first = factories.place(buyer_user=farm.user, items=[(product, 4)])
    assert first.goods_total == 4 * 450_000
    second = factories.place(buyer_user=farm.user, items=[(product, 2)])  # 1 left in the quota
    assert second.goods_total == 2 * 520_000
    third = factories.place(buyer_user=farm.user, items=[(product, 1)])
    assert third.goods_total == 450_000


def test_cancelling_gives_the_quota_back():
    product = catalog_factories.fertiliser()
    farm = catalog_factories.household_with_account()
    order = factories.place(buyer_user=farm.user, items=[(product, 5)])
    services.sub_order_transition(
        actor=farm.user, sub_order=order.sub_orders.get(), to=SubOrder.Status.CANCELLED
    )
    again = factories.place(buyer_user=farm.user, items=[(product, 5)])
    assert again.goods_total == 5 * 450_000


def test_a_quota_taken_meanwhile_is_refused_at_checkout(monkeypatch):
    """The cart was priced with quota left; another checkout used it before this one."""
    product = catalog_factories.fertiliser()
    farm = catalog_factories.household_with_account()
    cart = services.cart_for(user=farm.user, session_key=None)
    services.cart_add(cart=cart, product=product, quantity=Decimal(5))
    original = catalog_services.household_price_take

    def race(**kwargs):
        original(
            buyer=farm.user,
            reference="OTHER-1",
            quantities={product.pk: Decimal(1)},
            today=timezone.localdate(),
        )
        return original(**kwargs)

    monkeypatch.setattr(catalog_services, "household_price_take", race)
    with pytest.raises(ApplicationError) as refused:
        services.checkout(buyer=farm.user, cart=cart, address=factories.address())
    assert refused.value.field == "cart" and "còn được mua 4" in refused.value.message
    assert not HouseholdPriceUse.objects.exclude(reference="OTHER-1").exists()


def test_the_cart_shows_the_household_price(client):
    product = catalog_factories.fertiliser()
    farm = catalog_factories.household_with_account()
    client.force_login(farm.user)
    client.post(reverse("orders:cart_add", args=[product.pk]), {"quantity": "2"})
    page = client.get(reverse("orders:cart")).content.decode()
    assert "giá ưu đãi cho hộ" in page and "900.000 ₫" in page


def test_the_cart_api_gives_the_household_price(client):
    from nongsan.accounts import services as accounts_services

    product = catalog_factories.fertiliser()
    farm = catalog_factories.household_with_account()
    headers = {"X-API-Key": accounts_services.api_key_create(user=farm.user, name="giỏ")[1]}
    added = client.post(
        "/api/orders/cart/items",
        data={"product_id": product.pk, "quantity": "2"},
        content_type="application/json",
        headers=headers,
    ).json()
    assert added["goods_total"] == 900_000
    assert (added["lines"][0]["unit_price"], added["lines"][0]["household_price"]) == (
        520_000,
        450_000,
    )
