"""Carts, orders split by shop, the sub-order status pipeline, and reviews.

A buyer's checkout makes one `Order` (the delivery address, the payment method, the amount to pay)
and one `SubOrder` per shop: each shop confirms, packs and hands over its own parcel, so the status
pipeline and its history belong to the sub-order. Order lines keep the product's name, unit, price
and weight as they were at checkout.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nongsan.catalog.models import Product, Shop
from nongsan.geo.models import Commune, Country, Province
from nongsan.households.models import Household
from nongsan.orgs.models import Carrier, Marketplace


class Cart(models.Model):
    """A buyer's cart: one per signed-in user, or per browser session before signing in."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="cart",
    )
    session_key = models.CharField(max_length=64, null=True, blank=True, unique=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | Q(session_key__isnull=False),
                name="cart_has_owner",
            )
        ]
        verbose_name = _("giỏ hàng")
        verbose_name_plural = _("giỏ hàng")

    def __str__(self) -> str:
        return f"Cart {self.pk}"


class CartLine(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    quantity = models.DecimalField(_("số lượng"), max_digits=12, decimal_places=3)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["added_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cart", "product"], name="cartline_once_per_product"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="cartline_quantity_gt_0"),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} x {self.quantity}"


class PaymentMethod(models.TextChoices):
    COD = "cod", _("Trả tiền khi nhận hàng (COD)")
    VIETQR = "vietqr", _("Chuyển khoản ngân hàng (VietQR)")
    EWALLET = "ewallet", _("Ví điện tử")


class DeliveryOption(models.TextChoices):
    STANDARD = "standard", _("Giao tiêu chuẩn")
    EXPRESS = "express", _("Giao nhanh (hàng tươi)")


class Order(models.Model):
    """What a buyer placed in one checkout: where to deliver, how to pay, the total to pay."""

    class PaymentStatus(models.TextChoices):
        UNPAID = "unpaid", _("Chưa thanh toán")
        COD_PENDING = "cod_pending", _("Thu tiền khi giao")
        PAID = "paid", _("Đã thanh toán")
        REFUNDED = "refunded", _("Đã hoàn tiền")

    number = models.CharField(_("mã đơn"), max_length=12)  # unique: Meta
    # Indexed by the (buyer, -created_at) index and the idempotency constraint, which both
    # start with it: a single-column index would only cost every checkout a write.
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders", db_index=False
    )
    # The delivery address: a commune of today's units in Vietnam, or a country and free text.
    recipient_name = models.CharField(_("người nhận"), max_length=150)
    recipient_phone = models.CharField(_("số điện thoại người nhận"), max_length=20)
    street = models.CharField(_("số nhà, đường, thôn/xóm"), max_length=250, blank=True)
    commune = models.ForeignKey(
        Commune, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    province = models.ForeignKey(
        Province, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A plain index (Meta): the key is text, but no one searches it by pattern.
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+", db_index=False)
    foreign_address = models.TextField(_("địa chỉ ở nước ngoài"), max_length=500, blank=True)
    digital_address = models.ForeignKey(
        "geo.DigitalAddress",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("địa chỉ số"),
    )
    delivery_option = models.CharField(
        _("cách giao"), max_length=10, choices=DeliveryOption.choices
    )
    payment_method = models.CharField(
        _("cách thanh toán"), max_length=10, choices=PaymentMethod.choices
    )
    payment_status = models.CharField(
        _("thanh toán"),
        max_length=12,
        choices=PaymentStatus.choices,
        default=PaymentStatus.UNPAID,
    )
    goods_total = models.PositiveBigIntegerField(_("tiền hàng (đồng)"))
    shipping_total = models.PositiveBigIntegerField(_("phí giao (đồng)"))
    total = models.PositiveBigIntegerField(_("tổng cộng (đồng)"))
    # The buyer's key for a retried checkout: the same key returns the same order.
    idempotency_key = models.CharField(max_length=80, null=True, blank=True)
    note = models.CharField(_("ghi chú cho người bán"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("đặt lúc"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # A constraint, not unique=True: on PostgreSQL that would add a second index for
            # pattern searches, which no one makes, and every checkout would write it.
            models.UniqueConstraint(fields=["number"], name="order_number_unique"),
            models.UniqueConstraint(
                fields=["buyer", "idempotency_key"], name="order_idempotency_key_once_per_buyer"
            ),
            models.CheckConstraint(
                condition=Q(total=models.F("goods_total") + models.F("shipping_total")),
                name="order_total_is_goods_plus_shipping",
            ),
        ]
        indexes = [
            models.Index(fields=["buyer", "-created_at"]),
            models.Index(fields=["country"], name="orders_order_country_idx"),
        ]
        verbose_name = _("đơn hàng")
        verbose_name_plural = _("đơn hàng")

    def __str__(self) -> str:
        return self.number

    @property
    def is_foreign(self) -> bool:
        return self.commune_id is None


class SubOrder(models.Model):
    """One shop's part of an order: its own parcel, status pipeline, history and payout."""

    class Status(models.TextChoices):
        PLACED = "placed", _("Chờ người bán xác nhận")
        CONFIRMED = "confirmed", _("Đã xác nhận")
        PACKED = "packed", _("Đã đóng gói")
        HANDED_TO_CARRIER = "handed_to_carrier", _("Đã giao cho đơn vị vận chuyển")
        DELIVERED = "delivered", _("Đã giao đến người mua")
        COMPLETED = "completed", _("Hoàn tất")
        CANCELLED = "cancelled", _("Đã hủy")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="sub_orders")
    number = models.CharField(_("mã đơn"), max_length=16)  # unique: Meta
    # Indexed by the (shop, status, -placed_at) index below, which starts with it.
    shop = models.ForeignKey(
        Shop, on_delete=models.PROTECT, related_name="sub_orders", db_index=False
    )
    marketplace = models.ForeignKey(Marketplace, on_delete=models.PROTECT, related_name="+")
    # The carrier its parcel was handed to (set by shipping): its staff are a party to it.
    carrier = models.ForeignKey(
        Carrier, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=Status.choices, default=Status.PLACED
    )
    goods_total = models.PositiveBigIntegerField(_("tiền hàng (đồng)"))
    shipping_fee = models.PositiveBigIntegerField(_("phí giao (đồng)"))
    refunded = models.PositiveBigIntegerField(_("đã hoàn (đồng)"), default=0)
    weight_kg = models.DecimalField(_("khối lượng (kg)"), max_digits=12, decimal_places=3)
    is_perishable = models.BooleanField(_("hàng tươi"), default=False)
    has_preorder = models.BooleanField(_("có hàng đặt trước"), default=False)
    # Timestamps of the pipeline, set by the transition service (the history keeps who and why).
    placed_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    packed_at = models.DateTimeField(null=True, blank=True)
    handed_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(_("lý do hủy"), max_length=300, blank=True)
    # The buyer says a parcel the seller delivered itself did not come as agreed, before it
    # completed on its own: it waits for the marketplace's operator (see sub_order_dispute).
    disputed_at = models.DateTimeField(_("người mua báo chưa nhận lúc"), null=True, blank=True)
    dispute_note = models.CharField(_("người mua báo"), max_length=300, blank=True)

    class Meta:
        ordering = ["-placed_at", "-pk"]
        indexes = [
            models.Index(fields=["shop", "status", "-placed_at"]),
            models.Index(fields=["status", "delivered_at"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["number"], name="suborder_number_unique"),
            models.CheckConstraint(
                condition=Q(refunded__lte=models.F("goods_total") + models.F("shipping_fee")),
                name="suborder_refund_within_total",
            ),
        ]
        verbose_name = _("đơn của gian hàng")
        verbose_name_plural = _("đơn của gian hàng")

    def __str__(self) -> str:
        return self.number

    @property
    def total(self) -> int:
        return self.goods_total + self.shipping_fee


class OrderLine(models.Model):
    """A product bought, as it was at checkout."""

    sub_order = models.ForeignKey(SubOrder, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="order_lines")
    # The member household of a cooperative's shop that grows it (the household for its own shop).
    supplier = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("sản phẩm"), max_length=150)
    unit = models.CharField(_("đơn vị"), max_length=10, choices=Product.Unit.choices)
    unit_price = models.PositiveBigIntegerField(_("đơn giá (đồng)"))
    quantity = models.DecimalField(_("số lượng"), max_digits=12, decimal_places=3)
    unit_weight_kg = models.DecimalField(max_digits=9, decimal_places=3)
    is_preorder = models.BooleanField(_("đặt trước"), default=False)
    # For a pre-order, what the harvest filled (None until the seller records the harvest).
    filled_quantity = models.DecimalField(null=True, blank=True, max_digits=12, decimal_places=3)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="orderline_quantity_gt_0"),
            models.CheckConstraint(
                condition=Q(filled_quantity__isnull=True)
                | Q(filled_quantity__gte=0, filled_quantity__lte=models.F("quantity")),
                name="orderline_filled_within_quantity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} x {self.quantity}"

    @property
    def amount(self) -> int:
        return line_amount(self.unit_price, self.quantity)

    @property
    def delivered_quantity(self) -> Decimal:
        return self.quantity if self.filled_quantity is None else self.filled_quantity


def line_amount(unit_price: int, quantity: Decimal) -> int:
    """Price x quantity in whole đồng, half rounded up (2.5 kg x 45.000 đ = 112.500 đ)."""
    return int((Decimal(unit_price) * quantity).quantize(Decimal(1), rounding="ROUND_HALF_UP"))


class SubOrderEvent(models.Model):
    """The history of a sub-order: every transition, by whom, when, and why."""

    sub_order = models.ForeignKey(SubOrder, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, choices=SubOrder.Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.sub_order} {self.from_status} -> {self.to_status}"


class Review(models.Model):
    """A buyer's rating of a product received in a sub-order (and through it, of the shop)."""

    sub_order = models.ForeignKey(SubOrder, on_delete=models.CASCADE, related_name="reviews")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="reviews")
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="reviews")
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    stars = models.PositiveSmallIntegerField(_("số sao"))
    text = models.TextField(_("nhận xét"), max_length=2000, blank=True)
    photo = models.ImageField(_("ảnh"), upload_to="reviews/%Y/%m/", blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["sub_order", "product"], name="review_once_per_line"),
            models.CheckConstraint(
                condition=Q(stars__gte=1, stars__lte=5), name="review_stars_1_to_5"
            ),
        ]
        verbose_name = _("đánh giá")
        verbose_name_plural = _("đánh giá")

    def __str__(self) -> str:
        return f"{self.product} {self.stars}★"
