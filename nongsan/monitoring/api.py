"""The monitoring API under /api/monitoring/: indicators, period reports, targets."""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router

from nongsan.accounts.api_auth import api_auth
from nongsan.accounts.models import User
from nongsan.geo.models import Province
from nongsan.monitoring import selectors, services
from nongsan.monitoring.indicators import INDICATORS, PERCENTAGE_CODES
from nongsan.monitoring.models import Target
from nongsan.monitoring.periods import Period, period_from_id
from nongsan.monitoring.schemas import (
    IndicatorOut,
    IndicatorTargetIn,
    IndicatorTargetOut,
    MarketplaceFigureOut,
    PeriodOut,
    ReportOut,
    ReportRowOut,
    TargetIn,
    TargetOut,
)
from nongsan.orgs.models import Marketplace

router = Router(tags=["monitoring"], auth=api_auth)


def _actor(request: HttpRequest) -> User:
    """The authenticated caller (the router's auth has already refused anonymous ones)."""
    assert isinstance(request.user, User)
    return request.user


@router.get("/indicators", response=list[IndicatorOut], auth=None, summary="The 16 indicators")
def indicator_list(request: HttpRequest) -> list[IndicatorOut]:
    return [
        IndicatorOut(
            code=i.code,
            group=i.group.code,
            group_title=str(i.group.title),
            number=i.number,
            label=str(i.label),
            unit=str(i.unit),
            aggregation=str(i.aggregation),
            source=str(i.source),
            computed=i.is_computed,
            default_target_pct=i.default_target_pct,
        )
        for i in INDICATORS
    ]


def _period_out(period: Period) -> PeriodOut:
    return PeriodOut(
        id=period.id, kind=str(period.kind), start=period.start, end=period.end, due=period.due
    )


@router.get(
    "/reports/{unit}/{period_id}",
    response=ReportOut,
    summary="A unit's report for a period (unit: nation, region-north, province-20...)",
)
def report_detail(
    request: HttpRequest, unit: str, period_id: str, marketplace: str = ""
) -> ReportOut:
    found = selectors.unit_get_for(actor=request.user, key=unit)
    period = period_from_id(period_id)
    chosen = get_object_or_404(Marketplace, code=marketplace) if marketplace else None
    services.facts_fold()
    report = selectors.report_build(unit=found, period=period, marketplace=chosen)
    return ReportOut(
        unit=found.key,
        unit_name=found.name,
        marketplace=chosen.code if chosen else None,
        period=_period_out(report.period),
        previous_period=_period_out(report.previous_period),
        generated_at=report.generated_at,
        missing_targets=report.missing_targets,
        rows=[
            ReportRowOut(
                indicator=row.indicator.code,
                value=row.value,
                previous=row.previous,
                growth_pct=row.growth_pct,
                cumulative=row.cumulative,
                target=row.target,
                completion_pct=row.completion_pct,
                by_marketplace=[
                    MarketplaceFigureOut(
                        marketplace=f.marketplace.code, value=f.value, cumulative=f.cumulative
                    )
                    for f in row.by_marketplace
                ],
                pace_needed_per_week=row.pace.needed_per_week if row.pace else None,
                pace_recent_per_week=row.pace.recent_per_week if row.pace else None,
                on_track=row.pace.on_track if row.pace else None,
                notes={label: list(names) for label, names in row.notes},
            )
            for row in report.rows
        ],
    )


def _target_out(target: Target) -> TargetOut:
    return TargetOut(
        province_code=target.province.code,
        year=target.year,
        baseline_households=target.baseline_households,
        percentages={code: target.pct_for(code) or 0 for code in PERCENTAGE_CODES},
    )


@router.get("/targets/{year}", response=list[TargetOut], summary="Targets of a year in scope")
def target_list(request: HttpRequest, year: int) -> list[TargetOut]:
    return [_target_out(t) for t in selectors.target_list(actor=request.user, year=year)]


@router.put(
    "/targets/{year}/{province_code}",
    response=TargetOut,
    summary="Set a province's farm households and percentage targets (Ministry)",
)
def target_put(request: HttpRequest, year: int, province_code: str, payload: TargetIn) -> TargetOut:
    province = get_object_or_404(Province, code=province_code)
    target = services.target_set(
        actor=_actor(request),
        province=province,
        year=year,
        baseline_households=payload.baseline_households,
        percentages=payload.percentages,
        source=payload.source,
    )
    return _target_out(target)


@router.put(
    "/targets/{year}/{province_code}/{indicator}",
    response=IndicatorTargetOut,
    summary="Set or clear an absolute target (Ministry, or the province's own official)",
)
def indicator_target_put(
    request: HttpRequest, year: int, province_code: str, indicator: str, payload: IndicatorTargetIn
) -> IndicatorTargetOut:
    province = get_object_or_404(Province, code=province_code)
    target = services.indicator_target_set(
        actor=_actor(request),
        province=province,
        year=year,
        indicator=indicator,
        value=payload.value,
    )
    return IndicatorTargetOut(
        province_code=province.code,
        year=year,
        indicator=indicator,
        value=target.value if target is not None else None,
    )
