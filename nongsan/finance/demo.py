"""Demo money that does not simply match, through the real services: each kind of exception
once (an overpayment, two partial transfers, a second transfer, a transfer with no order number,
a wallet paying the wrong amount, a wallet attempt finished after the buyer paid by VietQR,
and a carrier's COD remittance with a short line, a parcel that is not ours and one missing),
so the finance staff's queue is not empty in `make demo`."""

import datetime as dt
import json
import random

from django.utils import timezone

from nongsan.accounts.models import Role, User
from nongsan.catalog.models import Product
from nongsan.core.errors import ApplicationError
from nongsan.finance import services
from nongsan.geo.models import Commune
from nongsan.orders import services as orders_services
from nongsan.orders.models import Order, PaymentMethod
from nongsan.orgs.models import Carrier
from nongsan.payments import services as payments_services
from nongsan.payments.models import Credit, Payment
from nongsan.shipping import selectors as shipping_selectors

BUYER_PHONE = "+84912000005"
FINANCE_PHONE = "+84912000011"
MARKER = "demo-fin-"


def _bank(event: str, amount: int, description: str, now: dt.datetime) -> None:
    body = json.dumps(
        {"id": f"{MARKER}{event}", "amount": amount, "description": description}
    ).encode()
    notification = payments_services.bank_notification_receive(
        body=body, signature=payments_services.bank_signature(body), now=now
    )
    if notification.payment is not None:
        orders_services.order_payment_sync(order_reference=notification.payment.order_reference)


def _wallet(payment: Payment, amount: int, event: str, now: dt.datetime) -> None:
    wallet = payments_services.sandbox_wallet()
    body = wallet.sign_webhook(
        provider_ref=payment.provider_ref,
        reference=payment.reference,
        amount=amount,
        status="succeeded",
        event_id=f"{MARKER}{event}",
    )
    payments_services.ewallet_notification_receive(
        provider_code=wallet.code, body=body, headers={}, now=now
    )
    orders_services.order_payment_sync(order_reference=payment.order_reference)


def _order(buyer: User, product: Product, method: str, now: dt.datetime) -> Order | None:
    commune = Commune.objects.filter(province__short_name="Hà Nội").order_by("code").first()
    try:
        return orders_services.checkout(
            buyer=buyer,
            cart=None,
            items=[(product.pk, product.min_order)],
            address=orders_services.Address(
                recipient_name=buyer.full_name,
                recipient_phone="0912000005",
                street="Số 12 ngõ 34 phố Nguyễn Trãi",
                commune=commune,
            ),
            payment_method=method,
            now=now,
        )
    except ApplicationError:
        return None


def _first_attempt(order: Order) -> Payment:
    return Payment.objects.filter(order_reference=order.number).earliest("pk")


def finance_demo_seed(*, rng: random.Random) -> dict[str, int]:
    if Credit.objects.filter(reference__contains=MARKER).exists():
        return {"money_exceptions": 0}
    buyer = User.objects.filter(phone=BUYER_PHONE).first()
    finance = User.objects.filter(phone=FINANCE_PHONE, role=Role.FINANCE).first()
    products = [
        p
        for p in Product.objects.filter(is_listed=True, preorder_enabled=False).order_by("pk")[:60]
        if p.stock >= p.min_order * 8 and p.shop.is_active
    ]
    if buyer is None or finance is None or not products:
        return {"money_exceptions": 0}
    now = timezone.now()

    def at(hours: float) -> dt.datetime:
        return now - dt.timedelta(hours=hours)

    def order(method: str, hours: float) -> Order | None:
        return _order(buyer, rng.choice(products), method, at(hours))

    if (overpaid := order(PaymentMethod.VIETQR, 30)) is not None:
        _bank("overpaid", overpaid.total + 50_000, f"IBFT {overpaid.number}", at(29))
    if (partial := order(PaymentMethod.VIETQR, 28)) is not None:
        half = partial.total // 2
        _bank("partial-1", half, f"{partial.number} lan 1", at(27))
        _bank("partial-2", partial.total - half, f"{partial.number} lan 2", at(26))
    if (twice := order(PaymentMethod.VIETQR, 25)) is not None:
        _bank("paid", twice.total, f"IBFT {twice.number}", at(24))
        _bank("paid-again", twice.total, f"IBFT {twice.number} chuyen lai", at(23))
    _bank("unknown", 250_000, "CHUYEN TIEN MUA NA", at(22))
    if (wrong := order(PaymentMethod.EWALLET, 21)) is not None:
        _wallet(_first_attempt(wrong), wrong.total - 10_000, "mismatch", at(20))
    if (switched := order(PaymentMethod.EWALLET, 19)) is not None:
        wallet_attempt = _first_attempt(switched)
        orders_services.payment_retry(actor=buyer, order=switched, method=PaymentMethod.VIETQR)
        _bank("switched", switched.total, f"IBFT {switched.number}", at(18))
        _wallet(wallet_attempt, wallet_attempt.amount, "late", at(17))
    cod = _cod_remittance(finance=finance, now=at(2))
    return {
        "money_exceptions": Credit.objects.filter(status=Credit.Status.OPEN).count(),
        "cod_remittances": cod,
    }


def _cod_remittance(*, finance: User, now: dt.datetime) -> int:
    """A remittance from the carrier with the most delivered COD parcels: the first paid in
    full, the second short by 20,000 đồng, one not ours, and the last left out (missing)."""
    for carrier in Carrier.objects.filter(is_active=True).order_by("code"):
        parcels = list(shipping_selectors.cod_collected_by(carrier=carrier, until=now)[:3])
        if len(parcels) < 2:
            continue
        lines = [(parcels[0].tracking_number, parcels[0].cod_amount)]
        if len(parcels) == 3:
            lines.append((parcels[1].tracking_number, max(parcels[1].cod_amount - 20_000, 0)))
        lines.append(("EA000000000VN", 120_000))
        services.cod_remittance_record(
            actor=finance,
            carrier=carrier,
            reference=f"BK-{now:%Y%m%d}-01",
            collected_until=parcels[-1].delivered_at or now,
            lines=lines,
            now=now,
        )
        return 1
    return 0
