"""The programme portal's data: difficulties raised to the Ministry (khó khăn, vướng mắc) with
their threads, attachments and history, and the portal's news items."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nongsan.core.storage import private_storage
from nongsan.geo.models import Commune, Province
from nongsan.orgs.models import Carrier, Marketplace


class Difficulty(models.Model):
    """A difficulty a locality or a partner meets and raises to the Ministry."""

    class Topic(models.TextChoices):
        TRAINING = "training", _("Tập huấn")
        PAYMENTS = "payments", _("Thanh toán")
        DELIVERY = "delivery", _("Giao nhận, vận chuyển")
        PLATFORM = "platform", _("Phần mềm sàn TMĐT")
        POLICY = "policy", _("Chính sách")
        OTHER = "other", _("Khác")

    class Status(models.TextChoices):
        OPEN = "open", _("Mới gửi")
        IN_PROGRESS = "in_progress", _("Đang xử lý")
        ANSWERED = "answered", _("Đã trả lời")
        CLOSED = "closed", _("Đã đóng")

    class RaisedAs(models.TextChoices):
        PROVINCE = "province", _("Sở TTTT")
        COMMUNE = "commune", _("Xã/phường")
        MARKETPLACE = "marketplace", _("Sàn TMĐT")
        CARRIER = "carrier", _("Đơn vị vận chuyển")

    number = models.CharField(_("số"), max_length=20, unique=True)
    topic = models.CharField(_("chủ đề"), max_length=20, choices=Topic.choices)
    title = models.CharField(_("tiêu đề"), max_length=200)
    description = models.TextField(_("nội dung"))
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="difficulties_raised",
        verbose_name=_("người gửi"),
    )
    raised_as = models.CharField(_("bên gửi"), max_length=20, choices=RaisedAs.choices)
    # The place it concerns; a commune's difficulty also names its province.
    province = models.ForeignKey(
        Province,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="difficulties",
        verbose_name=_("tỉnh/thành phố"),
    )
    commune = models.ForeignKey(
        Commune, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("xã/phường")
    )
    # The organisation that raised it, when a marketplace or a carrier did.
    marketplace = models.ForeignKey(
        Marketplace,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="difficulties_raised",
        verbose_name=_("sàn TMĐT gửi"),
    )
    carrier = models.ForeignKey(
        Carrier,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="difficulties_raised",
        verbose_name=_("đơn vị vận chuyển gửi"),
    )
    # Who handles it: a unit of the Ministry by name, or a marketplace asked to answer.
    assigned_unit = models.CharField(_("đơn vị xử lý"), max_length=200, blank=True)
    assigned_marketplace = models.ForeignKey(
        Marketplace,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="difficulties_assigned",
        verbose_name=_("sàn TMĐT xử lý"),
    )
    due_on = models.DateField(_("hạn trả lời"))
    created_at = models.DateTimeField(_("gửi lúc"), default=timezone.now)
    updated_at = models.DateTimeField(_("cập nhật lúc"), default=timezone.now)
    answered_at = models.DateTimeField(_("trả lời lúc"), null=True, blank=True)
    closed_at = models.DateTimeField(_("đóng lúc"), null=True, blank=True)
    # The public FAQ: the Ministry publishes an answered item in its own words.
    faq_published_at = models.DateTimeField(_("đăng hỏi đáp lúc"), null=True, blank=True)
    faq_question = models.TextField(_("câu hỏi (công khai)"), blank=True)
    faq_answer = models.TextField(_("trả lời (công khai)"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("khó khăn, vướng mắc")
        verbose_name_plural = _("khó khăn, vướng mắc")
        indexes = [
            models.Index(fields=["status", "due_on"]),
            models.Index(fields=["province", "-created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(raised_as="marketplace") | Q(marketplace__isnull=False),
                name="difficulty_marketplace_raiser_named",
            ),
            models.CheckConstraint(
                condition=~Q(raised_as="carrier") | Q(carrier__isnull=False),
                name="difficulty_carrier_raiser_named",
            ),
            models.CheckConstraint(
                condition=~Q(raised_as="province") | Q(province__isnull=False),
                name="difficulty_province_raiser_named",
            ),
            models.CheckConstraint(
                condition=Q(faq_published_at__isnull=True) | ~Q(faq_answer=""),
                name="difficulty_published_faq_has_answer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_overdue(self) -> bool:
        pending = self.status in (self.Status.OPEN, self.Status.IN_PROGRESS)
        return pending and self.due_on < timezone.localdate()


class Message(models.Model):
    """One message of a difficulty's thread; the thread keeps every one."""

    difficulty = models.ForeignKey(Difficulty, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name=_("người viết")
    )
    body = models.TextField(_("nội dung"))
    is_answer = models.BooleanField(_("là câu trả lời"), default=False)
    created_at = models.DateTimeField(_("lúc"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("tin nhắn")
        verbose_name_plural = _("tin nhắn")

    def __str__(self) -> str:
        return f"{self.difficulty.number} #{self.pk}"


class Attachment(models.Model):
    """A file sent with a message (a photo, a scanned letter, a spreadsheet)."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    # Private: served by support:attachment to the people of the difficulty only.
    file = models.FileField(_("tệp"), upload_to="difficulties/%Y/%m/", storage=private_storage)
    name = models.CharField(_("tên tệp"), max_length=200)
    size = models.PositiveIntegerField(_("dung lượng (byte)"))

    class Meta:
        ordering = ["pk"]
        verbose_name = _("tệp đính kèm")
        verbose_name_plural = _("tệp đính kèm")

    def __str__(self) -> str:
        return self.name


class StatusChange(models.Model):
    """The history of a difficulty's states, written by the services only."""

    difficulty = models.ForeignKey(Difficulty, on_delete=models.CASCADE, related_name="changes")
    from_status = models.CharField(max_length=20, choices=Difficulty.Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Difficulty.Status.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    note = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.difficulty_id}: {self.from_status} -> {self.to_status}"


class NewsItem(models.Model):
    """A news item of the programme portal."""

    slug = models.SlugField(_("đường dẫn"), max_length=120, unique=True)
    title = models.CharField(_("tiêu đề"), max_length=200)
    summary = models.CharField(_("tóm tắt"), max_length=400)
    body = models.TextField(_("nội dung"))
    published_at = models.DateTimeField(_("đăng lúc"), null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("tin tức")
        verbose_name_plural = _("tin tức")

    def __str__(self) -> str:
        return self.title
