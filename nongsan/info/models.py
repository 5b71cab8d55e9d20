"""Information for farm households: bulletins with their targeting, their delivery to each
household and its reading, and the market price board (reference prices per product and province).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nongsan.geo.models import Commune, Province
from nongsan.households.models import Household, ProduceKind
from nongsan.orgs.models import Marketplace


class Bulletin(models.Model):
    """An item of information (bản tin) published to the households it targets.

    Targeting: nationwide, or the listed provinces and communes; narrowed, when produce kinds are
    listed, to households that grow or raise one of them.
    """

    class Kind(models.TextChoices):
        WEATHER = "weather", _("Thời tiết")
        DISASTER = "disaster", _("Cảnh báo thiên tai")
        PEST = "pest", _("Cảnh báo sâu bệnh, dịch bệnh")
        MARKET_PRICE = "market_price", _("Giá thị trường")
        TECHNIQUE = "technique", _("Kỹ thuật canh tác, chăn nuôi")
        POLICY = "policy", _("Chính sách")
        PLATFORM_GUIDE = "platform_guide", _("Hướng dẫn dùng sàn")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Bản nháp")
        PUBLISHED = "published", _("Đã đăng")
        WITHDRAWN = "withdrawn", _("Đã gỡ")

    kind = models.CharField(_("loại tin"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("tiêu đề"), max_length=200)
    body = models.TextField(_("nội dung"), max_length=10_000)
    image = models.ImageField(_("ảnh"), upload_to="bulletins/%Y/%m/", blank=True)
    attachment = models.FileField(_("tệp đính kèm"), upload_to="bulletins/files/%Y/%m/", blank=True)
    is_urgent = models.BooleanField(
        _("khẩn cấp"), default=False, help_text=_("Tin khẩn được gửi cả SMS đến các hộ nhận tin.")
    )
    valid_from = models.DateTimeField(_("hiệu lực từ"), default=timezone.now)
    valid_until = models.DateTimeField(_("hiệu lực đến"), null=True, blank=True)
    is_nationwide = models.BooleanField(_("gửi toàn quốc"), default=False)
    provinces = models.ManyToManyField(
        Province, blank=True, related_name="+", verbose_name=_("tỉnh/thành phố nhận tin")
    )
    communes = models.ManyToManyField(
        Commune, blank=True, related_name="+", verbose_name=_("xã/phường nhận tin")
    )
    produce = models.ManyToManyField(
        ProduceKind,
        blank=True,
        related_name="+",
        verbose_name=_("cây trồng, vật nuôi"),
        help_text=_("Để trống: gửi mọi hộ trong vùng nhận tin."),
    )
    # Whose bulletin it is: the editor's province (None: a ministry editor), or a marketplace.
    province = models.ForeignKey(
        Province,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bulletins",
        verbose_name=_("tỉnh đăng tin"),
    )
    marketplace = models.ForeignKey(
        Marketplace,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("sàn đăng tin"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="bulletins",
        verbose_name=_("người soạn"),
    )
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("đăng lúc"), null=True, blank=True, db_index=True)
    delivered_count = models.PositiveIntegerField(_("số hộ đã nhận"), default=0)
    created_at = models.DateTimeField(_("ngày tạo"), default=timezone.now)
    updated_at = models.DateTimeField(_("cập nhật"), default=timezone.now)

    class Meta:
        ordering = ["-is_urgent", "-published_at", "-pk"]
        verbose_name = _("bản tin")
        verbose_name_plural = _("bản tin")
        indexes = [models.Index(fields=["status", "valid_from"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gt=models.F("valid_from")),
                name="bulletin_valid_until_after_from",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="bulletin_published_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_warning(self) -> bool:
        """Highlighted in feeds: urgent items and disaster or pest warnings."""
        return self.is_urgent or self.kind in (self.Kind.DISASTER, self.Kind.PEST)


class BulletinUpdate(models.Model):
    """One time a bulletin reached households: its publication, or a later correction.

    Indicator III.2 counts these per province and month (how often information is updated).
    """

    class Kind(models.TextChoices):
        PUBLISHED = "published", _("Đăng tin")
        REVISED = "revised", _("Cập nhật nội dung")

    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="updates")
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices)
    at = models.DateTimeField(_("lúc"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("lần cập nhật bản tin")
        verbose_name_plural = _("lần cập nhật bản tin")

    def __str__(self) -> str:
        return f"{self.bulletin_id} {self.kind} {self.at:%Y-%m-%d}"


class Delivery(models.Model):
    """A bulletin put in one household's feed: when, whether by SMS too, when it was read."""

    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="deliveries")
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="bulletin_deliveries"
    )
    delivered_at = models.DateTimeField(_("gửi lúc"), default=timezone.now)
    sms_sent = models.BooleanField(_("đã gửi SMS"), default=False)
    read_at = models.DateTimeField(_("đọc lúc"), null=True, blank=True)

    class Meta:
        ordering = ["-delivered_at", "-pk"]
        verbose_name = _("lượt gửi bản tin")
        verbose_name_plural = _("lượt gửi bản tin")
        constraints = [
            models.UniqueConstraint(fields=["bulletin", "household"], name="delivery_once"),
        ]
        indexes = [models.Index(fields=["household", "read_at"])]

    def __str__(self) -> str:
        return f"{self.bulletin_id} -> {self.household_id}"


class MarketPrice(models.Model):
    """A reference price of a product in a province on a day (đồng per kg), for the price board."""

    produce = models.ForeignKey(
        ProduceKind, on_delete=models.PROTECT, related_name="+", verbose_name=_("sản phẩm")
    )
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="+", verbose_name=_("tỉnh/thành phố")
    )
    day = models.DateField(_("ngày"))
    price = models.PositiveBigIntegerField(_("giá (đồng/kg)"))
    source = models.CharField(
        _("nguồn"), max_length=200, blank=True, help_text=_("Ví dụ: chợ đầu mối, hợp tác xã.")
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người nhập"),
    )
    updated_at = models.DateTimeField(_("cập nhật"), default=timezone.now)

    class Meta:
        ordering = ["-day", "produce__name"]
        verbose_name = _("giá tham khảo")
        verbose_name_plural = _("giá tham khảo")
        constraints = [
            models.UniqueConstraint(
                fields=["produce", "province", "day"], name="market_price_one_a_day"
            ),
            models.CheckConstraint(condition=Q(price__gt=0), name="market_price_gt_0"),
        ]
        indexes = [models.Index(fields=["province", "produce", "-day"])]

    def __str__(self) -> str:
        return f"{self.produce_id} {self.province_id} {self.day}: {self.price}"
