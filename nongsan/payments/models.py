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
    # What the platform holds for this attempt: the incoming credits applied to it (the bank's,
    # the wallet's, or the carrier's COD remittance). Only a credit moves it (reconciliation).
    settled = models.PositiveBigIntegerField(_("đã về tài khoản (đồng)"), default=0)
    # The marketplace whose order this pays, when all of the order is on one (None: several).
    marketplace = models.ForeignKey(
        Marketplace, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
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
    """Money going back: to a buyer for a cancelled or short-filled sub-order or a claim (from
    the order's payment), or to whoever sent a credit the platform cannot keep (`credit`)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ hoàn tiền")
        DONE = "done", _("Đã hoàn tiền")

    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="refunds"
    )
    # Set when the refund gives back an incoming credit (a duplicate, an overpayment, a late
    # success of a superseded attempt, money with no order): see Credit.
    credit = models.ForeignKey(
        "Credit", null=True, blank=True, on_delete=models.PROTECT, related_name="refunds"
    )
    # The marketplace of the sub-order refunded (None: a credit of several or none).
    marketplace = models.ForeignKey(
        Marketplace, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reference = models.CharField(max_length=40, unique=True)  # sub-order number + reason key
    amount = models.PositiveBigIntegerField(_("số tiền (đồng)"))
    reason = models.CharField(_("lý do"), max_length=300)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người xác nhận đã chuyển"),
    )

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
    # A sale paid in cash on delivery waits for the carrier to pay the cash over (COD
    # settlement) before it can be paid out: held entries stay out of payout batches.
    held = models.BooleanField(_("chờ đối soát COD"), default=False)
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


class Credit(models.Model):
    """Money that came in: a credit to the collection account (the bank's notification), a
    wallet's confirmed payment, or one shipment's line of a carrier's COD remittance. Recorded
    once (source, reference), matched to exactly one payment or kept open as an exception with
    its reason until finance staff resolve it. Its amount is always accounted for:
    amount = applied + refunded + written_off + what is still open."""

    class Source(models.TextChoices):
        BANK = "bank", _("Chuyển khoản ngân hàng")
        EWALLET = "ewallet", _("Ví điện tử")
        COD = "cod", _("Tiền COD đơn vị vận chuyển nộp")

    class Problem(models.TextChoices):
        NONE = "", _("Khớp")
        OVERPAID = "overpaid", _("Chuyển thừa")
        DUPLICATE = "duplicate", _("Chuyển trùng (đơn đã thanh toán)")
        PARTIAL = "partial", _("Chuyển thiếu / chuyển nhiều lần")
        LATE_SUCCESS = "late_success", _("Thanh toán muộn của lần đã thay thế")
        UNKNOWN_REFERENCE = "unknown", _("Không rõ mã đơn")
        AMOUNT_MISMATCH = "mismatch", _("Sai số tiền")
        COD_SHORT = "cod_short", _("COD nộp thiếu")
        COD_EXTRA = "cod_extra", _("COD nộp cho vận đơn không thu")
        COD_MISSING = "cod_missing", _("COD đã thu nhưng chưa nộp")

    class Status(models.TextChoices):
        APPLIED = "applied", _("Đã ghi vào thanh toán")
        OPEN = "open", _("Chờ xử lý")
        RESOLVED = "resolved", _("Đã xử lý")

    class Resolution(models.TextChoices):
        NONE = "", "—"
        REFUNDED = "refunded", _("Hoàn cho người chuyển")
        ALLOCATED = "allocated", _("Ghi vào đơn")
        COMBINED = "combined", _("Gộp các lần chuyển")
        WRITTEN_OFF = "written_off", _("Xử lý khác (có lý do)")

    source = models.CharField(_("nguồn"), max_length=10, choices=Source.choices)
    reference = models.CharField(_("mã giao dịch"), max_length=100)
    description = models.CharField(_("nội dung"), max_length=300, blank=True)
    order_reference = models.CharField(_("mã đơn"), max_length=16, blank=True)
    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="credits"
    )
    marketplace = models.ForeignKey(
        Marketplace, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    remittance = models.ForeignKey(
        "CodRemittance", null=True, blank=True, on_delete=models.PROTECT, related_name="credits"
    )
    # For cash on delivery: the parcel (S10 tracking number) and its sub-order.
    parcel = models.CharField(_("mã vận đơn"), max_length=13, blank=True)
    sub_order_reference = models.CharField(_("đơn của gian hàng"), max_length=16, blank=True)
    amount = models.PositiveBigIntegerField(_("số tiền (đồng)"))
    # What was expected (a payment's amount, a shipment's collected cash), for the reason.
    expected = models.PositiveBigIntegerField(_("số cần (đồng)"), null=True, blank=True)
    applied = models.PositiveBigIntegerField(_("đã ghi vào thanh toán"), default=0)
    refunded = models.PositiveBigIntegerField(_("đã hoàn"), default=0)
    written_off = models.PositiveBigIntegerField(_("xử lý khác"), default=0)
    problem = models.CharField(
        _("vấn đề"), max_length=12, choices=Problem.choices, blank=True, default=""
    )
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices)
    resolution = models.CharField(
        _("cách xử lý"), max_length=12, choices=Resolution.choices, blank=True, default=""
    )
    resolution_note = models.CharField(_("ghi chú xử lý"), max_length=300, blank=True)
    # None with a resolution: resolved by the platform itself (a late success refunded).
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(_("nhận lúc"), default=timezone.now)

    class Meta:
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["source", "reference"], name="credit_once"),
            models.CheckConstraint(
                condition=Q(
                    amount__gte=models.F("applied") + models.F("refunded") + models.F("written_off")
                ),
                name="credit_accounted_within_amount",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "received_at"], name="credit_status_idx"),
            models.Index(fields=["order_reference"], name="credit_order_reference_idx"),
            models.Index(fields=["parcel"], name="credit_parcel_idx"),
        ]
        verbose_name = _("tiền về")
        verbose_name_plural = _("tiền về")

    def __str__(self) -> str:
        return f"{self.source}:{self.reference}"

    @property
    def open_amount(self) -> int:
        return self.amount - self.applied - self.refunded - self.written_off


class CodRemittance(models.Model):
    """A carrier paying over the cash it collected on delivery: one batch, its shipments' lines
    (each a Credit of source COD); what does not match becomes an exception."""

    carrier = models.ForeignKey(
        "orgs.Carrier", on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị")
    )
    reference = models.CharField(_("số bảng kê"), max_length=60)
    # Every parcel this carrier delivered with cash up to this moment should be in it or in an
    # earlier one: those that are not become "collected but not remitted" exceptions.
    collected_until = models.DateTimeField(_("thu đến hết lúc"))
    total = models.PositiveBigIntegerField(_("tổng tiền nộp (đồng)"))
    # Finance staff who typed it; None: the carrier's system sent it, signed with its key.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["carrier", "reference"], name="cod_remittance_once")
        ]
        verbose_name = _("bảng kê nộp tiền COD")
        verbose_name_plural = _("bảng kê nộp tiền COD")

    def __str__(self) -> str:
        return f"{self.carrier_id}:{self.reference}"
