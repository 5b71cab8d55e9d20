from decimal import Decimal

import pytest
from django.urls import reverse

from nongsan.accounts.models import Role
from nongsan.accounts.tests import factories as account_factories
from nongsan.households.tests import factories as household_factories
from nongsan.payments import services
from nongsan.payments.models import PaymentAccount, PayoutBatch

pytestmark = pytest.mark.django_db


@pytest.fixture
def household():
    return household_factories.household(head_name="Lý Văn Sơn", head_phone="0978222333")


def test_a_household_sets_where_it_is_paid_from_its_phone(client, household):
    client.force_login(household.user)
    mine = client.get(reverse("payments:mine"))
    assert mine.url == reverse("payments:account", args=[household.pk])
    bad = client.post(
        mine.url, {"kind": "bank", "provider": "BIDV", "number": "123", "holder_name": "LY VAN SON"}
    )
    assert "6 đến 19 chữ số" in bad.content.decode()
    ok = client.post(
        mine.url,
        {
            "kind": "bank",
            "provider": "BIDV",
            "number": "21510000123456",
            "holder_name": "LY VAN SON",
        },
    )
    assert ok.status_code == 302
    assert PaymentAccount.objects.get(household=household).provider == "BIDV"


def test_others_cannot_see_a_households_money(client, household):
    client.force_login(account_factories.user(Role.BUYER))
    assert client.get(reverse("payments:account", args=[household.pk])).status_code == 404
    client.force_login(household_factories.agent_for(household.commune))
    assert client.get(reverse("payments:account", args=[household.pk])).status_code == 200


def test_finance_runs_a_payout_batch_an_operator_only_sees_its_marketplace(client, household):
    marketplace = account_factories.marketplace()
    services.sale_credit(
        household_id=household.pk,
        marketplace=marketplace,
        reference="S-1",
        gross=500_000,
        commission_percent=Decimal(5),
    )
    services.payment_account_link(actor=household.user, household=household, kind="post_office")
    client.force_login(household.user)
    assert client.get(reverse("payments:payouts")).status_code == 403
    client.force_login(account_factories.user(Role.MARKETPLACE_OPERATOR, marketplace=marketplace))
    assert "475.000" in client.get(reverse("payments:payouts")).content.decode()
    assert client.post(reverse("payments:payouts"), {"minimum": 10_000}).status_code == 403
    other = account_factories.marketplace("voso", "Vỏ Sò")
    client.force_login(account_factories.user(Role.MARKETPLACE_OPERATOR, marketplace=other))
    assert "475.000" not in client.get(reverse("payments:payouts")).content.decode()
    assert not PayoutBatch.objects.exists()
    client.force_login(account_factories.user(Role.FINANCE))
    assert "475.000" in client.get(reverse("payments:payouts")).content.decode()
    done = client.post(reverse("payments:payouts"), {"minimum": 10_000})
    batch = PayoutBatch.objects.get()
    assert done.url == reverse("payments:batch", args=[batch.pk])
    assert "Lý Văn Sơn" in client.get(done.url).content.decode()


def test_each_payout_has_a_statement_its_household_can_read(client, household):
    marketplace = account_factories.marketplace()
    for reference, gross in (("S-1", 200_000), ("S-2", 100_000)):
        services.sale_credit(
            household_id=household.pk,
            marketplace=marketplace,
            reference=reference,
            gross=gross,
            commission_percent=Decimal(5),
        )
    services.payment_account_link(actor=household.user, household=household, kind="post_office")
    payout = services.payout_batch_run(actor=account_factories.user(Role.FINANCE)).payouts.get()
    client.force_login(household.user)
    page = client.get(reverse("payments:statement", args=[payout.pk])).content.decode()
    assert "S-1" in page and "S-2" in page and "285.000" in page
    client.force_login(account_factories.user(Role.BUYER))
    assert client.get(reverse("payments:statement", args=[payout.pk])).status_code == 404
