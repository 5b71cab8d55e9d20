import datetime as dt
import json
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from nongsan.accounts import services as accounts_services
from nongsan.accounts.models import Role
from nongsan.accounts.tests import factories as account_factories
from nongsan.catalog.tests import factories as catalog_factories
from nongsan.geo.models import Province
from nongsan.orders.models import SubOrder
from nongsan.shipping import services
from nongsan.shipping.models import Claim, PriorityCard, Shipment
from nongsan.shipping.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _key(user):
    return {"X-API-Key": accounts_services.api_key_create(user=user, name="t")[1]}


def test_seller_books_a_parcel_and_prints_the_label(client):
    sub = factories.confirmed_sub_order()
    carrier = factories.carrier()
    client.force_login(sub.shop.household.user)
    detail = client.get(reverse("orders:seller_detail", args=[sub.number])).content.decode()
    assert reverse("shipping:book", args=[sub.number]) in detail
    bad = client.post(
        reverse("shipping:book", args=[sub.number]),
        {"carrier": carrier.pk, "weight_kg": "0", "length_cm": 40, "width_cm": 30, "height_cm": 20},
    )
    assert bad.status_code == 200 and not Shipment.objects.exists()
    done = client.post(
        reverse("shipping:book", args=[sub.number]),
        {
            "carrier": carrier.pk,
            "weight_kg": "5,2",
            "length_cm": 40,
            "width_cm": 30,
            "height_cm": 20,
        },
    )
    shipment = Shipment.objects.get()
    assert done.url == reverse("shipping:label", args=[shipment.tracking_number])
    label = client.get(done.url).content.decode()
    assert shipment.tracking_number in label and "<svg" in label and "HÀNG TƯƠI" in label


def test_carrier_staff_see_the_days_runs_and_scan_events(client):
    shipment = factories.shipment()
    staff = factories.staff(shipment.carrier)
    client.force_login(staff)
    home = client.get(reverse("shipping:carrier_home")).content.decode()
    assert shipment.origin_commune.name in home and "Cần xe lạnh" in home
    scanned = client.post(
        reverse("shipping:carrier_home"), {"tracking_number": shipment.tracking_number.lower()}
    )
    assert scanned.url == reverse("shipping:detail", args=[shipment.tracking_number])
    client.post(
        reverse("shipping:event", args=[shipment.tracking_number]),
        {"kind": "picked_up", "place": "Chi Lăng"},
    )
    shipment.refresh_from_db()
    assert shipment.status == "picked_up"
    other = factories.staff(factories.carrier("viettelpost", "Viettel Post"))
    client.force_login(other)
    assert client.get(scanned.url).status_code == 404
    assert client.get(reverse("shipping:carrier_home")).status_code == 200
    client.force_login(account_factories.user(Role.BUYER))
    assert client.get(reverse("shipping:carrier_home")).status_code == 403


def test_buyer_opens_a_claim_with_a_photo_and_the_operator_decides(client):
    shipment = factories.shipment()
    now = timezone.now()
    for kind in ("picked_up", "delivered"):
        services.event_record(shipment=shipment, kind=kind, at=now, source="webhook", now=now)
    buyer = shipment.sub_order.order.buyer
    client.force_login(buyer)
    photo = catalog_factories.photo("dap.jpg")
    opened = client.post(
        reverse("shipping:claim_open", args=[shipment.tracking_number]),
        {"kind": "damaged", "description": "Vải dập hết", "photo": photo},
    )
    claim = Claim.objects.get()
    assert opened.url == reverse("shipping:claim", args=[claim.pk])
    page = client.get(opened.url).content.decode()
    assert "Vải dập hết" in page and "<img" in page and "Ghi quyết định" not in page
    operator = account_factories.user(
        Role.MARKETPLACE_OPERATOR, marketplace=shipment.sub_order.marketplace
    )
    client.force_login(operator)
    client.post(reverse("shipping:claim", args=[claim.pk]), {"accept": "1", "responsible": ""})
    claim.refresh_from_db()
    assert claim.status == Claim.Status.DECIDED and claim.responsible == "carrier"
    client.force_login(account_factories.user(Role.BUYER))
    assert client.get(reverse("shipping:claim", args=[claim.pk])).status_code == 404


def test_cards_from_request_to_public_check(client):
    carrier = factories.carrier()
    staff = factories.staff(carrier)
    lang_son = Province.objects.get(short_name="Lạng Sơn")
    today = timezone.localdate()
    client.force_login(staff)
    client.post(
        reverse("shipping:cards"),
        {
            "plate": "12C12345",
            "driver_name": "Hoàng Văn Nam",
            "driver_phone": "0912345678",
            "route": "Chi Lăng - Hà Nội",
            "province": lang_son.pk,
            "authority": "Sở GTVT Lạng Sơn",
            "valid_from": today.isoformat(),
            "valid_to": (today + dt.timedelta(days=14)).isoformat(),
        },
    )
    card = PriorityCard.objects.get()
    check = reverse("shipping:card_check", args=[card.code])
    client.logout()
    assert "KHÔNG CÓ HIỆU LỰC" in client.get(check).content.decode()
    official = account_factories.user(Role.PROVINCE_OFFICIAL, province=lang_son)
    client.force_login(official)
    client.post(reverse("shipping:card_decide", args=[card.code]), {"approve": "1"})
    client.logout()
    assert "CÒN HIỆU LỰC" in client.get(check).content.decode()
    assert client.get(f"/api/shipping/cards/{card.code}/check").json()["valid_today"] is True


def test_official_records_a_distancing_area(client):
    hanoi = Province.objects.get(short_name="Hà Nội")
    client.force_login(account_factories.user(Role.PROVINCE_OFFICIAL, province=hanoi))
    today = timezone.localdate()
    client.post(
        reverse("shipping:distancing"),
        {
            "province": hanoi.pk,
            "starts_on": today.isoformat(),
            "ends_on": (today + dt.timedelta(days=7)).isoformat(),
            "decision": "Chỉ thị 17",
        },
    )
    assert services.is_under_distancing(
        commune=factories.order_factories.hanoi_commune(), day=today
    )
    client.force_login(account_factories.user(Role.BUYER))
    assert client.get(reverse("shipping:distancing")).status_code == 403


class TestApi:
    def test_seller_books_and_staff_record_events(self, client):
        sub = factories.confirmed_sub_order()
        carrier = factories.carrier()
        booked = client.post(
            "/api/shipping/shipments",
            {
                "sub_order": sub.number,
                "carrier": carrier.code,
                "weight_kg": "5.2",
                "length_cm": 40,
                "width_cm": 30,
                "height_cm": 20,
            },
            content_type="application/json",
            headers=_key(sub.shop.household.user),
        )
        assert booked.status_code == 201, booked.content
        number = booked.json()["tracking_number"]
        staff = _key(factories.staff(carrier))
        listed = client.get("/api/shipping/shipments", headers=staff).json()
        assert [s["tracking_number"] for s in listed["items"]] == [number]
        event = client.post(
            f"/api/shipping/shipments/{number}/events",
            {"kind": "picked_up", "place": "Chi Lăng"},
            content_type="application/json",
            headers=staff,
        )
        assert event.status_code == 201 and event.json()["status"] == "picked_up"
        other = _key(factories.staff(factories.carrier("viettelpost", "Viettel Post")))
        refused = client.post(
            f"/api/shipping/shipments/{number}/events",
            {"kind": "in_transit"},
            content_type="application/json",
            headers=other,
        )
        assert refused.status_code == 404
        assert SubOrder.objects.get(pk=sub.pk).status == SubOrder.Status.HANDED_TO_CARRIER

    def test_carrier_webhook_out_of_order_and_twice(self, client):
        shipment = factories.shipment()
        base = timezone.now() - dt.timedelta(hours=5)
        events = [
            {"id": "a2", "tracking_number": shipment.tracking_number, "status": "in_transit",
             "at": (base + dt.timedelta(hours=3)).isoformat()},
            {"id": "a1", "tracking_number": shipment.tracking_number, "status": "picked_up",
             "at": base.isoformat(), "place": "Bưu cục Chi Lăng"},
        ]  # fmt: skip
        body = json.dumps({"events": events}).encode()
        url = f"/api/shipping/webhooks/{shipment.carrier.code}"
        signature = {"X-Carrier-Signature": services.carrier_signature(shipment.carrier, body)}
        first = client.post(url, body, content_type="application/json", headers=signature)
        again = client.post(url, body, content_type="application/json", headers=signature)
        assert first.json() == {"recorded": 2} and again.status_code == 200
        shipment.refresh_from_db()
        assert shipment.status == "in_transit" and shipment.picked_up_at == base
        assert shipment.events.count() == 3
        forged = client.post(url, body, content_type="application/json")
        assert forged.status_code == 401

    def test_claims_over_the_api(self, client):
        shipment = factories.shipment()
        now = timezone.now()
        for kind in ("picked_up", "delivered"):
            services.event_record(shipment=shipment, kind=kind, at=now, source="webhook", now=now)
        buyer = _key(shipment.sub_order.order.buyer)
        opened = client.post(
            f"/api/shipping/shipments/{shipment.tracking_number}/claims",
            {"kind": "missing", "description": "Thiếu 1 kg"},
            content_type="application/json",
            headers=buyer,
        )
        assert opened.status_code == 201 and opened.json()["responsible_by_rule"] == "seller"
        claim_id = opened.json()["id"]
        refused = client.post(
            f"/api/shipping/claims/{claim_id}/decision",
            {"accept": True},
            content_type="application/json",
            headers=buyer,
        )
        assert refused.status_code == 403
        operator = _key(
            account_factories.user(
                Role.MARKETPLACE_OPERATOR, marketplace=shipment.sub_order.marketplace
            )
        )
        decided = client.post(
            f"/api/shipping/claims/{claim_id}/decision",
            {"accept": True},
            content_type="application/json",
            headers=operator,
        )
        assert decided.json()["refund_amount"] == shipment.sub_order.goods_total
        assert Decimal(decided.json()["multiple"]) == 1
