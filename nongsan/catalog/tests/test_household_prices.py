"""Household prices of production inputs: who sets them, who sees them, quotas per season."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from nongsan.accounts.models import Role
from nongsan.accounts.tests import factories as account_factories
from nongsan.catalog import selectors, services
from nongsan.catalog.models import HouseholdPriceUse
from nongsan.catalog.tests import factories
from nongsan.core.errors import ApplicationError

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def test_only_the_supplier_sets_a_household_price_below_its_price():
    product = factories.fertiliser()
    assert product.household_price.price == 450_000
    for bad, field in ((520_000, "price"), (0, "price"), ("5", "price")):
        with pytest.raises(ApplicationError) as refused:
            services.household_price_set(
                actor=product.shop.supplier,
                product=product,
                price=bad,
                quota="5",
                season_start=TODAY,
                season_end=TODAY,
            )
        assert refused.value.field == field
    with pytest.raises(ApplicationError) as refused:
        services.household_price_set(
            actor=product.shop.supplier,
            product=product,
            price=400_000,
            quota="2.5",
            season_start=TODAY,
            season_end=TODAY,
        )
    assert refused.value.field == "quota"  # bags are whole
    with pytest.raises(ApplicationError) as refused:
        services.household_price_set(
            actor=account_factories.user(Role.INPUT_SUPPLIER),
            product=product,
            price=400_000,
            quota="5",
            season_start=TODAY,
            season_end=TODAY,
        )
    assert refused.value.code == "forbidden"


def test_produce_shops_cannot_set_household_prices():
    shop = factories.shop()
    product = factories.product(shop=shop)
    with pytest.raises(ApplicationError):
        services.household_price_set(
            actor=shop.household.user,
            product=product,
            price=1000,
            quota="5",
            season_start=TODAY,
            season_end=TODAY,
        )


def test_only_verified_households_see_the_household_price():
    product = factories.fertiliser()
    household = factories.household_with_account()
    offers = selectors.household_offers_for(buyer=household.user, products=[product])
    assert offers[product.pk].price == 450_000 and offers[product.pk].remaining == 5
    for role in (Role.BUYER, Role.INPUT_SUPPLIER, Role.FIELD_AGENT, Role.MARKETPLACE_OPERATOR):
        assert (
            selectors.household_offers_for(buyer=account_factories.user(role), products=[product])
            == {}
        )
    # A household account with no registered household behind it is not verified.
    assert (
        selectors.household_offers_for(
            buyer=account_factories.user(Role.HOUSEHOLD), products=[product]
        )
        == {}
    )


def test_outside_the_season_there_is_no_household_price():
    product = factories.fertiliser(
        season_start=TODAY - dt.timedelta(days=100), season_end=TODAY - dt.timedelta(days=1)
    )
    household = factories.household_with_account()
    assert selectors.household_offers_for(buyer=household.user, products=[product]) == {}
    assert not selectors.household_price_products().filter(pk=product.pk).exists()


def test_unit_prices_apply_within_the_remaining_quota():
    product = factories.fertiliser()
    household = factories.household_with_account()
    assert selectors.unit_prices_for(buyer=household.user, lines=[(product, Decimal(5))]) == {
        product.pk: 450_000
    }
    assert selectors.unit_prices_for(buyer=household.user, lines=[(product, Decimal(6))]) == {}
    services.household_price_take(
        buyer=household.user, reference="NS1-1", quantities={product.pk: Decimal(3)}, today=TODAY
    )
    assert selectors.unit_prices_for(buyer=household.user, lines=[(product, Decimal(3))]) == {}
    with pytest.raises(ApplicationError):
        services.household_price_take(
            buyer=household.user,
            reference="NS2-1",
            quantities={product.pk: Decimal(3)},
            today=TODAY,
        )
    assert services.household_price_release(reference="NS1-1") == 1
    assert selectors.unit_prices_for(buyer=household.user, lines=[(product, Decimal(5))]) == {
        product.pk: 450_000
    }
    assert HouseholdPriceUse.objects.count() == 1


def test_product_page_shows_the_household_price_to_households_only(client):
    product = factories.fertiliser()
    household = factories.household_with_account()
    url = reverse("catalog:product", args=[product.pk])
    client.force_login(household.user)
    page = client.get(url).content.decode()
    assert "450.000 ₫" in page and "Giá ưu đãi cho hộ sản xuất" in page
    client.force_login(account_factories.user(Role.BUYER))
    page = client.get(url).content.decode()
    assert "450.000" not in page and "520.000" in page
    client.logout()
    assert "450.000" not in client.get(url).content.decode()


def test_supplier_sets_the_household_price_on_a_page(client):
    product = factories.fertiliser()
    client.force_login(product.shop.supplier)
    url = reverse("catalog:household_price", args=[product.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "price": "600.000",
            "quota": "4",
            "season_start": TODAY.isoformat(),
            "season_end": TODAY.isoformat(),
        },
    )
    assert "thấp hơn giá bán" in response.content.decode()
    response = client.post(
        url,
        {
            "price": "430.000",
            "quota": "4",
            "season_start": TODAY.isoformat(),
            "season_end": TODAY.isoformat(),
        },
    )
    assert response.status_code == 302
    product.household_price.refresh_from_db()
    assert product.household_price.price == 430_000
    client.force_login(account_factories.user(Role.INPUT_SUPPLIER))
    assert client.get(url).status_code == 404
