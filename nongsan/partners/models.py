"""Partner marketplaces' data: households' accounts and milestones they reported (with the
version that makes re-delivery idempotent), the batches that carried them (provenance), and the
webhooks they subscribe to with every delivery attempt."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nongsan.households.models import Household, Milestone
from nongsan.orgs.models import Marketplace


class IngestBatch(models.Model):
    """One request of a partner: who sent it, with which key, when; what became of its records."""

    class Kind(models.TextChoices):
        HOUSEHOLDS = "households", _("Tài khoản hộ")
        MILESTONES = "milestones", _("Mốc tiến độ")

    marketplace = models.ForeignKey(Marketplace, on_delete=models.PROTECT, related_name="batches")
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    key_prefix = models.CharField(_("tiền tố khóa API"), max_length=12, blank=True)
    request_id = models.CharField(_("mã yêu cầu"), max_length=64, db_index=True)
    received_at = models.DateTimeField(_("nhận lúc"), default=timezone.now)
    total = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("lô dữ liệu đối tác")
        verbose_name_plural = _("lô dữ liệu đối tác")

    def __str__(self) -> str:
        return f"{self.marketplace_id}/{self.kind}/{self.request_id}"


class Rejection(models.Model):
    """A record of a batch that was not accepted, with the reason sent back."""

    batch = models.ForeignKey(IngestBatch, on_delete=models.CASCADE, related_name="rejections")
    index = models.PositiveIntegerField()
    external_id = models.CharField(max_length=64, blank=True)
    field = models.CharField(max_length=40, blank=True)
    reason = models.CharField(max_length=500)

    class Meta:
        ordering = ["batch", "index"]

    def __str__(self) -> str:
        return f"{self.batch_id}#{self.index}"


class PartnerAccount(models.Model):
    """A household's account on a partner marketplace, matched to the national record by CCCD."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Đang hoạt động")
        SUSPENDED = "suspended", _("Tạm khóa")
        CLOSED = "closed", _("Đã đóng")

    marketplace = models.ForeignKey(Marketplace, on_delete=models.PROTECT, related_name="accounts")
    external_id = models.CharField(_("mã trên sàn"), max_length=64)
    version = models.PositiveBigIntegerField(_("phiên bản"))
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="partner_accounts"
    )
    shop_name = models.CharField(_("tên gian hàng"), max_length=200, blank=True)
    shop_url = models.URLField(_("địa chỉ gian hàng"), blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    batch = models.ForeignKey(IngestBatch, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["marketplace", "external_id"]
        verbose_name = _("tài khoản hộ trên sàn đối tác")
        verbose_name_plural = _("tài khoản hộ trên sàn đối tác")
        constraints = [
            models.UniqueConstraint(
                fields=["marketplace", "external_id"], name="partneraccount_external_id_once"
            ),
            models.UniqueConstraint(
                fields=["marketplace", "household"], name="partneraccount_household_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.marketplace_id}:{self.external_id}"


class PartnerMilestone(models.Model):
    """A milestone as a partner reported it; the household's milestone is recorded from it."""

    marketplace = models.ForeignKey(Marketplace, on_delete=models.PROTECT, related_name="+")
    external_id = models.CharField(max_length=64)
    version = models.PositiveBigIntegerField()
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Milestone.Kind.choices)
    achieved_at = models.DateTimeField()
    batch = models.ForeignKey(IngestBatch, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["marketplace", "external_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["marketplace", "external_id"], name="partnermilestone_external_id_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.marketplace_id}:{self.external_id}"


def new_webhook_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


class Event(models.TextChoices):
    ORDER_DELIVERED = "order.delivered", _("Đơn của hộ trên sàn đã giao")
    MILESTONE_RECORDED = "household.milestone_recorded", _("Hộ đạt mốc tiến độ trên sàn")
    DIFFICULTY_ANSWERED = "difficulty.answered", _("Khó khăn của sàn đã có trả lời")


class WebhookEndpoint(models.Model):
    """Where a partner wants events sent, which ones, and the secret their signature uses."""

    marketplace = models.ForeignKey(
        Marketplace, on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.URLField(_("địa chỉ nhận"), max_length=500)
    events = models.JSONField(_("sự kiện"), default=list)
    secret = models.CharField(max_length=80, default=new_webhook_secret)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("địa chỉ webhook")
        verbose_name_plural = _("địa chỉ webhook")

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    """One event sent to one endpoint: the payload, each attempt's outcome."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Đang chờ gửi")
        DELIVERED = "delivered", _("Đã gửi")
        FAILED = "failed", _("Gửi không được")

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(max_length=40, choices=Event.choices)
    event_id = models.CharField(max_length=64)
    payload = models.JSONField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # An event is queued once per endpoint, however often its source is saved.
            models.UniqueConstraint(
                fields=["endpoint", "event_id"], name="webhookdelivery_event_once"
            ),
            models.CheckConstraint(
                condition=~Q(status="delivered") | Q(delivered_at__isnull=False),
                name="webhookdelivery_delivered_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} -> {self.endpoint_id}"
