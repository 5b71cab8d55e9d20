import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nongsan.core.errors import ApplicationError
from nongsan.core.timeutils import VN_TZ
from nongsan.monitoring import periods
from nongsan.monitoring.periods import PeriodKind

DAYS = st.dates(min_value=dt.date(2021, 1, 1), max_value=dt.date(2099, 12, 31))
KINDS = st.sampled_from(list(PeriodKind))


class TestWeekly:
    def test_week_47_of_2026(self):
        week = periods.week_containing(dt.date(2026, 11, 23))

        assert week.id == "2026-W47"
        assert (week.start, week.end) == (dt.date(2026, 11, 19), dt.date(2026, 11, 25))
        assert week.due == dt.datetime(2026, 11, 26, 14, 0, tzinfo=VN_TZ)
        assert week.due == dt.datetime(2026, 11, 26, 7, 0, tzinfo=dt.UTC)
        assert week.ends_before == dt.datetime(2026, 11, 25, 17, 0, tzinfo=dt.UTC)

    def test_the_53rd_iso_week_of_2026_and_the_first_of_2027(self):
        last = periods.period_from_id("2026-W53")
        first = periods.period_next(last)

        assert (last.start, last.end) == (dt.date(2026, 12, 31), dt.date(2027, 1, 6))
        assert first.id == "2027-W01"
        assert first.start == dt.date(2027, 1, 7)

    @given(day=DAYS)
    def test_seven_days_from_the_due_weekday_to_the_day_before_the_due_day(self, day):
        week = periods.week_containing(day)

        assert week.contains(day)
        assert week.days == 7
        assert week.start.weekday() == 3  # Thursday
        assert week.due.astimezone(VN_TZ).date() == week.end + dt.timedelta(days=1)
        assert week.due.astimezone(VN_TZ).time() == dt.time(14, 0)

    def test_the_due_weekday_is_a_setting(self, settings):
        settings.MONITORING_WEEKLY_DUE_WEEKDAY = 0  # Monday

        week = periods.week_containing(dt.date(2026, 11, 23))

        assert (week.start, week.end) == (dt.date(2026, 11, 23), dt.date(2026, 11, 29))
        assert week.id == "2026-W48"
        assert periods.period_from_id("2026-W48") == week


class TestMonthly:
    @pytest.mark.parametrize(
        ("day", "period_id", "start", "end", "due"),
        [
            ("2026-11-14", "2026-11", "2026-10-15", "2026-11-14", "2026-11-25"),
            ("2026-11-15", "2026-12", "2026-11-15", "2026-12-14", "2026-12-25"),
            ("2026-12-20", "2027-01", "2026-12-15", "2027-01-14", "2027-01-25"),
            ("2028-02-29", "2028-03", "2028-02-15", "2028-03-14", "2028-03-25"),
        ],
    )
    def test_fifteenth_of_previous_month_to_fourteenth_due_on_the_25th(
        self, day, period_id, start, end, due
    ):
        month = periods.month_containing(dt.date.fromisoformat(day))

        assert month.id == period_id
        assert (month.start, month.end) == (
            dt.date.fromisoformat(start),
            dt.date.fromisoformat(end),
        )
        assert month.due == dt.datetime.fromisoformat(f"{due}T14:00:00+07:00")

    def test_start_and_due_days_are_settings(self, settings):
        settings.MONITORING_MONTHLY_START_DAY = 21
        settings.MONITORING_MONTHLY_DUE_DAY = 26
        settings.MONITORING_DUE_TIME = (9, 30)

        month = periods.period_from_id("2026-11")

        assert (month.start, month.end) == (dt.date(2026, 10, 21), dt.date(2026, 11, 20))
        assert month.due == dt.datetime(2026, 11, 26, 9, 30, tzinfo=VN_TZ)


class TestBoth:
    @given(day=DAYS, kind=KINDS)
    def test_consecutive_and_non_overlapping(self, day, kind):
        period = periods.period_containing(kind=kind, day=day)
        following = periods.period_next(period)
        preceding = periods.period_previous(period)

        assert period.contains(day)
        assert following.start == period.end + dt.timedelta(days=1)
        assert preceding.end == period.start - dt.timedelta(days=1)
        assert periods.period_previous(following) == period
        assert following.id > period.id > preceding.id
        assert preceding.due < period.due < following.due
        assert period.due > period.ends_before

    @given(day=DAYS, kind=KINDS)
    def test_ids_read_back_to_the_same_period(self, day, kind):
        period = periods.period_containing(kind=kind, day=day)

        assert periods.period_from_id(period.id) == period

    def test_last_ended_period_at_a_moment(self):
        before = dt.datetime(2026, 11, 25, 23, 59, tzinfo=VN_TZ)
        after = dt.datetime(2026, 11, 26, 0, 0, tzinfo=VN_TZ)

        assert periods.period_last_ended(kind="weekly", moment=before).id == "2026-W46"
        assert periods.period_last_ended(kind="weekly", moment=after).id == "2026-W47"
        assert periods.period_last_ended(kind="monthly", moment=after).id == "2026-11"

    @pytest.mark.parametrize("bad", ["2026-W54", "2026-W00", "2026-13", "2026-00", "tuần 47", ""])
    def test_malformed_ids_are_refused_with_a_message(self, bad):
        with pytest.raises(ApplicationError) as error:
            periods.period_from_id(bad)

        assert error.value.field == "period"
        assert error.value.message
