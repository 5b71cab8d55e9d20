import json
from decimal import Decimal

import pytest

from nongsan.accounts.models import Role
from nongsan.accounts.tests import factories as account_factories
from nongsan.core.errors import ApplicationError
from nongsan.households.models import Milestone
from nongsan.households.tests import factories as household_factories
from nongsan.payments import providers, selectors, services
from nongsan.payments.models import LedgerEntry, Method, Payment, PaymentAccount, Refund

pytestmark = pytest.mark.django_db


@pytest.fixture
def household():
    return household_factories.household(head_name="Nguyễn Thị Mai", head_phone="0978111222")


@pytest.fixture
def postmart():
    return account_factories.marketplace()


class TestPaymentAccount:
    def test_bank_account_of_the_head_records_the_milestone(self, household):
        account = services.payment_account_link(
            actor=household.user,
            household=household,
            kind=PaymentAccount.Kind.BANK,
            provider="Agribank",
            number="1500 2050 12345",
            holder_name="NGUYEN THI MAI",
        )
        assert account.number == "1500205012345"
        assert Milestone.objects.filter(
            household=household, kind=Milestone.Kind.PAYMENT_ACCOUNT
        ).exists()

    @pytest.mark.parametrize(
        ("fields", "field"),
        [
            ({"provider": "Agribank", "number": "12", "holder_name": "Nguyen Thi Mai"}, "number"),
            (
                {"provider": "Nope", "number": "123456789", "holder_name": "Nguyen Thi Mai"},
                "provider",
            ),
            (
                {"provider": "Agribank", "number": "123456789", "holder_name": "Tran Van B"},
                "holder_name",
            ),
        ],
    )
    def test_bad_accounts_name_the_field(self, household, fields, field):
        with pytest.raises(ApplicationError) as error:
            services.payment_account_link(
                actor=household.user, household=household, kind="bank", **fields
            )
        assert error.value.field == field
        assert not PaymentAccount.objects.exists()

    def test_a_stranger_cannot_set_where_a_household_is_paid(self, household):
        with pytest.raises(ApplicationError) as error:
            services.payment_account_link(
                actor=account_factories.user(Role.BUYER),
                household=household,
                kind="post_office",
            )
        assert error.value.code == "forbidden"

    def test_a_new_account_replaces_the_old_one(self, household):
        for number in ("0978111222", "0978111333"):
            services.payment_account_link(
                actor=household.user,
                household=household,
                kind="ewallet",
                provider="momo",
                number=number,
                holder_name="Nguyễn Thị Mai",
            )
        assert PaymentAccount.objects.filter(is_active=True).get().number == "0978111333"


class TestLedgerAndPayouts:
    def test_credit_arithmetic_and_once_per_reference(self, household, postmart):
        for _ in range(2):
            services.sale_credit(
                household_id=household.pk,
                marketplace=postmart,
                reference="NSABCDEFGH-1",
                gross=333_333,
                commission_percent=Decimal("5"),
                cooperative_percent=Decimal("10"),
            )
        amounts = dict(LedgerEntry.objects.values_list("kind", "amount"))
        # 5% of 333.333 = 16.666,65 -> 16.667; 10% of the remaining 316.666 = 31.666,6 -> 31.667
        assert amounts == {"sale": 333_333, "commission": -16_667, "coop_share": -31_667}

    def test_a_batch_pays_balances_with_an_account_and_keeps_the_rest(self, household, postmart):
        other = household_factories.household()
        for target, gross in ((household, 200_000), (other, 100_000)):
            services.sale_credit(
                household_id=target.pk,
                marketplace=postmart,
                reference=f"S-{target.pk}",
                gross=gross,
                commission_percent=Decimal(5),
            )
        services.payment_account_link(actor=household.user, household=household, kind="post_office")
        finance = account_factories.user(Role.FINANCE)
        batch = services.payout_batch_run(actor=finance)
        assert (batch.payout_count, batch.total) == (1, 190_000)
        assert selectors.balance(household=household).unpaid == 0
        assert selectors.balance(household=household).paid_out == 190_000
        assert selectors.balance(household=other).unpaid == 95_000
        again = services.payout_batch_run(actor=finance)
        assert again.payout_count == 0
        assert again.created_by == finance
        operator = account_factories.user(Role.MARKETPLACE_OPERATOR, marketplace=postmart)
        for outsider in (household.user, operator):
            with pytest.raises(ApplicationError) as refused:
                services.payout_batch_run(actor=outsider)
            assert refused.value.code == "forbidden"


class TestNotifications:
    def _payment(self, household, method=Method.VIETQR):
        return services.payment_start(
            order_reference="NSABCDEFGH", payer=household.user, method=method, amount=250_000
        )

    def _bank(self, payload):
        body = json.dumps(payload).encode()
        return services.bank_notification_receive(
            body=body, signature=services.bank_signature(body)
        )

    def test_bank_notification_matches_by_reference_in_the_message(self, household):
        payment = self._payment(household)
        note = self._bank({"id": 1, "amount": 250_000, "description": "MBVCB.123 NSABCDEFGH CK"})
        assert note.outcome == "accepted"
        payment.refresh_from_db()
        assert payment.status == Payment.Status.SUCCEEDED and payment.received_amount == 250_000
        assert services.is_paid(order_reference="NSABCDEFGH", amount=250_000)

    def test_unknown_reference_is_kept_unmatched(self, household):
        self._payment(household)
        note = self._bank({"id": 2, "amount": 250_000, "description": "chuyen tien"})
        assert note.outcome == "unmatched" and note.payment is None

    def test_bad_signature_and_missing_fields(self, household):
        body = json.dumps({"id": 3, "amount": 1}).encode()
        with pytest.raises(providers.SignatureError):
            services.bank_notification_receive(body=body, signature="bad")
        body = json.dumps({"amount": 1}).encode()
        with pytest.raises(ApplicationError, match="thiếu"):
            services.bank_notification_receive(body=body, signature=services.bank_signature(body))

    def test_refund_never_exceeds_what_was_received(self, household):
        self._payment(household)
        self._bank({"id": 4, "amount": 250_000, "description": "NSABCDEFGH"})
        services.refund_issue(
            order_reference="NSABCDEFGH", reference="r1", amount=200_000, reason="Hủy"
        )
        again = services.refund_issue(
            order_reference="NSABCDEFGH", reference="r1", amount=200_000, reason="Hủy"
        )
        assert Refund.objects.count() == 1 and again.amount == 200_000
        with pytest.raises(ApplicationError, match="vượt quá"):
            services.refund_issue(
                order_reference="NSABCDEFGH", reference="r2", amount=60_000, reason="Hủy"
            )

    def test_new_attempt_cancels_the_waiting_one(self, household):
        first = self._payment(household)
        second = self._payment(household, method=Method.EWALLET)
        first.refresh_from_db()
        assert first.status == Payment.Status.CANCELLED
        assert second.reference.endswith("P2") and second.redirect_url
