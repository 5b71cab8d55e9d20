"""Reporting periods: weekly (Appendix 02) and monthly (Appendix 03, Decree 09/2019 art. 12).

Pure functions over dates. A weekly period is the seven days ending the day before its due
weekday (Thursday), due at 14:00 local time; a monthly period runs from the 15th of the previous
month to the 14th of the reporting month, due on the 25th at 14:00. Each default is a setting.
Ids are stable and readable: "2026-W47" names the week by the ISO week of its first day, "2026-11"
names the month by the reporting month.
"""

import datetime as dt
import enum
import re
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from nongsan.core.errors import ApplicationError
from nongsan.core.timeutils import local_datetime, local_day_bounds, to_local

ONE_DAY = dt.timedelta(days=1)
WEEK_ID = re.compile(r"^(\d{4})-W(\d{2})$")
MONTH_ID = re.compile(r"^(\d{4})-(\d{2})$")


class PeriodKind(enum.StrEnum):
    WEEKLY = "weekly"
    MONTHLY = "monthly"


@dataclass(frozen=True)
class Period:
    kind: PeriodKind
    id: str
    start: dt.date  # first local day, inclusive
    end: dt.date  # last local day, inclusive
    due: dt.datetime  # aware deadline

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def starts_at(self) -> dt.datetime:
        """The first instant of the period (00:00 local on its first day)."""
        return local_day_bounds(self.start)[0]

    @property
    def ends_before(self) -> dt.datetime:
        """The cut-off instant: 00:00 local on the day after its last day, exclusive."""
        return local_day_bounds(self.end)[1]

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    @property
    def label(self) -> str:
        if self.kind == PeriodKind.WEEKLY:
            return _("Tuần %(week)s/%(year)s (%(start)s – %(end)s)") % {
                "week": int(self.id[-2:]),
                "year": self.id[:4],
                "start": self.start.strftime("%d/%m/%Y"),
                "end": self.end.strftime("%d/%m/%Y"),
            }
        return _("Tháng %(month)s/%(year)s (%(start)s – %(end)s)") % {
            "month": int(self.id[-2:]),
            "year": self.id[:4],
            "start": self.start.strftime("%d/%m/%Y"),
            "end": self.end.strftime("%d/%m/%Y"),
        }


def _due_time() -> tuple[int, int]:
    hour, minute = getattr(settings, "MONITORING_DUE_TIME", (14, 0))
    return int(hour), int(minute)


def _weekly_due_weekday() -> int:
    """Monday is 0; Appendix 02 says Thursday."""
    weekday = int(getattr(settings, "MONITORING_WEEKLY_DUE_WEEKDAY", 3))
    if not 0 <= weekday <= 6:
        raise ValueError("MONITORING_WEEKLY_DUE_WEEKDAY must be 0 (Monday) to 6 (Sunday)")
    return weekday


def _monthly_start_day() -> int:
    day = int(getattr(settings, "MONITORING_MONTHLY_START_DAY", 15))
    if not 2 <= day <= 28:
        raise ValueError("MONITORING_MONTHLY_START_DAY must be 2 to 28")
    return day


def _monthly_due_day() -> int:
    day = int(getattr(settings, "MONITORING_MONTHLY_DUE_DAY", 25))
    if not 1 <= day <= 28:
        raise ValueError("MONITORING_MONTHLY_DUE_DAY must be 1 to 28")
    return day


def _deadline(day: dt.date) -> dt.datetime:
    hour, minute = _due_time()
    return local_datetime(day, hour, minute)


# Weekly ---------------------------------------------------------------------------------------


def _week_from_start(start: dt.date) -> Period:
    iso = start.isocalendar()
    due_day = start + dt.timedelta(days=7)
    return Period(
        kind=PeriodKind.WEEKLY,
        id=f"{iso.year}-W{iso.week:02d}",
        start=start,
        end=start + dt.timedelta(days=6),
        due=_deadline(due_day),
    )


def week_containing(day: dt.date) -> Period:
    # The period starts on the due weekday and ends the day before the next one.
    back = (day.weekday() - _weekly_due_weekday()) % 7
    return _week_from_start(day - dt.timedelta(days=back))


# Monthly --------------------------------------------------------------------------------------


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def _month(year: int, month: int) -> Period:
    start_day = _monthly_start_day()
    previous_year, previous_month = _add_months(year, month, -1)
    return Period(
        kind=PeriodKind.MONTHLY,
        id=f"{year:04d}-{month:02d}",
        start=dt.date(previous_year, previous_month, start_day),
        end=dt.date(year, month, start_day - 1),
        due=_deadline(dt.date(year, month, _monthly_due_day())),
    )


def month_containing(day: dt.date) -> Period:
    if day.day >= _monthly_start_day():
        return _month(*_add_months(day.year, day.month, 1))
    return _month(day.year, day.month)


# Both -----------------------------------------------------------------------------------------


def period_containing(*, kind: PeriodKind | str, day: dt.date) -> Period:
    if PeriodKind(kind) == PeriodKind.WEEKLY:
        return week_containing(day)
    return month_containing(day)


def period_previous(period: Period) -> Period:
    return period_containing(kind=period.kind, day=period.start - ONE_DAY)


def period_next(period: Period) -> Period:
    return period_containing(kind=period.kind, day=period.end + ONE_DAY)


def period_last_ended(*, kind: PeriodKind | str, moment: dt.datetime) -> Period:
    """The period whose report is being prepared at this moment: the last one that has ended."""
    return period_previous(period_containing(kind=kind, day=to_local(moment).date()))


def period_from_id(period_id: str) -> Period:
    """Parse "2026-W47" or "2026-11"; a malformed or impossible id is an ApplicationError."""
    text = period_id.strip()
    if match := WEEK_ID.match(text):
        year, week = int(match[1]), int(match[2])
        try:
            monday = dt.date.fromisocalendar(year, week, 1)
        except ValueError:
            raise ApplicationError(
                _("Không có tuần %(week)s trong năm %(year)s.") % {"week": week, "year": year},
                field="period",
            ) from None
        weekday = _weekly_due_weekday()
        return _week_from_start(monday + dt.timedelta(days=weekday))
    if match := MONTH_ID.match(text):
        year, month = int(match[1]), int(match[2])
        if not (1 <= month <= 12 and 2 <= year <= 9998):
            raise ApplicationError(
                _("Tháng %(month)s không hợp lệ.") % {"month": month}, field="period"
            )
        return _month(year, month)
    raise ApplicationError(
        _("Mã kỳ báo cáo “%(id)s” không đúng dạng “2026-W47” (tuần) hoặc “2026-11” (tháng).")
        % {"id": period_id},
        field="period",
    )
