import pytest

from nongsan.accounts.models import Role
from nongsan.accounts.tests import factories as account_factories
from nongsan.support import demo, selectors
from nongsan.support.models import Difficulty, NewsItem

pytestmark = pytest.mark.django_db


def test_demo_difficulties_in_every_state_news_and_a_published_answer():
    ministry = account_factories.user(Role.MINISTRY_OFFICIAL, phone="0912000001")
    account_factories.user(Role.PROVINCE_OFFICIAL, phone="0912000002")
    account_factories.user(Role.FIELD_AGENT, phone="0912000003")
    account_factories.user(Role.CARRIER_STAFF, phone="0912000006")
    account_factories.user(Role.MARKETPLACE_OPERATOR, phone="0912000007")
    made = demo.support_demo_seed()
    assert made == {"news": 3, "difficulties": 5}
    assert set(Difficulty.objects.values_list("status", flat=True)) == {
        "open",
        "in_progress",
        "answered",
        "closed",
    }
    assert selectors.difficulty_counts(actor=ministry).overdue == 1
    assert selectors.faq_list().count() == 1
    assert selectors.news_list().count() == NewsItem.objects.count() == 3
    assert demo.support_demo_seed() == {"news": 0, "difficulties": 0}
