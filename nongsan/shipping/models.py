"""Parcels and their journey: carriers' rate cards, shipments with UPU S10 tracking numbers,
tracking events, the freshness clock of perishable produce, spoilage and damage claims, and the
essential-goods measures of a distancing episode (priority vehicle cards)."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nongsan.core.storage import private_storage
from nongsan.geo.models import Commune, Country, Province
from nongsan.orders.models import SubOrder
from nongsan.orgs.models import Carrier, Marketplace


class Zone(models.TextChoices):
    """How far a parcel goes, as carriers price it."""

    SAME_PROVINCE = "same_province", _("Nội tỉnh")
    SAME_REGION = "same_region", _("Nội miền")
    OTHER_REGION = "other_region", _("Liên miền")
    ASIA = "intl_asia", _("Quốc tế: châu Á")
    EUROPE_OCEANIA = "intl_eu_oc", _("Quốc tế: châu Âu, châu Đại Dương")
    AMERICAS_AFRICA = "intl_am_af", _("Quốc tế: châu Mỹ, châu Phi")


class RateCard(models.Model):
    """A carrier's price for a zone: the first `base_kg`, then each started `step_kg`."""

    carrier = models.ForeignKey(Carrier, on_delete=models.CASCADE, related_name="rate_cards")
    zone = models.CharField(_("vùng"), max_length=15, choices=Zone.choices)
    base_kg = models.DecimalField(_("khối lượng đầu (kg)"), max_digits=6, decimal_places=2)
    base_fee = models.PositiveIntegerField(_("giá khối lượng đầu (đồng)"))
    step_kg = models.DecimalField(_("mỗi nấc thêm (kg)"), max_digits=6, decimal_places=2)
    step_fee = models.PositiveIntegerField(_("giá mỗi nấc (đồng)"))
    perishable_surcharge = models.PositiveIntegerField(_("phụ phí hàng tươi (đồng)"), default=0)
    # Hours from pickup a delivery in this zone normally takes (the freshness window's check).
    transit_hours = models.PositiveIntegerField(_("thời gian giao thường lệ (giờ)"))

    class Meta:
        ordering = ["carrier", "zone"]
        constraints = [
            models.UniqueConstraint(fields=["carrier", "zone"], name="ratecard_once_per_zone"),
            models.CheckConstraint(
                condition=Q(base_kg__gt=0, step_kg__gt=0), name="ratecard_steps_positive"
            ),
        ]
        verbose_name = _("bảng giá cước")
        verbose_name_plural = _("bảng giá cước")

    def __str__(self) -> str:
        return f"{self.carrier} · {self.get_zone_display()}"


class Shipment(models.Model):
    """The parcel of one sub-order, from the farm to the buyer."""

    class Status(models.TextChoices):
        CREATED = "created", _("Chờ lấy hàng")
        PICKED_UP = "picked_up", _("Đã lấy hàng")
        AT_HUB = "at_hub", _("Đến bưu cục")
        IN_TRANSIT = "in_transit", _("Đang vận chuyển")
        OUT_FOR_DELIVERY = "out_for_delivery", _("Đang giao")
        FAILED_ATTEMPT = "failed_attempt", _("Giao không thành công")
        DELIVERED = "delivered", _("Đã giao")
        RETURNED = "returned", _("Đã hoàn về người bán")

    sub_order = models.OneToOneField(SubOrder, on_delete=models.PROTECT, related_name="shipment")
    carrier = models.ForeignKey(Carrier, on_delete=models.PROTECT, related_name="shipments")
    tracking_number = models.CharField(_("mã vận đơn"), max_length=13, unique=True)
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=Status.choices, default=Status.CREATED
    )
    zone = models.CharField(_("vùng"), max_length=15, choices=Zone.choices)
    weight_kg = models.DecimalField(_("khối lượng (kg)"), max_digits=8, decimal_places=3)
    length_cm = models.PositiveSmallIntegerField(_("dài (cm)"))
    width_cm = models.PositiveSmallIntegerField(_("rộng (cm)"))
    height_cm = models.PositiveSmallIntegerField(_("cao (cm)"))
    fee = models.PositiveIntegerField(_("cước (đồng)"))
    cod_amount = models.PositiveBigIntegerField(_("tiền thu hộ (đồng)"), default=0)
    is_perishable = models.BooleanField(_("hàng tươi"), default=False)
    # The freshness window in hours from pickup (the shortest shelf life in the parcel).
    freshness_hours = models.PositiveIntegerField(_("thời hạn tươi (giờ)"), null=True, blank=True)
    is_essential = models.BooleanField(_("hàng thiết yếu (vùng giãn cách)"), default=False)
    origin_commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="+")
    destination_province = models.ForeignKey(
        Province, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    destination_country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    picked_up_at = models.DateTimeField(null=True, blank=True)
    fresh_until = models.DateTimeField(_("phải giao trước"), null=True, blank=True)
    at_risk_at = models.DateTimeField(null=True, blank=True)
    breached_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    # The time of the latest event applied: older events arriving late only join the timeline.
    last_event_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["carrier", "status", "origin_commune"]),
            models.Index(
                fields=["fresh_until"],
                condition=Q(fresh_until__isnull=False, delivered_at__isnull=True),
                name="shipment_fresh_open",
            ),
        ]
        verbose_name = _("vận đơn")
        verbose_name_plural = _("vận đơn")

    def __str__(self) -> str:
        return self.tracking_number


class TrackingEvent(models.Model):
    """Something that happened to a parcel, from carrier staff's phone or the carrier's API."""

    class Source(models.TextChoices):
        STAFF = "staff", _("Nhân viên vận chuyển")
        WEBHOOK = "webhook", _("Hệ thống của hãng")
        SYSTEM = "system", _("Nền tảng")

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("sự kiện"), max_length=20, choices=Shipment.Status.choices)
    at = models.DateTimeField(_("lúc"))
    place = models.CharField(_("nơi"), max_length=200, blank=True)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices)
    # The carrier's id of the event: a webhook delivered twice is recorded once.
    external_id = models.CharField(max_length=80, null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["shipment", "external_id"], name="trackingevent_external_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.shipment} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class CompensationPolicy(models.Model):
    """What a marketplace and a carrier promise for spoiled or damaged produce: a multiple of its
    value (Vỏ Sò promised 10x for spoiled lychee)."""

    marketplace = models.ForeignKey(Marketplace, on_delete=models.CASCADE, related_name="+")
    carrier = models.ForeignKey(Carrier, on_delete=models.CASCADE, related_name="+")
    multiple = models.DecimalField(_("bồi thường gấp (lần)"), max_digits=5, decimal_places=2)
    claim_days = models.PositiveSmallIntegerField(
        _("thời hạn khiếu nại sau khi nhận (ngày)"), default=3
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["marketplace", "carrier"], name="policy_once"),
            models.CheckConstraint(
                condition=Q(multiple__gte=1, multiple__lte=20), name="policy_multiple_1_to_20"
            ),
        ]
        verbose_name = _("chính sách bồi thường")
        verbose_name_plural = _("chính sách bồi thường")

    def __str__(self) -> str:
        return f"{self.marketplace} · {self.carrier}: {self.multiple}x"


DEFAULT_MULTIPLE = Decimal(1)


class Claim(models.Model):
    """A buyer's (or the freshness clock's) complaint about a parcel, and how it was settled."""

    class Kind(models.TextChoices):
        SPOILED = "spoiled", _("Hàng hư hỏng, không còn tươi")
        DAMAGED = "damaged", _("Hàng dập, vỡ")
        MISSING = "missing", _("Thiếu hàng")
        WRONG_ITEM = "wrong_item", _("Giao sai hàng")

    class Status(models.TextChoices):
        OPEN = "open", _("Mới mở")
        UNDER_REVIEW = "under_review", _("Đang xem xét")
        DECIDED = "decided", _("Đã quyết định")
        REJECTED = "rejected", _("Không chấp nhận")

    class Party(models.TextChoices):
        CARRIER = "carrier", _("Đơn vị vận chuyển")
        SELLER = "seller", _("Người bán")
        NONE = "none", _("Không bên nào")

    shipment = models.ForeignKey(Shipment, on_delete=models.PROTECT, related_name="claims")
    kind = models.CharField(_("loại khiếu nại"), max_length=12, choices=Kind.choices)
    status = models.CharField(
        _("trạng thái"), max_length=15, choices=Status.choices, default=Status.OPEN
    )
    description = models.TextField(_("mô tả"), max_length=2000, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    automatic = models.BooleanField(_("mở tự động khi quá hạn tươi"), default=False)
    opened_at = models.DateTimeField(default=timezone.now)
    # The rule's suggestion, then the decision.
    responsible_by_rule = models.CharField(max_length=10, choices=Party.choices, blank=True)
    rule_reason = models.CharField(max_length=300, blank=True)
    responsible = models.CharField(
        _("bên chịu trách nhiệm"), max_length=10, choices=Party.choices, blank=True
    )
    decision_note = models.CharField(_("ghi chú quyết định"), max_length=500, blank=True)
    goods_value = models.PositiveBigIntegerField(_("giá trị hàng (đồng)"), default=0)
    multiple = models.DecimalField(max_digits=5, decimal_places=2, default=DEFAULT_MULTIPLE)
    refund_amount = models.PositiveBigIntegerField(_("hoàn cho người mua (đồng)"), default=0)
    recovery_amount = models.PositiveBigIntegerField(_("thu lại từ bên có lỗi (đồng)"), default=0)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-pk"]
        constraints = [
            # One open claim of a kind per parcel (the automatic one and the buyer's merge).
            models.UniqueConstraint(
                fields=["shipment", "kind"],
                condition=Q(status__in=["open", "under_review"]),
                name="claim_one_open_per_kind",
            )
        ]
        verbose_name = _("khiếu nại")
        verbose_name_plural = _("khiếu nại")

    def __str__(self) -> str:
        return f"{self.shipment} {self.kind}"


class ClaimPhoto(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="photos")
    # Private: evidence served by shipping:claim_photo to the parties of the claim only.
    image = models.ImageField(upload_to="claims/%Y/%m/", storage=private_storage)
    uploaded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.image.name or ""


class DistancingOrder(models.Model):
    """An area under social distancing for a period (seed 000): orders into it are essential-
    goods deliveries and priority vehicles need a card."""

    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="+")
    communes = models.ManyToManyField(Commune, blank=True, related_name="+")  # none: all of it
    starts_on = models.DateField(_("từ ngày"))
    ends_on = models.DateField(_("đến ngày"))
    decision = models.CharField(_("văn bản"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="distancing_dates_ordered"
            )
        ]
        verbose_name = _("vùng giãn cách")
        verbose_name_plural = _("vùng giãn cách")

    def __str__(self) -> str:
        return f"{self.province} {self.starts_on:%d/%m}–{self.ends_on:%d/%m/%Y}"


class PriorityCard(models.Model):
    """A priority vehicle card ("thẻ nhận diện phương tiện ưu tiên", the green lane)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ duyệt")
        APPROVED = "approved", _("Đã cấp")
        REVOKED = "revoked", _("Đã thu hồi")

    code = models.CharField(max_length=16, unique=True)  # printed in the QR's check address
    carrier = models.ForeignKey(Carrier, on_delete=models.PROTECT, related_name="priority_cards")
    plate = models.CharField(_("biển số"), max_length=12)
    driver_name = models.CharField(_("lái xe"), max_length=150)
    driver_phone = models.CharField(_("số điện thoại lái xe"), max_length=16)
    route = models.CharField(_("lộ trình"), max_length=300)
    valid_from = models.DateField(_("hiệu lực từ"))
    valid_to = models.DateField(_("đến"))
    authority = models.CharField(_("cơ quan cấp"), max_length=200)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    revoke_reason = models.CharField(_("lý do thu hồi"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__gte=models.F("valid_from")), name="card_dates_ordered"
            )
        ]
        verbose_name = _("thẻ phương tiện ưu tiên")
        verbose_name_plural = _("thẻ phương tiện ưu tiên")

    def __str__(self) -> str:
        return f"{self.plate} ({self.carrier})"
