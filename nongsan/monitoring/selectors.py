"""Every read of monitoring, scoped by the actor: report units, targets and the period report.

A report reads running totals (one row per province, indicator and marketplace option at each
cut-off day), never households or daily rows, so a national report costs the same in year five
as in week one.
"""

import datetime as dt
import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from nongsan.accounts.models import Role
from nongsan.accounts.scope import is_national, scope_filter
from nongsan.core.timeutils import format_local
from nongsan.geo.models import Commune, Continent, Country, Province, Region
from nongsan.monitoring import facts, maps
from nongsan.monitoring.indicators import BY_CODE, GROUPS, INDICATORS, Group, Indicator
from nongsan.monitoring.models import (
    BulletinReach,
    DailyFact,
    IndicatorTarget,
    ManualFigure,
    MarketFirstReached,
    MarketReached,
    RunningTotal,
    Submission,
    Target,
)
from nongsan.monitoring.periods import (
    Period,
    PeriodKind,
    period_from_id,
    period_last_ended,
    period_previous,
)
from nongsan.orgs.models import Marketplace

ONE_DAY = dt.timedelta(days=1)
PACE_WEEKS = 4  # the recent pace a target's outlook is judged by
REPORT_ROLES = frozenset({Role.MINISTRY_OFFICIAL, Role.PROVINCE_OFFICIAL})
COMPUTED: tuple[Indicator, ...] = tuple(i for i in INDICATORS if i.is_computed)
MARKET_CODES = {"II.6": False, "II.7": True}  # indicator -> abroad
# figures kept as running totals (the others are distinct sets, counted from their own rows)
FROM_TOTALS: tuple[Indicator, ...] = tuple(
    i for i in COMPUTED if i.code not in MARKET_CODES and i.code not in facts.INFO_CODES
)


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


def _latest_totals(
    *,
    day: dt.date,
    marketplace: Marketplace | None,
    codes: Sequence[str],
    province_ids: Sequence[int] | None = None,
) -> dict[tuple[int, str], int]:
    """Per province and indicator, the value of the running total row with the latest day up to
    `day`: one index probe per (province, indicator), however many days the table holds."""
    on_marketplace = facts.marketplace_q(marketplace.pk if marketplace is not None else None)
    provinces = Province.objects.all()
    if province_ids is not None:
        provinces = provinces.filter(pk__in=province_ids)
    latest = {
        f"t{index}": Subquery(
            RunningTotal.objects.filter(
                on_marketplace, indicator=code, province_id=OuterRef("pk"), day__lte=day
            )
            .order_by("-day")
            .values("value")[:1]
        )
        for index, code in enumerate(codes)
    }
    found: dict[tuple[int, str], int] = {}
    for row in provinces.order_by().annotate(**latest).values("pk", *latest):
        for index, code in enumerate(codes):
            value = row[f"t{index}"]
            if value:
                found[(row["pk"], code)] = int(value)
    return found


def cumulative_at(
    *,
    day: dt.date,
    province_ids: Sequence[int] | None,
    marketplace: Marketplace | None,
    indicators: Iterable[Indicator] = FROM_TOTALS,
) -> dict[str, int]:
    """Each indicator's cumulative figure through `day` over the provinces (None: all of them)."""
    codes = [indicator.code for indicator in indicators]
    totals = {code: 0 for code in codes}
    latest = _latest_totals(
        day=day, marketplace=marketplace, codes=codes, province_ids=province_ids
    )
    for (_province_id, code), value in latest.items():
        totals[code] += value
    return totals


def cumulative_by_province(
    *, day: dt.date, code: str, marketplace: Marketplace | None = None
) -> dict[int, int]:
    """One indicator's cumulative figure through `day`, per province id."""
    latest = _latest_totals(day=day, marketplace=marketplace, codes=[code])
    return {province_id: value for (province_id, _code), value in latest.items()}


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
    # figures a province official typed into a filed report (snapshots.Typed), with their source
    manual: tuple[Any, ...] = ()


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


def markets_reached(
    *,
    province_ids: Sequence[int] | None,
    marketplace: Marketplace | None,
    until: dt.date,
    since: dt.date | None = None,
    abroad: bool,
) -> set[Any]:
    """Distinct buyer provinces (or, abroad, countries) reached by the unit's sellers; from the
    start (`since` None), counted over the first day each market was reached."""
    rows: QuerySet[Any]
    if since is None:
        rows = MarketFirstReached.objects.filter(day__lte=until)
    else:
        rows = MarketReached.objects.filter(day__lte=until, day__gte=since)
    if province_ids is not None:
        rows = rows.filter(province_id__in=province_ids)
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


# Information for households (III.1, III.2) ----------------------------------------------------


def bulletins_reached(
    *,
    province_ids: Sequence[int] | None,
    until: dt.date,
    since: dt.date | None = None,
    publications: bool,
) -> int:
    """Distinct bulletins published (III.1), or distinct publications and corrections (III.2),
    that reached the provinces (None: anywhere) between the days."""
    rows = BulletinReach.objects.filter(day__lte=until)
    if since is not None:
        rows = rows.filter(day__gte=since)
    if province_ids is not None:
        rows = rows.filter(province_id__in=province_ids)
    if publications:
        return rows.filter(is_publication=True).values("bulletin_pk").distinct().count()
    return rows.values("update_pk").distinct().count()


def _info_row(
    indicator: Indicator,
    *,
    province_ids: Sequence[int] | None,
    period: Period,
    previous: Period,
    target: int | None,
) -> ReportRow:
    publications = indicator.code == facts.INFO_ITEMS

    def count(since: dt.date | None, until: dt.date) -> int:
        return bulletins_reached(
            province_ids=province_ids, since=since, until=until, publications=publications
        )

    value, prior = count(period.start, period.end), count(previous.start, previous.end)
    cumulative = count(None, period.end)
    return ReportRow(
        indicator=indicator,
        value=value,
        previous=prior,
        growth_pct=growth_pct(value=value, previous=prior),
        cumulative=cumulative,
        target=target,
        completion_pct=completion_pct(cumulative=cumulative, target=target),
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
            if code in facts.INFO_CODES:
                rows.append(
                    _info_row(
                        indicator,
                        province_ids=province_ids,
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


# Filed reports: snapshots and manual figures ----------------------------------------------------
#
# A report is kept as JSON when a province's draft is generated, so that what it filed stays
# readable and exportable as it was, whatever the platform counts later. Manual figures enter a
# row by their difference from what the platform counted for the same marketplace (nothing, for
# an external marketplace or an indicator the platform does not compute): the filed value is the
# platform's value plus the sum of (typed - counted), and the same for the cumulative figure.
# Completion and growth are worked out again from the filed figures.

SNAPSHOT_FORMAT = 1


def report_snapshot(report: Report) -> dict[str, Any]:
    """Everything a report shows, as plain JSON (marketplaces by primary key)."""
    return {
        "format": SNAPSHOT_FORMAT,
        "period": report.period.id,
        "marketplace": report.marketplace.pk if report.marketplace else None,
        "marketplaces": [m.pk for m in report.marketplaces],
        "generated_at": report.generated_at.isoformat(),
        "missing_targets": report.missing_targets,
        "rows": [
            {
                "indicator": row.indicator.code,
                "value": row.value,
                "previous": row.previous,
                "growth_pct": row.growth_pct,
                "cumulative": row.cumulative,
                "target": row.target,
                "completion_pct": row.completion_pct,
                "by_marketplace": [
                    [f.marketplace.pk, f.value, f.cumulative] for f in row.by_marketplace
                ],
                "pace": (
                    [row.pace.needed_per_week, row.pace.recent_per_week, row.pace.on_track]
                    if row.pace
                    else None
                ),
                "notes": [[label, list(names)] for label, names in row.notes],
            }
            for row in report.rows
        ],
    }


def report_from_snapshot(
    data: Mapping[str, Any], *, unit: Unit, marketplaces: Mapping[int, Marketplace]
) -> Report:
    """The report a snapshot holds, for the unit it was made for."""
    period = period_from_id(data["period"])
    rows = {}
    for item in data["rows"]:
        indicator = BY_CODE[item["indicator"]]
        pace = item["pace"]
        rows[indicator.code] = ReportRow(
            indicator=indicator,
            value=item["value"],
            previous=item["previous"],
            growth_pct=item["growth_pct"],
            cumulative=item["cumulative"],
            target=item["target"],
            completion_pct=item["completion_pct"],
            by_marketplace=tuple(
                MarketplaceFigure(marketplaces[pk], value, cumulative)
                for pk, value, cumulative in item["by_marketplace"]
                if pk in marketplaces
            ),
            pace=Pace(pace[0], pace[1], pace[2]) if pace else None,
            notes=tuple((label, tuple(names)) for label, names in item["notes"]),
        )
    sections = tuple(
        ReportSection(group, tuple(row for row in rows.values() if row.indicator.group == group))
        for group in GROUPS
    )
    chosen = data.get("marketplace")
    return Report(
        unit=unit,
        period=period,
        previous_period=period_previous(period),
        marketplace=marketplaces.get(chosen) if chosen else None,
        sections=sections,
        generated_at=dt.datetime.fromisoformat(data["generated_at"]),
        missing_targets=data["missing_targets"],
        marketplaces=tuple(marketplaces[pk] for pk in data["marketplaces"] if pk in marketplaces),
    )


@dataclass(frozen=True)
class Typed:
    """A manual figure as the filed report needs it."""

    indicator: str
    marketplace: Marketplace | None
    value: Decimal
    cumulative: Decimal
    counted: Decimal | None
    counted_cumulative: Decimal | None
    source: str

    @property
    def differs(self) -> bool:
        return (self.counted is not None and self.value != self.counted) or (
            self.counted_cumulative is not None and self.cumulative != self.counted_cumulative
        )


def _number(value: Decimal, *, tonnes: bool) -> float | int:
    return float(value) if tonnes else int(value)


def filed_report(
    report: Report, *, typed: Sequence[Typed], typed_before: Iterable[Typed] = ()
) -> Report:
    """The report with manual figures applied; `typed_before` are the figures filed for the
    previous period, which the growth is measured against."""
    by_code: dict[str, list[Typed]] = {}
    for figure in typed:
        by_code.setdefault(figure.indicator, []).append(figure)
    before: dict[str, Decimal] = {}
    for figure in typed_before:
        shift = figure.value - (figure.counted or 0)
        before[figure.indicator] = before.get(figure.indicator, Decimal(0)) + shift
    if not by_code and not before:
        return report

    sections = []
    for section in report.sections:
        rows = []
        for row in section.rows:
            code = row.indicator.code
            figures = by_code.get(code, [])
            if not figures and code not in before:
                rows.append(row)
                continue
            tonnes = code == "II.2"
            value = Decimal(str(row.value or 0)) + sum(
                (f.value - (f.counted or 0) for f in figures), Decimal(0)
            )
            cumulative = Decimal(str(row.cumulative or 0)) + sum(
                (f.cumulative - (f.counted_cumulative or 0) for f in figures), Decimal(0)
            )
            previous = Decimal(str(row.previous or 0)) + before.get(code, Decimal(0))
            by_marketplace = {f.marketplace.pk: f for f in row.by_marketplace}
            for figure in figures:
                if figure.marketplace is not None:
                    by_marketplace[figure.marketplace.pk] = MarketplaceFigure(
                        figure.marketplace,
                        _number(figure.value, tonnes=tonnes),
                        _number(figure.cumulative, tonnes=tonnes),
                    )
            filed_value = _number(value, tonnes=tonnes)
            filed_cumulative = _number(cumulative, tonnes=tonnes)
            filed_previous = _number(previous, tonnes=tonnes)
            rows.append(
                replace(
                    row,
                    value=filed_value,
                    previous=filed_previous,
                    growth_pct=growth_pct(value=filed_value, previous=filed_previous),
                    cumulative=filed_cumulative,
                    completion_pct=completion_pct(cumulative=filed_cumulative, target=row.target),
                    by_marketplace=tuple(by_marketplace.values()),
                    manual=tuple(figures),
                )
            )
        sections.append(ReportSection(section.group, tuple(rows)))
    return replace(report, sections=tuple(sections))


def typed_of(figures: Iterable[ManualFigure]) -> list[Typed]:
    return [
        Typed(
            indicator=f.indicator,
            marketplace=f.marketplace,
            value=f.value,
            cumulative=f.cumulative if f.cumulative is not None else f.value,
            counted=f.counted,
            counted_cumulative=f.counted_cumulative,
            source=f.source,
        )
        for f in figures
    ]


# Filing ---------------------------------------------------------------------------------------


def filing_provinces(*, actor: Any) -> QuerySet[Province]:
    """The provinces whose filings the actor may read: all for the Ministry, else their own."""
    if not _may_report(actor):
        return Province.objects.none()
    return scope_filter(Province.objects.order_by("code"), actor=actor, province="pk")


def submission_versions(*, actor: Any, province: Province, period_id: str) -> list[Submission]:
    """Every version of a province's report for a period, newest first (empty out of scope)."""
    if not filing_provinces(actor=actor).filter(pk=province.pk).exists():
        return []
    return list(
        Submission.objects.filter(province=province, period_id=period_id)
        .select_related("created_by", "submitted_by")
        .prefetch_related("figures__marketplace")
        .order_by("-version")
    )


def submission_get_for(*, actor: Any, pk: int) -> Submission:
    submission = (
        Submission.objects.select_related("province")
        .prefetch_related("figures__marketplace")
        .filter(pk=pk, province__in=filing_provinces(actor=actor))
        .first()
    )
    if submission is None:
        raise Http404(_("Không tìm thấy báo cáo hoặc bạn không có quyền xem."))
    return submission


def submission_report(submission: Submission) -> Report:
    """The report as the province filed it (or, for a draft, as it stands): the platform's
    figures at generation with the manual figures applied, growth against what was filed for
    the previous period."""
    province = submission.province
    unit = Unit(UnitKind.PROVINCE, province.name, province=province)
    marketplaces = {m.pk: m for m in marketplace_list()}
    report = report_from_snapshot(submission.snapshot, unit=unit, marketplaces=marketplaces)
    previous = (
        Submission.objects.filter(
            province=province,
            period_id=report.previous_period.id,
            status=Submission.Status.SUBMITTED,
        )
        .order_by("-version")
        .first()
    )
    before = typed_of(previous.figures.select_related("marketplace")) if previous else []
    return filed_report(report, typed=typed_of(submission.figures.all()), typed_before=before)


@dataclass(frozen=True)
class FilingStatus:
    province: Province
    latest: Submission | None  # the latest submitted version
    first: Submission | None  # the first submitted version: timeliness is judged on it
    drafting: bool  # a draft (first report or correction) is open

    @property
    def filed(self) -> bool:
        return self.first is not None

    @property
    def on_time(self) -> bool:
        return self.first is not None and self.first.late_by is None


@dataclass(frozen=True)
class FilingBoard:
    period: Period
    rows: tuple[FilingStatus, ...]
    now: dt.datetime

    @property
    def filed_on_time(self) -> int:
        return sum(1 for row in self.rows if row.on_time)

    @property
    def filed_late(self) -> int:
        return sum(1 for row in self.rows if row.filed and not row.on_time)

    @property
    def not_filed(self) -> int:
        return sum(1 for row in self.rows if not row.filed)

    @property
    def overdue(self) -> bool:
        return self.now > self.period.due


def filing_board(*, actor: Any, period: Period) -> FilingBoard:
    """Who filed a period's report, on time or late by how long, and who has not."""
    provinces = list(filing_provinces(actor=actor))
    versions: dict[int, list[Submission]] = {}
    for submission in Submission.objects.filter(
        period_id=period.id, province__in=[p.pk for p in provinces]
    ).order_by("version"):
        versions.setdefault(submission.province_id, []).append(submission)
    rows = []
    for province in provinces:
        filed = [s for s in versions.get(province.pk, []) if not s.is_draft]
        rows.append(
            FilingStatus(
                province=province,
                latest=filed[-1] if filed else None,
                first=filed[0] if filed else None,
                drafting=any(s.is_draft for s in versions.get(province.pk, [])),
            )
        )
    return FilingBoard(period=period, rows=tuple(rows), now=timezone.now())


@dataclass(frozen=True)
class NationalSheet:
    province: Province
    report: Report
    remark: str


def national_filings(*, period: Period) -> list[NationalSheet]:
    """Every province's report for the period: its latest filed version, or where it has not
    filed, the platform's own figures (the remark says which)."""
    latest: dict[int, Submission] = {}
    for submission in Submission.objects.filter(
        period_id=period.id, status=Submission.Status.SUBMITTED
    ).order_by("version"):
        latest[submission.province_id] = submission
    sheets = []
    for province in Province.objects.order_by("code"):
        filed = latest.get(province.pk)
        if filed is not None:
            filed.province = province
            sheets.append(
                NationalSheet(province, submission_report(filed), submission_remark(filed))
            )
            continue
        unit = Unit(UnitKind.PROVINCE, province.name, province=province)
        sheets.append(
            NationalSheet(
                province,
                report_build(unit=unit, period=period),
                _("Chưa nộp: số liệu nền tảng tự tính"),
            )
        )
    return sheets


def submission_remark(submission: Submission) -> str:
    """The line under an export's title saying which version it is."""
    if submission.is_draft:
        return _("Bản nháp lần %(version)s, chưa nộp") % {"version": submission.version}
    return _("Nộp lần %(version)s lúc %(at)s") % {
        "version": submission.version,
        "at": format_local(submission.submitted_at),
    }


# Dashboards -----------------------------------------------------------------------------------

# what a dashboard can map and rank: figures kept as running totals per province
MAPPABLE: tuple[Indicator, ...] = FROM_TOTALS
TREND_WEEKS = 12


@dataclass(frozen=True)
class Standing:
    """A place (province, or a province's commune) on an indicator."""

    pk: int
    name: str
    latitude: float
    longitude: float
    cumulative: float
    target: int | None
    completion_pct: float | None


def _figure(code: str, value: int) -> float:
    return _tonnes(value) if code == facts.TONNES else value


def targets_by_province(*, year: int, code: str) -> dict[int, int]:
    """One indicator's target of the year per province id (households for I.1-I.4)."""
    if code in (i.code for i in INDICATORS if i.default_target_pct is not None):
        return {
            target.province_id: households
            for target in Target.objects.filter(year=year, baseline_households__isnull=False)
            if (households := target.households_target(code)) is not None
        }
    return dict(
        IndicatorTarget.objects.filter(year=year, indicator=code).values_list(
            "province_id", "value"
        )
    )


def province_standings(
    *, indicator: Indicator, day: dt.date, marketplace: Marketplace | None = None
) -> list[Standing]:
    """Every province on an indicator through `day`, best completion first (then the largest
    figure where there is no target)."""
    code = indicator.code
    totals = cumulative_by_province(day=day, code=code, marketplace=marketplace)
    targets = targets_by_province(year=day.year, code=code)
    standings = []
    for province in Province.objects.order_by("code"):
        cumulative = _figure(code, totals.get(province.pk, 0))
        target = targets.get(province.pk)
        standings.append(
            Standing(
                province.pk,
                province.name,
                province.latitude,
                province.longitude,
                cumulative,
                target,
                completion_pct(cumulative=cumulative, target=target),
            )
        )
    return sorted(
        standings,
        key=lambda s: (s.completion_pct is None, -(s.completion_pct or 0), -s.cumulative, s.name),
    )


def commune_standings(*, indicator: Indicator, province: Province, day: dt.date) -> list[Standing]:
    """A province's communes on an indicator through `day`, from the commune-level daily facts,
    largest first (targets are set per province, not per commune)."""
    code = indicator.code
    totals = dict(
        DailyFact.objects.filter(
            facts.marketplace_q(None), indicator=code, commune__province=province, day__lte=day
        )
        .values("commune_id")
        .annotate(total=Sum("value"))
        .values_list("commune_id", "total")
    )
    communes = Commune.objects.filter(province=province).order_by("code")
    standings = [
        Standing(
            c.pk,
            c.name,
            c.latitude,
            c.longitude,
            _figure(code, int(totals.get(c.pk) or 0)),
            None,
            None,
        )
        for c in communes
    ]
    return sorted(standings, key=lambda s: (-s.cumulative, s.name))


@dataclass(frozen=True)
class TrendPoint:
    period: Period
    value: float


def weekly_trend(
    *, indicator: Indicator, province_ids: Sequence[int] | None, last: Period
) -> list[TrendPoint]:
    """What the indicator gained in each of the TREND_WEEKS weeks up to `last`, oldest first."""
    weeks = [last]
    for _index in range(TREND_WEEKS - 1):
        weeks.append(period_previous(weeks[-1]))
    weeks.reverse()
    days = [weeks[0].start - ONE_DAY, *(week.end for week in weeks)]
    code = indicator.code
    totals = [
        cumulative_at(day=day, province_ids=province_ids, marketplace=None, indicators=[indicator])[
            code
        ]
        for day in days
    ]
    return [
        TrendPoint(week, _figure(code, totals[index + 1] - totals[index]))
        for index, week in enumerate(weeks)
    ]


@dataclass(frozen=True)
class Dashboard:
    unit: Unit
    indicator: Indicator
    period: Period  # the last week that has ended
    report: Report
    standings: tuple[Standing, ...]  # provinces (national) or communes (a province)
    map_svg: str
    legend: tuple[Any, ...]
    trend: tuple[TrendPoint, ...]
    board: FilingBoard | None  # the Ministry's: who filed the week

    @property
    def trend_max(self) -> float:
        return max((point.value for point in self.trend), default=0) or 1

    @property
    def funnel(self) -> list[ReportRow]:
        return [self.report.row(code) for code in ("I.1", "I.2", "I.3", "I.4")]

    @property
    def funnel_max(self) -> float:
        return max((row.cumulative or 0 for row in self.funnel), default=0) or 1


def dashboard_build(*, actor: Any, indicator: Indicator, now: dt.datetime) -> Dashboard:
    """The Ministry's national picture, or a provincial official's picture of their communes."""
    units = report_units(actor=actor)
    if not units:
        raise Http404(_("Trang này dành cho cán bộ Sở TTTT và Bộ TTTT."))
    unit = units[0]  # the nation for the Ministry, else the official's own province
    period = period_last_ended(kind=PeriodKind.WEEKLY, moment=now)
    report = report_build(unit=unit, period=period)
    province_ids = None if unit.province is None else [unit.province.pk]
    if unit.province is None:
        standings = province_standings(indicator=indicator, day=period.end)
        bands = maps.COMPLETION_BANDS
        groups = {}
        for s in standings:
            band = maps.band_for(s.completion_pct, bands)
            groups[s.pk] = maps.Group(band.colour, _standing_title(s))
        dots = [
            maps.Dot(lat, lng, province_id)
            for province_id, lat, lng in Commune.objects.values_list(
                "province_id", "latitude", "longitude"
            )
        ]
        board = filing_board(actor=actor, period=period) if is_national(actor) else None
        legend = (maps.NO_FIGURE, *bands)
    else:
        standings = commune_standings(indicator=indicator, province=unit.province, day=period.end)
        bands = maps.count_bands([s.cumulative for s in standings])
        groups = {
            s.pk: maps.Group(maps.band_for(s.cumulative, bands).colour, _standing_title(s))
            for s in standings
        }
        dots = [maps.Dot(s.latitude, s.longitude, s.pk) for s in standings]
        board = None
        legend = bands
    return Dashboard(
        unit=unit,
        indicator=indicator,
        period=period,
        report=report,
        standings=tuple(standings),
        map_svg=maps.dot_map(dots=dots, groups=groups, radius=1.6 if unit.province is None else 4),
        legend=tuple(legend),
        trend=tuple(weekly_trend(indicator=indicator, province_ids=province_ids, last=period)),
        board=board,
    )


def _standing_title(standing: Standing) -> str:
    figure = f"{standing.cumulative:g}".replace(".", ",")
    if standing.completion_pct is None:
        return f"{standing.name}: {figure}"
    return f"{standing.name}: {figure} ({standing.completion_pct:g}%)".replace(".", ",")
