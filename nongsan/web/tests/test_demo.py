import datetime as dt

import pytest
from django.utils import timezone

from nongsan.accounts.models import Role, User
from nongsan.households import selectors as household_selectors
from nongsan.households.models import Household, Milestone
from nongsan.orgs.models import Carrier, Marketplace
from nongsan.payments import selectors as payments_selectors
from nongsan.payments.models import Credit
from nongsan.web.demo import ACCOUNTS, demo_seed

pytestmark = pytest.mark.django_db


def test_demo_has_one_account_per_role_households_and_is_idempotent():
    first = demo_seed(households=14)
    counts = (User.objects.count(), Household.objects.count(), Milestone.objects.count())
    second = demo_seed(households=14)
    assert (User.objects.count(), Household.objects.count(), Milestone.objects.count()) == counts
    assert first["households"] == 14 + 40 and second["households"] == 0
    assert {a.role for a in ACCOUNTS} == set(Role.values)
    assert set(Marketplace.objects.values_list("name", flat=True)) == {
        "Postmart",
        "Vỏ Sò",
        "Nông Sản Việt",  # the external partner, fed through the API
    }
    assert Carrier.objects.count() == 2
    agent = User.objects.get(role=Role.FIELD_AGENT, phone="+84912000003")
    assert agent.communes.get().province.short_name == "Lạng Sơn"
    # The demo agent has households to work with, and the demo household has its record.
    assert household_selectors.household_list(actor=agent).count() == 41
    mai = User.objects.get(phone="+84912000004").household
    assert mai.head_name == "Nông Thị Mai" and mai.commune == agent.communes.get()
    # Every step of the funnel is represented.
    reached = set(Milestone.objects.values_list("kind", flat=True))
    assert {"registered", "shop_opened", "payment_account"} <= reached
    # Finance staff find each kind of money exception once, and the books balance.
    problems = list(Credit.objects.exclude(problem="").values_list("problem", flat=True))
    assert sorted(problems) == sorted(
        [
            Credit.Problem.OVERPAID,
            Credit.Problem.PARTIAL,
            Credit.Problem.PARTIAL,
            Credit.Problem.DUPLICATE,
            Credit.Problem.UNKNOWN_REFERENCE,
            Credit.Problem.AMOUNT_MISMATCH,
            Credit.Problem.LATE_SUCCESS,
            Credit.Problem.COD_SHORT,
            Credit.Problem.COD_EXTRA,
            Credit.Problem.COD_MISSING,
        ]
    )
    finance = User.objects.get(role=Role.FINANCE)
    today = timezone.localdate()
    books = payments_selectors.books(actor=finance, start=today - dt.timedelta(days=70), end=today)
    assert books.balanced and books.total.open > 0
