"""The lending API: a household applies and follows its application; scope for others."""

from decimal import Decimal

import pytest

from nongsan.accounts import services as accounts_services
from nongsan.accounts.models import Role
from nongsan.accounts.tests import factories as account_factories
from nongsan.households.tests import factories as household_factories
from nongsan.lending import lenders, services
from nongsan.payments import services as payments_services

pytestmark = pytest.mark.django_db


def key_for(user):
    return {"X-API-Key": accounts_services.api_key_create(user=user, name="thử")[1]}


def test_apply_follow_and_scope(client, django_capture_on_commit_callbacks):
    lenders.SandboxLender.book.clear()
    farm = household_factories.household(head_phone="0978666777")
    payments_services.sale_credit(
        household_id=farm.pk,
        marketplace=account_factories.marketplace(),
        reference="S-1",
        gross=5_000_000,
        commission_percent=Decimal(5),
    )
    headers = key_for(farm.user)
    payload = {
        "amount": 20_000_000,
        "term_months": 12,
        "purpose": "Mua giống ngô lai vụ đông",
        "consent": True,
    }
    with django_capture_on_commit_callbacks(execute=True):
        made = client.post(
            "/api/lending/applications",
            data=payload,
            content_type="application/json",
            headers=headers,
        )
    assert made.status_code == 201, made.json()
    body = made.json()
    assert body["status"] == "submitted" and body["shared_history"]["sales_12_months"] == 5_000_000
    services.loan_sync(application_id=body["id"])
    detail = client.get(f"/api/lending/applications/{body['id']}", headers=headers).json()
    assert detail["status"] == "approved"
    assert [e["to_status"] for e in detail["events"]] == ["submitted", "under_review", "approved"]

    no_consent = client.post(
        "/api/lending/applications",
        data=dict(payload, consent=False),
        content_type="application/json",
        headers=headers,
    )
    assert no_consent.status_code == 400
    buyer = key_for(account_factories.user(Role.BUYER))
    assert client.get(f"/api/lending/applications/{body['id']}", headers=buyer).status_code == 404
    assert client.get("/api/lending/applications", headers=buyer).json()["items"] == []
    refused = client.post(
        "/api/lending/applications",
        data=payload,
        content_type="application/json",
        headers=buyer,
    )
    assert refused.status_code == 403
    lenders.SandboxLender.book.clear()
