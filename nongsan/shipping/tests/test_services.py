import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from nongsan.accounts.models import Notification, Role
from nongsan.accounts.tests import factories as account_factories
from nongsan.catalog.tests import factories as catalog_factories
from nongsan.core.errors import ApplicationError
from nongsan.geo.models import Country, Province
from nongsan.orders import selectors as orders_selectors
from nongsan.orders.models import SubOrder
from nongsan.payments.models import LedgerEntry, Refund
from nongsan.shipping import codes, services
from nongsan.shipping.models import (
    Claim,
    CompensationPolicy,
    PriorityCard,
    RateCard,
    Shipment,
    TrackingEvent,
    Zone,
)
from nongsan.shipping.tests import factories

pytestmark = pytest.mark.django_db
Status = Shipment.Status
# Pickup an hour after the test starts (after the parcel is booked); calls pass `now` explicitly.
T0 = timezone.now().replace(microsecond=0) + dt.timedelta(hours=1)


def photo():
    catalog_photo = catalog_factories.photo("vai-hong.jpg", (120, 60, 40))
    return SimpleUploadedFile("vai-hong.jpg", catalog_photo.read(), content_type="image/jpeg")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


class TestCodes:
    def test_s10_check_digit_matches_the_upu_example(self):
        assert codes.s10_check_digit("47312482") == 9
        assert codes.s10_valid("RA473124829GB")
        assert not codes.s10_valid("RA473124828GB")
        number = codes.s10_number()
        assert codes.s10_valid(number) and number.endswith("VN")

    @pytest.mark.parametrize(
        ("typed", "plate"),
        [("29c 12345", "29C-123.45"), ("51LD1234", "51LD-1234"), ("29C1-123.45", "29C1-123.45")],
    )
    def test_plates_are_normalised(self, typed, plate):
        assert codes.parse_plate(typed) == plate

    @pytest.mark.parametrize("typed", ["ABC-1234", "05C-12345", "29C-12", ""])
    def test_bad_plates_are_explained(self, typed):
        with pytest.raises(ApplicationError, match="không đúng dạng"):
            codes.parse_plate(typed)


class TestFees:
    def test_zone_by_province_region_and_continent(self):
        lang_son = Province.objects.get(short_name="Lạng Sơn")
        vn = Country.objects.get(code="VN")
        assert (
            services.zone_of(origin=lang_son, destination=lang_son, country=vn)
            == Zone.SAME_PROVINCE
        )
        hanoi = Province.objects.get(short_name="Hà Nội")
        assert services.zone_of(origin=lang_son, destination=hanoi, country=vn) == Zone.SAME_REGION
        ca_mau = Province.objects.get(short_name="Cà Mau")
        assert (
            services.zone_of(origin=lang_son, destination=ca_mau, country=vn) == Zone.OTHER_REGION
        )
        germany = Country.objects.get(code="DE")
        assert services.zone_of(origin=lang_son, destination=None, country=germany) == (
            Zone.EUROPE_OCEANIA
        )

    @pytest.mark.parametrize(
        ("weight", "perishable", "fee"),
        [("1.5", False, 25_000), ("2", False, 25_000), ("2.1", False, 28_000),
         ("5.2", False, 46_000), ("5.2", True, 61_000)],
    )  # fmt: skip
    def test_fee_by_weight_steps_and_surcharge(self, weight, perishable, fee):
        card = RateCard(
            zone=Zone.SAME_REGION,
            base_kg=Decimal(2),
            base_fee=25_000,
            step_kg=Decimal("0.5"),
            step_fee=3_000,
            perishable_surcharge=15_000,
            transit_hours=24,
        )
        assert services.fee_for(card=card, weight_kg=Decimal(weight), perishable=perishable) == fee


class TestShipment:
    def test_booking_packs_the_order_and_prices_the_parcel(self):
        sub = factories.confirmed_sub_order()
        shipment = factories.shipment(sub)
        sub.refresh_from_db()
        assert sub.status == SubOrder.Status.PACKED and sub.carrier == shipment.carrier
        assert codes.s10_valid(shipment.tracking_number)
        assert shipment.zone == Zone.SAME_REGION  # Lạng Sơn to Hà Nội
        assert shipment.fee == 25_000 + 7 * 3_000 + 15_000  # 5.2 kg, perishable
        assert shipment.cod_amount == sub.total and shipment.freshness_hours == 48
        assert shipment.destination_province.short_name == "Hà Nội"

    def test_a_large_light_box_is_billed_by_volume(self):
        shipment = factories.shipment(weight_kg=Decimal(1), length_cm=60, width_cm=50, height_cm=40)
        assert shipment.weight_kg == Decimal(20)

    def test_only_the_seller_books_and_only_once(self):
        sub = factories.confirmed_sub_order()
        with pytest.raises(ApplicationError) as stranger:
            services.shipment_create(
                actor=account_factories.user(Role.HOUSEHOLD),
                sub_order=sub,
                carrier=factories.carrier(),
                weight_kg=Decimal(5),
                length_cm=30,
                width_cm=20,
                height_cm=20,
            )
        assert stranger.value.code == "forbidden"
        factories.shipment(sub)
        with pytest.raises(ApplicationError, match="đã có vận đơn"):
            factories.shipment(sub)


class TestTracking:
    def test_pickup_hands_over_and_starts_the_clock(self):
        shipment = factories.shipment()
        staff = factories.staff(shipment.carrier)
        services.event_record(
            shipment=shipment, kind=Status.PICKED_UP, at=T0, source="staff", actor=staff, now=T0
        )
        shipment.refresh_from_db()
        assert shipment.status == Status.PICKED_UP
        assert shipment.fresh_until == T0 + dt.timedelta(hours=48)
        sub = shipment.sub_order
        sub.refresh_from_db()
        assert sub.status == SubOrder.Status.HANDED_TO_CARRIER
        # The carrier's staff can now open the order; another carrier's cannot.
        assert orders_selectors.sub_order_get_for(actor=staff, number=sub.number)

    def test_staff_of_another_carrier_are_refused(self):
        shipment = factories.shipment()
        other = factories.staff(factories.carrier("viettelpost", "Viettel Post"))
        with pytest.raises(ApplicationError) as error:
            services.event_record(
                shipment=shipment, kind=Status.PICKED_UP, at=T0, source="staff", actor=other, now=T0
            )
        assert error.value.code == "forbidden"

    def test_late_and_repeated_events_join_the_timeline_without_moving_back(self):
        shipment = factories.shipment()
        record = dict(shipment=shipment, source="webhook", now=T0 + dt.timedelta(hours=10))
        services.event_record(kind=Status.PICKED_UP, at=T0, external_id="e1", **record)
        services.event_record(
            kind=Status.IN_TRANSIT, at=T0 + dt.timedelta(hours=5), external_id="e3", **record
        )
        services.event_record(
            kind=Status.AT_HUB, at=T0 + dt.timedelta(hours=3), external_id="e2", **record
        )
        services.event_record(
            kind=Status.AT_HUB, at=T0 + dt.timedelta(hours=3), external_id="e2", **record
        )
        shipment.refresh_from_db()
        assert shipment.status == Status.IN_TRANSIT
        kinds = list(shipment.events.values_list("kind", flat=True))
        assert kinds == ["created", "picked_up", "at_hub", "in_transit"]

    def test_delivery_is_final_and_closes_the_order(self):
        shipment = factories.shipment()
        staff = factories.staff(shipment.carrier)
        for hours, kind in (
            (0, Status.PICKED_UP),
            (20, Status.OUT_FOR_DELIVERY),
            (22, Status.DELIVERED),
        ):
            services.event_record(
                shipment=shipment,
                kind=kind,
                at=T0 + dt.timedelta(hours=hours),
                source="staff",
                actor=staff,
                now=T0 + dt.timedelta(hours=23),
            )
        sub = SubOrder.objects.get(pk=shipment.sub_order_id)
        assert sub.status == SubOrder.Status.DELIVERED
        with pytest.raises(ApplicationError, match="bước cuối"):
            services.event_record(
                shipment=shipment,
                kind=Status.IN_TRANSIT,
                at=T0 + dt.timedelta(hours=23),
                source="staff",
                actor=staff,
                now=T0 + dt.timedelta(hours=23),
            )
        assert not Claim.objects.exists()  # delivered within 48 hours


class TestWebhook:
    def _body(self, shipment, **event):
        item = {
            "id": "vtp-1",
            "tracking_number": shipment.tracking_number,
            "status": "picked_up",
            "at": (timezone.now() - dt.timedelta(hours=1)).isoformat(),
            "place": "Bưu cục Chi Lăng",
        }
        item.update(event)
        return json.dumps({"events": [item]}).encode()

    def test_signed_events_are_applied_once(self):
        shipment = factories.shipment()
        body = self._body(shipment)
        signature = services.carrier_signature(shipment.carrier, body)
        services.webhook_receive(carrier=shipment.carrier, body=body, signature=signature)
        services.webhook_receive(carrier=shipment.carrier, body=body, signature=signature)
        assert TrackingEvent.objects.filter(shipment=shipment, kind="picked_up").count() == 1

    def test_bad_signature_and_another_carriers_parcel_are_refused(self):
        shipment = factories.shipment()
        body = self._body(shipment)
        with pytest.raises(ApplicationError) as bad:
            services.webhook_receive(carrier=shipment.carrier, body=body, signature="00")
        assert bad.value.code == "bad_signature"
        other = factories.carrier("viettelpost", "Viettel Post")
        with pytest.raises(ApplicationError, match="không có vận đơn"):
            services.webhook_receive(
                carrier=other, body=body, signature=services.carrier_signature(other, body)
            )


class TestFreshness:
    def _picked(self):
        shipment = factories.shipment()
        services.event_record(
            shipment=shipment, kind=Status.PICKED_UP, at=T0, source="webhook", now=T0
        )
        shipment.refresh_from_db()
        return shipment

    def test_alert_at_three_quarters_of_the_window(self):
        shipment = self._picked()
        assert services.freshness_check(now=T0 + dt.timedelta(hours=35)) == {
            "alerted": 0,
            "breached": 0,
        }
        result = services.freshness_check(now=T0 + dt.timedelta(hours=36))
        assert result == {"alerted": 1, "breached": 0}
        seller = shipment.sub_order.shop.household.user
        assert (
            Notification.objects.filter(user=seller, message__contains="sắp quá hạn").count() == 1
        )
        assert services.freshness_check(now=T0 + dt.timedelta(hours=37))["alerted"] == 0
        assert services.remaining(shipment=shipment, now=T0 + dt.timedelta(hours=40)) == (
            dt.timedelta(hours=8)
        )

    def test_out_for_delivery_is_not_at_risk(self):
        shipment = self._picked()
        services.event_record(
            shipment=shipment,
            kind=Status.OUT_FOR_DELIVERY,
            at=T0 + dt.timedelta(hours=30),
            source="webhook",
            now=T0 + dt.timedelta(hours=30),
        )
        assert services.freshness_check(now=T0 + dt.timedelta(hours=40))["alerted"] == 0

    def test_breach_opens_a_spoilage_claim_on_the_carrier(self):
        shipment = self._picked()
        result = services.freshness_check(now=T0 + dt.timedelta(hours=49))
        assert result["breached"] == 1
        claim = Claim.objects.get()
        assert claim.automatic and claim.kind == Claim.Kind.SPOILED
        assert claim.responsible_by_rule == Claim.Party.CARRIER
        assert services.freshness_check(now=T0 + dt.timedelta(hours=50))["breached"] == 0
        shipment.refresh_from_db()
        assert shipment.breached_at == T0 + dt.timedelta(hours=48)


class TestClaims:
    def _delivered(self, *, picked_up_after=dt.timedelta(hours=1), hours=20):
        sub = factories.confirmed_sub_order()
        placed = sub.placed_at
        shipment = factories.shipment(sub)
        pickup = placed + picked_up_after
        for offset, kind in ((0, Status.PICKED_UP), (hours, Status.DELIVERED)):
            services.event_record(
                shipment=shipment,
                kind=kind,
                at=pickup + dt.timedelta(hours=offset),
                source="webhook",
                now=pickup + dt.timedelta(hours=offset),
            )
        shipment.refresh_from_db()
        return shipment

    def test_buyer_claims_with_a_photo_within_the_days_allowed(self):
        shipment = self._delivered()
        buyer = shipment.sub_order.order.buyer
        with pytest.raises(ApplicationError, match="chụp ảnh"):
            services.claim_open(
                actor=buyer, shipment=shipment, kind="damaged", now=shipment.delivered_at
            )
        with pytest.raises(ApplicationError) as stranger:
            services.claim_open(
                actor=account_factories.user(Role.BUYER), shipment=shipment, kind="missing"
            )
        assert stranger.value.code == "forbidden"
        late = shipment.delivered_at + dt.timedelta(days=4)
        with pytest.raises(ApplicationError, match="quá 3 ngày"):
            services.claim_open(
                actor=buyer, shipment=shipment, kind="damaged", photos=[photo()], now=late
            )
        claim = services.claim_open(
            actor=buyer,
            shipment=shipment,
            kind="damaged",
            description="Vải bị dập nát",
            photos=[photo()],
            now=shipment.delivered_at + dt.timedelta(hours=2),
        )
        assert claim.photos.count() == 1 and claim.responsible_by_rule == Claim.Party.CARRIER

    @pytest.mark.parametrize(
        ("picked_after", "hours", "party"),
        [(1, 20, "seller"), (1, 60, "carrier"), (50, 20, "seller")],
    )
    def test_spoilage_responsibility_rule(self, picked_after, hours, party):
        shipment = self._delivered(picked_up_after=dt.timedelta(hours=picked_after), hours=hours)
        claim = services.claim_open(
            actor=shipment.sub_order.order.buyer,
            shipment=shipment,
            kind="spoiled",
            photos=[photo()],
            now=shipment.delivered_at + dt.timedelta(hours=1),
        )
        assert claim.responsible_by_rule == party

    def test_decision_refunds_the_multiple_and_recovers_from_the_party_at_fault(self):
        shipment = self._delivered(hours=60)  # breached in transit: an automatic claim
        sub = shipment.sub_order
        CompensationPolicy.objects.create(
            marketplace=sub.marketplace, carrier=shipment.carrier, multiple=Decimal(10)
        )
        claim = Claim.objects.get()
        operator = account_factories.user(Role.MARKETPLACE_OPERATOR, marketplace=sub.marketplace)
        decided = services.claim_decide(actor=operator, claim=claim, accept=True)
        assert decided.responsible == Claim.Party.CARRIER
        assert decided.refund_amount == 10 * sub.goods_total == decided.recovery_amount
        assert Refund.objects.get(reference=f"claim-{claim.pk}").amount == decided.refund_amount
        with pytest.raises(ApplicationError, match="đã có quyết định"):
            services.claim_decide(actor=operator, claim=claim, accept=True)

    def test_seller_at_fault_repays_the_goods_from_its_balance(self):
        shipment = self._delivered()
        claim = services.claim_open(
            actor=shipment.sub_order.order.buyer,
            shipment=shipment,
            kind="missing",
            now=shipment.delivered_at + dt.timedelta(hours=1),
        )
        sub = shipment.sub_order
        operator = account_factories.user(Role.MARKETPLACE_OPERATOR, marketplace=sub.marketplace)
        other = account_factories.user(
            Role.MARKETPLACE_OPERATOR, marketplace=account_factories.marketplace("voso", "Vỏ Sò")
        )
        with pytest.raises(ApplicationError):
            services.claim_decide(actor=other, claim=claim, accept=True)
        services.claim_decide(actor=operator, claim=claim, accept=True)
        entry = LedgerEntry.objects.get(kind="claim")
        assert entry.amount == -sub.goods_total and entry.household == sub.shop.household

    def test_rejection_needs_a_reason(self):
        shipment = self._delivered()
        claim = services.claim_open(
            actor=shipment.sub_order.order.buyer,
            shipment=shipment,
            kind="wrong_item",
            now=shipment.delivered_at,
        )
        operator = account_factories.user(
            Role.MARKETPLACE_OPERATOR, marketplace=shipment.sub_order.marketplace
        )
        with pytest.raises(ApplicationError, match="lý do"):
            services.claim_decide(actor=operator, claim=claim, accept=False)
        rejected = services.claim_decide(
            actor=operator, claim=claim, accept=False, note="Ảnh cho thấy đúng hàng"
        )
        assert rejected.status == Claim.Status.REJECTED and not Refund.objects.exists()


class TestDistancingAndCards:
    def test_orders_into_a_distancing_area_are_essential(self):
        hanoi = Province.objects.get(short_name="Hà Nội")
        official = account_factories.user(Role.PROVINCE_OFFICIAL, province=hanoi)
        today = timezone.localdate()
        services.distancing_create(
            actor=official,
            province=hanoi,
            starts_on=today,
            ends_on=today + dt.timedelta(days=14),
            decision="Chỉ thị 17/CT-UBND",
        )
        assert factories.shipment().is_essential
        lang_son_official = account_factories.user(Role.PROVINCE_OFFICIAL)
        with pytest.raises(ApplicationError):
            services.distancing_create(
                actor=lang_son_official,
                province=hanoi,
                starts_on=today,
                ends_on=today,
                decision="x",
            )

    def test_a_card_is_valid_only_approved_and_in_its_dates(self):
        carrier = factories.carrier()
        staff = factories.staff(carrier)
        lang_son = Province.objects.get(short_name="Lạng Sơn")
        today = timezone.localdate()
        card = services.card_request(
            actor=staff,
            plate="12c 34567",
            driver_name="Hoàng Văn Nam",
            driver_phone="0912345678",
            route="Chi Lăng - Hà Nội (QL1A)",
            valid_from=today,
            valid_to=today + dt.timedelta(days=30),
            province=lang_son,
            authority="Sở Giao thông vận tải Lạng Sơn",
        )
        assert card.plate == "12C-345.67" and not services.card_is_valid(card)
        hanoi_official = account_factories.user(
            Role.PROVINCE_OFFICIAL, province=Province.objects.get(short_name="Hà Nội")
        )
        with pytest.raises(ApplicationError):
            services.card_decide(actor=hanoi_official, card=card, approve=True)
        official = account_factories.user(Role.PROVINCE_OFFICIAL, province=lang_son)
        services.card_decide(actor=official, card=card, approve=True)
        assert services.card_is_valid(card)
        assert not services.card_is_valid(card, day=today + dt.timedelta(days=31))
        services.card_decide(actor=official, card=card, approve=False, reason="Sai lộ trình")
        assert card.status == PriorityCard.Status.REVOKED and not services.card_is_valid(card)


def test_a_lost_cash_on_delivery_parcel_costs_the_buyer_nothing_and_the_carrier_pays_the_seller():
    shipment = factories.shipment()
    services.event_record(shipment=shipment, kind=Status.PICKED_UP, at=T0, source="webhook", now=T0)
    claim = services.claim_open(
        actor=shipment.sub_order.order.buyer,
        shipment=shipment,
        kind="missing",
        now=T0 + dt.timedelta(days=5),
    )
    assert claim.responsible_by_rule == Claim.Party.CARRIER
    operator = account_factories.user(
        Role.MARKETPLACE_OPERATOR, marketplace=shipment.sub_order.marketplace
    )
    decided = services.claim_decide(actor=operator, claim=claim, accept=True)
    assert decided.refund_amount == 0 and not Refund.objects.exists()
    assert decided.recovery_amount == shipment.sub_order.goods_total
