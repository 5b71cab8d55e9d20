"""The back office's API: a carrier's system sends its COD remittance signed with its key;
money staff list incoming money within their scope."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from nongsan.accounts.models import Role
from nongsan.accounts.tests import factories as account_factories
from nongsan.finance.tests import money
from nongsan.finance.tests.test_cod import _delivered
from nongsan.payments.models import CodRemittance, Credit
from nongsan.shipping import services as shipping_services
from nongsan.shipping.tests import factories as shipping_factories

pytestmark = pytest.mark.django_db
URL = "/api/finance/cod-remittances/{}"


def _post(client, carrier, payload, *, signature=None):
    body = json.dumps(payload).encode()
    return client.post(
        URL.format(carrier.code),
        data=body,
        content_type="application/json",
        headers={
            "X-Carrier-Signature": signature or shipping_services.carrier_signature(carrier, body)
        },
    )


def test_a_carriers_signed_remittance_settles_its_parcels_once(client):
    carrier = shipping_factories.carrier()
    shipment = _delivered(carrier)
    payload = {
        "reference": "VNP-COD-0001",
        "collected_until": (timezone.now() + dt.timedelta(minutes=1)).isoformat(),
        "lines": [
            {"tracking_number": shipment.tracking_number, "amount": shipment.cod_amount},
            {"tracking_number": "EA000000000VN", "amount": 5_000},
        ],
    }
    first = _post(client, carrier, payload)
    assert first.status_code == 200, first.content
    assert first.json() | {"id": 0} == {
        "id": 0,
        "reference": "VNP-COD-0001",
        "total": shipment.cod_amount + 5_000,
        "new": True,
        "lines": 2,
        "exceptions": 1,
    }
    again = _post(client, carrier, payload)
    assert again.json()["new"] is False
    assert Credit.objects.count() == 2
    assert CodRemittance.objects.get().recorded_by is None


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"reference": "R", "lines": []}, "collected_until"),
        (
            {"reference": "R", "collected_until": "2026-12-01T10:00", "lines": []},
            "múi giờ",
        ),
        (
            {
                "reference": "R",
                "collected_until": "2026-12-01T10:00+07:00",
                "lines": [{"tracking_number": "EA000000000VN", "amount": "5000"}],
            },
            "Dòng 1",
        ),
    ],
)
def test_a_malformed_remittance_is_refused_with_its_reason(client, payload, message):
    carrier = shipping_factories.carrier()
    refused = _post(client, carrier, payload)
    assert refused.status_code == 400 and message in refused.json()["message"]
    assert not CodRemittance.objects.exists()


def test_a_remittance_signed_with_another_key_is_refused(client):
    carrier = shipping_factories.carrier()
    other = shipping_factories.carrier("viettelpost", "Viettel Post")
    payload = {"reference": "R", "collected_until": timezone.now().isoformat(), "lines": []}
    body = json.dumps(payload).encode()
    forged = _post(
        client, carrier, payload, signature=shipping_services.carrier_signature(other, body)
    )
    assert forged.status_code == 401
    assert not CodRemittance.objects.exists()


def test_money_staff_list_credits_within_their_marketplace(client):
    postmart = account_factories.marketplace()
    order = money.order(marketplace=postmart)
    money.bank(order, order.total + 1_000, "evt-1")
    client.force_login(money.finance())
    [credit] = client.get("/api/finance/credits?status=open").json()["items"]
    assert (credit["problem"], credit["open_amount"]) == ("overpaid", order.total + 1_000)
    voso = account_factories.marketplace("voso", "Vỏ Sò")
    client.force_login(account_factories.user(Role.MARKETPLACE_OPERATOR, marketplace=voso))
    assert client.get("/api/finance/credits").json()["items"] == []
    client.force_login(account_factories.user(Role.BUYER))
    assert client.get("/api/finance/credits").status_code == 403


def test_a_busy_database_answers_503_in_json_with_when_to_try_again(client, monkeypatch):
    from django.db import OperationalError

    from nongsan.payments import selectors as payments_selectors

    def locked(**_kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(payments_selectors, "credits_for", locked)
    client.force_login(money.finance())
    busy = client.get("/api/finance/credits")
    assert busy.status_code == 503 and busy["Retry-After"] == "5"
    assert busy.json()["code"] == "unavailable"
