"""Users (phone login), their role and the scope it covers, one-time codes, API keys."""

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nongsan.core.validators import mask_mobile
from nongsan.geo.models import Commune, Province
from nongsan.orgs.models import Carrier, Marketplace


class Role(models.TextChoices):
    """What a user does on the platform; each role sees the scope given beside it."""

    BUYER = "buyer", _("Người mua")
    HOUSEHOLD = "household", _("Hộ sản xuất")
    FIELD_AGENT = "field_agent", _("Cán bộ hỗ trợ cơ sở")
    CARRIER_STAFF = "carrier_staff", _("Nhân viên vận chuyển")
    MARKETPLACE_OPERATOR = "marketplace_operator", _("Vận hành sàn")
    INPUT_SUPPLIER = "input_supplier", _("Nhà cung cấp vật tư")
    PROVINCE_OFFICIAL = "province_official", _("Cán bộ Sở TTTT")
    MINISTRY_OFFICIAL = "ministry_official", _("Cán bộ Bộ TTTT")
    INFO_EDITOR = "info_editor", _("Biên tập thông tin nông nghiệp")
    # The platform's own money staff: payout batches, bank reconciliation, COD settlement,
    # across every marketplace (an operator's money work stays within its marketplace).
    FINANCE = "finance", _("Kế toán nền tảng")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, phone: str, password: str | None = None, **fields: object) -> "User":
        user = self.model(phone=phone, **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, phone: str, password: str | None = None, **fields: object) -> "User":
        fields.setdefault("role", Role.MINISTRY_OFFICIAL)
        return self.create_user(phone, password, is_staff=True, is_superuser=True, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in with a mobile number (officials may also use their email)."""

    phone = models.CharField(_("số điện thoại"), max_length=16, unique=True, help_text="E.164")
    email = models.EmailField(_("email"), null=True, blank=True, unique=True)
    full_name = models.CharField(_("họ và tên"), max_length=150)
    role = models.CharField(_("vai trò"), max_length=30, choices=Role.choices, default=Role.BUYER)
    # The scope of the role: which of these apply depends on the role (see `scope.py`).
    province = models.ForeignKey(
        Province, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("tỉnh/thành phố")
    )
    communes = models.ManyToManyField(
        Commune, blank=True, related_name="agents", verbose_name=_("xã/phường phụ trách")
    )
    marketplace = models.ForeignKey(
        Marketplace, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("sàn TMĐT")
    )
    carrier = models.ForeignKey(
        Carrier,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        verbose_name=_("đơn vị vận chuyển"),
    )
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    is_staff = models.BooleanField(_("vào trang quản trị"), default=False)
    date_joined = models.DateTimeField(_("ngày tạo"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "phone"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role="province_official") | Q(province__isnull=False),
                name="user_province_official_has_province",
            ),
            models.CheckConstraint(
                condition=~Q(role="marketplace_operator") | Q(marketplace__isnull=False),
                name="user_operator_has_marketplace",
            ),
            models.CheckConstraint(
                condition=~Q(role="carrier_staff") | Q(carrier__isnull=False),
                name="user_carrier_staff_has_carrier",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({mask_mobile(self.phone)})"

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split()[-1] if self.full_name else self.phone


class OneTimeCode(models.Model):
    """A login code sent by SMS; only its hash is kept."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="one_time_codes")
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"OTP for {self.user_id} at {self.created_at:%Y-%m-%d %H:%M}"


class ApiKey(models.Model):
    """A key a machine client sends as `X-API-Key`; it acts as its user, within that user's scope.

    The full key is shown once at creation; only its prefix and SHA-256 hash are stored.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(_("tên khóa"), max_length=100)
    prefix = models.CharField(max_length=12, unique=True)
    key_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("khóa API")
        verbose_name_plural = _("khóa API")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        """Not revoked, or rotated and still within its grace period."""
        return self.revoked_at is None or self.revoked_at > timezone.now()


class Notification(models.Model):
    """A message in a user's in-app inbox (order steps, payments, alerts); SMS goes alongside."""

    # Indexed by the (user, read_at, -created_at) index, which starts with it.
    user = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("người nhận"),
        db_index=False,
    )
    message = models.CharField(_("nội dung"), max_length=500)
    url = models.CharField(_("đường dẫn"), max_length=300, blank=True)
    sent_by_sms = models.BooleanField(_("đã gửi SMS"), default=False)
    created_at = models.DateTimeField(_("lúc"), default=timezone.now)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at", "-created_at"])]
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")

    def __str__(self) -> str:
        return self.message
