"""Cash at the commune post office: the household chooses it, the clerk hands the payout over
only against the head of household's CCCD, and prints a receipt."""

from decimal import Decimal

import pytest
from django.urls import reverse

from nongsan.accounts.models import Role
from nongsan.accounts.tests import factories as account_factories
from nongsan.core.errors import ApplicationError
from nongsan.households.tests import factories as household_factories
from nongsan.payments import selectors, services
from nongsan.payments.models import CashHandover, PaymentAccount

pytestmark = pytest.mark.django_db


@pytest.fixture
def place():
    return account_factories.commune("Đắk Lắk", 0)


@pytest.fixture
def post_office(place):
    return account_factories.post_office(at=place, code="BC-DL-01")


@pytest.fixture
def clerk(post_office):
    user = account_factories.user(
        Role.FIELD_AGENT, full_name="Y Khoa Niê", communes=[post_office.commune]
    )
    services.post_office_staff_assign(
        actor=account_factories.user(Role.MINISTRY_OFFICIAL), user=user, post_office=post_office
    )
    return user


@pytest.fixture
def payout(place, post_office):
    household = household_factories.household(
        commune=place, head_name="H'Hen Niê", head_phone="0978555111", female=True
    )
    marketplace = account_factories.marketplace()
    services.sale_credit(
        household_id=household.pk,
        marketplace=marketplace,
        reference="S-1",
        gross=400_000,
        commission_percent=Decimal(5),
    )
    account = services.payment_account_link(
        actor=household.user, household=household, kind=PaymentAccount.Kind.POST_OFFICE
    )
    assert account.post_office == post_office  # the one in its commune, by default
    return services.payout_batch_run(actor=account_factories.user(Role.FINANCE)).payouts.get()


def test_the_clerk_hands_over_against_the_right_cccd(clerk, payout):
    with pytest.raises(ApplicationError) as refused:
        services.cash_handover_record(clerk=clerk, payout=payout, cccd="001080000001")
    assert refused.value.field == "cccd"
    with pytest.raises(ApplicationError) as refused:
        services.cash_handover_record(clerk=clerk, payout=payout, cccd="12345")
    assert refused.value.field == "cccd"
    assert not CashHandover.objects.exists()

    handover = services.cash_handover_record(
        clerk=clerk, payout=payout, cccd=payout.household.head_cccd
    )
    assert handover.amount == 380_000
    assert handover.receipt_number == f"BN-BC-DL-01-{payout.pk:08d}"
    assert handover.cccd_masked == payout.household.masked_cccd
    # Recording it again (a double tap) returns the first record.
    assert (
        services.cash_handover_record(clerk=clerk, payout=payout, cccd="000000000000") == handover
    )
    assert not selectors.cash_payouts_waiting(post_office=handover.post_office).exists()


def test_only_clerks_of_that_post_office_hand_over(payout, place):
    other_office = account_factories.post_office(
        at=account_factories.commune("Đắk Lắk", 1), code="BC-DL-02"
    )
    other_clerk = account_factories.user(Role.FIELD_AGENT, communes=[other_office.commune])
    services.post_office_staff_assign(
        actor=account_factories.user(Role.MINISTRY_OFFICIAL),
        user=other_clerk,
        post_office=other_office,
    )
    plain_agent = household_factories.agent_for(place)
    for user in (other_clerk, plain_agent, payout.household.user):
        with pytest.raises(ApplicationError) as refused:
            services.cash_handover_record(
                clerk=user, payout=payout, cccd=payout.household.head_cccd
            )
        assert refused.value.code == "forbidden"


def test_only_field_agents_become_clerks(post_office):
    with pytest.raises(ApplicationError):
        services.post_office_staff_assign(
            actor=account_factories.user(Role.MINISTRY_OFFICIAL),
            user=account_factories.user(Role.BUYER),
            post_office=post_office,
        )
    with pytest.raises(ApplicationError) as refused:
        services.post_office_staff_assign(
            actor=account_factories.user(Role.PROVINCE_OFFICIAL),  # of Lạng Sơn
            user=account_factories.user(Role.FIELD_AGENT),
            post_office=post_office,
        )
    assert refused.value.code == "forbidden"


def test_the_counter_the_hand_over_and_the_receipt_over_http(
    client, clerk, payout, django_assert_max_num_queries
):
    client.force_login(clerk)
    with django_assert_max_num_queries(8):
        counter = client.get(reverse("payments:post_office"))
    assert "H&#x27;Hen Niê" in counter.content.decode() or "H'Hen Niê" in counter.content.decode()
    url = reverse("payments:cash_handover", args=[payout.pk])
    wrong = client.post(url, {"cccd": "001080000001", "checked": "on"})
    assert "không khớp với chủ hộ" in wrong.content.decode()
    unchecked = client.post(url, {"cccd": payout.household.head_cccd})
    assert unchecked.status_code == 200 and not CashHandover.objects.exists()
    done = client.post(url, {"cccd": payout.household.head_cccd, "checked": "on"})
    handover = CashHandover.objects.get()
    assert done.url == reverse("payments:receipt", args=[handover.pk])
    receipt = client.get(done.url).content.decode()
    assert handover.receipt_number in receipt and "380.000 ₫" in receipt
    assert payout.household.head_cccd not in receipt  # masked

    client.force_login(payout.household.user)
    assert client.get(done.url).status_code == 200
    for role in (Role.BUYER, Role.FIELD_AGENT, Role.HOUSEHOLD):
        client.force_login(account_factories.user(role))
        assert client.get(done.url).status_code == 404
        assert client.get(reverse("payments:post_office")).status_code == 403


def test_the_post_office_api(client, clerk, payout):
    from nongsan.accounts import services as accounts_services

    raw = accounts_services.api_key_create(user=clerk, name="quầy")[1]
    headers = {"X-API-Key": raw}
    waiting = client.get("/api/post-office/payouts", headers=headers).json()
    assert [w["payout_id"] for w in waiting] == [payout.pk]
    url = f"/api/post-office/payouts/{payout.pk}/handover"
    wrong = client.post(
        url, data={"cccd": "001080000001"}, content_type="application/json", headers=headers
    )
    assert wrong.status_code == 400 and wrong.json()["field"] == "cccd"
    done = client.post(
        url,
        data={"cccd": payout.household.head_cccd},
        content_type="application/json",
        headers=headers,
    )
    assert done.status_code == 201 and done.json()["amount"] == 380_000
    again = client.post(
        url,
        data={"cccd": payout.household.head_cccd},
        content_type="application/json",
        headers=headers,
    )
    assert again.json()["id"] == done.json()["id"]
    receipt = client.get(f"/api/post-office/receipts/{done.json()['id']}", headers=headers)
    assert receipt.json()["receipt_number"] == done.json()["receipt_number"]
    buyer = account_factories.user(Role.BUYER)
    other = {"X-API-Key": accounts_services.api_key_create(user=buyer, name="x")[1]}
    assert client.get("/api/post-office/payouts", headers=other).status_code == 403
    assert (
        client.get(f"/api/post-office/receipts/{done.json()['id']}", headers=other).status_code
        == 404
    )


def test_a_clerk_registers_households_of_its_post_office_commune(clerk, post_office):
    """Clerks work like field agents where their post office is."""
    from nongsan.households import services as households_services

    household = households_services.household_register(
        actor=clerk,
        head_name="Y Moan Êban",
        head_cccd=household_factories.cccd(province_code="066"),
        head_gender="male",
        commune=post_office.commune,
        consent=True,
    )
    assert household.registered_by == clerk
    elsewhere = account_factories.commune("Lạng Sơn")
    with pytest.raises(ApplicationError) as refused:
        households_services.household_register(
            actor=clerk,
            head_name="Hoàng Văn Tú",
            head_cccd=household_factories.cccd(),
            head_gender="male",
            commune=elsewhere,
            consent=True,
        )
    assert refused.value.code == "forbidden"
