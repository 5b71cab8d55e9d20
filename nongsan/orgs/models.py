"""The organisations the programme works through: marketplaces, postal carriers, post offices.

They sit low in the layering because staff roles are scoped to them (accounts) and household
milestones are counted per marketplace (households), both below the catalog.
"""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Marketplace(models.Model):
    """An e-commerce marketplace (sàn TMĐT): Postmart, Vỏ Sò, ..."""

    code = models.SlugField(_("mã"), max_length=30, unique=True)
    name = models.CharField(_("tên"), max_length=100)
    operator_name = models.CharField(_("đơn vị vận hành"), max_length=200)
    website = models.URLField(_("website"), blank=True)
    is_hosted = models.BooleanField(
        _("vận hành trên nền tảng này"),
        default=True,
        help_text=_("Sàn bên ngoài gửi số liệu qua API đối tác thay vì được tính trực tiếp."),
    )
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    commission_percent = models.DecimalField(
        _("phí sàn (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(5),
        validators=[MinValueValidator(0), MaxValueValidator(50)],
        help_text=_("Phần trăm tiền hàng sàn giữ lại trên mỗi đơn hoàn tất."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("sàn TMĐT")
        verbose_name_plural = _("sàn TMĐT")

    def __str__(self) -> str:
        return self.name


class Carrier(models.Model):
    """A postal or delivery company: Vietnam Post, Viettel Post, ..."""

    code = models.SlugField(_("mã"), max_length=30, unique=True)
    name = models.CharField(_("tên"), max_length=100)
    website = models.URLField(_("website"), blank=True)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("đơn vị vận chuyển")
        verbose_name_plural = _("đơn vị vận chuyển")

    def __str__(self) -> str:
        return self.name


class PostOffice(models.Model):
    """A commune post office (Bưu điện văn hóa xã).

    A service point where households are registered and trained, collect payouts in cash and apply
    for small loans.
    """

    code = models.CharField(_("mã bưu cục"), max_length=20, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    carrier = models.ForeignKey(
        Carrier,
        on_delete=models.PROTECT,
        related_name="post_offices",
        verbose_name=_("đơn vị bưu chính"),
    )
    commune = models.ForeignKey(
        "geo.Commune",
        on_delete=models.PROTECT,
        related_name="post_offices",
        verbose_name=_("xã/phường"),
    )
    address = models.CharField(_("địa chỉ"), max_length=300)
    opening_hours = models.CharField(
        _("giờ mở cửa"), max_length=200, blank=True, help_text=_("Ví dụ: T2–T7 7:00–17:00")
    )
    phone = models.CharField(_("điện thoại"), max_length=16, blank=True)
    latitude = models.FloatField(_("vĩ độ"), null=True, blank=True)
    longitude = models.FloatField(_("kinh độ"), null=True, blank=True)
    digital_address = models.ForeignKey(
        "geo.DigitalAddress",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("địa chỉ số"),
    )
    is_active = models.BooleanField(_("đang hoạt động"), default=True)

    class Meta:
        ordering = ["commune__province__code", "commune__code", "code"]
        verbose_name = _("bưu điện xã")
        verbose_name_plural = _("bưu điện xã")

    def __str__(self) -> str:
        return self.name
