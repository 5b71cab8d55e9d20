"""Every read of monitoring, scoped by the actor: report units, targets and the period report.

A report reads running totals (one row per province, indicator and marketplace option at each
cut-off day), never households or daily rows, so a national report costs the same in year five
as in week one.
"""

import datetime as dt
import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from nongsan.accounts.models import Role
from nongsan.accounts.scope import is_national, scope_filter
from nongsan.geo.models import Continent, Country, Province, Region
from nongsan.monitoring import facts
from nongsan.monitoring.indicators import GROUPS, INDICATORS, Group, Indicator
from nongsan.monitoring.models import IndicatorTarget, MarketReached, RunningTotal, Target
from nongsan.monitoring.periods import Period, period_previous
from nongsan.orgs.models import Marketplace

ONE_DAY = dt.timedelta(days=1)
PACE_WEEKS = 4  # the recent pace a target's outlook is judged by
REPORT_ROLES = frozenset({Role.MINISTRY_OFFICIAL, Role.PROVINCE_OFFICIAL})
COMPUTED: tuple[Indicator, ...] = tuple(i for i in INDICATORS if i.is_computed)


class UnitKind(enum.StrEnum):
    NATION = "nation"
    REGION = "region"
    PROVINCE = "province"


@dataclass(frozen=True)
class Unit:
    """What a report covers: the nation, one region (Miền Bắc/Trung/Nam) or one province."""

    kind: UnitKind
    name: str
    region: str = ""  # Region value when kind is REGION
    province: Province | None = None

    @property
    def key(self) -> str:
        """How the unit is named in URLs: "nation", "region-north", "province-20"."""
        if self.kind == UnitKind.REGION:
            return f"region-{self.region}"
        if self.kind == UnitKind.PROVINCE and self.province is not None:
            return f"province-{self.province.code}"
        return "nation"

    def provinces(self) -> QuerySet[Province]:
        if self.kind == UnitKind.REGION:
            return Province.objects.filter(region=self.region)
        if self.kind == UnitKind.PROVINCE and self.province is not None:
            return Province.objects.filter(pk=self.province.pk)
        return Province.objects.all()


def _may_report(actor: Any) -> bool:
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return False
    return bool(actor.is_superuser or actor.role in REPORT_ROLES)


def report_units(*, actor: Any) -> list[Unit]:
    """The units an actor may report on: all for the Ministry, else their own province."""
    if not _may_report(actor):
        return []
    units: list[Unit] = []
    if is_national(actor):
        units.append(Unit(UnitKind.NATION, _("Toàn quốc")))
        units += [
            Unit(UnitKind.REGION, str(label), region=value) for value, label in Region.choices
        ]
    provinces = scope_filter(Province.objects.order_by("code"), actor=actor, province="pk")
    units += [Unit(UnitKind.PROVINCE, p.name, province=p) for p in provinces]
    return units


def unit_get_for(*, actor: Any, key: str) -> Unit:
    """The unit named `key` if the actor may see it; otherwise a 404."""
    for unit in report_units(actor=actor):
        if unit.key == key:
            return unit
    raise Http404(_("Không tìm thấy đơn vị báo cáo hoặc bạn không có quyền xem."))


def marketplace_list() -> QuerySet[Marketplace]:
    return Marketplace.objects.order_by("name")


# Cumulative figures from running totals -------------------------------------------------------


def cumulative_at(
    *,
    day: dt.date,
    province_ids: Sequence[int] | None,
    marketplace: Marketplace | None,
    indicators: Iterable[Indicator] = COMPUTED,
) -> dict[str, int]:
    """Each indicator's cumulative figure through `day` over the provinces (None: all of them).

    Per province, the running total is the row with the latest day up to `day`.
    """
    codes = [indicator.code for indicator in indicators]
    on_marketplace = facts.marketplace_q(marketplace.pk if marketplace is not None else None)
    later = RunningTotal.objects.filter(
        on_marketplace,
        indicator=OuterRef("indicator"),
        province_id=OuterRef("province_id"),
        day__gt=OuterRef("day"),
        day__lte=day,
    )
    rows = RunningTotal.objects.filter(on_marketplace, indicator__in=codes, day__lte=day).filter(
        ~Exists(later)
    )
    if province_ids is not None:
        rows = rows.filter(province_id__in=province_ids)
    found = dict(
        rows.values("indicator").annotate(total=Sum("value")).values_list("indicator", "total")
    )
    return {code: int(found.get(code) or 0) for code in codes}


# Targets --------------------------------------------------------------------------------------


def targets_for(*, province_ids: Sequence[int] | None, year: int) -> dict[str, int]:
    """Targets of the year summed over the provinces: households for I.1-I.4, else absolute.

    An indicator without a target in any of the provinces is absent.
    """
    targets: dict[str, int] = {}
    rows = Target.objects.filter(year=year, baseline_households__isnull=False)
    absolute = IndicatorTarget.objects.filter(year=year)
    if province_ids is not None:
        rows = rows.filter(province_id__in=province_ids)
        absolute = absolute.filter(province_id__in=province_ids)
    for target in rows:
        for indicator in INDICATORS:
            households = target.households_target(indicator.code)
            if households is not None:
                targets[indicator.code] = targets.get(indicator.code, 0) + households
    for code, value in (
        absolute.values("indicator").annotate(total=Sum("value")).values_list("indicator", "total")
    ):
        targets[code] = int(value)
    return targets


def target_list(*, actor: Any, year: int) -> QuerySet[Target]:
    if not _may_report(actor):
        return Target.objects.none()
    return scope_filter(
        Target.objects.filter(year=year).select_related("province").order_by("province__code"),
        actor=actor,
        province="province",
    )


def indicator_target_list(*, actor: Any, year: int) -> QuerySet[IndicatorTarget]:
    if not _may_report(actor):
        return IndicatorTarget.objects.none()
    return scope_filter(
        IndicatorTarget.objects.filter(year=year)
        .select_related("province")
        .order_by("province__code", "indicator"),
        actor=actor,
        province="province",
    )


# The report -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MarketplaceFigure:
    marketplace: Marketplace
    value: float
    cumulative: float


@dataclass(frozen=True)
class Pace:
    """Whether a target will be met by the end of its year at the pace of the last weeks."""

    needed_per_week: float | None  # None once the year is over
    recent_per_week: float
    on_track: bool


@dataclass(frozen=True)
class ReportRow:
    indicator: Indicator
    value: float | None  # gained in the period; None when the platform does not compute it yet
    previous: float | None
    growth_pct: float | None  # None when there is no previous figure or it was zero
    cumulative: float | None
    target: int | None
    completion_pct: float | None
    by_marketplace: tuple[MarketplaceFigure, ...] = ()
    pace: Pace | None = None
    # II.6 / II.7: the markets reached through the period, grouped (region or continent, names)
    notes: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass(frozen=True)
class ReportSection:
    group: Group
    rows: tuple[ReportRow, ...]


@dataclass(frozen=True)
class Report:
    unit: Unit
    period: Period
    previous_period: Period
    marketplace: Marketplace | None  # None: all marketplaces, households de-duplicated
    sections: tuple[ReportSection, ...]
    generated_at: dt.datetime
    missing_targets: int = 0  # provinces of the unit without a baseline for the year
    marketplaces: tuple[Marketplace, ...] = field(default=())

    @property
    def rows(self) -> list[ReportRow]:
        return [row for section in self.sections for row in section.rows]

    def row(self, code: str) -> ReportRow:
        return next(row for row in self.rows if row.indicator.code == code)


def growth_pct(*, value: float, previous: float) -> float | None:
    """Growth over the previous period in %, or None ("—") when the previous figure is zero."""
    if previous == 0:
        return None
    return round((value - previous) * 100 / previous, 1)


def completion_pct(*, cumulative: float, target: int | None) -> float | None:
    if not target:
        return None
    return round(cumulative * 100 / target, 1)


def pace_of(*, cumulative: float, target: int | None, recent: float, day: dt.date) -> Pace | None:
    """The pace still needed to reach `target` by 31 December of `day`'s year, against the
    pace of the PACE_WEEKS weeks up to `day` (`recent` gained over them)."""
    if not target:
        return None
    recent_per_week = round(recent / PACE_WEEKS, 1)
    weeks_left = (dt.date(day.year, 12, 31) - day).days / 7
    if weeks_left <= 0:
        return Pace(None, recent_per_week, cumulative >= target)
    needed = max(0, target - cumulative) / weeks_left
    return Pace(round(needed, 1), recent_per_week, recent / PACE_WEEKS >= needed)


def _tonnes(grams: int) -> float:
    """Grams as tonnes to the kilogram, halves up (9,5 kg is 0,010 t)."""
    tonnes = Decimal(grams) / facts.GRAMS_PER_TONNE
    return float(tonnes.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP))


def _tonnes_row(
    indicator: Indicator,
    end: dict[str, int],
    start: dict[str, int],
    before: dict[str, int],
    recent_start: dict[str, int],
    side_by_side: Sequence[tuple[Marketplace, dict[str, int], dict[str, int]]],
    target: int | None,
    period: Period,
) -> ReportRow:
    """II.2 in tonnes: the facts hold grams."""
    code = indicator.code
    value, prior = _tonnes(end[code] - start[code]), _tonnes(start[code] - before[code])
    cumulative = _tonnes(end[code])
    return ReportRow(
        indicator=indicator,
        value=value,
        previous=prior,
        growth_pct=growth_pct(value=value, previous=prior),
        cumulative=cumulative,
        target=target,
        completion_pct=completion_pct(cumulative=cumulative, target=target),
        by_marketplace=tuple(
            MarketplaceFigure(
                option,
                _tonnes(option_end[code] - option_start[code]),
                _tonnes(option_end[code]),
            )
            for option, option_end, option_start in side_by_side
        ),
        pace=pace_of(
            cumulative=cumulative,
            target=target,
            recent=_tonnes(end[code] - recent_start[code]),
            day=period.end,
        ),
    )


# Markets reached (II.6, II.7) -----------------------------------------------------------------

MARKET_CODES = {"II.6": False, "II.7": True}  # indicator -> abroad


def markets_reached(
    *,
    province_ids: Sequence[int] | None,
    marketplace: Marketplace | None,
    until: dt.date,
    since: dt.date | None = None,
    abroad: bool,
) -> set[Any]:
    """Distinct buyer provinces (or, abroad, countries) reached by the unit's sellers."""
    rows = MarketReached.objects.filter(day__lte=until)
    if since is not None:
        rows = rows.filter(day__gte=since)
    if province_ids is not None:
        rows = rows.filter(commune__province_id__in=province_ids)
    if marketplace is not None:
        rows = rows.filter(marketplace=marketplace)
    if abroad:
        rows = rows.filter(buyer_province__isnull=True).exclude(buyer_country_id="VN")
        return set(rows.values_list("buyer_country_id", flat=True).distinct())
    return set(
        rows.filter(buyer_province__isnull=False)
        .values_list("buyer_province_id", flat=True)
        .distinct()
    )


def market_notes(*, ids: set[Any], abroad: bool) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The report's note: provinces under Miền Bắc / Trung / Nam, countries by continent."""
    found: Iterable[tuple[str, str]]
    if abroad:
        groups = Continent.choices
        found = Country.objects.filter(pk__in=ids).order_by("name").values_list("continent", "name")
    else:
        groups = Region.choices
        found = Province.objects.filter(pk__in=ids).order_by("name").values_list("region", "name")
    by_group: dict[str, list[str]] = {}
    for group, name in found:
        by_group.setdefault(group, []).append(name)
    return tuple(
        (str(label), tuple(by_group[value])) for value, label in groups if value in by_group
    )


def _market_row(
    indicator: Indicator,
    *,
    province_ids: Sequence[int] | None,
    marketplace: Marketplace | None,
    marketplaces: Sequence[Marketplace],
    period: Period,
    previous: Period,
    target: int | None,
) -> ReportRow:
    abroad = MARKET_CODES[indicator.code]

    def reached(option: Marketplace | None, since: dt.date | None, until: dt.date) -> set[Any]:
        return markets_reached(
            province_ids=province_ids,
            marketplace=option,
            since=since,
            until=until,
            abroad=abroad,
        )

    in_period = reached(marketplace, period.start, period.end)
    before = reached(marketplace, previous.start, previous.end)
    cumulative = reached(marketplace, None, period.end)
    return ReportRow(
        indicator=indicator,
        value=len(in_period),
        previous=len(before),
        growth_pct=growth_pct(value=len(in_period), previous=len(before)),
        cumulative=len(cumulative),
        target=target,
        completion_pct=completion_pct(cumulative=len(cumulative), target=target),
        by_marketplace=tuple(
            MarketplaceFigure(
                option,
                len(reached(option, period.start, period.end)),
                len(reached(option, None, period.end)),
            )
            for option in (marketplaces if marketplace is None else ())
        ),
        notes=market_notes(ids=cumulative, abroad=abroad),
    )


def report_build(*, unit: Unit, period: Period, marketplace: Marketplace | None = None) -> Report:
    """The Appendix 02/03 figures of a unit for a period, from running totals.

    The unit comes from `unit_get_for`, which has already checked the actor's scope. Completion
    is measured against the targets of the year the period ends in.
    """
    previous = period_previous(period)
    province_ids: list[int] | None = None
    if unit.kind != UnitKind.NATION:
        province_ids = list(unit.provinces().values_list("pk", flat=True))
    cut_offs = (period.end, period.start - ONE_DAY, previous.start - ONE_DAY)

    pace_from = period.end - dt.timedelta(weeks=PACE_WEEKS)

    def figures(option: Marketplace | None, days: Sequence[dt.date]) -> list[dict[str, int]]:
        return [
            cumulative_at(day=day, province_ids=province_ids, marketplace=option) for day in days
        ]

    end, start, before, recent_start = figures(marketplace, (*cut_offs, pace_from))
    side_by_side: list[tuple[Marketplace, dict[str, int], dict[str, int]]] = []
    marketplaces = tuple(marketplace_list())
    if marketplace is None:
        for option in marketplaces:
            option_end, option_start = figures(option, cut_offs[:2])
            side_by_side.append((option, option_end, option_start))

    year = period.end.year
    targets = targets_for(province_ids=province_ids, year=year)
    with_baseline = Target.objects.filter(year=year, baseline_households__isnull=False)
    if province_ids is not None:
        with_baseline = with_baseline.filter(province_id__in=province_ids)
    unit_size = len(province_ids) if province_ids is not None else Province.objects.count()

    sections = []
    for group in GROUPS:
        rows = []
        for indicator in INDICATORS:
            if indicator.group != group:
                continue
            code = indicator.code
            target = targets.get(code)
            if not indicator.is_computed:
                rows.append(ReportRow(indicator, None, None, None, None, target, None))
                continue
            if code in MARKET_CODES:
                rows.append(
                    _market_row(
                        indicator,
                        province_ids=province_ids,
                        marketplace=marketplace,
                        marketplaces=marketplaces,
                        period=period,
                        previous=previous,
                        target=target,
                    )
                )
                continue
            if code == facts.TONNES:
                rows.append(
                    _tonnes_row(
                        indicator, end, start, before, recent_start, side_by_side, target, period
                    )
                )
                continue
            value, prior = end[code] - start[code], start[code] - before[code]
            rows.append(
                ReportRow(
                    indicator=indicator,
                    value=value,
                    previous=prior,
                    growth_pct=growth_pct(value=value, previous=prior),
                    cumulative=end[code],
                    target=target,
                    completion_pct=completion_pct(cumulative=end[code], target=target),
                    by_marketplace=tuple(
                        MarketplaceFigure(
                            option, option_end[code] - option_start[code], option_end[code]
                        )
                        for option, option_end, option_start in side_by_side
                    ),
                    pace=pace_of(
                        cumulative=end[code],
                        target=target,
                        recent=end[code] - recent_start[code],
                        day=period.end,
                    ),
                )
            )
        sections.append(ReportSection(group, tuple(rows)))
    return Report(
        unit=unit,
        period=period,
        previous_period=previous,
        marketplace=marketplace,
        sections=tuple(sections),
        generated_at=timezone.now(),
        missing_targets=unit_size - with_baseline.count(),
        marketplaces=marketplaces,
    )
