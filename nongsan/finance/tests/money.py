"""Money arriving the way it does in production: signed bank notifications, signed wallet
notifications, and the order's payment status brought up to date after each (as the webhooks do)."""

import json

from nongsan.accounts.models import Role, User
from nongsan.accounts.tests import factories as account_factories
from nongsan.catalog.tests import factories as catalog_factories
from nongsan.orders import services as orders_services
from nongsan.orders.models import Order, PaymentMethod
from nongsan.orders.tests import factories as order_factories
from nongsan.orgs.models import Marketplace
from nongsan.payments import services as payments_services
from nongsan.payments.models import Notification, Payment


def finance() -> User:
    return account_factories.user(Role.FINANCE, full_name="Vũ Thị Thoa")


def order(
    *,
    method: str = PaymentMethod.VIETQR,
    marketplace: Marketplace | None = None,
    price: int = 100_000,
) -> Order:
    shop = catalog_factories.shop(marketplace=marketplace or account_factories.marketplace())
    product = order_factories.product(shop=shop, price=price, stock="1000")
    return order_factories.place(items=[(product, 1)], method=method)


def attempts(order: Order) -> list[Payment]:
    return list(Payment.objects.filter(order_reference=order.number).order_by("pk"))


def bank(order_or_text: Order | str, amount: int, event: str) -> Notification:
    text = f"IBFT {order_or_text.number}" if isinstance(order_or_text, Order) else order_or_text
    body = json.dumps({"id": event, "amount": amount, "description": text}).encode()
    notification = payments_services.bank_notification_receive(
        body=body, signature=payments_services.bank_signature(body)
    )
    if notification.payment is not None:
        orders_services.order_payment_sync(order_reference=notification.payment.order_reference)
    return notification


def wallet(payment: Payment, amount: int | None = None, event: str = "") -> Notification:
    sandbox = payments_services.sandbox_wallet()
    body = sandbox.sign_webhook(
        provider_ref=payment.provider_ref,
        reference=payment.reference,
        amount=payment.amount if amount is None else amount,
        status="succeeded",
        event_id=event or f"ipn-{payment.reference}",
    )
    notification = payments_services.ewallet_notification_receive(
        provider_code=sandbox.code, body=body, headers={}
    )
    orders_services.order_payment_sync(order_reference=payment.order_reference)
    return notification


def switch(order: Order, method: str) -> Payment:
    return orders_services.payment_retry(actor=order.buyer, order=order, method=method)
