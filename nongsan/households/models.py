"""The standard household record (hộ sản xuất nông nghiệp), its certificates and its milestones."""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nongsan.core.storage import private_storage
from nongsan.core.validators import mask_cccd, mask_mobile
from nongsan.geo.models import Commune, Province
from nongsan.orgs.models import Marketplace


class ProduceKind(models.Model):
    """What a household grows or raises; used for profiles, targeting of bulletins and scoring."""

    class Group(models.TextChoices):
        CROP = "crop", _("Trồng trọt")
        LIVESTOCK = "livestock", _("Chăn nuôi")
        AQUACULTURE = "aquaculture", _("Thủy sản")
        FORESTRY = "forestry", _("Lâm sản")

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=100)
    group = models.CharField(_("nhóm"), max_length=15, choices=Group.choices)
    key = models.CharField(max_length=100, db_index=True, help_text="folded name")

    class Meta:
        ordering = ["group", "name"]
        verbose_name = _("loại nông sản")
        verbose_name_plural = _("loại nông sản")

    def __str__(self) -> str:
        return self.name


class Cooperative(models.Model):
    """A cooperative (hợp tác xã, HTX) that households belong to and that may run a shop."""

    name = models.CharField(_("tên HTX"), max_length=200)
    tax_code = models.CharField(_("mã số thuế"), max_length=20, unique=True, null=True, blank=True)
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, verbose_name=_("xã/phường"))
    representative_name = models.CharField(_("người đại diện"), max_length=150, blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=16, blank=True)
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_cooperatives",
        verbose_name=_("tài khoản quản lý"),
    )
    share_percent = models.DecimalField(
        _("phần HTX giữ lại (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(0), MaxValueValidator(50)],
        help_text=_("Trên tiền bán hàng của thành viên, sau phí sàn."),
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("hợp tác xã")
        verbose_name_plural = _("hợp tác xã")

    def __str__(self) -> str:
        return self.name


class Household(models.Model):
    """One real farm household, unique by the head's citizen ID, whatever marketplaces it uses."""

    class Gender(models.TextChoices):
        MALE = "male", _("Nam")
        FEMALE = "female", _("Nữ")

    class AreaUnit(models.TextChoices):
        SQUARE_METRE = "m2", _("m²")
        HECTARE = "ha", _("ha")
        SAO_NORTH = "sao_north", _("sào Bắc Bộ (360 m²)")
        SAO_CENTRAL = "sao_central", _("sào Trung Bộ (500 m²)")
        CONG = "cong", _("công (1.000 m²)")

    AREA_UNIT_M2 = {
        AreaUnit.SQUARE_METRE: Decimal(1),
        AreaUnit.HECTARE: Decimal(10_000),
        AreaUnit.SAO_NORTH: Decimal(360),
        AreaUnit.SAO_CENTRAL: Decimal(500),
        AreaUnit.CONG: Decimal(1_000),
    }

    head_name = models.CharField(_("họ tên chủ hộ"), max_length=150)
    head_name_key = models.CharField(max_length=150, db_index=True, help_text="folded name")
    head_cccd = models.CharField(_("số CCCD chủ hộ"), max_length=12, unique=True)
    head_birth_date = models.DateField(_("ngày sinh chủ hộ"), null=True, blank=True)
    head_gender = models.CharField(_("giới tính"), max_length=6, choices=Gender.choices)
    head_phone = models.CharField(_("số điện thoại"), max_length=16, blank=True, db_index=True)
    members_count = models.PositiveSmallIntegerField(
        _("số nhân khẩu"), default=1, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="households", verbose_name=_("xã/phường")
    )
    village = models.CharField(_("thôn/ấp/bản"), max_length=100, blank=True)
    street = models.CharField(_("số nhà, đường"), max_length=200, blank=True)
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
    produce = models.ManyToManyField(
        ProduceKind, blank=True, related_name="households", verbose_name=_("sản phẩm chính")
    )
    farming_area = models.DecimalField(
        _("diện tích canh tác"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    farming_area_unit = models.CharField(
        _("đơn vị diện tích"),
        max_length=12,
        choices=AreaUnit.choices,
        default=AreaUnit.SQUARE_METRE,
    )
    cooperative = models.ForeignKey(
        Cooperative,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
        verbose_name=_("hợp tác xã"),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="household",
        verbose_name=_("tài khoản của hộ"),
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="registered_households",
        verbose_name=_("người đăng ký"),
    )
    consent_at = models.DateTimeField(_("đồng ý xử lý dữ liệu lúc"), null=True, blank=True)
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người ghi nhận đồng ý"),
    )
    created_at = models.DateTimeField(_("ngày tạo"), default=timezone.now)
    updated_at = models.DateTimeField(_("cập nhật"), default=timezone.now)

    class Meta:
        ordering = ["head_name_key", "pk"]
        verbose_name = _("hộ sản xuất")
        verbose_name_plural = _("hộ sản xuất")
        indexes = [models.Index(fields=["commune", "head_name_key"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(head_cccd__regex=r"^[0-9]{12}$"), name="household_cccd_12_digits"
            ),
            models.CheckConstraint(
                condition=Q(farming_area__isnull=True) | Q(farming_area__gte=0),
                name="household_area_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.head_name} ({self.commune.name})"

    @property
    def masked_cccd(self) -> str:
        return mask_cccd(self.head_cccd)

    @property
    def masked_phone(self) -> str:
        return mask_mobile(self.head_phone) if self.head_phone else ""

    @property
    def farming_area_m2(self) -> Decimal | None:
        if self.farming_area is None:
            return None
        return self.farming_area * self.AREA_UNIT_M2[self.AreaUnit(self.farming_area_unit)]


class Certification(models.Model):
    """A certificate a household holds: VietGAP, GlobalGAP, organic, OCOP."""

    class Kind(models.TextChoices):
        VIETGAP = "vietgap", _("VietGAP")
        GLOBALGAP = "globalgap", _("GlobalGAP")
        ORGANIC = "organic", _("Hữu cơ")
        OCOP = "ocop", _("OCOP")

    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="certifications"
    )
    kind = models.CharField(_("loại chứng nhận"), max_length=10, choices=Kind.choices)
    number = models.CharField(_("số chứng nhận"), max_length=60)
    issuer = models.CharField(_("đơn vị cấp"), max_length=200)
    valid_until = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    ocop_stars = models.PositiveSmallIntegerField(
        _("số sao OCOP"),
        null=True,
        blank=True,
        validators=[MinValueValidator(3), MaxValueValidator(5)],
    )
    # Private: served by households:certification_document to those who see the household.
    document = models.FileField(
        _("bản scan"), upload_to="certifications/%Y/%m/", blank=True, storage=private_storage
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "-valid_until"]
        verbose_name = _("chứng nhận")
        verbose_name_plural = _("chứng nhận")
        constraints = [
            models.UniqueConstraint(
                fields=["household", "kind", "number"], name="certification_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(kind="ocop", ocop_stars__isnull=False)
                | (~Q(kind="ocop") & Q(ocop_stars__isnull=True)),
                name="certification_ocop_has_stars",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"

    def is_valid_on(self, day: date) -> bool:
        return self.valid_until is None or self.valid_until >= day


class Milestone(models.Model):
    """A first achievement of a household, recorded once with its time.

    Counting households "in a period" is counting first achievements, which adds up across days,
    communes and marketplaces. Per-marketplace kinds carry the marketplace; one row per
    (household, kind, marketplace).
    """

    class Kind(models.TextChoices):
        REGISTERED = "registered", _("Đăng ký hồ sơ")
        TRAINED_DIGITAL = "trained_digital", _("Tập huấn kỹ năng số")
        TRAINED_PACKAGING = "trained_packaging", _("Tập huấn đóng gói – kết nối – giao nhận")
        SHOP_OPENED = "shop_opened", _("Mở gian hàng")
        PAYMENT_ACCOUNT = "payment_account", _("Có tài khoản thanh toán điện tử")
        FIRST_PRODUCT = "first_product", _("Đăng sản phẩm đầu tiên")
        FIRST_SALE = "first_sale", _("Bán được đơn đầu tiên")
        BRAND_MARKED = "brand_marked", _("Được gắn mark thương hiệu")
        TRACED = "traced", _("Có công cụ truy xuất nguồn gốc")
        INPUT_PURCHASE = "input_purchase", _("Mua vật tư đầu vào qua sàn")

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="milestones")
    kind = models.CharField(_("mốc"), max_length=20, choices=Kind.choices)
    marketplace = models.ForeignKey(
        Marketplace, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("sàn TMĐT")
    )
    achieved_at = models.DateTimeField(_("đạt lúc"), db_index=True)
    # The household's commune when it was achieved: facts stay put if the household moves.
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now, db_index=True)
    source = models.CharField(_("nguồn"), max_length=60, blank=True)

    class Meta:
        ordering = ["achieved_at", "pk"]
        verbose_name = _("mốc tiến độ")
        verbose_name_plural = _("mốc tiến độ")
        constraints = [
            models.UniqueConstraint(
                fields=["household", "kind"],
                condition=Q(marketplace__isnull=True),
                name="milestone_once_without_marketplace",
            ),
            models.UniqueConstraint(
                fields=["household", "kind", "marketplace"],
                condition=Q(marketplace__isnull=False),
                name="milestone_once_per_marketplace",
            ),
        ]
        indexes = [models.Index(fields=["kind", "achieved_at"])]

    def __str__(self) -> str:
        return f"{self.household_id} {self.kind} {self.marketplace_id or ''}"


# --- Importing lists (nhập danh sách hộ) -----------------------------------------------------


class ImportJob(models.Model):
    """A household list uploaded as a spreadsheet, how its columns were read, and what it did.

    The counts add up to `total_rows`: every row of the file made a new household, updated one,
    changed nothing, was rejected, was blank or repeated an earlier row; the error files list
    every rejected, blank and repeated row with the reason.
    """

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Chờ kiểm tra cột")
        QUEUED = "queued", _("Đang chờ xử lý")
        RUNNING = "running", _("Đang nhập")
        DONE = "done", _("Đã nhập xong")
        FAILED = "failed", _("Bị lỗi, chưa nhập hết")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="household_imports",
        verbose_name=_("người nhập"),
    )
    created_at = models.DateTimeField(_("tải lên lúc"), default=timezone.now)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.UPLOADED
    )
    source = models.FileField(
        _("tệp danh sách"), upload_to="household-imports/%Y/%m/", storage=private_storage
    )
    source_name = models.CharField(_("tên tệp"), max_length=255)
    sheet_name = models.CharField(_("trang tính"), max_length=100, blank=True)
    header_row = models.PositiveIntegerField(_("dòng tiêu đề"), default=1)
    header_depth = models.PositiveSmallIntegerField(default=1, help_text="header rows: 1 or 2")
    mapping = models.JSONField(default=dict, blank=True, help_text="column index -> field")
    default_province = models.ForeignKey(
        Province,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("tỉnh mặc định"),
    )
    default_commune = models.ForeignKey(
        Commune,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("xã/phường mặc định"),
    )
    consent_confirmed_at = models.DateTimeField(
        _("xác nhận đã có ý kiến đồng ý lúc"), null=True, blank=True
    )
    language = models.CharField(max_length=10, blank=True)
    total_rows = models.PositiveIntegerField(_("số dòng"), default=0)
    processed_rows = models.PositiveIntegerField(_("đã xử lý"), default=0)
    created_count = models.PositiveIntegerField(_("hộ mới"), default=0)
    updated_count = models.PositiveIntegerField(_("hộ được cập nhật"), default=0)
    unchanged_count = models.PositiveIntegerField(_("hộ không đổi"), default=0)
    rejected_count = models.PositiveIntegerField(_("dòng bị từ chối"), default=0)
    blank_count = models.PositiveIntegerField(_("dòng trống"), default=0)
    duplicate_count = models.PositiveIntegerField(_("dòng trùng"), default=0)
    changed_fields = models.JSONField(default=dict, blank=True, help_text="field -> households")
    sample_errors = models.JSONField(default=list, blank=True, help_text="first [row, reason]s")
    error_xlsx = models.FileField(
        _("tệp lỗi (XLSX)"),
        upload_to="household-imports/%Y/%m/",
        storage=private_storage,
        blank=True,
    )
    error_csv = models.FileField(
        _("tệp lỗi (CSV)"),
        upload_to="household-imports/%Y/%m/",
        storage=private_storage,
        blank=True,
    )
    failure = models.TextField(_("lỗi hệ thống"), blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("lượt nhập danh sách hộ")
        verbose_name_plural = _("lượt nhập danh sách hộ")
        constraints = [
            models.CheckConstraint(
                condition=Q(processed_rows__lte=models.F("total_rows")),
                name="importjob_processed_within_total",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["queued", "running", "done"])
                | Q(consent_confirmed_at__isnull=False),
                name="importjob_started_with_consent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source_name} ({self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return self.processed_rows * 100 // self.total_rows if self.total_rows else 0

    @property
    def skipped_count(self) -> int:
        return self.rejected_count + self.blank_count + self.duplicate_count
