import datetime as dt
import json
from decimal import Decimal

import pytest
from django.utils import timezone

from nongsan.accounts.models import Notification, Role
from nongsan.accounts.tests import factories as account_factories
from nongsan.catalog import services as catalog_services
from nongsan.catalog.models import Product, Shop
from nongsan.catalog.tests import factories as catalog_factories
from nongsan.core.errors import ApplicationError
from nongsan.core.sms import SandboxSmsProvider
from nongsan.households import services as households_services
from nongsan.households.models import Milestone
from nongsan.households.tests import factories as household_factories
from nongsan.orders import selectors, services, tasks
from nongsan.orders.models import Order, PaymentMethod, SubOrder, SubOrderEvent
from nongsan.orders.tests import factories
from nongsan.payments import services as payments_services
from nongsan.payments.models import Credit, LedgerEntry, Payment, Refund

Status = SubOrder.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def postmart():
    return account_factories.marketplace()


@pytest.fixture
def two_shops(postmart):
    lang_son = catalog_factories.shop(marketplace=postmart, name="Vườn na nhà Mai")
    bac_ninh = catalog_factories.shop(
        marketplace=postmart,
        name="Vải thiều Lục Ngạn",
        household=catalog_factories.household_with_account(
            commune=account_factories.commune("Bắc Ninh")
        ),
    )
    return lang_son, bac_ninh


def _bank_notify(order: Order, amount: int, event_id: str = "evt-1"):
    body = json.dumps(
        {"id": event_id, "amount": amount, "description": f"CK {order.number} thanh toan"}
    ).encode()
    return payments_services.bank_notification_receive(
        body=body, signature=payments_services.bank_signature(body)
    )


class TestCheckout:
    def test_one_order_split_per_shop_with_decimal_kilos(self, two_shops):
        na = factories.product(shop=two_shops[0], price=65_000, stock="20", order_step="0.5")
        vai = factories.product(shop=two_shops[1], name="Vải thiều", price=45_000, stock="100")
        order = factories.place(items=[(na, "2.5"), (vai, 3)])

        subs = list(order.sub_orders.order_by("number"))
        assert [s.shop for s in subs] == list(two_shops)
        assert [s.number for s in subs] == [f"{order.number}-1", f"{order.number}-2"]
        assert subs[0].goods_total == 162_500  # 2.5 kg x 65.000 đ
        assert subs[1].goods_total == 135_000
        assert order.goods_total == 297_500
        assert order.total == order.goods_total + sum(s.shipping_fee for s in subs)
        assert subs[0].weight_kg == Decimal("2.5")
        assert all(s.status == Status.PLACED for s in subs)
        assert SubOrderEvent.objects.filter(to_status=Status.PLACED).count() == 2
        na.refresh_from_db()
        vai.refresh_from_db()
        assert (na.stock, vai.stock) == (Decimal("17.5"), Decimal(97))
        assert order.buyer.cart.lines.count() == 0
        assert order.province.short_name == "Hà Nội" and order.country_id == "VN"

    def test_sellers_are_notified_in_app_and_by_sms(
        self, two_shops, _sms_outbox, django_capture_on_commit_callbacks
    ):
        na = factories.product(shop=two_shops[0])
        with django_capture_on_commit_callbacks(execute=True):
            order = factories.place(items=[(na, 2)])
        seller = two_shops[0].household.user
        notice = Notification.objects.get(user=seller)
        assert order.number in notice.message
        assert [m.to for m in SandboxSmsProvider.outbox] == [seller.phone]

    def test_shipping_fee_depends_on_distance(self, two_shops):
        na = factories.product(shop=two_shops[0], stock="50")
        near = factories.place(
            items=[(na, 1)],
            address=factories.address(commune=account_factories.commune("Lạng Sơn", 3)),
        )
        far = factories.place(
            items=[(na, 1)],
            address=factories.address(commune=account_factories.commune("Cà Mau")),
        )
        assert 0 < near.shipping_total < far.shipping_total

    def test_abroad_needs_a_country_and_prepayment(self, two_shops):
        na = factories.product(shop=two_shops[0])
        with pytest.raises(ApplicationError) as cod:
            factories.place(items=[(na, 1)], address=factories.germany_address())
        assert cod.value.field == "payment_method"
        order = factories.place(
            items=[(na, 1)], address=factories.germany_address(), method=PaymentMethod.VIETQR
        )
        assert order.country_id == "DE" and order.commune is None
        assert order.shipping_total >= 450_000

    @pytest.mark.parametrize(
        ("quantity", "field_message"),
        [("2.3", "bước 0.5"), ("0.5", "tối thiểu 1"), ("0", "lớn hơn 0")],
    )
    def test_quantities_follow_the_product(self, two_shops, quantity, field_message):
        na = factories.product(shop=two_shops[0], order_step="0.5")
        cart = services.cart_for(user=factories.buyer(), session_key=None)
        with pytest.raises(ApplicationError, match=field_message):
            services.cart_add(cart=cart, product=na, quantity=Decimal(quantity))

    def test_pieces_are_whole(self, two_shops):
        box = factories.product(shop=two_shops[0], unit=Product.Unit.BOX)
        cart = services.cart_for(user=factories.buyer(), session_key=None)
        with pytest.raises(ApplicationError, match="số nguyên"):
            services.cart_add(cart=cart, product=box, quantity=Decimal("1.5"))

    def test_short_stock_takes_nothing_and_names_the_product(self, two_shops):
        na = factories.product(shop=two_shops[0], stock="10")
        vai = factories.product(shop=two_shops[1], name="Vải thiều", stock="2")
        buyer = factories.buyer()
        cart = services.cart_for(user=buyer, session_key=None)
        services.cart_add(cart=cart, product=na, quantity=Decimal(4))
        services.cart_add(cart=cart, product=vai, quantity=Decimal(2))
        Product.objects.filter(pk=vai.pk).update(stock=1)
        with pytest.raises(ApplicationError, match="Vải thiều chỉ còn 1"):
            services.checkout(buyer=buyer, cart=cart, address=factories.address())
        na.refresh_from_db()
        assert na.stock == 10
        assert not Order.objects.exists() and not Payment.objects.exists()
        assert cart.lines.count() == 2  # the cart is kept for the buyer to fix

    def test_hidden_product_cannot_be_checked_out(self, two_shops):
        na = factories.product(shop=two_shops[0])
        buyer = factories.buyer()
        cart = services.cart_for(user=buyer, session_key=None)
        services.cart_add(cart=cart, product=na, quantity=Decimal(1))
        Product.objects.filter(pk=na.pk).update(is_listed=False)
        with pytest.raises(ApplicationError, match="không còn được bán"):
            services.checkout(buyer=buyer, cart=cart, address=factories.address())

    def test_same_idempotency_key_returns_the_same_order(self, two_shops):
        na = factories.product(shop=two_shops[0], stock="10")
        buyer = factories.buyer()
        first = factories.place(buyer_user=buyer, items=[(na, 1)], idempotency_key="k-1")
        cart = services.cart_for(user=buyer, session_key=None)
        again = services.checkout(
            buyer=buyer, cart=cart, address=factories.address(), idempotency_key="k-1"
        )
        assert again.pk == first.pk
        na.refresh_from_db()
        assert na.stock == 9

    @pytest.mark.parametrize(
        ("field", "value"),
        [("recipient_phone", "12345"), ("street", " "), ("recipient_name", "")],
    )
    def test_bad_address_names_the_field(self, two_shops, field, value):
        na = factories.product(shop=two_shops[0])
        with pytest.raises(ApplicationError) as error:
            factories.place(items=[(na, 1)], address=factories.address(**{field: value}))
        assert error.value.field == field

    def test_anonymous_cart_joins_the_account_on_sign_in(self, two_shops):
        na = factories.product(shop=two_shops[0])
        anonymous = services.cart_for(user=None, session_key="s" * 32)
        services.cart_add(cart=anonymous, product=na, quantity=Decimal(2))
        buyer = factories.buyer()
        services.cart_merge(user=buyer, cart_id=anonymous.pk)
        assert [line.quantity for line in buyer.cart.lines.all()] == [2]


class TestPipeline:
    @pytest.fixture
    def placed(self, two_shops):
        na = factories.product(shop=two_shops[0], stock="10")
        order = factories.place(items=[(na, 2)])
        return order.sub_orders.get()

    def _to(self, sub, status, actor=None, **kwargs):
        actor = actor or sub.shop.household.user
        return services.sub_order_transition(actor=actor, sub_order=sub, to=status, **kwargs)

    def _walk(self, sub, upto):
        path = [Status.CONFIRMED, Status.PACKED, Status.HANDED_TO_CARRIER, Status.DELIVERED]
        for status in path[: path.index(upto) + 1]:
            sub = self._to(sub, status)
        return sub

    @pytest.mark.parametrize("start", [s for s in Status.values])
    @pytest.mark.parametrize("target", [s for s in Status.values if s != Status.PLACED])
    def test_every_transition_allowed_or_refused(self, placed, start, target):
        # A delivered sub-order is cancelled only on the buyer's dispute (tested below).
        disputed = timezone.now() if start == Status.DELIVERED else None
        SubOrder.objects.filter(pk=placed.pk).update(status=start, disputed_at=disputed)
        placed.refresh_from_db()
        staff = account_factories.user(Role.MARKETPLACE_OPERATOR, marketplace=placed.marketplace)
        allowed = target in services.ALLOWED[start]
        actor = {
            Status.COMPLETED: placed.order.buyer,
            Status.CANCELLED: staff,
        }.get(target, placed.shop.household.user)
        if allowed:
            moved = self._to(placed, target, actor=actor, reason="Hết hàng")
            assert moved.status == target
            assert getattr(moved, services.TIMESTAMP[target]) is not None
        else:
            with pytest.raises(ApplicationError) as refused:
                self._to(placed, target, actor=actor, reason="Hết hàng")
            assert refused.value.code == "invalid_transition"

    def test_the_buyer_may_not_confirm_and_a_stranger_may_do_nothing(self, placed):
        with pytest.raises(ApplicationError) as buyer:
            self._to(placed, Status.CONFIRMED, actor=placed.order.buyer)
        assert buyer.value.code == "forbidden"
        with pytest.raises(ApplicationError) as stranger:
            self._to(placed, Status.CONFIRMED, actor=factories.buyer())
        assert stranger.value.code == "forbidden"
        other_operator = account_factories.user(
            Role.MARKETPLACE_OPERATOR, marketplace=account_factories.marketplace("voso", "Vỏ Sò")
        )
        with pytest.raises(ApplicationError):
            self._to(placed, Status.CANCELLED, actor=other_operator, reason="x")

    def test_buyer_cancels_before_packing_and_the_stock_comes_back(self, placed):
        sub = self._to(placed, Status.CONFIRMED)
        sub = self._to(sub, Status.CANCELLED, actor=sub.order.buyer)
        assert sub.status == Status.CANCELLED and sub.cancelled_at
        product = sub.lines.get().product
        product.refresh_from_db()
        assert product.stock == 10

    def test_buyer_cannot_cancel_once_packed(self, placed):
        sub = self._walk(placed, Status.PACKED)
        with pytest.raises(ApplicationError, match="đã đóng gói"):
            self._to(sub, Status.CANCELLED, actor=sub.order.buyer)

    def test_seller_cancels_only_with_a_reason(self, placed):
        with pytest.raises(ApplicationError) as error:
            self._to(placed, Status.CANCELLED)
        assert error.value.field == "reason"
        sub = self._to(placed, Status.CANCELLED, reason="Na bị sâu, không đạt chất lượng")
        assert sub.cancel_reason == "Na bị sâu, không đạt chất lượng"
        assert "Na bị sâu" in Notification.objects.filter(user=sub.order.buyer).first().message

    def test_delivery_records_the_first_sale_and_completion_credits_the_household(self, placed):
        now = timezone.now()
        sub = self._walk(placed, Status.DELIVERED)
        household = sub.shop.household
        sale = Milestone.objects.get(household=household, kind=Milestone.Kind.FIRST_SALE)
        assert sale.marketplace == sub.marketplace and sale.achieved_at >= now
        cod = Payment.objects.get(order_reference=sub.order.number)
        assert cod.status == Payment.Status.SUCCEEDED and cod.received_amount == sub.total
        sub = self._to(sub, Status.COMPLETED, actor=sub.order.buyer)
        entries = {e.kind: e.amount for e in LedgerEntry.objects.filter(household=household)}
        assert entries == {"sale": 130_000, "commission": -6_500}  # 5% of 2 kg x 65.000 đ

    def test_history_keeps_every_step(self, placed):
        sub = self._walk(placed, Status.DELIVERED)
        steps = list(sub.events.values_list("from_status", "to_status"))
        assert steps == [
            ("", Status.PLACED),
            (Status.PLACED, Status.CONFIRMED),
            (Status.CONFIRMED, Status.PACKED),
            (Status.PACKED, Status.HANDED_TO_CARRIER),
            (Status.HANDED_TO_CARRIER, Status.DELIVERED),
        ]

    def test_a_parcel_a_carrier_has_is_delivered_by_its_tracking_or_the_buyer_not_the_seller(
        self, placed
    ):
        sub = self._walk(placed, Status.HANDED_TO_CARRIER)
        services.sub_order_carrier_set(
            sub_order=sub, carrier=account_factories.carrier("vnpost", "Bưu điện Việt Nam")
        )
        with pytest.raises(ApplicationError) as refused:
            self._to(sub, Status.DELIVERED)
        assert refused.value.code == "forbidden"
        seller_actions = selectors.next_actions(actor=sub.shop.household.user, sub_order=sub)
        assert Status.DELIVERED not in [a.to for a in seller_actions]
        [confirm] = [
            a
            for a in selectors.next_actions(actor=sub.order.buyer, sub_order=sub)
            if a.to == Status.DELIVERED
        ]
        assert confirm.label == "Tôi đã nhận được hàng"
        sub = self._to(sub, Status.DELIVERED, actor=sub.order.buyer)
        assert sub.status == Status.DELIVERED
        assert not LedgerEntry.objects.exists()  # credited once completed, not before

    def test_a_buyer_disputes_the_sellers_own_delivery_and_the_operator_decides(self, placed):
        sub = self._walk(placed, Status.DELIVERED)
        buyer = sub.order.buyer
        operator = account_factories.user(Role.MARKETPLACE_OPERATOR, marketplace=sub.marketplace)
        other = account_factories.user(
            Role.MARKETPLACE_OPERATOR, marketplace=account_factories.marketplace("voso", "Vỏ Sò")
        )
        with pytest.raises(ApplicationError) as unexplained:
            services.sub_order_dispute(actor=buyer, sub_order=sub, note="")
        assert unexplained.value.field == "note"
        with pytest.raises(ApplicationError) as not_buyer:
            services.sub_order_dispute(actor=sub.shop.household.user, sub_order=sub, note="x" * 9)
        assert not_buyer.value.code == "forbidden"
        # Before the dispute, the operator neither completes nor cancels a delivered parcel.
        with pytest.raises(ApplicationError):
            self._to(sub, Status.COMPLETED, actor=operator)
        sub = services.sub_order_dispute(actor=buyer, sub_order=sub, note="Chưa nhận được hàng")
        assert sub.disputed_at is not None
        assert operator.notifications.filter(message__contains="chưa nhận").exists()
        # It no longer completes on its own, and the household is not credited.
        later = sub.delivered_at + dt.timedelta(days=5)
        assert services.sub_orders_complete_due(now=later) == 0
        assert not LedgerEntry.objects.exists()
        with pytest.raises(ApplicationError):
            self._to(sub, Status.CANCELLED, actor=other, reason="Không giao")
        with pytest.raises(ApplicationError):
            self._to(sub, Status.CANCELLED, reason="Người bán tự hủy")  # not the seller's call
        actions = [a.to for a in selectors.next_actions(actor=operator, sub_order=sub)]
        assert actions == [Status.COMPLETED, Status.CANCELLED]
        sub = self._to(sub, Status.CANCELLED, actor=operator, reason="Bưu tá xác nhận chưa giao")
        assert sub.status == Status.CANCELLED and not LedgerEntry.objects.exists()

    def test_a_carriers_parcel_or_a_late_word_is_not_disputed_here(self, placed):
        sub = self._walk(placed, Status.DELIVERED)
        with pytest.raises(ApplicationError) as late:
            services.sub_order_dispute(
                actor=sub.order.buyer,
                sub_order=sub,
                note="Chưa nhận được hàng",
                now=sub.delivered_at + dt.timedelta(days=4),
            )
        assert "3 ngày" in late.value.message
        services.sub_order_carrier_set(sub_order=sub, carrier=account_factories.carrier())
        with pytest.raises(ApplicationError) as carried:
            services.sub_order_dispute(
                actor=sub.order.buyer, sub_order=sub, note="Chưa nhận được hàng"
            )
        assert "khiếu nại" in carried.value.message

    def test_delivered_orders_complete_themselves_after_three_days(self, placed):
        sub = self._walk(placed, Status.DELIVERED)
        assert services.sub_orders_complete_due(now=sub.delivered_at + dt.timedelta(days=2)) == 0
        assert services.sub_orders_complete_due(now=sub.delivered_at + dt.timedelta(days=3)) == 1
        sub.refresh_from_db()
        assert sub.status == Status.COMPLETED


class TestPayments:
    def test_vietqr_bank_notification_pays_the_order_once(self, two_shops):
        na = factories.product(shop=two_shops[0])
        order = factories.place(items=[(na, 1)], method=PaymentMethod.VIETQR)
        assert order.payment_status == Order.PaymentStatus.UNPAID
        first = _bank_notify(order, order.total)
        assert first.outcome == "accepted"
        assert services.order_payment_sync(order_reference=order.number) is not None
        again = _bank_notify(order, order.total)
        assert again.pk == first.pk
        assert services.order_payment_sync(order_reference=order.number) is None
        order.refresh_from_db()
        assert order.payment_status == Order.PaymentStatus.PAID

    def test_a_wrong_amount_is_an_exception_not_accepted(self, two_shops):
        na = factories.product(shop=two_shops[0])
        order = factories.place(items=[(na, 1)], method=PaymentMethod.VIETQR)
        assert _bank_notify(order, order.total - 1000).outcome == "flagged"
        services.order_payment_sync(order_reference=order.number)
        order.refresh_from_db()
        assert order.payment_status == Order.PaymentStatus.UNPAID
        payment = Payment.objects.get(order_reference=order.number)
        assert payment.status == Payment.Status.PENDING and payment.settled == 0
        credit = Credit.objects.get(order_reference=order.number)
        assert (credit.problem, credit.status) == (Credit.Problem.PARTIAL, Credit.Status.OPEN)
        assert credit.open_amount == order.total - 1000

    def test_cancelling_a_paid_sub_order_refunds_it(self, two_shops):
        na = factories.product(shop=two_shops[0])
        vai = factories.product(shop=two_shops[1], name="Vải thiều")
        order = factories.place(items=[(na, 1), (vai, 1)], method=PaymentMethod.VIETQR)
        _bank_notify(order, order.total)
        services.order_payment_sync(order_reference=order.number)
        sub = order.sub_orders.get(shop=two_shops[0])
        services.sub_order_transition(
            actor=sub.shop.household.user, sub_order=sub, to=Status.CANCELLED, reason="Hết na"
        )
        refund = Refund.objects.get()
        assert refund.amount == sub.total and refund.status == Refund.Status.PENDING
        order.refresh_from_db()
        assert order.payment_status == Order.PaymentStatus.PAID  # the other shop still ships

    def test_prepaid_orders_are_packed_only_once_paid(self, two_shops):
        na = factories.product(shop=two_shops[0])
        order = factories.place(items=[(na, 1)], method=PaymentMethod.VIETQR)
        sub = order.sub_orders.get()
        seller = two_shops[0].household.user
        services.sub_order_transition(actor=seller, sub_order=sub, to=Status.CONFIRMED)
        with pytest.raises(ApplicationError) as unpaid:
            services.sub_order_transition(actor=seller, sub_order=sub, to=Status.PACKED)
        assert unpaid.value.code == "unpaid"
        _bank_notify(order, order.total)
        services.order_payment_sync(order_reference=order.number)
        assert services.sub_order_transition(actor=seller, sub_order=sub, to=Status.PACKED)

    def test_money_arriving_after_a_cancellation_goes_back(self, two_shops):
        na = factories.product(shop=two_shops[0])
        order = factories.place(items=[(na, 1)], method=PaymentMethod.VIETQR)
        sub = order.sub_orders.get()
        services.sub_order_transition(actor=order.buyer, sub_order=sub, to=Status.CANCELLED)
        _bank_notify(order, order.total)
        services.order_payment_sync(order_reference=order.number)
        refund = Refund.objects.get()
        assert refund.amount == order.total
        order.refresh_from_db()
        assert order.payment_status == Order.PaymentStatus.REFUNDED


class TestPreorders:
    @pytest.fixture
    def lychee(self, two_shops):
        return factories.product(
            shop=two_shops[1],
            name="Vải thiều đặt trước",
            stock="0",
            preorder_enabled=True,
            expected_yield=Decimal(100),
            **factories.future_season(),
        )

    def test_preorders_take_the_expected_yield(self, lychee):
        factories.place(items=[(lychee, 60)])
        with pytest.raises(ApplicationError, match="chỉ còn nhận đặt trước 40"):
            factories.place(items=[(lychee, 41)])
        sub = SubOrder.objects.get()
        assert sub.has_preorder and sub.lines.get().is_preorder

    @pytest.mark.parametrize(
        ("allocation", "filled"),
        [
            (Shop.PreorderAllocation.FIRST_COME, [Decimal(30), Decimal(20), Decimal(0)]),
            # 50 kg among three orders of 30 kg in steps of 0.5 kg: 16.5 each, the rest to the first
            (Shop.PreorderAllocation.PRO_RATA, [Decimal(17), Decimal("16.5"), Decimal("16.5")]),
        ],
    )
    def test_short_harvest_fills_in_order_or_pro_rata(self, lychee, allocation, filled):
        Shop.objects.filter(pk=lychee.shop_id).update(preorder_allocation=allocation)
        orders = [factories.place(items=[(lychee, 30)]) for _ in range(3)][:3]
        lines = services.preorder_harvest(
            actor=lychee.shop.household.user, product=lychee, harvested=Decimal(50)
        )
        assert [line.filled_quantity for line in lines] == filled
        if allocation == Shop.PreorderAllocation.FIRST_COME:
            last = orders[2].sub_orders.get()
            assert last.status == Status.CANCELLED and "Thu hoạch" in last.cancel_reason
        lychee.refresh_from_db()
        assert lychee.preordered == 0 and lychee.stock == 0

    def test_packing_waits_for_the_harvest(self, lychee):
        sub = factories.place(items=[(lychee, 10)]).sub_orders.get()
        seller = lychee.shop.household.user
        services.sub_order_transition(actor=seller, sub_order=sub, to=Status.CONFIRMED)
        with pytest.raises(ApplicationError, match="thu hoạch"):
            services.sub_order_transition(actor=seller, sub_order=sub, to=Status.PACKED)
        services.preorder_harvest(actor=seller, product=lychee, harvested=Decimal(80))
        lychee.refresh_from_db()
        assert lychee.stock == 70
        assert services.sub_order_transition(actor=seller, sub_order=sub, to=Status.PACKED)

    def test_paid_shortfall_is_refunded(self, lychee):
        order = factories.place(items=[(lychee, 30)], method=PaymentMethod.VIETQR)
        _bank_notify(order, order.total)
        services.order_payment_sync(order_reference=order.number)
        services.preorder_harvest(
            actor=lychee.shop.household.user, product=lychee, harvested=Decimal(20)
        )
        refund = Refund.objects.get()
        assert refund.amount == 10 * lychee.price
        sub = order.sub_orders.get()
        assert sub.refunded == refund.amount and sub.weight_kg == 20

    def test_allocation_is_exact(self):
        fills = services.allocate(
            wanted=[Decimal("2.5"), Decimal(5), Decimal(10)],
            available=Decimal(7),
            pro_rata=True,
            step=Decimal("0.5"),
        )
        assert sum(fills) == 7 and all(f <= w for f, w in zip(fills, [2.5, 5, 10], strict=True))


class TestCooperativeShop:
    def test_each_member_is_credited_after_the_cooperative_share(self, postmart):
        commune = account_factories.commune()
        manager = account_factories.user(Role.HOUSEHOLD, full_name="Chủ nhiệm HTX")
        coop = households_services.cooperative_create(
            actor=household_factories.agent_for(commune), name="HTX Na Chi Lăng", commune=commune
        )
        coop.manager = manager
        coop.share_percent = Decimal(10)
        coop.save()
        members = [
            household_factories.household(commune=commune, cooperative=coop) for _ in range(2)
        ]
        shop = catalog_services.shop_open(
            actor=manager, marketplace=postmart, name="HTX Na", cooperative=coop
        )
        a = catalog_factories.product(shop=shop, actor=manager, household=members[0], price=50_000)
        b = catalog_factories.product(shop=shop, actor=manager, household=members[1], price=40_000)
        sub = factories.place(items=[(a, 2), (b, 1)]).sub_orders.get()
        for status in [Status.CONFIRMED, Status.PACKED, Status.HANDED_TO_CARRIER]:
            services.sub_order_transition(actor=manager, sub_order=sub, to=status)
        services.sub_order_transition(actor=manager, sub_order=sub, to=Status.DELIVERED)
        services.sub_order_transition(actor=sub.order.buyer, sub_order=sub, to=Status.COMPLETED)
        first = {e.kind: e.amount for e in LedgerEntry.objects.filter(household=members[0])}
        # 100.000 đ sold, 5% to the marketplace, 10% of the rest to the cooperative
        assert first == {"sale": 100_000, "commission": -5_000, "coop_share": -9_500}
        assert Milestone.objects.filter(kind=Milestone.Kind.FIRST_SALE).count() == 2


class TestReviews:
    def test_only_the_buyer_after_delivery_once(self, two_shops):
        na = factories.product(shop=two_shops[0])
        order = factories.place(items=[(na, 1)])
        sub = order.sub_orders.get()
        with pytest.raises(ApplicationError, match="sau khi nhận hàng"):
            services.review_create(actor=order.buyer, sub_order=sub, product=na, stars=5)
        seller = two_shops[0].household.user
        for status in [Status.CONFIRMED, Status.PACKED, Status.HANDED_TO_CARRIER]:
            services.sub_order_transition(actor=seller, sub_order=sub, to=status)
        services.sub_order_transition(actor=seller, sub_order=sub, to=Status.DELIVERED)
        with pytest.raises(ApplicationError):
            services.review_create(actor=factories.buyer(), sub_order=sub, product=na, stars=5)
        with pytest.raises(ApplicationError, match="1 đến 5"):
            services.review_create(actor=order.buyer, sub_order=sub, product=na, stars=6)
        services.review_create(actor=order.buyer, sub_order=sub, product=na, stars=4, text="Ngọt")
        with pytest.raises(ApplicationError, match="đã đánh giá"):
            services.review_create(actor=order.buyer, sub_order=sub, product=na, stars=5)
        na.refresh_from_db()
        two_shops[0].refresh_from_db()
        assert (na.rating_count, na.rating_sum) == (1, 4)
        assert two_shops[0].rating_average == 4


def test_the_hourly_task_completes_what_is_due(two_shops, settings):
    assert settings.CELERY_BEAT_SCHEDULE["orders-complete-due"]["task"] == "orders.complete_due"
    na = factories.product(shop=two_shops[0])
    sub = factories.place(items=[(na, 1)]).sub_orders.get()
    seller = two_shops[0].household.user
    for status in (Status.CONFIRMED, Status.PACKED, Status.HANDED_TO_CARRIER, Status.DELIVERED):
        services.sub_order_transition(
            actor=seller, sub_order=sub, to=status, now=timezone.now() - dt.timedelta(days=4)
        )
    assert tasks.complete_due() == 1


def test_a_household_buying_inputs_records_its_first_input_purchase(postmart):
    supplier = account_factories.user(Role.INPUT_SUPPLIER)
    shop = catalog_services.shop_open(
        actor=supplier,
        marketplace=postmart,
        name="Vật tư Long",
        commune=account_factories.commune("Đắk Lắk", 0),
    )
    fertiliser = catalog_factories.product(
        shop=shop,
        actor=supplier,
        name="Phân bón NPK 16-16-8",
        price=520_000,
        unit="bag",
        unit_weight_kg=Decimal(25),
        stock="40",
        registration_number="QĐ 1234/QĐ-BVTV-PB",
    )
    farm = catalog_factories.household_with_account()
    sub = factories.place(buyer_user=farm.user, items=[(fertiliser, 2)]).sub_orders.get()
    for status in (Status.CONFIRMED, Status.PACKED, Status.HANDED_TO_CARRIER, Status.DELIVERED):
        sub = services.sub_order_transition(actor=supplier, sub_order=sub, to=status)
    purchase = Milestone.objects.get(kind=Milestone.Kind.INPUT_PURCHASE)
    assert purchase.household == farm and purchase.marketplace == postmart
    # An input supplier's sale is not a farm household's first sale.
    assert not Milestone.objects.filter(kind=Milestone.Kind.FIRST_SALE).exists()
