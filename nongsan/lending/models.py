"""Micro-loans for farm households (vay vốn nhỏ): applications made online or at the commune
post office, reviewed by a partner lender with the household's platform history (shared only
with its consent), and their steps from application to repayment."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nongsan.households.models import Household
from nongsan.orgs.models import PostOffice


class Lender(models.Model):
    """A partner lender (a bank or microfinance institution) reached through an adapter."""

    code = models.SlugField(_("mã"), max_length=30, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    min_amount = models.PositiveBigIntegerField(_("số tiền vay tối thiểu"), default=5_000_000)
    max_amount = models.PositiveBigIntegerField(_("số tiền vay tối đa"), default=50_000_000)
    is_active = models.BooleanField(_("đang nhận hồ sơ"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tổ chức cho vay")
        verbose_name_plural = _("tổ chức cho vay")
        constraints = [
            models.CheckConstraint(
                condition=Q(max_amount__gte=models.F("min_amount")),
                name="lender_amounts_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name


class LoanApplication(models.Model):
    """A household's request for a small loan, and where the lender has taken it."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Đã nộp hồ sơ")
        UNDER_REVIEW = "under_review", _("Đang thẩm định")
        APPROVED = "approved", _("Được duyệt")
        REFUSED = "refused", _("Bị từ chối")
        DISBURSED = "disbursed", _("Đã giải ngân")
        REPAID = "repaid", _("Đã trả hết nợ")

    class Channel(models.TextChoices):
        ONLINE = "online", _("Trực tuyến")
        POST_OFFICE = "post_office", _("Tại bưu điện xã")

    number = models.CharField(_("số hồ sơ"), max_length=20, unique=True)
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="loan_applications"
    )
    lender = models.ForeignKey(Lender, on_delete=models.PROTECT, related_name="applications")
    amount = models.PositiveBigIntegerField(_("số tiền xin vay (đồng)"))
    term_months = models.PositiveSmallIntegerField(_("thời hạn (tháng)"))
    purpose = models.CharField(_("mục đích vay"), max_length=500)
    channel = models.CharField(_("nơi nộp"), max_length=12, choices=Channel.choices)
    post_office = models.ForeignKey(
        PostOffice, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    consent_at = models.DateTimeField(_("đồng ý chia sẻ lịch sử lúc"))
    # What the lender received (sales, ratings, training), as shared when applying.
    shared_history = models.JSONField(_("lịch sử đã chia sẻ"), default=dict)
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=Status.choices, default=Status.SUBMITTED
    )
    lender_reference = models.CharField(max_length=60, blank=True, db_index=True)
    approved_amount = models.PositiveBigIntegerField(_("số tiền được duyệt"), null=True, blank=True)
    decision_note = models.CharField(_("ghi chú của bên cho vay"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("nộp lúc"), default=timezone.now)
    updated_at = models.DateTimeField(_("cập nhật"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("hồ sơ vay vốn")
        verbose_name_plural = _("hồ sơ vay vốn")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="loan_amount_gt_0"),
            models.CheckConstraint(
                condition=Q(term_months__gte=1, term_months__lte=60), name="loan_term_1_to_60"
            ),
            models.CheckConstraint(
                condition=~Q(channel="post_office") | Q(post_office__isnull=False),
                name="loan_post_office_channel_has_office",
            ),
        ]
        indexes = [models.Index(fields=["status", "updated_at"])]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status not in (self.Status.REFUSED, self.Status.REPAID)


class LoanEvent(models.Model):
    """One step of an application, written by the services and never changed."""

    application = models.ForeignKey(
        LoanApplication, on_delete=models.CASCADE, related_name="events"
    )
    from_status = models.CharField(
        max_length=12, choices=LoanApplication.Status.choices, blank=True
    )
    to_status = models.CharField(max_length=12, choices=LoanApplication.Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("bước hồ sơ vay")
        verbose_name_plural = _("bước hồ sơ vay")

    def __str__(self) -> str:
        return f"{self.application_id}: {self.from_status} -> {self.to_status}"
