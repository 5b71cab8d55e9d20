import random

import pytest

from nongsan.accounts.tests import factories as account_factories
from nongsan.households import services as households_services
from nongsan.households.models import Milestone
from nongsan.households.tests import factories as household_factories
from nongsan.partners import demo, selectors
from nongsan.partners.models import IngestBatch, PartnerAccount

pytestmark = pytest.mark.django_db


def test_demo_partner_feeds_accounts_and_milestones_and_shows_double_listing():
    postmart = account_factories.marketplace()
    for _ in range(3):
        households_services.milestone_record(
            household=household_factories.household(),
            kind=Milestone.Kind.SHOP_OPENED,
            marketplace=postmart,
        )
    made = demo.partners_demo_seed(rng=random.Random(1), password="mat-khau-demo-2026")
    assert made == {"partner_accounts_created": 15, "partner_milestones_created": 15}
    batch = IngestBatch.objects.get(request_id="demo-accounts-1")
    assert batch.rejected == 1
    assert PartnerAccount.objects.count() == 15
    ministry = account_factories.user("ministry_official")
    counts = selectors.cross_marketplace_counts(actor=ministry)
    assert (counts.households, counts.several) == (15, 3)
    again = demo.partners_demo_seed(rng=random.Random(1), password="mat-khau-demo-2026")
    assert again == {"partner_accounts_created": 0, "partner_milestones_created": 0}
