"""Shapes of the buying API; amounts are integer đồng, quantities decimal strings."""

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema


class CartItemIn(Schema):
    product_id: int
    quantity: Decimal = Field(gt=0, le=100_000, max_digits=12, decimal_places=3)


class CartQuantityIn(Schema):
    quantity: Decimal = Field(ge=0, le=100_000, max_digits=12, decimal_places=3)


class CartLineOut(Schema):
    product_id: int
    name: str = Field(alias="product.name")
    shop_id: int = Field(alias="product.shop_id")
    unit: str = Field(alias="product.unit")
    unit_price: int = Field(alias="product.price")
    # A verified household's price for a production input, when it applies to this line.
    household_price: int | None = None
    quantity: Decimal


class CartOut(Schema):
    lines: list[CartLineOut]
    goods_total: int


class AddressIn(Schema):
    recipient_name: str = Field(max_length=150)
    recipient_phone: str = Field(max_length=20)
    commune_code: str | None = Field(default=None, max_length=10)
    street: str = Field(default="", max_length=250)
    country: str = Field(default="VN", min_length=2, max_length=2)
    foreign_address: str = Field(default="", max_length=500)


class CheckoutIn(Schema):
    address: AddressIn
    delivery_option: str = "standard"
    payment_method: str = "cod"
    note: str = Field(default="", max_length=300)
    # A cart the client keeps itself, placed as it is (the same product twice adds up); without
    # it, the caller's cart on the server is placed.
    lines: list[CartItemIn] | None = Field(default=None, max_length=50)


class OrderLineOut(Schema):
    product_id: int
    name: str
    unit: str
    unit_price: int
    quantity: Decimal
    is_preorder: bool
    filled_quantity: Decimal | None


class SubOrderOut(Schema):
    number: str
    shop_id: int
    shop_name: str = Field(alias="shop.name")
    marketplace: str = Field(alias="marketplace.code")
    status: str
    goods_total: int
    shipping_fee: int
    refunded: int
    weight_kg: Decimal
    placed_at: dt.datetime
    confirmed_at: dt.datetime | None
    packed_at: dt.datetime | None
    handed_at: dt.datetime | None
    delivered_at: dt.datetime | None
    completed_at: dt.datetime | None
    cancelled_at: dt.datetime | None
    cancel_reason: str
    lines: list[OrderLineOut]


class OrderOut(Schema):
    number: str
    created_at: dt.datetime
    payment_method: str
    payment_status: str
    goods_total: int
    shipping_total: int
    total: int
    country: str = Field(alias="country_id")
    province_code: str | None = Field(default=None, alias="province.code")
    sub_orders: list[SubOrderOut]


class TransitionIn(Schema):
    to: str = Field(max_length=20)
    reason: str = Field(default="", max_length=300)


class PaymentIn(Schema):
    method: str = Field(max_length=10)


class PaymentOut(Schema):
    reference: str
    order_reference: str
    method: str
    status: str
    amount: int
    received_amount: int | None
    redirect_url: str
    vietqr: str | None = None
    created_at: dt.datetime


class ReviewIn(Schema):
    product_id: int
    stars: int = Field(ge=1, le=5)
    text: str = Field(default="", max_length=2000)


class ReviewOut(Schema):
    id: int
    product_id: int
    stars: int
    text: str
    created_at: dt.datetime


class NotificationOut(Schema):
    outcome: str
    payment: str | None = Field(default=None, alias="payment.reference")
