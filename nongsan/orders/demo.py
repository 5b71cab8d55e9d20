"""Demo orders: buyers across the provinces and abroad buying from the demo shops over the last
two months, through the real services, in every state and with every way of paying."""

import datetime as dt
import json
import random
from collections.abc import Callable, Sequence
from decimal import Decimal

from django.utils import timezone

from nongsan.accounts import services as accounts_services
from nongsan.accounts.models import Role, User
from nongsan.catalog.models import Product
from nongsan.core.errors import ApplicationError
from nongsan.geo.models import Commune, Country
from nongsan.orders import services
from nongsan.orders.models import Cart, Order, PaymentMethod, SubOrder
from nongsan.payments import selectors as payments_selectors
from nongsan.payments import services as payments_services
from nongsan.payments.models import Payment

Status = SubOrder.Status

# Where demo buyers live: the big cities most, then provinces all over the country.
BUYER_PROVINCES = (
    ["Hà Nội"] * 6
    + ["Hồ Chí Minh"] * 6
    + ["Hải Phòng", "Đà Nẵng", "Cần Thơ", "Huế", "Quảng Ninh", "Khánh Hòa", "Lâm Đồng"]
    + ["Nghệ An", "Thanh Hóa", "Đắk Lắk", "Gia Lai", "Đồng Nai", "An Giang", "Cà Mau"]
    + ["Thái Nguyên", "Phú Thọ", "Ninh Bình", "Quảng Ngãi", "Tây Ninh", "Vĩnh Long", "Sơn La"]
)
# Buyers abroad: (country code, address, phone).
ABROAD = (
    ("DE", "Kantstraße 12, 10623 Berlin", "+49 151 2345 6789"),
    ("JP", "2-11-3 Meguro, Meguro-ku, Tokyo 153-0063", "+81 90 1234 5678"),
    ("KR", "25 Sejong-daero, Jung-gu, Seoul 04519", "+82 10 2345 6789"),
    ("AU", "120 Collins Street, Melbourne VIC 3000", "+61 412 345 678"),
    ("US", "1800 Jefferson Street, Houston TX 77003", "+1 713 555 0142"),
    ("FR", "18 Rue de Belleville, 75020 Paris", "+33 6 12 34 56 78"),
)
STREETS = ("Số 12 ngõ 34 phố Nguyễn Trãi", "18 Lê Lợi", "Thôn Đông", "Tổ 5, khu phố 2")
# Where an order stops, weighted: most are done, some in flight, a few cancelled.
FATES = (
    [Status.COMPLETED] * 8
    + [Status.DELIVERED] * 2
    + [Status.HANDED_TO_CARRIER] * 2
    + [Status.PACKED, Status.CONFIRMED, Status.PLACED, Status.PLACED]
    + [Status.CANCELLED] * 2
)
PATH = (Status.CONFIRMED, Status.PACKED, Status.HANDED_TO_CARRIER, Status.DELIVERED)
# A demo seller's own recent orders, one at each step still in progress (how many days ago it
# was placed, where it stands), so that the seller's page shows something to do at each step.
SHOWCASE = (
    (0.1, Status.PLACED),
    (0.2, Status.PLACED),
    (1.0, Status.CONFIRMED),
    (2.0, Status.PACKED),
    (3.0, Status.HANDED_TO_CARRIER),
    (4.0, Status.DELIVERED),
)
REVIEWS = (
    (5, "Hàng tươi, đóng gói cẩn thận, sẽ ủng hộ tiếp."),
    (5, "Ngọt, đúng như mô tả. Cảm ơn cô chú."),
    (4, "Hàng ngon, giao hơi lâu một chút."),
    (5, "Mua tận gốc từ nhà vườn nên yên tâm."),
    (3, "Vài quả hơi dập do vận chuyển."),
)


Person = Callable[[random.Random], tuple[str, bool]]


def _buyers(rng: random.Random, person: Person) -> list[tuple[User, services.Address]]:
    """Demo buyers (phones 0916xxxxxx) with the address they order to."""
    people = []
    for index, province in enumerate(BUYER_PROVINCES):
        phone = f"0916{index:06d}"
        user = User.objects.filter(phone="+84" + phone[1:]).first()
        if user is None:
            name, _female = person(rng)
            user = accounts_services.user_create(
                phone=phone, full_name=name, password="nongsan-demo-2026", role=Role.BUYER
            )
        commune = Commune.objects.filter(province__short_name=province).order_by("code")[
            rng.randrange(0, 20)
        ]
        address = services.Address(
            recipient_name=user.full_name,
            recipient_phone=phone,
            street=rng.choice(STREETS),
            commune=commune,
        )
        people.append((user, address))
    for index, (code, text, phone) in enumerate(ABROAD):
        login = f"0916{900 + index:06d}"
        user = User.objects.filter(phone="+84" + login[1:]).first()
        if user is None:
            name, _female = person(rng)
            user = accounts_services.user_create(
                phone=login, full_name=name, password="nongsan-demo-2026", role=Role.BUYER
            )
        address = services.Address(
            recipient_name=user.full_name,
            recipient_phone=phone,
            country=Country.objects.get(code=code),
            foreign_address=text,
        )
        people.append((user, address))
    return people


def _quantity(rng: random.Random, product: Product) -> Decimal:
    steps = rng.randint(0, 4)
    return product.min_order + product.order_step * steps


def _pay(rng: random.Random, order: Order, now: dt.datetime) -> None:
    payment = order_payment(order)
    if payment is None or order.payment_method == PaymentMethod.COD:
        return
    if order.payment_method == PaymentMethod.VIETQR:
        body = json.dumps(
            {
                "id": f"demo-{order.number}",
                "amount": order.total,
                "description": f"IBFT {order.number}",
            }
        ).encode()
        payments_services.bank_notification_receive(
            body=body, signature=payments_services.bank_signature(body), now=now
        )
    else:
        wallet = payments_services.sandbox_wallet()
        body = wallet.sign_webhook(
            provider_ref=payment.provider_ref,
            reference=payment.reference,
            amount=payment.amount,
            status="succeeded",
            event_id=f"demo-{payment.reference}",
        )
        payments_services.ewallet_notification_receive(
            provider_code=wallet.code, body=body, headers={}, now=now
        )
    services.order_payment_sync(order_reference=order.number)


def _cart_filled(rng: random.Random, buyer: User, products: Sequence[Product]) -> Cart:
    """The buyer's cart emptied, then holding what of `products` it can take (a quantity each)."""
    cart = services.cart_for(user=buyer, session_key=None)
    assert cart is not None
    cart.lines.all().delete()
    for product in products:
        try:
            services.cart_add(cart=cart, product=product, quantity=_quantity(rng, product))
        except ApplicationError:
            continue
    return cart


def order_payment(order: Order) -> Payment | None:
    return payments_selectors.payment_list(order_reference=order.number).first()


def _advance(rng: random.Random, sub: SubOrder, fate: str, placed: dt.datetime) -> None:
    seller = services.seller_user(sub.shop)
    buyer = sub.order.buyer
    at = placed
    if seller is None:
        return  # a cooperative without a manager account yet: the order waits
    if fate == Status.CANCELLED:
        by_buyer = rng.random() < 0.5
        services.sub_order_transition(
            actor=buyer if by_buyer else seller,
            sub_order=sub,
            to=Status.CANCELLED,
            reason="" if by_buyer else "Mưa lớn, hàng chưa thu hoạch kịp",
            now=at + dt.timedelta(hours=3),
        )
        return
    target = Status.DELIVERED if fate == Status.COMPLETED else fate
    if target == Status.PLACED:
        return
    for status in PATH[: PATH.index(target) + 1]:
        at += dt.timedelta(hours=rng.randint(2, 14))
        services.sub_order_transition(actor=seller, sub_order=sub, to=status, now=at)
    if fate == Status.COMPLETED:
        at += dt.timedelta(hours=rng.randint(6, 30))
        services.sub_order_transition(actor=buyer, sub_order=sub, to=Status.COMPLETED, now=at)
        if rng.random() < 0.6:
            stars, text = rng.choice(REVIEWS)
            line = sub.lines.first()
            if line is not None:
                services.review_create(
                    actor=buyer, sub_order=sub, product=line.product, stars=stars, text=text
                )


def orders_demo_seed(
    *,
    rng: random.Random,
    person: Person,
    count: int = 240,
    extra_buyers: Sequence[User] = (),
    showcase_sellers: Sequence[User] = (),
) -> dict[str, int]:
    """`count` orders over the last 60 days by buyers named by `person`, and for each of
    `showcase_sellers` (a demo login) recent orders at every step in progress; returns what was
    made. Does nothing when orders exist already (the demo is seeded once)."""
    if Order.objects.exists():
        return {}
    products = list(
        Product.objects.filter(is_listed=True, stock__gte=20, preorder_enabled=False)
        .select_related("shop")
        .order_by("pk")
    )
    if not products:
        return {}
    people = _buyers(rng, person)
    for user in extra_buyers:
        commune = Commune.objects.filter(province__short_name="Hà Nội").order_by("code").first()
        people.insert(
            0,
            (
                user,
                services.Address(
                    recipient_name=user.full_name,
                    recipient_phone="0" + user.phone[3:],
                    street="Số 8 Tràng Thi",
                    commune=commune,
                ),
            ),
        )
    now = timezone.now()
    made = refused = 0
    for index in range(count):
        buyer, address = people[index % len(people)] if index < len(people) else rng.choice(people)
        abroad = address.commune is None
        placed = now - dt.timedelta(days=rng.uniform(0.2, 60))
        cart = _cart_filled(rng, buyer, rng.sample(products, rng.choice([1, 1, 2, 3])))
        method = rng.choice(
            [PaymentMethod.VIETQR, PaymentMethod.EWALLET]
            if abroad
            else [PaymentMethod.COD] * 5 + [PaymentMethod.VIETQR] * 3 + [PaymentMethod.EWALLET] * 2
        )
        try:
            order = services.checkout(
                buyer=buyer,
                cart=cart,
                address=address,
                delivery_option=rng.choice(["standard", "standard", "express"]),
                payment_method=method,
                now=placed,
            )
        except ApplicationError:
            refused += 1
            continue
        made += 1
        fate = rng.choice(FATES)
        if method != PaymentMethod.COD and (fate != Status.PLACED or rng.random() < 0.5):
            _pay(rng, order, placed + dt.timedelta(minutes=rng.randint(2, 40)))
        elif method != PaymentMethod.COD:
            continue  # waiting for the buyer to pay: the seller waits too
        for sub in order.sub_orders.all():
            _advance(rng, sub, fate if rng.random() < 0.85 else rng.choice(FATES), placed)
    showcased = _showcase_seed(rng=rng, now=now, sellers=showcase_sellers, people=people)
    return {"orders": made + showcased, "orders_refused": refused}


def _showcase_seed(
    *,
    rng: random.Random,
    now: dt.datetime,
    sellers: Sequence[User],
    people: Sequence[tuple[User, services.Address]],
) -> int:
    """Recent orders for each seller's shops, one at each step of SHOWCASE, paid on delivery."""
    made = 0
    in_vietnam = [(buyer, address) for buyer, address in people if address.commune is not None]
    for seller in sellers:
        wares = [
            p
            for p in Product.objects.filter(
                is_listed=True, preorder_enabled=False, shop__household__user=seller
            ).order_by("pk")
            if p.stock >= p.min_order * 4
        ]
        if not wares:
            continue
        for days, fate in SHOWCASE:
            buyer, address = rng.choice(in_vietnam)  # paid on delivery: not abroad
            product = rng.choice(wares)
            placed = now - dt.timedelta(days=days)
            order = services.checkout(
                buyer=buyer,
                cart=_cart_filled(rng, buyer, [product]),
                address=address,
                payment_method=PaymentMethod.COD,
                now=placed,
            )
            for sub in order.sub_orders.all():
                _advance(rng, sub, fate, placed)
            made += 1
    return made
