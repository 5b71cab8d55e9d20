"""Every write about buying: the cart, checkout, the sub-order pipeline, pre-order harvests,
payment confirmations as they affect orders, and reviews.

Checkout is one transaction of a fixed number of statements plus one conditional UPDATE per
product (see catalog.services.stock_take): with many buyers racing for the last kilos, exactly
what is there is sold and the others get a message naming the product.
"""

import datetime as dt
import secrets
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from nongsan.accounts import selectors as accounts_selectors
from nongsan.accounts import services as accounts_services
from nongsan.accounts.models import User
from nongsan.catalog import selectors as catalog_selectors
from nongsan.catalog import services as catalog_services
from nongsan.catalog.models import Product, Shop
from nongsan.core import images, sql
from nongsan.core.errors import ApplicationError
from nongsan.core.money import format_vnd
from nongsan.core.validators import parse_mobile
from nongsan.geo.models import Commune, Country
from nongsan.households import services as households_services
from nongsan.households.models import Household, Milestone
from nongsan.orders import fees, selectors
from nongsan.orders.models import (
    Cart,
    CartLine,
    DeliveryOption,
    Order,
    OrderLine,
    PaymentMethod,
    Review,
    SubOrder,
    SubOrderEvent,
    line_amount,
)
from nongsan.orders.pipeline import (
    ALLOWED,
    BUYER_MAY_CANCEL,
    DISPUTE_DAYS,
    MOVERS,
    TIMESTAMP,
    Party,
    operator_decides,
    parties_of,
    seller_delivers,
)
from nongsan.orgs.models import Carrier
from nongsan.payments import selectors as payments_selectors
from nongsan.payments import services as payments_services
from nongsan.payments.models import Payment

Status = SubOrder.Status
MAX_CART_LINES = 50
VIETNAM = "VN"


# --- Cart ---------------------------------------------------------------------------------------


_CART_OF_USER_SQL = (
    f"SELECT {sql.columns(Cart, 'c')} FROM {Cart._meta.db_table} c WHERE c.user_id = %s"
)


def cart_for(*, user: User | None, session_key: str | None, create: bool = True) -> Cart | None:
    """The cart of a signed-in user, or of a browser session before signing in."""
    if user is not None and user.is_authenticated:
        cart = sql.one(_CART_OF_USER_SQL, [user.pk], Cart)
        if cart is None and create:
            cart, _ = Cart.objects.get_or_create(user=user)
        if cart is not None:
            cart.user = user
        return cart
    if not session_key:
        return None
    cart = Cart.objects.filter(session_key=session_key).first()
    if cart is None and create:
        cart, _ = Cart.objects.get_or_create(session_key=session_key)
    return cart


def quantity_check(*, product: Product, quantity: Decimal) -> Decimal:
    """A quantity the product can be sold in: positive, at least the minimum order, in steps of
    the order step (0.5 kg: 2.5 kg yes, 2.3 kg no), whole for goods sold by the piece."""
    unit = Product.Unit(product.unit).label
    if quantity <= 0:
        raise ApplicationError("Số lượng phải lớn hơn 0.", field="quantity")
    if product.unit != Product.Unit.KG and quantity != quantity.to_integral_value():
        raise ApplicationError(
            f"Sản phẩm bán theo {unit}: số lượng phải là số nguyên.", field="quantity"
        )
    if quantity < product.min_order:
        raise ApplicationError(
            f"{product.name}: mua tối thiểu {product.min_order.normalize():f} {unit}.",
            field="quantity",
            code="below_minimum",
        )
    if (quantity / product.order_step) % 1 != 0:
        raise ApplicationError(
            f"{product.name}: số lượng tăng theo bước {product.order_step.normalize():f} {unit}.",
            field="quantity",
        )
    return quantity


_CART_HELD_SQL = (
    f"SELECT {sql.columns(CartLine, 'l')} FROM {CartLine._meta.db_table} l WHERE l.cart_id = %s"
)


def cart_add(*, cart: Cart, product: Product, quantity: Decimal) -> CartLine:
    """Add to the cart (adding to what is there already)."""
    if not product.is_listed or not product.shop.is_active:
        raise ApplicationError("Sản phẩm không còn được bán.", field="product")
    lines = [sql.build(CartLine, row) for row in sql.rows(_CART_HELD_SQL, [cart.pk])]
    line = next((x for x in lines if x.product_id == product.pk), None)
    total = quantity + (line.quantity if line else 0)
    quantity_check(product=product, quantity=total)
    if line is None:
        if len(lines) >= MAX_CART_LINES:
            raise ApplicationError(
                "Giỏ hàng đã đủ 50 sản phẩm; hãy đặt hàng trước.", field="product"
            )
        return sql.insert([CartLine(cart=cart, product=product, quantity=total)])[0]
    line.quantity = total
    CartLine.objects.filter(pk=line.pk).update(quantity=total)
    return line


def cart_set_quantity(*, cart: Cart, product: Product, quantity: Decimal) -> CartLine | None:
    """Set a line's quantity; zero removes it."""
    if quantity == 0:
        CartLine.objects.filter(cart=cart, product=product).delete()
        return None
    quantity_check(product=product, quantity=quantity)
    line, _ = CartLine.objects.update_or_create(
        cart=cart, product=product, defaults={"quantity": quantity}
    )
    return line


def cart_merge(*, user: User, cart_id: int) -> None:
    """On sign-in, what was put in the cart before joins the user's cart (a product already
    there keeps the user's quantity)."""
    anonymous = Cart.objects.filter(pk=cart_id, user__isnull=True).first()
    if anonymous is None:
        return
    cart = cart_for(user=user, session_key=None)
    assert cart is not None
    with transaction.atomic():
        taken = set(cart.lines.values_list("product_id", flat=True))
        anonymous.lines.exclude(product_id__in=taken).update(cart=cart)
        anonymous.delete()


# --- Checkout -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Address:
    """Where to deliver: a commune of today's units, or a country other than Vietnam and text."""

    recipient_name: str
    recipient_phone: str
    street: str = ""
    commune: Commune | None = None
    country: Country | None = None  # None or Vietnam: a commune is required
    foreign_address: str = ""


def address_check(address: Address) -> Address:
    name = " ".join(address.recipient_name.split())
    if not name:
        raise ApplicationError("Hãy nhập tên người nhận.", field="recipient_name")
    foreign = address.country is not None and address.country.code != VIETNAM
    phone = address.recipient_phone.strip()
    if foreign:
        digits = phone.replace(" ", "").replace("-", "")
        if not digits.lstrip("+").isdigit() or not 7 <= len(digits.lstrip("+")) <= 15:
            raise ApplicationError(
                "Số điện thoại người nhận không hợp lệ (ghi cả mã quốc gia, ví dụ +49...).",
                field="recipient_phone",
            )
        if len(address.foreign_address.strip()) < 10:
            raise ApplicationError(
                "Hãy ghi đầy đủ địa chỉ ở nước ngoài (đường, thành phố, mã bưu chính).",
                field="foreign_address",
            )
        return Address(
            recipient_name=name,
            recipient_phone=digits,
            country=address.country,
            foreign_address=address.foreign_address.strip(),
        )
    if address.commune is None:
        raise ApplicationError("Hãy chọn xã/phường nhận hàng.", field="commune")
    phone = parse_mobile(phone, field="recipient_phone")
    if not address.street.strip():
        raise ApplicationError("Hãy nhập số nhà, đường hoặc thôn/xóm.", field="street")
    return Address(
        recipient_name=name,
        recipient_phone=phone,
        street=" ".join(address.street.split()),
        commune=address.commune,
    )


@dataclass(frozen=True)
class ShopQuote:
    shop: Shop
    lines: list[CartLine]
    goods_total: int
    weight_kg: Decimal
    perishable: bool
    has_preorder: bool
    shipping_fee: int


@dataclass(frozen=True)
class Quote:
    shops: list[ShopQuote]
    goods_total: int
    shipping_total: int
    # Unit prices that differ from the product's price (household prices of inputs), by product.
    unit_prices: dict[int, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return self.goods_total + self.shipping_total


def is_preorder(product: Product, today: dt.date) -> bool:
    """Bought before the harvest: pre-orders are open and the harvest has not begun."""
    return bool(
        product.preorder_enabled and product.available_from and product.available_from > today
    )


def line_weight(product: Product, quantity: Decimal) -> Decimal:
    return quantity if product.unit == Product.Unit.KG else quantity * (product.unit_weight_kg or 0)


def quote(
    *,
    lines: Sequence[CartLine],
    address: Address | None,
    option: str,
    today: dt.date,
    buyer: User | None = None,
) -> Quote:
    """Prices, weights and delivery fees per shop for these cart lines (products loaded); a
    verified household buyer gets its household prices of inputs."""
    prices = catalog_selectors.unit_prices_for(
        buyer=buyer, lines=[(x.product, x.quantity) for x in lines], today=today
    )
    for line in lines:
        line.household_price = prices.get(line.product_id)  # type: ignore[attr-defined]
    by_shop: dict[int, list[CartLine]] = defaultdict(list)
    for line in lines:
        by_shop[line.product.shop_id].append(line)
    shops = []
    for shop_lines in by_shop.values():
        shop = shop_lines[0].product.shop
        weight = sum((line_weight(x.product, x.quantity) for x in shop_lines), Decimal(0))
        perishable = any(x.product.shelf_life_hours for x in shop_lines)
        fee = 0
        if address is not None:
            buyer_province = address.commune.province if address.commune else None
            zone = fees.zone_of(
                seller_province_id=shop.commune.province_id,
                seller_region=shop.commune.province.region,
                buyer_province_id=buyer_province.pk if buyer_province else None,
                buyer_region=buyer_province.region if buyer_province else None,
            )
            fee = fees.delivery_fee(
                zone=zone, weight_kg=weight, perishable=perishable, option=option
            )
        shops.append(
            ShopQuote(
                shop=shop,
                lines=shop_lines,
                goods_total=sum(
                    line_amount(prices.get(x.product_id, x.product.price), x.quantity)
                    for x in shop_lines
                ),
                weight_kg=weight,
                perishable=perishable,
                has_preorder=any(is_preorder(x.product, today) for x in shop_lines),
                shipping_fee=fee,
            )
        )
    return Quote(
        shops=shops,
        goods_total=sum(s.goods_total for s in shops),
        shipping_total=sum(s.shipping_fee for s in shops),
        unit_prices=prices,
    )


_NUMBER_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def _order_number() -> str:
    """NS + 8 characters: short enough to type in a bank transfer message, unambiguous to read."""
    return "NS" + "".join(secrets.choice(_NUMBER_ALPHABET) for _ in range(8))


def checkout(
    *,
    buyer: User,
    cart: Cart | None,
    address: Address,
    delivery_option: str = DeliveryOption.STANDARD,
    payment_method: str = PaymentMethod.COD,
    idempotency_key: str | None = None,
    note: str = "",
    items: Sequence[tuple[int, Decimal]] | None = None,
    now: dt.datetime | None = None,
) -> Order:
    """Place the cart as one order split into one sub-order per shop, take stock, and start the
    payment. The same idempotency key returns the order it made the first time.

    `items` ((product id, quantity) pairs) is a cart the client kept itself and sends with the
    checkout (an app, a partner's site): the same product twice adds up, and the buyer's cart on
    the server is left as it is.

    The order comes back with its parts loaded (sub-orders with their shop, marketplace and
    lines; the province), ready to show without reading it again.
    """
    if idempotency_key:
        done = _placed_with(buyer=buyer, idempotency_key=idempotency_key)
        if done is not None:
            return done
    if delivery_option not in DeliveryOption.values:
        raise ApplicationError("Cách giao hàng không hợp lệ.", field="delivery_option")
    if payment_method not in PaymentMethod.values:
        raise ApplicationError("Cách thanh toán không hợp lệ.", field="payment_method")
    address = address_check(address)
    foreign = address.commune is None
    if foreign and payment_method == PaymentMethod.COD:
        raise ApplicationError(
            "Đơn gửi ra nước ngoài cần thanh toán trước (VietQR hoặc ví điện tử).",
            field="payment_method",
        )
    now = now or timezone.now()
    today = timezone.localdate(now)
    lines = _lines_to_place(cart=cart, items=items)
    for line in lines:
        product = line.product
        if not product.is_listed or not product.shop.is_active:
            raise ApplicationError(
                f"{product.name} không còn được bán; hãy bỏ khỏi giỏ.", field="cart"
            )
        quantity_check(product=product, quantity=line.quantity)
    priced = quote(lines=lines, address=address, option=delivery_option, today=today, buyer=buyer)
    in_stock: dict[int, Decimal] = {}
    preorders: dict[int, Decimal] = {}
    for line in lines:
        (preorders if is_preorder(line.product, today) else in_stock)[line.product_id] = (
            line.quantity
        )
    try:
        with transaction.atomic():
            [order] = sql.insert(
                [
                    Order(
                        number=_order_number(),
                        buyer=buyer,
                        recipient_name=address.recipient_name,
                        recipient_phone=address.recipient_phone,
                        street=address.street,
                        commune=address.commune,
                        province=address.commune.province if address.commune else None,
                        country_id=address.country.code if foreign and address.country else VIETNAM,
                        foreign_address=address.foreign_address,
                        delivery_option=delivery_option,
                        payment_method=payment_method,
                        payment_status=(
                            Order.PaymentStatus.COD_PENDING
                            if payment_method == PaymentMethod.COD
                            else Order.PaymentStatus.UNPAID
                        ),
                        goods_total=priced.goods_total,
                        shipping_total=priced.shipping_total,
                        total=priced.total,
                        idempotency_key=idempotency_key or None,
                        note=" ".join(note.split())[:300],
                        created_at=now,
                    )
                ]
            )
            subs: list[SubOrder] = sql.insert(
                [
                    SubOrder(
                        order=order,
                        number=f"{order.number}-{i}",
                        shop=part.shop,
                        marketplace_id=part.shop.marketplace_id,
                        goods_total=part.goods_total,
                        shipping_fee=part.shipping_fee,
                        weight_kg=part.weight_kg,
                        is_perishable=part.perishable,
                        has_preorder=part.has_preorder,
                        placed_at=now,
                    )
                    for i, part in enumerate(priced.shops, start=1)
                ]
            )
            order_lines = []
            for sub, part in zip(subs, priced.shops, strict=True):
                for line in part.lines:
                    product = line.product
                    order_lines.append(
                        OrderLine(
                            sub_order=sub,
                            product=product,
                            supplier_id=product.household_id,
                            name=product.name,
                            unit=product.unit,
                            unit_price=priced.unit_prices.get(product.pk, product.price),
                            quantity=line.quantity,
                            unit_weight_kg=(
                                Decimal(1)
                                if product.unit == Product.Unit.KG
                                else product.unit_weight_kg or Decimal(0)
                            ),
                            is_preorder=product.pk in preorders,
                        )
                    )
            sql.insert(order_lines)
            for sub, part in zip(subs, priced.shops, strict=True):
                discounted = {
                    x.product_id: x.quantity
                    for x in part.lines
                    if x.product_id in priced.unit_prices
                }
                if discounted:  # household prices count against the household's season quota
                    catalog_services.household_price_take(
                        buyer=buyer, reference=sub.number, quantities=discounted, today=today
                    )
            sql.insert(
                [
                    SubOrderEvent(sub_order=sub, to_status=Status.PLACED, actor=buyer, at=now)
                    for sub in subs
                ]
            )
            if in_stock:
                catalog_services.stock_take(quantities=in_stock)
            if preorders:
                catalog_services.stock_take(quantities=preorders, preorder=True)
            placed_from_cart = [line.pk for line in lines if line.pk is not None]
            if placed_from_cart:
                CartLine.objects.filter(pk__in=placed_from_cart).delete()
            marketplaces = {part.shop.marketplace_id for part in priced.shops}
            payments_services.payment_start(
                order_reference=order.number,
                payer=buyer,
                method=payment_method,
                amount=order.total,
                first=True,
                marketplace_id=marketplaces.pop() if len(marketplaces) == 1 else None,
                now=now,
            )
            accounts_services.notify(
                notices=[
                    accounts_services.Notice(
                        user=seller,
                        message=(
                            f"Đơn mới {sub.number}: {format_vnd(sub.goods_total)} tiền hàng. "
                            "Hãy xác nhận đơn."
                        ),
                        url=reverse("orders:seller_detail", args=[sub.number]),
                        sms=True,
                    )
                    for sub in subs
                    # loaded with the cart's lines (selectors.cart_lines): seller_user(sub.shop)
                    if (seller := sub.shop.seller) is not None  # type: ignore[attr-defined]
                ]
            )
    except IntegrityError:
        if idempotency_key:  # the same checkout sent twice at once: the first one stands
            done = _placed_with(buyer=buyer, idempotency_key=idempotency_key)
            if done is not None:
                return done
        raise
    # What the caller shows, from what is in memory (as a prefetch would have left it).
    by_sub: dict[int, list[OrderLine]] = defaultdict(list)
    for order_line in order_lines:
        by_sub[order_line.sub_order_id].append(order_line)
    for sub in subs:
        sub.marketplace = sub.shop.marketplace
        sql.prefetched(sub, "lines", by_sub[sub.pk])
    # In the order every later read gives them (selectors: by number, as text: -1, -10, -2).
    in_read_order = sorted(subs, key=lambda sub: sub.number)
    sql.prefetched(order, "sub_orders", in_read_order)
    return order


def _lines_to_place(
    *, cart: Cart | None, items: Sequence[tuple[int, Decimal]] | None
) -> list[CartLine]:
    """The cart's lines, or the client's own cart as unsaved lines, with products loaded."""
    if items is None:
        lines = selectors.cart_lines(cart=cart)
        if not lines:
            raise ApplicationError("Giỏ hàng đang trống.", field="cart")
        return lines
    quantities: dict[int, Decimal] = defaultdict(Decimal)
    for product_id, quantity in items:
        quantities[product_id] += quantity
    if not quantities:
        raise ApplicationError("Đơn hàng cần ít nhất một sản phẩm.", field="lines")
    if len(quantities) > MAX_CART_LINES:
        raise ApplicationError("Mỗi đơn tối đa 50 sản phẩm.", field="lines")
    lines = selectors.products_for_lines(quantities=quantities)
    missing = sorted(set(quantities) - {line.product_id for line in lines})
    if missing:
        raise ApplicationError(f"Không có sản phẩm mã {missing[0]}.", field="lines")
    return lines


_PLACED_WITH_SQL = (
    f"SELECT o.number FROM {Order._meta.db_table} o "
    "WHERE o.buyer_id = %s AND o.idempotency_key = %s"
)


def _placed_with(*, buyer: User, idempotency_key: str) -> Order | None:
    """The order this buyer already placed with this idempotency key, with its parts."""
    found = sql.rows(_PLACED_WITH_SQL, [buyer.pk, idempotency_key])
    if not found:
        return None
    return selectors.order_get_for_buyer(actor=buyer, number=found[0][0])


def seller_user(shop: Shop) -> User | None:
    """Who runs the shop and gets its notifications."""
    if shop.household is not None:
        return shop.household.user
    if shop.cooperative is not None:
        return shop.cooperative.manager
    return shop.supplier


# --- The sub-order pipeline ---------------------------------------------------------------------


def _notice_text(sub: SubOrder, status: str, reason: str) -> str:
    texts: dict[str, str] = {
        Status.CONFIRMED: f"Đơn {sub.number} đã được người bán xác nhận.",
        Status.PACKED: f"Đơn {sub.number} đã đóng gói, chờ giao cho bưu điện.",
        Status.HANDED_TO_CARRIER: f"Đơn {sub.number} đã giao cho đơn vị vận chuyển.",
        Status.DELIVERED: f"Đơn {sub.number} đã giao đến người nhận.",
        Status.COMPLETED: f"Đơn {sub.number} đã hoàn tất.",
        Status.CANCELLED: f"Đơn {sub.number} đã bị hủy. Lý do: {reason or 'không ghi'}.",
    }
    return texts[status]


@transaction.atomic
def sub_order_transition(
    *,
    actor: User | None,
    sub_order: SubOrder,
    to: str,
    reason: str = "",
    now: dt.datetime | None = None,
) -> SubOrder:
    """Move a sub-order along ALLOWED, by a party allowed to (MOVERS), leaving a history row.

    `actor=None` is the system (automatic completion). Cancelling puts the stock back and refunds
    what was paid; delivering records the sale (weight, buyer's province or country, the
    household's first sale); completing credits the households' balances.
    """
    now = now or timezone.now()
    sub = (
        SubOrder.objects.select_for_update(of=("self",))
        .select_related("order__buyer", "shop__household__user", "shop__cooperative__manager")
        .get(pk=sub_order.pk)
    )
    parties = parties_of(actor=actor, sub_order=sub)
    if not parties:
        raise ApplicationError("Bạn không có quyền với đơn này.", code="forbidden")
    if to not in ALLOWED[sub.status]:
        raise ApplicationError(
            f"Đơn đang ở bước “{Status(sub.status).label}”, không chuyển sang "
            f"“{Status(to).label}” được.",
            field="status",
            code="invalid_transition",
        )
    allowed_parties = MOVERS[to] & parties
    if (
        to == Status.CANCELLED
        and allowed_parties == {Party.BUYER}
        and sub.status not in BUYER_MAY_CANCEL
    ):
        raise ApplicationError(
            "Đơn đã đóng gói; hãy liên hệ người bán nếu muốn hủy.", field="status"
        )
    if to == Status.DELIVERED and not seller_delivers(sub):
        # The carrier's tracking or the buyer's word, never the seller's alone: the seller's
        # balance is credited on what happened to the parcel.
        allowed_parties -= {Party.SELLER}
    if operator_decides(sub, to):
        if to == Status.CANCELLED:
            allowed_parties &= {Party.OPERATOR}
        if not sub.disputed_at:
            allowed_parties -= {Party.OPERATOR}
    if not allowed_parties:
        raise ApplicationError("Bạn không thể chuyển đơn sang bước này.", code="forbidden")
    reason = " ".join(reason.split())[:300]
    if to == Status.CANCELLED and not reason and Party.BUYER not in allowed_parties:
        raise ApplicationError("Hãy ghi lý do hủy đơn cho người mua.", field="reason")
    if (
        to == Status.PACKED
        and sub.order.payment_status == Order.PaymentStatus.UNPAID
        and Party.OPERATOR not in parties
    ):
        raise ApplicationError(
            "Người mua chưa thanh toán: chờ tiền về rồi hãy đóng gói.",
            field="status",
            code="unpaid",
        )
    if to == Status.PACKED and sub.lines.filter(is_preorder=True, filled_quantity=None).exists():
        raise ApplicationError(
            "Đơn có hàng đặt trước chưa thu hoạch: hãy ghi sản lượng thu hoạch trước.",
            field="status",
        )
    before = sub.status
    sub.status = to
    setattr(sub, TIMESTAMP[to], now)
    fields = ["status", TIMESTAMP[to]]
    if to == Status.CANCELLED:
        sub.cancel_reason = reason
        fields.append("cancel_reason")
    sub.save(update_fields=fields)
    SubOrderEvent.objects.create(
        sub_order=sub, from_status=before, to_status=to, actor=actor, note=reason, at=now
    )
    if to == Status.CANCELLED:
        if before != Status.DELIVERED:  # goods that reached the buyer's door are not back
            _release(sub)
        _refund(sub, amount=sub.total - sub.refunded, key="cancel", reason=reason or "Hủy đơn")
    elif to == Status.DELIVERED:
        _record_sale(sub, now=now)
    elif to == Status.COMPLETED:
        _credit_households(sub)
    _notify_step(sub, to=to, reason=reason, actor=actor)
    return sub


def _release(sub: SubOrder) -> None:
    in_stock: dict[int, Decimal] = defaultdict(Decimal)
    preorders: dict[int, Decimal] = defaultdict(Decimal)
    for line in sub.lines.all():
        if line.is_preorder and line.filled_quantity is None:
            preorders[line.product_id] += line.quantity
        elif not line.is_preorder:
            in_stock[line.product_id] += line.quantity
    if in_stock:
        catalog_services.stock_return(quantities=in_stock)
    if preorders:
        catalog_services.stock_return(quantities=preorders, preorder=True)
    catalog_services.household_price_release(reference=sub.number)


def _refund(sub: SubOrder, *, amount: int, key: str, reason: str) -> None:
    """Give back `amount` of what the buyer paid for this sub-order (nothing if unpaid or COD)."""
    order = sub.order
    if amount <= 0 or order.payment_status != Order.PaymentStatus.PAID:
        return
    payments_services.refund_issue(
        order_reference=order.number,
        reference=f"{sub.number}-{key}",
        amount=amount,
        reason=reason,
        marketplace_id=sub.marketplace_id,
    )
    SubOrder.objects.filter(pk=sub.pk).update(refunded=F("refunded") + amount)
    sub.refunded += amount
    if not order.sub_orders.exclude(status=Status.CANCELLED).exists():
        Order.objects.filter(pk=order.pk).update(payment_status=Order.PaymentStatus.REFUNDED)


def _suppliers(sub: SubOrder) -> dict[int, Household]:
    """The households a sub-order's goods come from: its own household, or a cooperative's
    members that supplied its lines."""
    households: dict[int, Household] = {}
    if sub.shop.household is not None:
        households[sub.shop.household.pk] = sub.shop.household
    for line in sub.lines.select_related("supplier"):
        if line.supplier is not None:
            households.setdefault(line.supplier.pk, line.supplier)
    return households


def _record_sale(sub: SubOrder, *, now: dt.datetime) -> None:
    if sub.shop.owner_kind == Shop.OwnerKind.INPUT_SUPPLIER:
        # Production inputs delivered to a farm household: its first input purchase (III.4).
        buyer_household = Household.objects.filter(user_id=sub.order.buyer_id).first()
        if buyer_household is not None:
            households_services.milestone_record(
                household=buyer_household,
                kind=Milestone.Kind.INPUT_PURCHASE,
                marketplace=sub.marketplace,
                achieved_at=now,
                source=f"order:{sub.number}",
            )
    for household in _suppliers(sub).values():
        households_services.milestone_record(
            household=household,
            kind=Milestone.Kind.FIRST_SALE,
            marketplace=sub.marketplace,
            achieved_at=now,
            source=f"order:{sub.number}",
        )
    if sub.order.payment_method == PaymentMethod.COD:
        payments_services.cod_collected(order_reference=sub.order.number, amount=sub.total, now=now)


def _credit_households(sub: SubOrder) -> None:
    """Completed: each supplying household's balance gets its goods, less the marketplace's
    commission and, for a cooperative's shop, the cooperative's share."""
    shares: dict[int, int] = defaultdict(int)
    refunded_goods = min(sub.refunded, sub.goods_total)
    for line in sub.lines.all():
        household_id = line.supplier_id or sub.shop.household_id
        if household_id:
            shares[household_id] += line_amount(line.unit_price, line.delivered_quantity)
    if not shares:
        return  # an input supplier's shop: paid by its own contract, not a household balance
    gross_total = sum(shares.values())
    cooperative = sub.shop.cooperative
    cooperative_percent = cooperative.share_percent if cooperative is not None else 0
    for household_id, gross in sorted(shares.items()):
        if refunded_goods and gross_total:
            gross -= refunded_goods * gross // gross_total
        payments_services.sale_credit(
            household_id=household_id,
            marketplace=sub.marketplace,
            reference=sub.number,
            gross=max(gross, 0),
            commission_percent=sub.marketplace.commission_percent,
            cooperative_percent=Decimal(cooperative_percent),
            cash_on_delivery=sub.order.payment_method == PaymentMethod.COD,
        )


def _notify_step(sub: SubOrder, *, to: str, reason: str, actor: User | None) -> None:
    text = _notice_text(sub, to, reason)
    notices = []
    buyer = sub.order.buyer
    if actor is None or actor.pk != buyer.pk:
        notices.append(
            accounts_services.Notice(
                user=buyer,
                message=text,
                url=reverse("orders:buyer_detail", args=[sub.order.number]),
                sms=to in (Status.CONFIRMED, Status.HANDED_TO_CARRIER, Status.CANCELLED),
            )
        )
    seller = seller_user(sub.shop)
    if seller is not None and (actor is None or actor.pk != seller.pk):
        notices.append(
            accounts_services.Notice(
                user=seller,
                message=text,
                url=reverse("orders:seller_detail", args=[sub.number]),
                sms=to == Status.CANCELLED,
            )
        )
    accounts_services.notify(notices=notices)


def sub_order_carrier_set(*, sub_order: SubOrder, carrier: Carrier) -> None:
    """The parcel went to this carrier: its staff become a party to the sub-order."""
    SubOrder.objects.filter(pk=sub_order.pk).update(carrier=carrier)
    sub_order.carrier = carrier


def claim_refund(*, sub_order: SubOrder, reference: str, amount: int, reason: str) -> None:
    """Compensation for a claim decided in the buyer's favour (may exceed the price: a
    marketplace's promise can be a multiple of it). Paid back through the order's payment, or
    by staff for cash on delivery."""
    payments_services.refund_issue(
        order_reference=sub_order.order.number,
        reference=reference,
        amount=amount,
        reason=reason,
        compensation=True,
        marketplace_id=sub_order.marketplace_id,
    )


@transaction.atomic
def sub_order_dispute(
    *, actor: User, sub_order: SubOrder, note: str, now: dt.datetime | None = None
) -> SubOrder:
    """The buyer says a parcel the seller delivered itself (or handed over at pickup) did not
    come as agreed, before it completes on its own: it no longer completes by itself, the
    seller's balance is not credited, and the marketplace's operator decides (completes it, or
    cancels it and the buyer is refunded). A carrier's parcel is claimed against its shipment."""
    now = now or timezone.now()
    sub = (
        SubOrder.objects.select_for_update(of=("self",))
        .select_related("order__buyer", "shop__household__user", "shop__cooperative__manager")
        .get(pk=sub_order.pk)
    )
    if sub.order.buyer_id != actor.pk:
        raise ApplicationError("Chỉ người mua báo được đơn chưa nhận.", code="forbidden")
    if sub.disputed_at is not None:
        return sub
    if sub.status != Status.DELIVERED:
        raise ApplicationError("Chỉ báo được khi đơn đang ở bước “đã giao”.", field="note")
    if not seller_delivers(sub):
        raise ApplicationError(
            "Đơn do đơn vị vận chuyển giao: hãy khiếu nại trên trang theo dõi vận đơn.",
            field="note",
        )
    if sub.delivered_at and now > sub.delivered_at + dt.timedelta(days=DISPUTE_DAYS):
        raise ApplicationError(
            f"Đã quá {DISPUTE_DAYS} ngày kể từ khi giao; hãy liên hệ sàn.", field="note"
        )
    note = " ".join(note.split())[:300]
    if len(note) < 5:
        raise ApplicationError("Hãy cho biết bạn chưa nhận được gì.", field="note")
    sub.disputed_at, sub.dispute_note = now, note
    sub.save(update_fields=["disputed_at", "dispute_note"])
    SubOrderEvent.objects.create(
        sub_order=sub,
        from_status=sub.status,
        to_status=sub.status,
        actor=actor,
        note=f"Người mua báo chưa nhận đúng hàng: {note}",
        at=now,
    )
    text = f"Người mua đơn {sub.number} báo chưa nhận đúng hàng: {note}"
    url = reverse("orders:seller_detail", args=[sub.number])
    recipients = [
        seller_user(sub.shop),
        *accounts_selectors.marketplace_operators(marketplace_id=sub.marketplace_id),
    ]
    accounts_services.notify(
        notices=[
            accounts_services.Notice(user=user, message=text, url=url, sms=True)
            for user in recipients
            if user is not None
        ]
    )
    return sub


def sub_orders_complete_due(*, days: int = DISPUTE_DAYS, now: dt.datetime | None = None) -> int:
    """Complete sub-orders delivered `days` ago that the buyer has not completed or disputed."""
    now = now or timezone.now()
    due = SubOrder.objects.filter(
        status=Status.DELIVERED,
        delivered_at__lte=now - dt.timedelta(days=days),
        disputed_at__isnull=True,
    ).order_by("pk")
    done = 0
    for sub in due:
        sub_order_transition(actor=None, sub_order=sub, to=Status.COMPLETED, now=now)
        done += 1
    return done


# --- Pre-orders: the harvest --------------------------------------------------------------------


@transaction.atomic
def preorder_harvest(
    *, actor: User, product: Product, harvested: Decimal, now: dt.datetime | None = None
) -> list[OrderLine]:
    """Record the harvest of a pre-ordered product and fill its pre-orders: in order of placement
    or pro rata (the shop's setting). What cannot be filled is refunded at once; the rest of the
    harvest goes on sale."""
    product = (
        Product.objects.select_for_update(of=("self",)).select_related("shop").get(pk=product.pk)
    )
    if not catalog_selectors.may_manage_shop(actor=actor, shop=product.shop):
        raise ApplicationError("Chỉ người bán ghi được sản lượng thu hoạch.", code="forbidden")
    if harvested < 0:
        raise ApplicationError("Sản lượng không được âm.", field="harvested")
    lines = list(
        OrderLine.objects.select_for_update(of=("self",))
        .filter(product=product, is_preorder=True, filled_quantity=None)
        .exclude(sub_order__status=Status.CANCELLED)
        .select_related("sub_order__order")
        .order_by("sub_order__placed_at", "pk")
    )
    wanted = sum((line.quantity for line in lines), Decimal(0))
    fills = allocate(
        wanted=[line.quantity for line in lines],
        available=harvested,
        pro_rata=product.shop.preorder_allocation == Shop.PreorderAllocation.PRO_RATA,
        step=product.order_step if product.unit == Product.Unit.KG else Decimal(1),
    )
    for line, filled in zip(lines, fills, strict=True):
        line.filled_quantity = filled
        line.save(update_fields=["filled_quantity"])
        short = line.quantity - filled
        if short > 0:
            sub = line.sub_order
            amount = line_amount(line.unit_price, line.quantity) - line_amount(
                line.unit_price, filled
            )
            SubOrder.objects.filter(pk=sub.pk).update(
                weight_kg=F("weight_kg") - short * line.unit_weight_kg
            )
            if filled == 0 and not sub.lines.exclude(pk=line.pk).exists():
                sub_order_transition(
                    actor=None,
                    sub_order=sub,
                    to=Status.CANCELLED,
                    reason="Thu hoạch không đủ cho đơn đặt trước",
                    now=now,
                )
            else:
                sub.refresh_from_db()
                _refund(sub, amount=amount, key=f"short{line.pk}", reason="Thu hoạch không đủ")
    catalog_services.harvest_record(
        product=product, preorders_filled=min(sum(fills, Decimal(0)), wanted), harvested=harvested
    )
    return lines


def allocate(
    *, wanted: Sequence[Decimal], available: Decimal, pro_rata: bool, step: Decimal
) -> list[Decimal]:
    """Split `available` among requests: first come first served, or in proportion to what each
    asked rounded down to the step, the remainder handed out a step at a time in order."""
    if not pro_rata or sum(wanted, Decimal(0)) <= available:
        fills = []
        left = available
        for asked in wanted:
            fill = min(asked, max(left, Decimal(0)))
            fills.append(fill)
            left -= fill
        return fills
    total = sum(wanted, Decimal(0))
    fills = [((asked * available / total) // step) * step for asked in wanted]
    left = available - sum(fills, Decimal(0))
    for i, asked in enumerate(wanted):
        if left < step:
            break
        if fills[i] + step <= asked:
            fills[i] += step
            left -= step
    return fills


# --- Payments as they affect orders -------------------------------------------------------------


def order_payment_sync(*, order_reference: str) -> Order | None:
    """After a payment notification: the order is paid once a payment for its full amount
    succeeded. Returns the order if it changed."""
    order = Order.objects.filter(number=order_reference).first()
    if order is None or order.payment_status != Order.PaymentStatus.UNPAID:
        return None
    if not payments_services.is_paid(order_reference=order.number, amount=order.total):
        return None
    updated = Order.objects.filter(pk=order.pk, payment_status=Order.PaymentStatus.UNPAID).update(
        payment_status=Order.PaymentStatus.PAID
    )
    if not updated:
        return None
    order.payment_status = Order.PaymentStatus.PAID
    for sub in order.sub_orders.filter(status=Status.CANCELLED):
        # Cancelled while the money was on its way: it goes straight back.
        _refund(
            sub,
            amount=sub.total - sub.refunded,
            key="cancel",
            reason="Đơn đã hủy trước khi tiền về",
        )
    accounts_services.notify(
        notices=[
            accounts_services.Notice(
                user=order.buyer,
                message=f"Đã nhận {format_vnd(order.total)} cho đơn {order.number}. Cảm ơn bạn!",
                url=reverse("orders:buyer_detail", args=[order.number]),
            )
        ]
    )
    return order


@transaction.atomic
def payment_retry(
    *, actor: User, order: Order, method: str, idempotency_key: str | None = None
) -> Payment:
    """Start a new payment attempt for an unpaid order (a different method allowed). The order
    row is locked so that two attempts started at once end with one waiting, not two."""
    if order.buyer_id != actor.pk:
        raise ApplicationError("Bạn không có quyền với đơn này.", code="forbidden")
    [(payment_status, payment_method, total, live, marketplace_id)] = sql.rows(
        _ORDER_TO_PAY_SQL + sql.for_update(), [Status.CANCELLED, order.pk]
    )
    if idempotency_key:
        done = payments_selectors.payment_with_key(payer=actor, idempotency_key=idempotency_key)
        if done is not None:
            return done
    if payment_status != Order.PaymentStatus.UNPAID:
        raise ApplicationError("Đơn này không cần thanh toán thêm.", field="payment_method")
    if method not in (PaymentMethod.VIETQR, PaymentMethod.EWALLET):
        raise ApplicationError("Chọn VietQR hoặc ví điện tử.", field="payment_method")
    if not live:
        raise ApplicationError("Đơn đã hủy.", field="payment_method")
    if payment_method != method:
        Order.objects.filter(pk=order.pk).update(payment_method=method)
        order.payment_method = method
    return payments_services.payment_start(
        order_reference=order.number,
        payer=actor,
        method=method,
        amount=total,
        idempotency_key=idempotency_key,
        marketplace_id=marketplace_id,
    )


# The order row, locked, with what paying it again depends on (read by hand: see core.sql):
# whether a sub-order is still live, and the order's marketplace when it is on one only.
_ORDER_TO_PAY_SQL = (
    f"SELECT o.payment_status, o.payment_method, o.total, EXISTS(SELECT 1 FROM "
    f"{SubOrder._meta.db_table} s WHERE s.order_id = o.id AND s.status <> %s), "
    f"(SELECT CASE WHEN COUNT(DISTINCT m.marketplace_id) = 1 THEN MIN(m.marketplace_id) END "
    f"FROM {SubOrder._meta.db_table} m WHERE m.order_id = o.id) "
    f"FROM {Order._meta.db_table} o WHERE o.id = %s"
)


# --- Reviews ------------------------------------------------------------------------------------


@transaction.atomic
def review_create(
    *,
    actor: User,
    sub_order: SubOrder,
    product: Product,
    stars: int,
    text: str = "",
    photo: Any = None,
) -> Review:
    """A buyer rates a product of a sub-order they received; the product's and the shop's
    ratings add it."""
    if sub_order.order.buyer_id != actor.pk:
        raise ApplicationError("Chỉ người mua đơn này mới đánh giá được.", code="forbidden")
    sub_order.refresh_from_db(fields=["status"])
    if sub_order.status not in (Status.DELIVERED, Status.COMPLETED):
        raise ApplicationError("Bạn đánh giá được sau khi nhận hàng.", field="stars")
    if not sub_order.lines.filter(product=product).exists():
        raise ApplicationError("Sản phẩm này không có trong đơn.", field="product")
    if not isinstance(stars, int) or not 1 <= stars <= 5:
        raise ApplicationError("Chọn từ 1 đến 5 sao.", field="stars")
    if Review.objects.filter(sub_order=sub_order, product=product).exists():
        raise ApplicationError("Bạn đã đánh giá sản phẩm này cho đơn này.", field="product")
    if photo:  # shown publicly: without the buyer's GPS position or file name
        photo = images.clean_photo(photo, field="photo")
    review = Review.objects.create(
        sub_order=sub_order,
        product=product,
        shop_id=sub_order.shop_id,
        buyer=actor,
        stars=stars,
        text=text.strip()[:2000],
        photo=photo or "",
    )
    catalog_services.rating_add(product=product, stars=stars)
    return review
