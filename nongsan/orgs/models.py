"""The organisations the programme works through: marketplaces and postal carriers.

They sit low in the layering because staff roles are scoped to them (accounts) and household
milestones are counted per marketplace (households), both below the catalog.
"""

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
