"""The books always balance: random sequences of checkouts, payment attempts, switches,
cancellations, credits (exact, short, over, repeated, unknown, late), resolutions, refunds sent,
completed sales and payouts, with the invariants checked after every step."""

import contextlib
import os

import pytest
from django.db import transaction
from django.db.models import F, Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nongsan.accounts.tests import factories as account_factories
from nongsan.catalog.tests import factories as catalog_factories
from nongsan.core.errors import ApplicationError
from nongsan.finance import services
from nongsan.finance.tests import money
from nongsan.orders import services as orders_services
from nongsan.orders.models import Order, PaymentMethod, SubOrder
from nongsan.orders.tests import factories as order_factories
from nongsan.payments import selectors as payments_selectors
from nongsan.payments import services as payments_services
from nongsan.payments.models import Credit, LedgerEntry, Payment, PaymentAccount, Payout, Refund

pytestmark = pytest.mark.django_db
Status = SubOrder.Status
EXAMPLES = int(os.environ.get("BOOKS_EXAMPLES", "60"))
# Weighted towards paying: the interesting sequences are several attempts of one order.
STEPS = ("checkout", "switch", "switch", "bank", "bank", "bank", "wallet", "wallet", "wallet")
STEPS += ("cancel", "unknown", "resolve", "resolve", "combine", "refund_sent", "complete", "payout")


def _sum(queryset, expression):
    return queryset.aggregate(total=Sum(expression))["total"] or 0


def _check_books() -> None:
    credits = Credit.objects.all()
    received = _sum(credits, "amount")
    open_ = _sum(credits, F("amount") - F("applied") - F("refunded") - F("written_off"))
    settled = _sum(Payment.objects.all(), "settled")
    refunded = _sum(credits, "refunded")
    written_off = _sum(credits, "written_off")
    # Credits received = payments applied + open exceptions + refunds + write-offs, to the đồng,
    # with what payments hold read from the payments themselves.
    assert received == settled + open_ + refunded + written_off
    assert _sum(Refund.objects.exclude(credit=None), "amount") == refunded
    for credit in credits:
        assert credit.open_amount >= 0
        if credit.status == Credit.Status.APPLIED:
            assert credit.problem == "" and credit.open_amount == 0
        elif credit.status == Credit.Status.RESOLVED:
            assert credit.problem and credit.resolution and credit.open_amount == 0
        else:
            assert credit.problem and credit.resolution == ""
    for order in Order.objects.all():
        attempts = list(Payment.objects.filter(order_reference=order.number))
        kept = [p for p in attempts if p.method != "cod" and p.status == "succeeded"]
        assert len(kept) <= 1, order.number  # never two payments kept for one order
        if order.payment_status in (Order.PaymentStatus.PAID, Order.PaymentStatus.REFUNDED):
            assert kept and kept[0].settled == order.total
        for attempt in attempts:
            assert attempt.settled <= attempt.amount
            back = _sum(attempt.refunds.filter(credit=None), "amount")
            assert back <= attempt.settled  # buyers get back at most what came in
    paid_out = _sum(Payout.objects.all(), "amount")
    earned_paid = _sum(
        LedgerEntry.objects.filter(payout__isnull=False).exclude(kind="payout"), "amount"
    )
    assert paid_out == earned_paid == -_sum(LedgerEntry.objects.filter(kind="payout"), "amount")


class World:
    def __init__(self) -> None:
        self.finance = money.finance()
        marketplace = account_factories.marketplace()
        self.shop = catalog_factories.shop(marketplace=marketplace)
        household = self.shop.household
        payments_services.payment_account_link(
            actor=household.user, household=household, kind=PaymentAccount.Kind.POST_OFFICE
        )
        self.product = order_factories.product(shop=self.shop, price=100_000, stock="100000")
        self.buyer = order_factories.buyer()
        self.orders: list[Order] = []
        self.events = 0

    def event(self) -> str:
        self.events += 1
        return f"evt-{self.events}"


def _step(world: World, data: st.DataObject) -> None:
    step = data.draw(st.sampled_from(STEPS if world.orders else ("checkout", "unknown")))
    # Mostly the latest order, so that its attempts pile up.
    pick = st.sampled_from([world.orders[-1]] * 3 + world.orders) if world.orders else None
    if step == "checkout":
        method = data.draw(st.sampled_from([PaymentMethod.VIETQR, PaymentMethod.EWALLET]))
        world.orders.append(
            order_factories.place(buyer_user=world.buyer, items=[(world.product, 1)], method=method)
        )
    elif step == "switch":
        order = data.draw(pick)
        order.refresh_from_db()
        method = data.draw(st.sampled_from([PaymentMethod.VIETQR, PaymentMethod.EWALLET]))
        with contextlib.suppress(ApplicationError):
            money.switch(order, method)
    elif step == "bank":
        order = data.draw(pick)
        delta = data.draw(st.sampled_from([0, 0, 0, -30_000, 40_000]))
        repeat = data.draw(st.booleans()) and world.events
        event = f"evt-{world.events}" if repeat else world.event()
        money.bank(order, order.total + delta, event)
    elif step == "wallet":
        order = data.draw(pick)
        # Superseded attempts first: a wallet page finished late is the case that matters.
        wallets = sorted(
            (p for p in money.attempts(order) if p.method == "ewallet"),
            key=lambda p: p.status == Payment.Status.PENDING,
        )
        if wallets:
            attempt = data.draw(st.sampled_from(wallets))
            delta = data.draw(st.sampled_from([0, 0, -5_000]))
            money.wallet(attempt, amount=attempt.amount + delta, event=world.event())
    elif step == "cancel":
        sub = data.draw(pick).sub_orders.get()
        with contextlib.suppress(ApplicationError):
            orders_services.sub_order_transition(
                actor=world.buyer, sub_order=sub, to=Status.CANCELLED
            )
    elif step == "unknown":
        money.bank("CHUYEN TIEN", data.draw(st.sampled_from([50_000, 135_000])), world.event())
    elif step == "resolve":
        open_credits = list(Credit.objects.filter(status="open").order_by("pk"))
        if open_credits:
            credit = data.draw(st.sampled_from(open_credits))
            action = data.draw(st.sampled_from(["refund", "write_off", "allocate"]))
            target = data.draw(pick).number
            with contextlib.suppress(ApplicationError):
                services.exception_resolve(
                    actor=world.finance,
                    credit=credit,
                    action=action,
                    note="Kiểm tra ngẫu nhiên",
                    order_reference=target,
                )
    elif step == "combine":
        order = data.draw(pick)
        parts = list(Credit.objects.filter(status="open", order_reference=order.number))
        with contextlib.suppress(ApplicationError):
            services.exceptions_combine(
                actor=world.finance, credits=parts, order_reference=order.number
            )
    elif step == "refund_sent":
        waiting = list(payments_selectors.pending_refunds(actor=world.finance))
        if waiting:
            payments_services.refund_mark_done(actor=world.finance, refund=waiting[0])
    elif step == "complete":
        order = data.draw(pick)
        order.refresh_from_db()
        sub = order.sub_orders.get()
        seller = world.shop.household.user
        path = [Status.CONFIRMED, Status.PACKED, Status.HANDED_TO_CARRIER, Status.DELIVERED]
        try:
            for to in path:
                sub = orders_services.sub_order_transition(actor=seller, sub_order=sub, to=to)
            orders_services.sub_order_transition(
                actor=world.buyer, sub_order=sub, to=Status.COMPLETED
            )
        except ApplicationError:
            pass
    elif step == "payout":
        payments_services.payout_batch_run(actor=world.finance, minimum=0)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_the_books_balance_after_every_step(data):
    with transaction.atomic():
        world = World()
        for _ in range(data.draw(st.integers(min_value=3, max_value=20))):
            _step(world, data)
            _check_books()
        transaction.set_rollback(True)
