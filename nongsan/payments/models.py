"""Payments by attempt, bank and wallet notifications, refunds, households' payment accounts, and
the payout ledger.

Payments know what they pay by its reference (an order number), not by the order: the orders app
sits above this one and tells it what to charge, refund and credit.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nongsan.households.models import Household
from nongsan.orgs.models import Marketplace, PostOffice


class Method(models.TextChoices):
    COD = "cod", _("Trả tiền khi nhận hàng (COD)")
    VIETQR = "vietqr", _("Chuyển khoản ngân hàng (VietQR)")
    EWALLET = "ewallet", _("Ví điện tử")


class Payment(models.Model):
    """One attempt to pay an order: a QR shown, a wallet redirect, a COD parcel."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ thanh toán")
        SUCCEEDED = "succeeded", _("Đã nhận tiền")
        FAILED = "failed", _("Không thành công")
        CANCELLED = "cancelled", _("Đã hủy")
        # Money arrived but not the amount asked: kept for staff to resolve, never accepted.
        FLAGGED = "flagged", _("Cần kiểm tra (sai số tiền)")

    # Unique and indexed in Meta: plain indexes (unique=True or db_index=True would add a second
    # one for pattern searches on PostgreSQL, which no one makes, written on every attempt).
    reference = models.CharField(_("mã thanh toán"), max_length=24)
    order_reference = models.CharField(_("mã đơn"), max_length=16)
    payer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payments"
    )
    method = models.CharField(_("cách thanh toán"), max_length=10, choices=Method.choices)
    provider = models.CharField(_("nhà cung cấp"), max_length=30, blank=True)
    provider_ref = models.CharField(max_length=80, blank=True)
    redirect_url = models.CharField(max_length=300, blank=True)  # an e-wallet's pay page
    # The payer's key for a retried call: the same key returns the same attempt.
    idempotency_key = models.CharField(max_length=80, null=True, blank=True)
    amount = models.PositiveBigIntegerField(_("số tiền (đồng)"))
    received_amount = models.PositiveBigIntegerField(
        _("số tiền nhận (đồng)"), null=True, blank=True
    )
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    flag_reason = models.CharField(_("lý do cần kiểm tra"), max_length=300, blank=True)
    # For COD: the carrier collected the cash (succeeded) and later paid it over (settled).
    settled_at = models.DateTimeField(_("đối soát lúc"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["reference"], name="payment_reference_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_gt_0"),
        ]
        indexes = [
            models.Index(fields=["order_reference"], name="payment_order_reference_idx"),
            models.Index(fields=["provider_ref"], name="payment_provider_ref_idx"),
        ]
        verbose_name = _("thanh toán")
        verbose_name_plural = _("thanh toán")

    def __str__(self) -> str:
        return self.reference


class Notification(models.Model):
    """A bank or wallet notification (webhook) as received; its event id makes a repeat a no-op."""

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", _("Đã ghi nhận")
        FLAGGED = "flagged", _("Sai số tiền")
        UNMATCHED = "unmatched", _("Không khớp thanh toán nào")
        FAILED = "failed", _("Báo thất bại")
        IGNORED = "ignored", _("Đã xử lý trước đó")

    source = models.CharField(max_length=30)
    event_id = models.CharField(max_length=100)
    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.SET_NULL, related_name="notifications"
    )
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    payload = models.JSONField(default=dict)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["source", "event_id"], name="notification_once")
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.event_id}"


class Refund(models.Model):
    """Money going back to a buyer for a cancelled or short-filled sub-order."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ hoàn tiền")
        DONE = "done", _("Đã hoàn tiền")

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    reference = models.CharField(max_length=40, unique=True)  # sub-order number + reason key
    amount = models.PositiveBigIntegerField(_("số tiền (đồng)"))
    reason = models.CharField(_("lý do"), max_length=300)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_gt_0")]

    def __str__(self) -> str:
        return self.reference


class PaymentAccount(models.Model):
    """Where a household receives its money: a bank account, an e-wallet, or cash at the post
    office (for households without either)."""

    class Kind(models.TextChoices):
        BANK = "bank", _("Tài khoản ngân hàng")
        EWALLET = "ewallet", _("Ví điện tử")
        POST_OFFICE = "post_office", _("Nhận tiền mặt tại bưu điện xã")

    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="payment_accounts"
    )
    kind = models.CharField(_("loại"), max_length=12, choices=Kind.choices)
    provider = models.CharField(_("ngân hàng / ví"), max_length=30, blank=True)
    number = models.CharField(_("số tài khoản / số ví"), max_length=30, blank=True)
    holder_name = models.CharField(_("tên chủ tài khoản"), max_length=150, blank=True)
    # For cash at the post office: the commune post office where the household collects.
    post_office = models.ForeignKey(
        PostOffice,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("bưu điện nhận tiền"),
    )
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(is_active=True),
                name="paymentaccount_one_active_per_household",
            )
        ]
        verbose_name = _("tài khoản nhận tiền")
        verbose_name_plural = _("tài khoản nhận tiền")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.provider} {self.number}".strip()


class PayoutBatch(models.Model):
    """A run that pays every household its balance; one statement per household."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    total = models.PositiveBigIntegerField(default=0)
    payout_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Payout batch {self.pk}"


class Payout(models.Model):
    """What one household was paid in a batch, and to which account."""

    batch = models.ForeignKey(PayoutBatch, on_delete=models.PROTECT, related_name="payouts")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="payouts")
    account = models.ForeignKey(
        PaymentAccount, null=True, on_delete=models.PROTECT, related_name="payouts"
    )
    amount = models.PositiveBigIntegerField(_("số tiền (đồng)"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "household"], name="payout_once_per_batch")
        ]

    def __str__(self) -> str:
        return f"{self.household_id}: {self.amount}"


class LedgerEntry(models.Model):
    """A line of a household's balance: a sale credited, the marketplace's commission and a
    cooperative's share debited, a payout debited. The balance is the sum of its entries."""

    class Kind(models.TextChoices):
        SALE = "sale", _("Tiền bán hàng")
        COMMISSION = "commission", _("Phí sàn")
        COOPERATIVE_SHARE = "coop_share", _("Phần của hợp tác xã")
        PAYOUT = "payout", _("Đã chi trả")
        CLAIM = "claim", _("Bồi thường khiếu nại")

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="ledger")
    marketplace = models.ForeignKey(
        Marketplace, null=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("loại"), max_length=12, choices=Kind.choices)
    reference = models.CharField(_("chứng từ"), max_length=40)  # sub-order number, payout id
    amount = models.BigIntegerField(_("số tiền (đồng)"))  # + credit, - debit
    payout = models.ForeignKey(
        Payout, null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "kind", "reference"], name="ledger_entry_once"
            )
        ]
        indexes = [models.Index(fields=["household", "payout"])]

    def __str__(self) -> str:
        return f"{self.household_id} {self.kind} {self.amount}"


class PostOfficeStaff(models.Model):
    """A clerk of a commune post office (a field agent working there): hands payouts over in
    cash, and may register households, record training and take loan applications."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="post_office_staff",
        verbose_name=_("nhân viên"),
    )
    post_office = models.ForeignKey(
        PostOffice, on_delete=models.PROTECT, related_name="+", verbose_name=_("bưu điện")
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["post_office", "user"]
        verbose_name = _("nhân viên bưu điện xã")
        verbose_name_plural = _("nhân viên bưu điện xã")

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.post_office_id}"


class CashHandover(models.Model):
    """A payout handed over in cash at the post office, after the clerk checked the head of
    household's CCCD; its receipt is printed for the household."""

    payout = models.OneToOneField(
        Payout, on_delete=models.PROTECT, related_name="cash_handover", verbose_name=_("khoản chi")
    )
    post_office = models.ForeignKey(
        PostOffice, on_delete=models.PROTECT, related_name="+", verbose_name=_("bưu điện")
    )
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người chi"),
    )
    receipt_number = models.CharField(_("số biên nhận"), max_length=40, unique=True)
    recipient_name = models.CharField(_("người nhận"), max_length=150)
    cccd_masked = models.CharField(_("CCCD đã kiểm tra"), max_length=12)
    amount = models.PositiveBigIntegerField(_("số tiền (đồng)"))
    handed_at = models.DateTimeField(_("chi lúc"), default=timezone.now)

    class Meta:
        ordering = ["-handed_at", "-pk"]
        verbose_name = _("chi trả tiền mặt tại bưu điện")
        verbose_name_plural = _("chi trả tiền mặt tại bưu điện")

    def __str__(self) -> str:
        return self.receipt_number
