"""Every read about buying, scoped by the actor: a buyer sees their orders, a seller the
sub-orders of the shops they run, a marketplace operator those of their marketplace."""

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from nongsan.accounts.models import Role, User
from nongsan.catalog import selectors as catalog_selectors
from nongsan.catalog.models import Product, Shop
from nongsan.core import sql
from nongsan.geo.models import Commune, Province
from nongsan.households.models import Cooperative, Household
from nongsan.orders.models import Cart, CartLine, Order, OrderLine, Review, SubOrder, SubOrderEvent
from nongsan.orders.pipeline import (
    ALLOWED,
    BUYER_MAY_CANCEL,
    DISPUTE_DAYS,
    MOVERS,
    Party,
    operator_decides,
    parties_of,
    seller_delivers,
)
from nongsan.orgs.models import Marketplace
from nongsan.payments import selectors as payments_selectors
from nongsan.payments.models import Payment

Status = SubOrder.Status


def _not_found() -> Http404:
    return Http404("Không tìm thấy đơn hàng.")


# A product as buying needs it: its shop with the shop's commune, province and marketplace, and
# the account that runs the shop (services.seller_user), computed in SQL.
_PRODUCT_COLUMNS = (
    f"{sql.columns(Product, 'p')}, {sql.columns(Shop, 's')}, {sql.columns(Commune, 'c')}, "
    f"{sql.columns(Province, 'v')}, {sql.columns(Marketplace, 'm')}, seller.id, seller.phone"
)
_PRODUCT_JOINS = (
    f"JOIN {Shop._meta.db_table} s ON s.id = p.shop_id "
    f"JOIN {Commune._meta.db_table} c ON c.id = s.commune_id "
    f"JOIN {Province._meta.db_table} v ON v.id = c.province_id "
    f"JOIN {Marketplace._meta.db_table} m ON m.id = s.marketplace_id "
    f"LEFT JOIN {Household._meta.db_table} h ON h.id = s.household_id "
    f"LEFT JOIN {Cooperative._meta.db_table} co ON co.id = s.cooperative_id "
    f"LEFT JOIN {User._meta.db_table} seller ON seller.id = CASE "
    "WHEN s.household_id IS NOT NULL THEN h.user_id "
    "WHEN s.cooperative_id IS NOT NULL THEN co.manager_id ELSE s.supplier_id END "
)
_CART_LINES_SQL = (
    f"SELECT {sql.columns(CartLine, 'l')}, {_PRODUCT_COLUMNS} FROM {CartLine._meta.db_table} l "
    f"JOIN {Product._meta.db_table} p ON p.id = l.product_id {_PRODUCT_JOINS}"
    "WHERE l.cart_id = %s ORDER BY s.id, l.id"
)


class _ProductReader:
    """Builds the products of rows laid out as _PRODUCT_COLUMNS (from `start`), one shop object
    per shop."""

    def __init__(self, start: int) -> None:
        widths = [sql.width(m) for m in (Product, Shop, Commune, Province, Marketplace)]
        self.starts = [start + sum(widths[:i]) for i in range(len(widths) + 1)]
        self.shops: dict[int, Shop] = {}

    def product(self, row: Sequence[Any]) -> Product:
        starts = self.starts
        product = sql.build(Product, row, starts[0])
        shop = self.shops.get(product.shop_id)
        if shop is None:
            shop = self.shops[product.shop_id] = sql.build(Shop, row, starts[1])
            shop.commune = sql.build(Commune, row, starts[2])
            shop.commune.province = sql.build(Province, row, starts[3])
            shop.marketplace = sql.build(Marketplace, row, starts[4])
            seller_id, seller_phone = row[starts[5]], row[starts[5] + 1]
            shop.seller = (  # type: ignore[attr-defined]  # see cart_lines
                sql.partial(User, ["id", "phone"], [seller_id, seller_phone])
                if seller_id is not None
                else None
            )
        product.shop = shop
        return product


def cart_lines(*, cart: Cart | None) -> list[CartLine]:
    """The cart's lines, grouped by shop, each with its product, the product's shop (with its
    commune, province and marketplace) and `shop.seller`: the account that runs the shop and
    hears of its orders (`services.seller_user`), with only its id and phone loaded, or None.

    Read by hand in one statement (see core.sql): the cart page, every API cart call and
    checkout all start here.
    """
    if cart is None:
        return []
    reader = _ProductReader(start=sql.width(CartLine))
    lines = []
    for row in sql.rows(_CART_LINES_SQL, [cart.pk]):
        line = sql.build(CartLine, row)
        line.cart = cart
        line.product = reader.product(row)
        lines.append(line)
    return lines


def products_for_lines(*, quantities: Mapping[int, Decimal]) -> list[CartLine]:
    """Lines not kept in a cart (a client that keeps its own sends them with the checkout), as
    unsaved cart lines with their products loaded like `cart_lines`, grouped by shop. A product
    that does not exist is left out; the caller names it."""
    ids = sorted(pk for pk in quantities if sql.is_key(pk))
    if not ids:
        return []
    statement = (
        f"SELECT {_PRODUCT_COLUMNS} FROM {Product._meta.db_table} p {_PRODUCT_JOINS}"
        f"WHERE p.id IN ({', '.join(['%s'] * len(ids))}) ORDER BY s.id, p.id"
    )
    reader = _ProductReader(start=0)
    lines = []
    for row in sql.rows(statement, ids):
        product = reader.product(row)
        lines.append(CartLine(product=product, quantity=quantities[product.pk]))
    return lines


def _sub_orders() -> QuerySet[SubOrder]:
    return SubOrder.objects.select_related("shop", "marketplace", "order").prefetch_related(
        Prefetch("lines", queryset=OrderLine.objects.order_by("pk"))
    )


def order_list_for_buyer(*, actor: Any) -> QuerySet[Order]:
    if not getattr(actor, "is_authenticated", False):
        return Order.objects.none()
    return (
        Order.objects.filter(buyer=actor)
        .prefetch_related(Prefetch("sub_orders", queryset=_sub_orders().order_by("number")))
        .order_by("-created_at", "-pk")
    )


def order_get_for_buyer(*, actor: Any, number: str) -> Order:
    order = order_list_for_buyer(actor=actor).filter(number=number).first()
    if order is None:
        raise _not_found()
    return order


def order_get_own(*, actor: Any, number: str) -> Order:
    """One of the actor's orders, without its parts (for paying it)."""
    if not getattr(actor, "is_authenticated", False):
        raise _not_found()
    order = sql.one(_ORDER_OWN_SQL, [actor.pk, number], Order)
    if order is None:
        raise _not_found()
    return order


_ORDER_OWN_SQL = (
    f"SELECT {sql.columns(Order, 'o')} FROM {Order._meta.db_table} o "
    "WHERE o.buyer_id = %s AND o.number = %s"
)


def sub_order_list_for_seller(*, actor: Any, status: str = "") -> QuerySet[SubOrder]:
    """Sub-orders of the shops the actor runs (or, for an operator, of their marketplace)."""
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return SubOrder.objects.none()
    subs = _sub_orders().select_related("order__commune__province", "order__country")
    if actor.role == Role.MARKETPLACE_OPERATOR and actor.marketplace_id:
        subs = subs.filter(marketplace_id=actor.marketplace_id)
    elif not actor.is_superuser:
        shops = catalog_selectors.shop_list_managed(actor=actor).values("pk")
        subs = subs.filter(shop__in=shops)
    if status:
        subs = subs.filter(status=status)
    return subs.order_by("-placed_at", "-pk")


def sub_order_get_for_seller(*, actor: Any, number: str) -> SubOrder:
    sub = sub_order_list_for_seller(actor=actor).filter(number=number).first()
    if sub is None:
        raise _not_found()
    return sub


def sub_order_get_for(*, actor: Any, number: str) -> SubOrder:
    """A sub-order the actor is a party to: buyer, seller, carrier staff or operator."""
    sub = (
        _sub_orders()
        .select_related("order__buyer", "shop__household", "shop__cooperative")
        .filter(number=number)
        .first()
    )
    if sub is None or not getattr(actor, "is_authenticated", False):
        raise _not_found()
    if not parties_of(actor=actor, sub_order=sub):
        raise _not_found()
    return sub


def history(*, sub_order: SubOrder) -> QuerySet[SubOrderEvent]:
    return sub_order.events.select_related("actor").order_by("at", "pk")


@dataclass(frozen=True)
class Action:
    to: str
    label: str
    needs_reason: bool = False
    danger: bool = False


_LABELS: dict[str, str] = {
    Status.CONFIRMED: "Xác nhận đơn",
    Status.PACKED: "Đã đóng gói",
    Status.HANDED_TO_CARRIER: "Đã giao cho bưu điện",
    Status.DELIVERED: "Đã giao đến người mua",
    Status.COMPLETED: "Đã nhận đủ hàng",
    Status.CANCELLED: "Hủy đơn",
}


def next_actions(*, actor: Any, sub_order: SubOrder) -> list[Action]:
    """What the actor can do next with this sub-order: the buttons to show."""
    parties = parties_of(actor=actor, sub_order=sub_order)
    actions = []
    for to in sorted(ALLOWED[sub_order.status], key=lambda s: s == Status.CANCELLED):
        movers = MOVERS[to] & parties
        if to == Status.DELIVERED and not seller_delivers(sub_order):
            movers -= {Party.SELLER}
        if operator_decides(sub_order, to):
            if to == Status.CANCELLED:
                movers &= {Party.OPERATOR}
            if not sub_order.disputed_at:
                movers -= {Party.OPERATOR}
        if not movers:
            continue
        if to == Status.DELIVERED and movers == {Party.BUYER}:
            actions.append(Action(to=to, label="Tôi đã nhận được hàng"))
            continue
        if to == Status.CANCELLED:
            if movers == {Party.BUYER} and sub_order.status not in BUYER_MAY_CANCEL:
                continue
            actions.append(
                Action(to=to, label=_LABELS[to], needs_reason=movers != {Party.BUYER}, danger=True)
            )
            continue
        actions.append(Action(to=to, label=_LABELS[to]))
    return actions


def disputable(*, actor: Any, sub_order: SubOrder) -> bool:
    """Whether the buyer may still say this parcel did not come: delivered by the seller,
    within the days allowed, not said already (services.sub_order_dispute decides for good)."""
    return bool(
        getattr(actor, "pk", None) == sub_order.order.buyer_id
        and sub_order.status == Status.DELIVERED
        and seller_delivers(sub_order)
        and sub_order.disputed_at is None
        and sub_order.delivered_at is not None
        and timezone.now() <= sub_order.delivered_at + dt.timedelta(days=DISPUTE_DAYS)
    )


NEXT_STEP_FOR_SELLER: dict[str, str] = {
    Status.PLACED: "Xác nhận đơn trong 24 giờ để người mua yên tâm.",
    Status.CONFIRMED: "Đóng gói hàng, cân lại khối lượng.",
    Status.PACKED: "Chờ bưu tá đến lấy hàng hoặc mang ra bưu điện xã.",
    Status.HANDED_TO_CARRIER: "Hàng đang trên đường đến người mua.",
    Status.DELIVERED: "Người mua đã nhận hàng; tiền sẽ vào số dư sau khi đơn hoàn tất.",
    Status.COMPLETED: "Đơn đã hoàn tất; tiền hàng đã vào số dư của hộ.",
    Status.CANCELLED: "Đơn đã hủy.",
}
NEXT_STEP_FOR_BUYER: dict[str, str] = {
    Status.PLACED: "Người bán thường xác nhận trong vòng 24 giờ.",
    Status.CONFIRMED: "Người bán đang chuẩn bị hàng.",
    Status.PACKED: "Hàng đã đóng gói, sắp giao cho bưu điện.",
    Status.HANDED_TO_CARRIER: "Hàng đang trên đường đến bạn.",
    Status.DELIVERED: "Bạn đã nhận hàng? Bấm “Đã nhận đủ hàng” và đánh giá sản phẩm.",
    Status.COMPLETED: "Cảm ơn bạn đã mua hàng của nông dân.",
    Status.CANCELLED: "Đơn đã hủy; tiền đã trả (nếu có) được hoàn lại.",
}


def payments_of(*, order: Order) -> QuerySet[Payment]:
    return payments_selectors.payment_list(order_reference=order.number)


def seller_counts(*, actor: Any) -> dict[str, int]:
    """Sub-orders per status for the seller's tabs."""
    counts = {s: 0 for s in Status.values}
    for row in sub_order_list_for_seller(actor=actor).order_by().values("status"):
        counts[row["status"]] += 1
    return counts


def reviewable_lines(*, actor: Any, sub_order: SubOrder) -> list[OrderLine]:
    """Lines of a received sub-order the buyer has not reviewed yet."""
    if sub_order.order.buyer_id != actor.pk or sub_order.status not in (
        Status.DELIVERED,
        Status.COMPLETED,
    ):
        return []
    reviewed = set(sub_order.reviews.values_list("product_id", flat=True))
    return [line for line in sub_order.lines.all() if line.product_id not in reviewed]


def last_address(*, actor: Any) -> dict[str, Any]:
    """The buyer's last delivery address, to fill the checkout form."""
    order = Order.objects.filter(buyer=actor).order_by("-created_at", "-pk").first()
    if order is None:
        return {}
    if order.commune_id is None:
        return {
            "abroad": True,
            "country": order.country_id,
            "foreign_address": order.foreign_address,
            "recipient_name": order.recipient_name,
            "recipient_phone": order.recipient_phone,
        }
    return {
        "province": order.province_id,
        "commune": order.commune_id,
        "street": order.street,
        "recipient_name": order.recipient_name,
        "recipient_phone": order.recipient_phone,
    }


def preorders_waiting(*, product: Any) -> list[OrderLine]:
    """Pre-ordered lines of a product waiting for its harvest, in order of placement."""
    return list(
        OrderLine.objects.filter(product=product, is_preorder=True, filled_quantity=None)
        .exclude(sub_order__status=Status.CANCELLED)
        .select_related("sub_order")
        .order_by("sub_order__placed_at", "pk")
    )


def reviews_of(*, product: Any) -> QuerySet[Review]:
    return (
        Review.objects.filter(product=product)
        .select_related("buyer")
        .order_by("-created_at", "-pk")
    )


def reviewer_name(full_name: str) -> str:
    """A buyer as other buyers see them: family initial and given name ("Phạm Minh Anh" ->
    "P. Anh"), never the full name."""
    parts = full_name.split()
    if len(parts) < 2:
        return parts[0] if parts else "—"
    return f"{parts[0][0]}. {parts[-1]}"
