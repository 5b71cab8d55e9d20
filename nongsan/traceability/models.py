"""Traceability (truy xuất nguồn gốc): lots of a product and their critical tracking events.

The data follows TCVN 12850:2019 (the Vietnamese traceability requirements) and GS1 EPCIS/CBV:
each event is a critical tracking event (what step, when, where, who) with its key data elements,
and each lot is identified by the GS1 keys GTIN (AI 01) and batch/lot (AI 10), which make its
GS1 Digital Link URL. Events come from the household (planting or stocking, inputs, harvest,
packing) and, automatically, from the orders and shipping apps (packed for an order, handed to
the carrier, in transit, delivered); those carry the sub-order they belong to.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nongsan.catalog.models import Product
from nongsan.geo.models import Commune
from nongsan.households.models import Household
from nongsan.orders.models import SubOrder


class Lot(models.Model):
    """A lot (lô hàng) of one product: what was grown or raised, harvested and packed together."""

    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="lots", verbose_name=_("sản phẩm")
    )
    # The household that grows it (the product's household), copied: public pages and counts
    # read it without going through the product.
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="lots", verbose_name=_("hộ sản xuất")
    )
    # GS1 keys, as the Digital Link carries them: GTIN-14 (zero-padded) and the lot (AI 10).
    gtin = models.CharField(_("mã GTIN"), max_length=14)
    code = models.CharField(_("mã lô"), max_length=20)
    quantity = models.DecimalField(
        _("số lượng"), max_digits=12, decimal_places=3, null=True, blank=True
    )
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    # Orders packed while a lot is open are drawn from it (the newest open lot of the product).
    is_open = models.BooleanField(_("đang bán từ lô này"), default=True)
    # When the lot got its first event: from then on it is a traced lot (indicator II.5).
    traced_at = models.DateTimeField(_("bắt đầu truy xuất lúc"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("lô hàng")
        verbose_name_plural = _("lô hàng")
        constraints = [
            models.UniqueConstraint(fields=["gtin", "code"], name="lot_gs1_keys_unique"),
            models.CheckConstraint(condition=Q(gtin__regex=r"^[0-9]{14}$"), name="lot_gtin_14"),
            models.CheckConstraint(
                condition=Q(code__regex=r"^[A-Z0-9][A-Z0-9-]{0,19}$"), name="lot_code_charset"
            ),
            models.CheckConstraint(
                condition=Q(quantity__isnull=True) | Q(quantity__gt=Decimal(0)),
                name="lot_quantity_positive",
            ),
        ]
        indexes = [
            models.Index(fields=["product", "is_open", "-created_at"]),
            models.Index(fields=["household", "traced_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.product} · {self.code}"


class TraceEvent(models.Model):
    """A critical tracking event of a lot: the step, when, where, who (TCVN 12850 / EPCIS)."""

    class Step(models.TextChoices):
        PLANTING = "planting", _("Gieo trồng")
        STOCKING = "stocking", _("Thả nuôi, nhập con giống")
        INPUT_APPLIED = "input_applied", _("Sử dụng vật tư (phân bón, thuốc, thức ăn)")
        HARVEST = "harvest", _("Thu hoạch")
        PACKING = "packing", _("Đóng gói")
        HANDED_TO_CARRIER = "handed_to_carrier", _("Giao cho đơn vị vận chuyển")
        IN_TRANSIT = "in_transit", _("Đang vận chuyển")
        DELIVERED = "delivered", _("Đã giao đến người mua")

    class Source(models.TextChoices):
        HOUSEHOLD = "household", _("Hộ sản xuất ghi")
        ORDER = "order", _("Từ đơn hàng")
        SHIPPING = "shipping", _("Từ đơn vị vận chuyển")

    lot = models.ForeignKey(Lot, on_delete=models.CASCADE, related_name="events")
    step = models.CharField(_("công đoạn"), max_length=20, choices=Step.choices)
    at = models.DateTimeField(_("thời điểm"))
    place = models.CharField(_("địa điểm"), max_length=200)
    commune = models.ForeignKey(
        Commune, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    who = models.CharField(_("người thực hiện"), max_length=150)
    detail = models.CharField(
        _("chi tiết"),
        max_length=300,
        blank=True,
        help_text=_("Ví dụ: tên và lượng phân bón, thuốc; sản lượng thu hoạch; quy cách đóng gói."),
    )
    # The order this event belongs to (events from orders and shipping); None: the whole lot.
    sub_order = models.ForeignKey(
        SubOrder, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    source = models.CharField(max_length=10, choices=Source.choices)
    # The record it was made from ("order-event:12", "tracking:34"): applying it twice is a no-op.
    source_key = models.CharField(max_length=40, null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("sự kiện truy xuất")
        verbose_name_plural = _("sự kiện truy xuất")
        constraints = [
            models.UniqueConstraint(fields=["lot", "source_key"], name="traceevent_source_once"),
        ]
        indexes = [models.Index(fields=["lot", "sub_order", "at"])]

    def __str__(self) -> str:
        return f"{self.lot} {self.step} {self.at:%Y-%m-%d %H:%M}"


class LotUse(models.Model):
    """A sub-order filled from a lot: its delivery joins the lot's journey."""

    lot = models.ForeignKey(Lot, on_delete=models.CASCADE, related_name="uses")
    sub_order = models.ForeignKey(SubOrder, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["lot", "sub_order"], name="lotuse_once"),
        ]

    def __str__(self) -> str:
        return f"{self.lot} -> {self.sub_order}"
