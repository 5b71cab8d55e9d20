"""Demo money that does not simply match, through the real services: each kind of exception
once (an overpayment, two partial transfers, a second transfer, a transfer with no order number,
a wallet paying the wrong amount, a wallet attempt finished after the buyer paid by VietQR,
and a carrier's COD remittance with a short line, a parcel that is not ours and one missing),
so the finance staff's queue is not empty in `make demo`."""

import datetime as dt
import json
import random
from decimal import Decimal

from django.utils import timezone

from nongsan.accounts.models import Role, User
from nongsan.catalog.models import Product
from nongsan.core.errors import ApplicationError
from nongsan.finance import services
from nongsan.geo.models import Commune
from nongsan.orders import services as orders_services
from nongsan.orders.models import Order, PaymentMethod, SubOrder
from nongsan.orgs.models import Carrier
from nongsan.payments import services as payments_services
from nongsan.payments.models import Credit, Payment
from nongsan.shipping import selectors as shipping_selectors
from nongsan.shipping import services as shipping_services
from nongsan.shipping.models import Shipment

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
    cod = _cod_remittance(finance=finance, buyer=buyer, products=products, now=at(2))
    return {
        "money_exceptions": Credit.objects.filter(status=Credit.Status.OPEN).count(),
        "cod_remittances": cod,
    }


def _cod_parcels(
    buyer: User, products: list[Product], now: dt.datetime
) -> tuple[Carrier | None, list[Shipment]]:
    """Three parcels paid in cash, shipped by Vietnam Post and delivered two days ago."""
    carrier = Carrier.objects.filter(is_active=True).order_by("code").first()
    parcels: list[Shipment] = []
    if carrier is None:
        return carrier, parcels
    for index in range(3):
        order = _order(buyer, products[index % len(products)], PaymentMethod.COD, now)
        seller = orders_services.seller_user(order.sub_orders.get().shop) if order else None
        if order is None or seller is None:
            continue
        sub = orders_services.sub_order_transition(
            actor=seller, sub_order=order.sub_orders.get(), to=SubOrder.Status.CONFIRMED, now=now
        )
        try:
            shipment = shipping_services.shipment_create(
                actor=seller,
                sub_order=sub,
                carrier=carrier,
                weight_kg=Decimal(2),
                length_cm=30,
                width_cm=20,
                height_cm=20,
                now=now,
            )
        except ApplicationError:
            continue
        for hours, kind in ((2, Shipment.Status.PICKED_UP), (20, Shipment.Status.DELIVERED)):
            shipping_services.event_record(
                shipment=shipment,
                kind=kind,
                at=now + dt.timedelta(hours=hours + index),
                source="webhook",
                external_id=f"{MARKER}{shipment.tracking_number}-{kind}",
                now=now + dt.timedelta(hours=hours + index),
            )
        shipment.refresh_from_db()
        parcels.append(shipment)
    return carrier, parcels


def _cod_remittance(
    *, finance: User, buyer: User, products: list[Product], now: dt.datetime
) -> int:
    """The carrier's remittance of the demo's COD parcels: the first paid in full, the second
    short by 20,000 đồng, a parcel that is not ours, and the third left out (missing)."""
    carrier, parcels = _cod_parcels(buyer, products, now - dt.timedelta(days=3))
    if carrier is None or len(parcels) < 3:
        return 0
    _paid_in_full, second, third = parcels
    until = third.delivered_at or now
    # Everything the carrier collected up to then, as it remits it: in full, but the second
    # parcel short, the third left out, and a parcel that is not ours.
    lines = [
        (shipment.tracking_number, shipment.cod_amount)
        for shipment in shipping_selectors.cod_collected_by(carrier=carrier, until=until)
        if shipment.pk not in (second.pk, third.pk)
    ]
    lines += [
        (second.tracking_number, max(second.cod_amount - 20_000, 0)),
        ("EA000000000VN", 120_000),
    ]
    services.cod_remittance_record(
        actor=finance,
        carrier=carrier,
        reference=f"BK-{now:%Y%m%d}-01",
        collected_until=until,
        lines=lines,
        now=now,
    )
    return 1
