"""Training courses, the sessions where they are given, and households' attendance (tập huấn)."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nongsan.geo.models import Commune
from nongsan.households.models import Household
from nongsan.orgs.models import Marketplace

MAX_CAPACITY = 1000


class Course(models.Model):
    """What is taught: a title and the programme topic it counts towards."""

    class Topic(models.TextChoices):
        DIGITAL_SKILLS = (
            "digital_skills",
            _("Kỹ năng số và kỹ năng hoạt động trên không gian mạng"),
        )
        PACKAGING_DELIVERY = "packaging_delivery", _("Đóng gói – kết nối – giao nhận")
        MARKETPLACE_SELLING = "marketplace_selling", _("Bán hàng trên sàn TMĐT")
        OTHER = "other", _("Khác")

    title = models.CharField(_("tên khóa học"), max_length=200)
    topic = models.CharField(_("chủ đề"), max_length=20, choices=Topic.choices)
    description = models.TextField(_("nội dung"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người tạo"),
    )
    created_at = models.DateTimeField(_("ngày tạo"), default=timezone.now)

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("khóa học")
        verbose_name_plural = _("khóa học")
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="course_title_not_blank"),
            models.CheckConstraint(
                # Meta cannot see Topic: these are its values, kept in step by a test.
                condition=Q(
                    topic__in=[
                        "digital_skills",
                        "packaging_delivery",
                        "marketplace_selling",
                        "other",
                    ]
                ),
                name="course_topic_known",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class TrainingSession(models.Model):
    """One sitting of a course in a commune, on a day, with a trainer and a number of seats."""

    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("khóa học")
    )
    starts_at = models.DateTimeField(_("bắt đầu lúc"))
    commune = models.ForeignKey(
        Commune,
        on_delete=models.PROTECT,
        related_name="training_sessions",
        verbose_name=_("xã/phường"),
    )
    venue = models.CharField(_("địa điểm"), max_length=200)
    trainer_name = models.CharField(_("giảng viên"), max_length=150)
    marketplace = models.ForeignKey(
        Marketplace,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="training_sessions",
        verbose_name=_("sàn TMĐT phối hợp"),
    )
    capacity = models.PositiveIntegerField(_("số chỗ"))
    organised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="organised_training_sessions",
        verbose_name=_("người tổ chức"),
    )
    created_at = models.DateTimeField(_("ngày tạo"), default=timezone.now)

    class Meta:
        ordering = ["-starts_at", "pk"]
        verbose_name = _("buổi tập huấn")
        verbose_name_plural = _("buổi tập huấn")
        indexes = [models.Index(fields=["commune", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__gt=0, capacity__lte=MAX_CAPACITY),
                name="trainingsession_capacity_1_to_max",
            ),
            models.CheckConstraint(condition=~Q(venue=""), name="trainingsession_venue_not_blank"),
            models.CheckConstraint(
                condition=~Q(trainer_name=""), name="trainingsession_trainer_not_blank"
            ),
        ]

    def __str__(self) -> str:
        local = timezone.localtime(self.starts_at)
        return f"{self.course.title} · {local:%d/%m/%Y} · {self.commune.name}"

    @property
    def local_date(self) -> dt.date:
        """The session's day in Vietnam, whatever the server's clock zone."""
        return timezone.localtime(self.starts_at).date()


class Attendance(models.Model):
    """A household present at a session, with the number of its certificate of attendance."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("Điểm danh trực tiếp")
        IMPORT = "import", _("Nhập từ danh sách")
        API = "api", _("Qua API")
        DEMO = "demo", _("Dữ liệu mẫu")

    session = models.ForeignKey(
        TrainingSession,
        on_delete=models.PROTECT,
        related_name="attendances",
        verbose_name=_("buổi tập huấn"),
    )
    household = models.ForeignKey(
        Household,
        on_delete=models.PROTECT,
        related_name="training_attendances",
        verbose_name=_("hộ sản xuất"),
    )
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người điểm danh"),
    )
    marked_at = models.DateTimeField(_("điểm danh lúc"), default=timezone.now)
    # "TH-2026-000123": the year of the session and a number counted within that year.
    certificate_number = models.CharField(_("số giấy chứng nhận"), max_length=20, unique=True)
    source = models.CharField(
        _("nguồn"), max_length=10, choices=Source.choices, default=Source.MANUAL
    )

    class Meta:
        ordering = ["marked_at", "pk"]
        verbose_name = _("điểm danh")
        verbose_name_plural = _("điểm danh")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "household"], name="attendance_once_per_session"
            ),
            models.CheckConstraint(
                condition=Q(certificate_number__regex=r"^TH-[0-9]{4}-[0-9]{6,}$"),
                name="attendance_certificate_number_format",
            ),
        ]

    def __str__(self) -> str:
        return self.certificate_number


class CertificateSequence(models.Model):
    """The last certificate number given in a year; one row per year, bumped under a row lock."""

    year = models.PositiveSmallIntegerField(unique=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("dãy số giấy chứng nhận")
        verbose_name_plural = _("dãy số giấy chứng nhận")

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"
