import random

import pytest

from nongsan.accounts.models import Role
from nongsan.accounts.tests import factories as account_factories
from nongsan.catalog import demo, selectors
from nongsan.catalog.models import Product, Shop
from nongsan.households import demo as households_demo
from nongsan.households.models import Milestone

pytestmark = pytest.mark.django_db


def test_demo_shops_products_and_photos_are_real_and_idempotent():
    marketplaces = [
        account_factories.marketplace("postmart", "Postmart"),
        account_factories.marketplace("voso", "Vỏ Sò"),
    ]
    official = account_factories.user(Role.MINISTRY_OFFICIAL)
    households = households_demo.households_demo_seed(
        rng=random.Random(7), count=40, actor=official, marketplaces=marketplaces
    )
    counts = demo.catalog_demo_seed(
        rng=random.Random(7), households=households, marketplaces=marketplaces
    )
    assert counts["shops"] >= 5 and counts["products"] >= counts["shops"]
    assert counts["input_products"] == 15
    # Every demo shop of a household sits on the marketplace its milestone names.
    for shop in Shop.objects.filter(household__isnull=False):
        assert Milestone.objects.filter(
            household=shop.household, kind=Milestone.Kind.SHOP_OPENED, marketplace=shop.marketplace
        ).exists()
    listed = Product.objects.filter(is_listed=True)
    assert listed.count() == counts["published"] > 0
    assert all(p.photos.count() == 1 for p in listed)
    assert (
        Product.objects.filter(shop__owner_kind="input_supplier")
        .exclude(category__kind="input")
        .count()
        == 0
    )
    found = selectors.product_search(filters=selectors.ProductFilters(query="phan bon"))
    assert found.exists()
    again = demo.catalog_demo_seed(
        rng=random.Random(7), households=households, marketplaces=marketplaces
    )
    assert again["products"] == 0 and Product.objects.count() == counts["products"]


def test_photos_are_drawn_jpegs_with_the_name():
    item = demo.PRODUCE["Lạng Sơn"][0]
    data = demo.draw_photo(item.name, item.style, item.color)
    assert data[:2] == b"\xff\xd8" and len(data) > 10_000
