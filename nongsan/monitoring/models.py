"""Monitoring's own tables: targets per province and year, daily facts and running totals.

Facts are derived data, folded from other apps' records (household milestones today) and
rebuildable from scratch at any time; nothing else writes them.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nongsan.geo.models import Commune, Country, Province
from nongsan.monitoring.indicators import CODE_CHOICES
from nongsan.orgs.models import Marketplace


class Target(models.Model):
    """A province's targets for a year: its farm households and the Appendix 01 percentages."""

    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="+", verbose_name=_("tỉnh/thành phố")
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    baseline_households = models.PositiveIntegerField(
        _("số hộ SXNN trên địa bàn"), null=True, blank=True
    )
    pct_trained_digital = models.PositiveSmallIntegerField(
        _("chỉ tiêu I.1 (%)"), default=70, validators=[MaxValueValidator(100)]
    )
    pct_trained_packaging = models.PositiveSmallIntegerField(
        _("chỉ tiêu I.2 (%)"), default=60, validators=[MaxValueValidator(100)]
    )
    pct_shop_opened = models.PositiveSmallIntegerField(
        _("chỉ tiêu I.3 (%)"), default=50, validators=[MaxValueValidator(100)]
    )
    pct_payment_account = models.PositiveSmallIntegerField(
        _("chỉ tiêu I.4 (%)"), default=50, validators=[MaxValueValidator(100)]
    )
    source = models.CharField(_("nguồn số liệu"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("cập nhật"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["year", "province__code"]
        verbose_name = _("chỉ tiêu năm của tỉnh")
        verbose_name_plural = _("chỉ tiêu năm của tỉnh")
        constraints = [
            models.UniqueConstraint(fields=["province", "year"], name="target_once_per_year"),
            models.CheckConstraint(
                condition=Q(pct_trained_digital__lte=100)
                & Q(pct_trained_packaging__lte=100)
                & Q(pct_shop_opened__lte=100)
                & Q(pct_payment_account__lte=100),
                name="target_pct_lte_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.province_id} {self.year}"

    def pct_for(self, code: str) -> int | None:
        """The percentage target of an Appendix 01 household indicator (I.1-I.4), else None."""
        return {
            "I.1": self.pct_trained_digital,
            "I.2": self.pct_trained_packaging,
            "I.3": self.pct_shop_opened,
            "I.4": self.pct_payment_account,
        }.get(code)

    def households_target(self, code: str) -> int | None:
        """Households to reach for I.1-I.4: the baseline times the percentage, rounded up."""
        pct = self.pct_for(code)
        if pct is None or self.baseline_households is None:
            return None
        return -(-self.baseline_households * pct // 100)


class IndicatorTarget(models.Model):
    """An absolute target a province sets for one of the other indicators in a year."""

    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="+", verbose_name=_("tỉnh/thành phố")
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    indicator = models.CharField(_("chỉ tiêu"), max_length=6, choices=CODE_CHOICES)
    value = models.PositiveBigIntegerField(_("mục tiêu"))
    updated_at = models.DateTimeField(_("cập nhật"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["year", "province__code", "indicator"]
        verbose_name = _("mục tiêu chỉ tiêu")
        verbose_name_plural = _("mục tiêu chỉ tiêu")
        constraints = [
            models.UniqueConstraint(
                fields=["province", "year", "indicator"], name="indicatortarget_once"
            ),
            models.CheckConstraint(condition=Q(value__gt=0), name="indicatortarget_value_gt_0"),
        ]

    def __str__(self) -> str:
        return f"{self.province_id} {self.year} {self.indicator}={self.value}"


class DailyFact(models.Model):
    """What one indicator gained in one commune on one local day, on one marketplace or on all.

    The row without a marketplace is the de-duplicated figure across marketplaces (a household
    with shops on two marketplaces counts once there), not the sum of the per-marketplace rows.
    """

    indicator = models.CharField(max_length=6, choices=CODE_CHOICES)
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="+")
    marketplace = models.ForeignKey(
        Marketplace, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    day = models.DateField()
    value = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "commune", "marketplace", "day"],
                condition=Q(marketplace__isnull=False),
                name="dailyfact_once_per_marketplace",
            ),
            models.UniqueConstraint(
                fields=["indicator", "commune", "day"],
                condition=Q(marketplace__isnull=True),
                name="dailyfact_once_all_marketplaces",
            ),
        ]
        indexes = [models.Index(fields=["indicator", "day"], name="dailyfact_indicator_day")]

    def __str__(self) -> str:
        return f"{self.indicator} {self.commune_id} {self.marketplace_id or '*'} {self.day}"


class RunningTotal(models.Model):
    """The cumulative figure of an indicator in a province through a day.

    There is a row for each day on which the province has daily facts; the cumulative figure at
    any date is the row with the latest day up to it, so a report reads one row per province and
    indicator instead of re-adding years of daily rows.
    """

    indicator = models.CharField(max_length=6, choices=CODE_CHOICES)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="+")
    marketplace = models.ForeignKey(
        Marketplace, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    day = models.DateField()
    value = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "province", "marketplace", "day"],
                condition=Q(marketplace__isnull=False),
                name="runningtotal_once_per_marketplace",
            ),
            models.UniqueConstraint(
                fields=["indicator", "province", "day"],
                condition=Q(marketplace__isnull=True),
                name="runningtotal_once_all_marketplaces",
            ),
        ]
        indexes = [
            models.Index(
                fields=["indicator", "province", "marketplace", "day"],
                name="runningtotal_lookup",
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.province_id} {self.marketplace_id or '*'} ≤{self.day}"


class FoldState(models.Model):
    """How far a source has been folded into facts.

    `watermark` is the highest source primary key folded; `gaps` lists lower keys that were not
    visible then (a transaction still open, or rolled back) as [pk, first-seen ISO time], looked
    for again on each fold until they turn up or grow older than the settling time.
    """

    source = models.CharField(max_length=40, unique=True)
    watermark = models.BigIntegerField(default=0)
    gaps = models.JSONField(default=list, blank=True)
    folded_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.source} ≤{self.watermark}"


class MarketReached(models.Model):
    """A market a commune's sellers reached on a day, on a marketplace: the buyer's province
    (II.6) or, abroad, the buyer's country (II.7). Distinct sets are counted from these rows,
    which stay small: a few per seller commune and day."""

    day = models.DateField()
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="+")
    # the seller's province, kept beside its commune so that a province's report reads an index
    province = models.ForeignKey(Province, null=True, on_delete=models.PROTECT, related_name="+")
    marketplace = models.ForeignKey(Marketplace, on_delete=models.PROTECT, related_name="+")
    buyer_province = models.ForeignKey(
        Province, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    buyer_country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "commune", "marketplace", "buyer_province"],
                condition=Q(buyer_province__isnull=False),
                name="marketreached_province_once",
            ),
            models.UniqueConstraint(
                fields=["day", "commune", "marketplace", "buyer_country"],
                condition=Q(buyer_province__isnull=True),
                name="marketreached_country_once",
            ),
        ]
        indexes = [
            models.Index(fields=["day"], name="marketreached_day"),
            models.Index(fields=["province", "day"], name="marketreached_province_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.commune_id} -> {self.buyer_province_id or self.buyer_country_id}"


class Submission(models.Model):
    """One version of a province's report for a period, as its official files it.

    While a draft, the official reviews it, adds manual figures and a comment; once submitted it
    never changes again. A correction is a new version (with its reason) that starts as a draft;
    every version stays. `snapshot` is the platform's report as it stood when the draft was last
    generated, so that what was filed can be read, exported and compared years later.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Đang soạn")
        SUBMITTED = "submitted", _("Đã nộp")

    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="+", verbose_name=_("tỉnh/thành phố")
    )
    period_id = models.CharField(_("kỳ báo cáo"), max_length=8)  # "2026-W47" or "2026-11"
    due_at = models.DateTimeField(_("hạn nộp"))
    version = models.PositiveSmallIntegerField(_("lần nộp"), default=1)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    snapshot = models.JSONField(_("số liệu nền tảng"), default=dict)
    generated_at = models.DateTimeField(_("lập lúc"), default=timezone.now)
    comment = models.TextField(_("nhận xét"), blank=True, max_length=4000)
    correction_reason = models.TextField(_("lý do điều chỉnh"), blank=True, max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("nộp lúc"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    late_by = models.DurationField(_("nộp muộn"), null=True, blank=True)  # None: on time

    class Meta:
        ordering = ["province__code", "period_id", "version"]
        verbose_name = _("báo cáo đã lập")
        verbose_name_plural = _("báo cáo đã lập")
        constraints = [
            models.UniqueConstraint(
                fields=["province", "period_id", "version"], name="submission_version_once"
            ),
            models.UniqueConstraint(
                fields=["province", "period_id"],
                condition=Q(status="draft"),
                name="submission_one_draft",
            ),
        ]
        indexes = [models.Index(fields=["period_id", "status"], name="submission_period")]

    def __str__(self) -> str:
        return f"{self.period_id} {self.province_id} v{self.version} {self.status}"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class ManualFigure(models.Model):
    """A figure the official typed into a report: for a marketplace the platform does not run
    (an external one), or for an indicator the platform does not compute yet, with its source.

    `counted` and `counted_cumulative` hold what the platform itself counted for the same
    indicator and marketplace when the figure was typed (None when it counts nothing there), so
    that a difference is flagged beside the figure.
    """

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="figures")
    indicator = models.CharField(_("chỉ tiêu"), max_length=6, choices=CODE_CHOICES)
    marketplace = models.ForeignKey(
        Marketplace,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("sàn TMĐT"),
    )
    value = models.DecimalField(_("trong kỳ"), max_digits=16, decimal_places=3)
    cumulative = models.DecimalField(
        _("lũy kế"), max_digits=16, decimal_places=3, null=True, blank=True
    )
    source = models.CharField(_("nguồn số liệu"), max_length=300)
    counted = models.DecimalField(max_digits=16, decimal_places=3, null=True, blank=True)
    counted_cumulative = models.DecimalField(max_digits=16, decimal_places=3, null=True, blank=True)
    external = models.ForeignKey(
        "ExternalFigure", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(default=timezone.now)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["indicator", "marketplace__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "indicator", "marketplace"],
                condition=Q(marketplace__isnull=False),
                name="manualfigure_once",
            ),
            models.UniqueConstraint(
                fields=["submission", "indicator"],
                condition=Q(marketplace__isnull=True),
                name="manualfigure_once_unattributed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.marketplace_id or '-'} = {self.value}"

    @property
    def differs(self) -> bool:
        """Whether the typed figure disagrees with what the platform counted."""
        if self.counted is not None and self.value != self.counted:
            return True
        return (
            self.counted_cumulative is not None
            and self.cumulative is not None
            and self.cumulative != self.counted_cumulative
        )


class ExternalFigure(models.Model):
    """A per-province figure an external marketplace posted through the partner API for a period.

    Idempotent by (marketplace, province, period, indicator, version): the same version again
    changes nothing, a lower one is refused as stale. Provenance says who sent it, with which key
    and in which request, so a figure in a filed report can be traced back to its sender.
    """

    marketplace = models.ForeignKey(Marketplace, on_delete=models.PROTECT, related_name="+")
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="+")
    period_id = models.CharField(max_length=8)
    indicator = models.CharField(max_length=6, choices=CODE_CHOICES)
    version = models.PositiveIntegerField()
    value = models.DecimalField(max_digits=16, decimal_places=3)
    cumulative = models.DecimalField(max_digits=16, decimal_places=3, null=True, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    key_prefix = models.CharField(max_length=12, blank=True)
    request_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["period_id", "province__code", "indicator"]
        constraints = [
            models.UniqueConstraint(
                fields=["marketplace", "province", "period_id", "indicator"],
                name="externalfigure_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.marketplace_id} {self.province_id} {self.period_id} {self.indicator}"


class ReminderSent(models.Model):
    """A filing reminder already sent to a province for a period, so that none goes twice."""

    province = models.ForeignKey(Province, on_delete=models.CASCADE, related_name="+")
    period_id = models.CharField(max_length=8)
    hours_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["province", "period_id", "hours_before"], name="reminder_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period_id} {self.province_id} -{self.hours_before}h"


class BulletinReach(models.Model):
    """A bulletin's publication or correction reaching a province on a local day (III.1, III.2).

    A nationwide bulletin reaches every province: a province's figure counts what reached it,
    the nation's counts each publication or correction once (distinct over these rows). The
    bulletin and its update are named by key only: these rows are derived and rebuilt.
    """

    update_pk = models.BigIntegerField()
    bulletin_pk = models.BigIntegerField()
    is_publication = models.BooleanField()
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["update_pk", "province"], name="bulletinreach_once"),
        ]
        indexes = [models.Index(fields=["day"], name="bulletinreach_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.province_id} update {self.update_pk}"


class MarketFirstReached(models.Model):
    """The first day a province's sellers reached a market on a marketplace: a buyer province
    (II.6) or, abroad, a country (II.7). Cumulative distinct sets are counted from these few
    rows (at most provinces x marketplaces x markets) instead of every day's."""

    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="+")
    marketplace = models.ForeignKey(Marketplace, on_delete=models.PROTECT, related_name="+")
    buyer_province = models.ForeignKey(
        Province, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    buyer_country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["province", "marketplace", "buyer_province"],
                condition=Q(buyer_province__isnull=False),
                name="marketfirst_province_once",
            ),
            models.UniqueConstraint(
                fields=["province", "marketplace", "buyer_country"],
                condition=Q(buyer_province__isnull=True),
                name="marketfirst_country_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.province_id} -> {self.buyer_province_id or self.buyer_country_id} {self.day}"
