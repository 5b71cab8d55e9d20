import datetime as dt
import random

import pytest
from django.utils import timezone

from nongsan.accounts.models import Role
from nongsan.accounts.tests import factories as account_factories
from nongsan.orders.models import SubOrder
from nongsan.shipping import demo
from nongsan.shipping.models import Claim, DistancingOrder, PriorityCard, Shipment
from nongsan.shipping.tests import factories

pytestmark = pytest.mark.django_db


def test_demo_parcels_in_every_state_with_breaches_claims_and_an_episode(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    factories.carrier()
    factories.carrier("viettelpost", "Viettel Post")
    account_factories.user(Role.CARRIER_STAFF, carrier=factories.carrier())
    for _ in range(60):
        factories.confirmed_sub_order()
    SubOrder.objects.update(placed_at=timezone.now() - dt.timedelta(days=6))
    made = demo.shipping_demo_seed(rng=random.Random(5))
    assert 30 <= made["shipments"] < 60  # some orders stay waiting for their seller
    states = set(Shipment.objects.values_list("status", flat=True))
    assert states >= {"created", "in_transit", "delivered", "returned", "out_for_delivery"}
    assert Shipment.objects.filter(breached_at__isnull=False).exists()
    assert Claim.objects.filter(automatic=True).exists()
    assert Claim.objects.filter(automatic=False).exists()
    assert DistancingOrder.objects.count() == 1
    assert set(PriorityCard.objects.values_list("status", flat=True)) == {
        "approved",
        "pending",
        "revoked",
    }
    assert demo.shipping_demo_seed(rng=random.Random(5)) == {}
