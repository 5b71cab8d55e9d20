"""The monitoring API under /api/monitoring/: indicators, period reports, targets, filing, and
the figures external marketplaces post."""

import datetime as dt

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router

from nongsan.accounts.api_auth import api_auth
from nongsan.accounts.models import User
from nongsan.core.api import refused_is_403
from nongsan.geo.models import Province
from nongsan.monitoring import selectors, services
from nongsan.monitoring.indicators import INDICATORS, PERCENTAGE_CODES
from nongsan.monitoring.models import Submission, Target
from nongsan.monitoring.periods import Period, period_from_id
from nongsan.monitoring.schemas import (
    CorrectIn,
    FiguresIn,
    FiguresOut,
    FilingStatusOut,
    IndicatorOut,
    IndicatorTargetIn,
    IndicatorTargetOut,
    ManualFigureIn,
    ManualFigureOut,
    MarketplaceFigureOut,
    PeriodOut,
    ReportOut,
    ReportRowOut,
    SubmissionOut,
    SubmitIn,
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
    return _report_out(report)


def _report_out(report: selectors.Report) -> ReportOut:
    return ReportOut(
        unit=report.unit.key,
        unit_name=report.unit.name,
        marketplace=report.marketplace.code if report.marketplace else None,
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


# Filing ---------------------------------------------------------------------------------------


def _seconds(delta: dt.timedelta | None) -> int | None:
    return int(delta.total_seconds()) if delta is not None else None


def _submission_out(submission: Submission) -> SubmissionOut:
    return SubmissionOut(
        id=submission.pk,
        province_code=submission.province.code,
        period_id=submission.period_id,
        version=submission.version,
        status=submission.status,
        due_at=submission.due_at,
        submitted_at=submission.submitted_at,
        late_by_seconds=_seconds(submission.late_by),
        comment=submission.comment,
        correction_reason=submission.correction_reason,
        figures=[
            ManualFigureOut(
                indicator=f.indicator,
                marketplace=f.marketplace.code if f.marketplace else None,
                value=f.value,
                cumulative=f.cumulative,
                source=f.source,
                counted=f.counted,
                differs=f.differs,
            )
            for f in submission.figures.all()
        ],
        report=_report_out(selectors.submission_report(submission)),
    )


def _province(code: str) -> Province:
    return get_object_or_404(Province, code=code)


@router.get(
    "/filings/{period_id}",
    response=list[FilingStatusOut],
    summary="Who filed a period's report, on time or late (the Ministry: every province)",
)
def filing_board(request: HttpRequest, period_id: str) -> list[FilingStatusOut]:
    board = selectors.filing_board(actor=request.user, period=period_from_id(period_id))
    return [
        FilingStatusOut(
            province_code=row.province.code,
            province_name=row.province.name,
            filed=row.filed,
            on_time=row.on_time,
            late_by_seconds=_seconds(row.first.late_by) if row.first else None,
            latest_version=row.latest.version if row.latest else None,
            drafting=row.drafting,
        )
        for row in board.rows
    ]


@router.get(
    "/filings/{province_code}/{period_id}",
    response=list[SubmissionOut],
    summary="Every version of a province's report for a period, newest first",
)
def submission_list(
    request: HttpRequest, province_code: str, period_id: str
) -> list[SubmissionOut]:
    versions = selectors.submission_versions(
        actor=request.user,
        province=_province(province_code),
        period_id=period_from_id(period_id).id,
    )
    return [_submission_out(s) for s in versions]


@router.post(
    "/filings/{province_code}/{period_id}/draft",
    response=SubmissionOut,
    summary="Generate (or regenerate) the province's draft report (its own official)",
)
@refused_is_403
def submission_prepare(request: HttpRequest, province_code: str, period_id: str) -> SubmissionOut:
    return _submission_out(
        services.submission_prepare(
            actor=_actor(request), province=_province(province_code), period_id=period_id
        )
    )


def _draft(request: HttpRequest, province_code: str, period_id: str) -> Submission:
    versions = selectors.submission_versions(
        actor=request.user,
        province=_province(province_code),
        period_id=period_from_id(period_id).id,
    )
    if not versions:
        raise Http404("Chưa lập báo cáo kỳ này.")
    return versions[0]


@router.put(
    "/filings/{province_code}/{period_id}/figures",
    response=SubmissionOut,
    summary="Type a manual figure into the draft, with its source",
)
@refused_is_403
def manual_figure_put(
    request: HttpRequest, province_code: str, period_id: str, payload: ManualFigureIn
) -> SubmissionOut:
    draft = _draft(request, province_code, period_id)
    marketplace = (
        get_object_or_404(Marketplace, code=payload.marketplace) if payload.marketplace else None
    )
    services.manual_figure_set(
        actor=_actor(request),
        submission=draft,
        indicator=payload.indicator,
        marketplace=marketplace,
        value=payload.value,
        cumulative=payload.cumulative,
        source=payload.source,
    )
    return _submission_out(draft)


@router.post(
    "/filings/{province_code}/{period_id}/submit",
    response=SubmissionOut,
    summary="Submit the draft; it never changes again",
)
@refused_is_403
def submission_submit(
    request: HttpRequest, province_code: str, period_id: str, payload: SubmitIn
) -> SubmissionOut:
    draft = _draft(request, province_code, period_id)
    return _submission_out(
        services.submission_submit(actor=_actor(request), submission=draft, comment=payload.comment)
    )


@router.post(
    "/filings/{province_code}/{period_id}/corrections",
    response=SubmissionOut,
    summary="Open a correction of the latest submitted version (a new draft version)",
)
@refused_is_403
def submission_correct(
    request: HttpRequest, province_code: str, period_id: str, payload: CorrectIn
) -> SubmissionOut:
    latest = _draft(request, province_code, period_id)
    return _submission_out(
        services.submission_correct(actor=_actor(request), submission=latest, reason=payload.reason)
    )


@router.post(
    "/figures/{province_code}/{period_id}",
    response=FiguresOut,
    summary="An external marketplace posts its figures for a province and period",
    description=(
        "For marketplaces that run their own systems. Idempotent: the same version again changes"
        ' nothing; an older version than the one held is answered "stale". Each figure keeps'
        " who sent it, with which key and in which request (X-Request-ID), so that a filed report"
        " can be traced back to its sender."
    ),
)
@refused_is_403
def figures_post(
    request: HttpRequest, province_code: str, period_id: str, payload: FiguresIn
) -> FiguresOut:
    figures = {f.indicator: (f.value, f.cumulative) for f in payload.figures}
    results = services.external_figures_receive(
        actor=_actor(request),
        province=_province(province_code),
        period_id=period_id,
        version=payload.version,
        figures=figures,
        key_prefix=getattr(getattr(request, "api_key", None), "prefix", ""),
        request_id=request.headers.get("X-Request-ID", ""),
    )
    return FiguresOut(results=results)
