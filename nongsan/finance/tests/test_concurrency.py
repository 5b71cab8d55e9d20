"""Two completions of one order racing (the wallet's late page and the bank's notification):
the attempts are locked in one order, so exactly one payment is kept and the other refunded."""

import pytest
from django.db import connection

from nongsan.core.testing import run_at_once
from nongsan.finance.tests import money
from nongsan.orders.models import Order, PaymentMethod
from nongsan.payments.models import Credit, Payment, Refund

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite's shared in-memory test database refuses concurrent writers outright",
    ),
]


@pytest.mark.parametrize("round_", range(5))
def test_a_wallet_and_a_transfer_completing_at_once_keep_one_payment(units_loaded, round_):
    order = money.order(method=PaymentMethod.EWALLET)
    [wallet_attempt] = money.attempts(order)
    money.switch(order, PaymentMethod.VIETQR)
    results = run_at_once(
        [
            lambda: money.wallet(wallet_attempt),
            lambda: money.bank(order, order.total, f"evt-{round_}"),
        ]
    )
    assert results == ["ok", "ok"]
    kept = Payment.objects.filter(order_reference=order.number, status="succeeded")
    assert kept.count() == 1
    assert sum(p.settled for p in money.attempts(order)) == order.total
    refund = Refund.objects.get()
    assert refund.amount == order.total and refund.credit.problem == "late_success"
    assert Credit.objects.filter(status="open").count() == 0
    order.refresh_from_db()
    assert order.payment_status == Order.PaymentStatus.PAID
