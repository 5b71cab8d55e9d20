import random

import pytest

from nongsan.accounts.models import Role
from nongsan.accounts.tests import factories as account_factories
from nongsan.catalog import demo as catalog_demo
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
