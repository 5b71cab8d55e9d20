"""Micro-loans: applying online or at the post office, the shared history, the lender
adapter, and the state machine from application to repayment."""

from decimal import Decimal

import pytest
from django.urls import reverse

from nongsan.accounts.models import Role
from nongsan.accounts.tests import factories as account_factories
from nongsan.core.errors import ApplicationError
from nongsan.households.tests import factories as household_factories
from nongsan.lending import lenders, selectors, services
from nongsan.lending.models import LoanApplication
from nongsan.payments import services as payments_services

pytestmark = pytest.mark.django_db
Status = LoanApplication.Status


@pytest.fixture(autouse=True)
def _sandbox_book():
    lenders.SandboxLender.book.clear()
    lenders.SandboxLender.submitted.clear()
    yield
    lenders.SandboxLender.book.clear()
    lenders.SandboxLender.submitted.clear()


@pytest.fixture
def place():
    return account_factories.commune("Đắk Lắk", 0)


@pytest.fixture
def household(place):
    farm = household_factories.household(
        commune=place, head_name="Y Bhim Êban", head_phone="0978222333"
    )
    payments_services.sale_credit(
        household_id=farm.pk,
        marketplace=account_factories.marketplace(),
        reference="S-1",
        gross=6_000_000,
        commission_percent=Decimal(5),
    )
    return farm


def apply(household, *, actor=None, amount=20_000_000, **fields):
    fields.setdefault("term_months", 12)
    fields.setdefault("purpose", "Mua phân bón và cây giống cà phê vụ mới")
    fields.setdefault("consent", True)
    return services.loan_apply(
        actor=actor or household.user, household=household, amount=amount, **fields
    )


def test_the_history_shared_is_sales_ratings_and_training(household):
    history = selectors.history_of(household=household)
    assert history.sales_12_months == 6_000_000
    assert history.sales_count_12_months == 1
    assert history.rating_average is None and history.training_sessions == 0


def test_online_application_goes_to_the_lender_and_is_decided(
    household, django_capture_on_commit_callbacks, _sms_outbox
):
    with django_capture_on_commit_callbacks(execute=True):
        application = apply(household)
    application.refresh_from_db()
    assert application.channel == LoanApplication.Channel.ONLINE
    assert application.status == Status.UNDER_REVIEW
    assert application.lender_reference == f"SBX-{application.number}"
    sent = lenders.SandboxLender.submitted[0]
    assert sent["history"]["sales_12_months"] == 6_000_000
    # The sandbox allows 10 M + 2 x 6 M of sales = 22 M: 20 M is approved.
    with django_capture_on_commit_callbacks(execute=True):
        services.loan_sync(application_id=application.pk)
    application.refresh_from_db()
    assert (application.status, application.approved_amount) == (Status.APPROVED, 20_000_000)
    assert any("da duoc duyet" in m.body for m in _sms_outbox)

    lenders.SandboxLender.advance(application.lender_reference, "repaid")
    services.loan_sync(application_id=application.pk)
    application.refresh_from_db()
    assert application.status == Status.REPAID
    steps = [(e.from_status, e.to_status) for e in application.events.all()]
    assert steps == [
        ("", Status.SUBMITTED),
        (Status.SUBMITTED, Status.UNDER_REVIEW),
        (Status.UNDER_REVIEW, Status.APPROVED),
        (Status.APPROVED, Status.DISBURSED),
        (Status.DISBURSED, Status.REPAID),
    ]
    # Syncing again changes nothing.
    services.loan_sync(application_id=application.pk)
    assert application.events.count() == 5


def test_too_much_for_the_history_is_refused(household, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        application = apply(household, amount=30_000_000)
    services.loan_sync(application_id=application.pk)
    application.refresh_from_db()
    assert application.status == Status.REFUSED
    assert "vượt hạn mức" in application.decision_note
    # A refused application is closed: the household may apply again.
    assert apply(household, amount=15_000_000).status == Status.SUBMITTED


def test_the_transition_table_refuses_skips():
    assert Status.DISBURSED not in services.ALLOWED[Status.UNDER_REVIEW]
    assert services.ALLOWED[Status.REPAID] == frozenset()
    assert services.ALLOWED[Status.REFUSED] == frozenset()


def test_an_unreachable_lender_leaves_it_submitted_for_later(
    household, django_capture_on_commit_callbacks, monkeypatch
):
    def down(self, **kwargs):
        raise lenders.LenderError("timeout")

    monkeypatch.setattr(lenders.SandboxLender, "submit", down)
    with django_capture_on_commit_callbacks(execute=True):
        application = apply(household)
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    monkeypatch.undo()
    assert services.loans_sync_open() == 1
    application.refresh_from_db()
    assert application.status == Status.UNDER_REVIEW


def test_rules_for_applying(household):
    cases = {
        "amount": {"amount": 1_000_000},
        "term_months": {"term_months": 0},
        "purpose": {"purpose": "vay"},
        "consent": {"consent": False},
    }
    for field, fields in cases.items():
        with pytest.raises(ApplicationError) as refused:
            apply(household, **fields)
        assert refused.value.field == field
    apply(household)
    with pytest.raises(ApplicationError) as refused:
        apply(household)
    assert refused.value.code == "duplicate"
    for role in (Role.BUYER, Role.FIELD_AGENT, Role.HOUSEHOLD):
        with pytest.raises(ApplicationError) as refused:
            apply(household, actor=account_factories.user(role))
        assert refused.value.code == "forbidden"


def clerk_at(place):
    post_office = account_factories.post_office(at=place, code="BC-DL-09")
    clerk = account_factories.user(Role.FIELD_AGENT, communes=[place])
    payments_services.post_office_staff_assign(
        actor=account_factories.user(Role.MINISTRY_OFFICIAL), user=clerk, post_office=post_office
    )
    return clerk, post_office


def test_a_clerk_applies_at_the_post_office(household, place, client):
    clerk, post_office = clerk_at(place)
    client.force_login(clerk)
    response = client.post(
        reverse("lending:home"),
        {
            "cccd": household.head_cccd,
            "amount": "20.000.000",
            "term_months": "12",
            "purpose": "Mua phân bón cho vườn cà phê",
            "consent": "on",
        },
    )
    application = LoanApplication.objects.get()
    assert response.url == reverse("lending:detail", args=[application.pk])
    assert application.channel == LoanApplication.Channel.POST_OFFICE
    assert application.post_office == post_office and application.submitted_by == clerk
    wrong = client.post(
        reverse("lending:home"),
        {
            "cccd": "001080000001",
            "amount": "20.000.000",
            "term_months": "12",
            "purpose": "Mua phân bón cho vườn cà phê",
            "consent": "on",
        },
    )
    assert "Không tìm thấy hộ" in wrong.content.decode()


def test_who_sees_which_application(household, place, client):
    application = apply(household)
    clerk, _office = clerk_at(place)
    other_household = household_factories.household(head_phone="0978444555")
    allowed = {
        household.user: 200,
        clerk: 200,
        account_factories.user(Role.MINISTRY_OFFICIAL): 200,
        account_factories.user(Role.PROVINCE_OFFICIAL, province=place.province): 200,
        account_factories.user(Role.PROVINCE_OFFICIAL): 404,  # Lạng Sơn
        other_household.user: 404,
        account_factories.user(Role.BUYER): 404,
    }
    url = reverse("lending:detail", args=[application.pk])
    for user, status in allowed.items():
        client.force_login(user)
        assert client.get(url).status_code == status, user.role
    client.force_login(account_factories.user(Role.BUYER))
    assert client.get(reverse("lending:home")).status_code == 403
    client.logout()
    assert client.get(reverse("lending:home")).status_code == 302


def test_the_household_page_shows_its_history_and_applications(
    household, client, django_assert_max_num_queries
):
    apply(household)
    client.force_login(household.user)
    with django_assert_max_num_queries(14):
        page = client.get(reverse("lending:home")).content.decode()
    assert "6.000.000 ₫" in page and "20.000.000 ₫" in page
