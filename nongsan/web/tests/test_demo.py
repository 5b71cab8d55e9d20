import pytest

from nongsan.accounts.models import Role, User
from nongsan.orgs.models import Carrier, Marketplace
from nongsan.web.demo import ACCOUNTS, demo_seed

pytestmark = pytest.mark.django_db


def test_demo_has_one_account_per_role_and_is_idempotent():
    demo_seed(households=5)
    counts = (User.objects.count(), Marketplace.objects.count(), Carrier.objects.count())
    demo_seed(households=5)
    assert (User.objects.count(), Marketplace.objects.count(), Carrier.objects.count()) == counts
    assert {a.role for a in ACCOUNTS} == set(Role.values)
    assert set(Marketplace.objects.values_list("name", flat=True)) == {"Postmart", "Vỏ Sò"}
    agent = User.objects.get(role=Role.FIELD_AGENT, phone="+84912000003")
    assert agent.communes.get().province.short_name == "Lạng Sơn"
    assert User.objects.filter(role=Role.HOUSEHOLD).count() == 6
