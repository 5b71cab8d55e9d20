"""The demo data set includes information, prices, household prices, post offices and loans."""

import pytest

from nongsan.accounts.models import Role, User
from nongsan.catalog.models import HouseholdPrice
from nongsan.info import selectors
from nongsan.info.models import Bulletin, Delivery, MarketPrice
from nongsan.lending.models import LoanApplication
from nongsan.payments.models import CashHandover, PostOfficeStaff
from nongsan.web.demo import demo_seed

pytestmark = pytest.mark.django_db


def test_demo_information_inputs_post_offices_and_loans(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = demo_seed(households=14)
    counts = (
        Bulletin.objects.count(),
        MarketPrice.objects.count(),
        HouseholdPrice.objects.count(),
        LoanApplication.objects.count(),
        CashHandover.objects.count(),
    )
    assert first["bulletins"] == 7 and first["market_prices"] > 100
    assert first["household_prices"] > 0 and counts[3] == 4 and counts[4] == 1
    mai = User.objects.get(phone="+84912000004").household
    titles = set(selectors.feed_for(household=mai).values_list("title", flat=True))
    assert "Cảnh báo rệp sáp hại na giai đoạn ra quả" in titles
    assert Delivery.objects.filter(household=mai, sms_sent=True).exists()
    clerk = User.objects.get(phone="+84912000003")
    assert PostOfficeStaff.objects.get(user=clerk).post_office.commune in clerk.communes.all()
    assert User.objects.filter(role=Role.INFO_EDITOR, province__isnull=False).exists()
    assert {a.status for a in LoanApplication.objects.all()} == {
        "approved",
        "disbursed",
        "repaid",
        "under_review",
    }

    with django_capture_on_commit_callbacks(execute=True):
        second = demo_seed(households=14)
    assert second["bulletins"] == 0 and second["market_prices"] == 0
    assert (
        Bulletin.objects.count(),
        MarketPrice.objects.count(),
        HouseholdPrice.objects.count(),
        LoanApplication.objects.count(),
        CashHandover.objects.count(),
    ) == counts
