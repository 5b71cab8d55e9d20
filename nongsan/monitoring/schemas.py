"""Shapes of the monitoring API."""

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema


class IndicatorOut(Schema):
    code: str
    group: str
    group_title: str
    number: int
    label: str
    unit: str
    aggregation: str
    source: str
    computed: bool = Field(description="False: entered by hand until the source app exists")
    default_target_pct: int | None


class MarketplaceFigureOut(Schema):
    marketplace: str
    value: int | float
    cumulative: int | float


class ReportRowOut(Schema):
    indicator: str
    value: int | float | None = Field(description="II.2 in tonnes (3 decimals), else a count")
    previous: int | float | None
    growth_pct: float | None = Field(description="null when the previous period had zero")
    cumulative: int | float | None
    target: int | None
    completion_pct: float | None
    by_marketplace: list[MarketplaceFigureOut]
    pace_needed_per_week: float | None = Field(
        None, description="what is left of the target, per week to 31 December"
    )
    pace_recent_per_week: float | None = Field(None, description="average of the last 4 weeks")
    on_track: bool | None = Field(None, description="null when there is no target")
    notes: dict[str, list[str]] = Field(
        default_factory=dict,
        description="II.6: provinces reached by region; II.7: countries reached by continent",
    )


class PeriodOut(Schema):
    id: str
    kind: str
    start: dt.date
    end: dt.date
    due: dt.datetime


class ReportOut(Schema):
    unit: str
    unit_name: str
    marketplace: str | None = Field(description="null: all marketplaces, households counted once")
    period: PeriodOut
    previous_period: PeriodOut
    generated_at: dt.datetime
    missing_targets: int
    rows: list[ReportRowOut]


class TargetIn(Schema):
    baseline_households: int | None
    percentages: dict[str, int] = Field(default_factory=dict, examples=[{"I.1": 70}])
    source: str = ""


class TargetOut(Schema):
    province_code: str
    year: int
    baseline_households: int | None
    percentages: dict[str, int]


class IndicatorTargetIn(Schema):
    value: int | None = Field(description="null clears the target")


class IndicatorTargetOut(Schema):
    province_code: str
    year: int
    indicator: str
    value: int | None


class FigureIn(Schema):
    indicator: str = Field(examples=["I.3"])
    value: Decimal = Field(ge=0, description="gained in the period (II.2 in tonnes)")
    cumulative: Decimal | None = Field(None, ge=0, description="cumulative to the period's end")


class FiguresIn(Schema):
    version: int = Field(
        ge=1, description="raise it to replace figures already sent; the same again is a no-op"
    )
    figures: list[FigureIn] = Field(min_length=1, max_length=32)


class FiguresOut(Schema):
    results: dict[str, str] = Field(
        description='per indicator: "created", "updated", "unchanged" or "stale"'
    )


class ManualFigureOut(Schema):
    indicator: str
    marketplace: str | None
    value: Decimal
    cumulative: Decimal | None
    source: str
    counted: Decimal | None = Field(description="what the platform counted; null: nothing")
    differs: bool


class SubmissionOut(Schema):
    id: int
    province_code: str
    period_id: str
    version: int
    status: str
    due_at: dt.datetime
    submitted_at: dt.datetime | None
    late_by_seconds: int | None = Field(description="null: on time (or not submitted yet)")
    comment: str
    correction_reason: str
    figures: list[ManualFigureOut]
    report: ReportOut = Field(description="the figures as filed: platform's plus manual ones")


class FilingStatusOut(Schema):
    province_code: str
    province_name: str
    filed: bool
    on_time: bool
    late_by_seconds: int | None
    latest_version: int | None
    drafting: bool


class ManualFigureIn(Schema):
    indicator: str
    marketplace: str | None = Field(None, description="marketplace code; null for none")
    value: Decimal = Field(ge=0)
    cumulative: Decimal = Field(ge=0)
    source: str


class SubmitIn(Schema):
    comment: str = ""


class CorrectIn(Schema):
    reason: str
