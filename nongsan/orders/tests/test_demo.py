import datetime as dt
import random

import pytest
from django.utils import timezone

from nongsan.accounts.models import Role
from nongsan.accounts.tests import factories as account_factories
from nongsan.catalog import demo as catalog_demo
from nongsan.catalog.models import Product
from nongsan.households import demo as households_demo
from nongsan.households.models import Milestone
from nongsan.orders import demo
from nongsan.orders.models import Order, SubOrder
from nongsan.payments.models import LedgerEntry, Payment

pytestmark = pytest.mark.django_db


def _person(rng):
    return rng.choice(["Phạm Thu Trang", "Lê Văn Hùng", "Đỗ Minh Châu"]), False


def test_demo_orders_cover_every_state_and_way_of_paying(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    marketplaces = [
        account_factories.marketplace("postmart", "Postmart"),
        account_factories.marketplace("voso", "Vỏ Sò"),
    ]
    official = account_factories.user(Role.MINISTRY_OFFICIAL)
    households = households_demo.households_demo_seed(
        rng=random.Random(3), count=30, actor=official, marketplaces=marketplaces
    )
    catalog_demo.catalog_demo_seed(
        rng=random.Random(3), households=households, marketplaces=marketplaces
    )
    made = demo.orders_demo_seed(rng=random.Random(3), person=_person, count=90)
    assert made["orders"] >= 80
    assert set(SubOrder.objects.values_list("status", flat=True)) == set(SubOrder.Status.values)
    assert set(Payment.objects.values_list("method", flat=True)) == {"cod", "vietqr", "ewallet"}
    assert Order.objects.filter(payment_status="paid").exists()
    assert Order.objects.exclude(country_id="VN").count() >= 3
    assert Order.objects.values("province").distinct().count() >= 15
    assert LedgerEntry.objects.filter(kind="sale").exists()
    assert Milestone.objects.filter(kind=Milestone.Kind.FIRST_SALE).exists()
    assert demo.orders_demo_seed(rng=random.Random(3), person=_person, count=90) == {}


def test_a_showcased_seller_has_a_recent_order_at_every_step_in_progress(settings, tmp_path):
    """The demo household's login opens on orders to confirm, pack, hand over and see delivered."""
    settings.MEDIA_ROOT = tmp_path
    marketplace = account_factories.marketplace("postmart", "Postmart")
    official = account_factories.user(Role.MINISTRY_OFFICIAL)
    households = households_demo.households_demo_seed(
        rng=random.Random(5), count=20, actor=official, marketplaces=[marketplace]
    )
    catalog_demo.catalog_demo_seed(
        rng=random.Random(5), households=households, marketplaces=[marketplace]
    )
    product = (
        Product.objects.filter(
            is_listed=True, preorder_enabled=False, shop__household__user__isnull=False
        )
        .select_related("shop__household__user")
        .order_by("pk")
        .first()
    )
    assert product is not None
    seller = product.shop.household.user
    made = demo.orders_demo_seed(
        rng=random.Random(5), person=_person, count=10, showcase_sellers=[seller]
    )
    recent = SubOrder.objects.filter(
        shop__household__user=seller, placed_at__gte=timezone.now() - dt.timedelta(days=5)
    )
    in_progress = set(SubOrder.Status.values) - {"completed", "cancelled"}
    assert in_progress <= set(recent.values_list("status", flat=True))
    assert recent.filter(status="placed").count() >= 2
    assert made["orders"] >= len(demo.SHOWCASE)
