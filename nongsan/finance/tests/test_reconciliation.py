"""Every incoming credit is recorded once and ends applied to one payment or in the exceptions
queue with its reason; finance resolves each with a trail; a superseded attempt that succeeds
late is never kept."""

import pytest

from nongsan.accounts.models import Role
from nongsan.accounts.tests import factories as account_factories
from nongsan.core.errors import ApplicationError
from nongsan.finance import services
from nongsan.finance.tests import money
from nongsan.orders.models import Order, PaymentMethod
from nongsan.payments.models import Credit, Payment, Refund

pytestmark = pytest.mark.django_db
Problem = Credit.Problem


def _paid(order: Order) -> bool:
    order.refresh_from_db()
    return order.payment_status == Order.PaymentStatus.PAID


def _kept(order: Order) -> list[Payment]:
    return [p for p in money.attempts(order) if p.status == Payment.Status.SUCCEEDED]


class TestMatching:
    def test_the_exact_amount_pays_the_order_once(self):
        order = money.order()
        first = money.bank(order, order.total, "evt-1")
        again = money.bank(order, order.total, "evt-1")  # the bank repeats its notification
        assert first.pk == again.pk and first.outcome == "accepted"
        credit = Credit.objects.get()
        assert (credit.status, credit.applied, credit.problem) == ("applied", order.total, "")
        assert _paid(order)
        [payment] = _kept(order)
        assert payment.settled == order.total

    def test_a_wallet_success_reported_twice_is_one_credit(self):
        order = money.order(method=PaymentMethod.EWALLET)
        [attempt] = money.attempts(order)
        money.wallet(attempt, event="ipn-1")
        money.wallet(attempt, event="return-1")  # the buyer's return says the same
        assert Credit.objects.count() == 1
        assert _paid(order) and money.attempts(order)[0].settled == order.total

    def test_the_double_payment_sequence_keeps_one_payment_and_refunds_the_other(self):
        """A wallet started, VietQR chosen and paid, then the old wallet page finished."""
        order = money.order(method=PaymentMethod.EWALLET)
        [wallet_attempt] = money.attempts(order)
        money.switch(order, PaymentMethod.VIETQR)
        money.bank(order, order.total, "evt-qr")
        assert _paid(order)
        late = money.wallet(wallet_attempt)
        assert late.outcome == "flagged"
        assert [p.method for p in _kept(order)] == ["vietqr"]
        late_credit = Credit.objects.get(source="ewallet")
        assert late_credit.problem == Problem.LATE_SUCCESS
        assert late_credit.resolution == Credit.Resolution.REFUNDED
        assert late_credit.resolved_by is None and "Tự động" in late_credit.resolution_note
        refund = Refund.objects.get()
        assert (refund.amount, refund.credit, refund.status) == (order.total, late_credit, "done")
        held = sum(p.settled for p in money.attempts(order))
        assert held == order.total  # 100,000 collected for a 100,000 order, not 200,000

    def test_a_late_success_of_an_unpaid_order_becomes_its_payment(self):
        order = money.order(method=PaymentMethod.EWALLET)
        [wallet_attempt] = money.attempts(order)
        qr_attempt = money.switch(order, PaymentMethod.VIETQR)
        money.wallet(wallet_attempt)
        assert _paid(order)
        qr_attempt.refresh_from_db()
        assert qr_attempt.status == Payment.Status.CANCELLED
        credit = Credit.objects.get()
        assert (credit.problem, credit.resolution) == (Problem.LATE_SUCCESS, "allocated")
        # The buyer also transfers for the replaced QR: that money goes back automatically.
        money.bank(order, order.total, "evt-qr-late")
        back = Refund.objects.get()
        assert back.status == Refund.Status.PENDING and back.credit.source == "bank"
        assert [p.method for p in _kept(order)] == ["ewallet"]

    @pytest.mark.parametrize(
        ("amount", "problem"), [(+50_000, Problem.OVERPAID), (-40_000, Problem.PARTIAL)]
    )
    def test_a_wrong_bank_amount_is_an_open_exception(self, amount, problem):
        order = money.order()
        money.bank(order, order.total + amount, "evt-1")
        credit = Credit.objects.get()
        assert (credit.problem, credit.status) == (problem, "open")
        assert credit.expected == order.total and credit.open_amount == order.total + amount
        assert not _paid(order)

    def test_a_second_transfer_for_a_paid_order_is_a_duplicate(self):
        order = money.order()
        money.bank(order, order.total, "evt-1")
        money.bank(order, order.total, "evt-2")
        duplicate = Credit.objects.get(reference="evt-2")
        assert (duplicate.problem, duplicate.status) == (Problem.DUPLICATE, "open")
        assert money.attempts(order)[0].settled == order.total

    def test_money_without_an_order_number_is_an_unknown_reference(self):
        notification = money.bank("CHUYEN TIEN MUA NA", 250_000, "evt-x")
        assert notification.outcome == "unmatched"
        credit = Credit.objects.get()
        assert (credit.problem, credit.payment, credit.amount) == (
            Problem.UNKNOWN_REFERENCE,
            None,
            250_000,
        )

    def test_a_wallet_paying_another_amount_is_a_mismatch(self):
        order = money.order(method=PaymentMethod.EWALLET)
        money.wallet(money.attempts(order)[0], amount=order.total - 10_000)
        assert Credit.objects.get().problem == Problem.AMOUNT_MISMATCH
        assert not _paid(order)


class TestResolving:
    def test_an_overpayment_allocated_pays_the_order_and_sends_back_the_rest(self):
        staff = money.finance()
        order = money.order()
        money.bank(order, order.total + 50_000, "evt-1")
        credit = services.exception_resolve(
            actor=staff,
            credit=Credit.objects.get(),
            action="allocate",
            order_reference=order.number,
            note="Người mua chuyển thừa",
        )
        assert (credit.applied, credit.refunded, credit.open_amount) == (order.total, 50_000, 0)
        assert (credit.status, credit.resolution, credit.resolved_by) == (
            "resolved",
            "allocated",
            staff,
        )
        assert _paid(order)
        assert Refund.objects.get().amount == 50_000

    def test_partial_transfers_combined_pay_the_order(self):
        staff = money.finance()
        order = money.order()
        money.bank(order, 60_000, "evt-1")
        money.bank(order, order.total - 60_000, "evt-2")
        parts = list(Credit.objects.all())
        assert {c.problem for c in parts} == {Problem.PARTIAL}
        services.exceptions_combine(actor=staff, credits=parts, order_reference=order.number)
        assert _paid(order)
        for credit in Credit.objects.all():
            assert (credit.resolution, credit.resolved_by, credit.open_amount) == (
                "combined",
                staff,
                0,
            )

    def test_an_unknown_credit_allocated_to_the_order_the_buyer_names(self):
        staff = money.finance()
        order = money.order()
        money.bank("CHUYEN TIEN", order.total, "evt-1")
        services.exception_resolve(
            actor=staff,
            credit=Credit.objects.get(),
            action="allocate",
            order_reference=order.number.lower(),
            note="Người mua gọi điện báo mã đơn",
        )
        assert _paid(order)
        assert Credit.objects.get().order_reference == order.number

    def test_a_duplicate_is_refunded_with_a_trail(self):
        staff = money.finance()
        order = money.order()
        money.bank(order, order.total, "evt-1")
        money.bank(order, order.total, "evt-2")
        duplicate = Credit.objects.get(problem=Problem.DUPLICATE)
        services.exception_resolve(
            actor=staff, credit=duplicate, action="refund", note="Chuyển trùng, trả lại"
        )
        duplicate.refresh_from_db()
        assert (duplicate.refunded, duplicate.resolved_by, duplicate.resolution) == (
            order.total,
            staff,
            "refunded",
        )
        refund = Refund.objects.get()
        assert refund.status == Refund.Status.PENDING and refund.payment.order_reference == (
            order.number
        )

    def test_a_write_off_needs_a_reason(self):
        staff = money.finance()
        money.bank("KHONG RO", 2_000, "evt-1")
        credit = Credit.objects.get()
        with pytest.raises(ApplicationError) as missing:
            services.exception_resolve(actor=staff, credit=credit, action="write_off", note="")
        assert missing.value.field == "note"
        services.exception_resolve(
            actor=staff, credit=credit, action="write_off", note="Không ai nhận sau 90 ngày"
        )
        credit.refresh_from_db()
        assert (credit.written_off, credit.status) == (2_000, "resolved")

    def test_a_resolved_credit_cannot_be_resolved_again(self):
        staff = money.finance()
        money.bank("KHONG RO", 2_000, "evt-1")
        credit = Credit.objects.get()
        services.exception_resolve(actor=staff, credit=credit, action="refund", note="Trả lại")
        with pytest.raises(ApplicationError):
            services.exception_resolve(actor=staff, credit=credit, action="refund", note="Lần 2")
        assert Refund.objects.count() == 1

    def test_allocating_to_an_order_already_paid_is_refused(self):
        staff = money.finance()
        order = money.order()
        money.bank(order, order.total, "evt-1")
        money.bank("CHUYEN TIEN", order.total, "evt-2")
        with pytest.raises(ApplicationError) as refused:
            services.exception_resolve(
                actor=staff,
                credit=Credit.objects.get(reference="evt-2"),
                action="allocate",
                order_reference=order.number,
                note="x",
            )
        assert refused.value.field == "order_reference"

    @pytest.mark.parametrize("role", [Role.MARKETPLACE_OPERATOR, Role.BUYER, Role.HOUSEHOLD])
    def test_only_finance_resolves(self, role):
        money.bank("KHONG RO", 2_000, "evt-1")
        with pytest.raises(ApplicationError) as refused:
            services.exception_resolve(
                actor=account_factories.user(role),
                credit=Credit.objects.get(),
                action="refund",
                note="Trả lại",
            )
        assert refused.value.code == "forbidden"
        assert Credit.objects.get().status == "open"
