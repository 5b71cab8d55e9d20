"""The period report, from scenarios built through the households services, worked out by hand.

Lạng Sơn (Miền Bắc) has households A, B, C; Huế (Miền Trung) has D. Week 2026-W47 runs from
Thursday 19 to Wednesday 25 November 2026; W46 from 12 to 18 November; W48 starts at 00:00 on
26 November local time, which is 17:00 UTC on the 25th.
"""

import datetime as dt

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from nongsan.accounts.models import Role
from nongsan.accounts.tests import factories as account_factories
from nongsan.households.models import Milestone
from nongsan.households.tests import factories as household_factories
from nongsan.monitoring import selectors, services
from nongsan.monitoring.periods import period_from_id
from nongsan.monitoring.tests.scenarios import local, record

pytestmark = pytest.mark.django_db
Kind = Milestone.Kind


def unit_of(actor, key):
    return selectors.unit_get_for(actor=actor, key=key)


class TestProvinceReport:
    def test_weekly_figures_for_a_province(self, scenario, ministry, postmart, voso):
        unit = unit_of(ministry, f"province-{scenario['lang_son'].code}")

        report = selectors.report_build(unit=unit, period=period_from_id("2026-W47"))

        trained = report.row("I.1")  # B in W47; A in W46; C falls in W48
        assert (trained.value, trained.previous, trained.growth_pct) == (1, 1, 0.0)
        assert trained.cumulative == 2
        assert trained.target == 7  # 70 % of 10 households
        assert trained.completion_pct == 28.6  # 2 / 7

        # 5 more households in the 36 days (5.14 weeks) left of 2026, at 2 in the last 4 weeks
        assert trained.pace == selectors.Pace(
            needed_per_week=1.0, recent_per_week=0.5, on_track=False
        )

        packaging = report.row("I.2")  # C in W47, nobody before: growth is "—"
        assert (packaging.value, packaging.previous, packaging.growth_pct) == (1, 0, None)
        assert (packaging.target, packaging.completion_pct) == (6, 16.7)

        shops = report.row("I.3")  # A from 19 Nov 00:00 (W47), B on 18 Nov 23:59 (W46)
        assert (shops.value, shops.previous, shops.cumulative) == (1, 1, 2)
        assert (shops.target, shops.completion_pct) == (5, 40.0)
        by_marketplace = {f.marketplace: (f.value, f.cumulative) for f in shops.by_marketplace}
        assert by_marketplace == {postmart: (1, 1), voso: (1, 2)}

        payment = report.row("I.4")
        assert (payment.value, payment.previous, payment.growth_pct) == (0, 0, None)

    def test_one_marketplace(self, scenario, ministry, voso):
        unit = unit_of(ministry, f"province-{scenario['lang_son'].code}")

        report = selectors.report_build(
            unit=unit, period=period_from_id("2026-W47"), marketplace=voso
        )

        shops = report.row("I.3")  # Vỏ Sò: A on 21 Nov, B on 18 Nov
        assert (shops.value, shops.previous, shops.cumulative) == (1, 1, 2)
        assert shops.by_marketplace == ()
        assert report.row("I.1").cumulative == 0  # training is not on a marketplace

    def test_the_next_week_takes_the_household_trained_at_its_first_instant(
        self, scenario, ministry
    ):
        unit = unit_of(ministry, f"province-{scenario['lang_son'].code}")

        report = selectors.report_build(unit=unit, period=period_from_id("2026-W48"))

        trained = report.row("I.1")
        assert (trained.value, trained.previous, trained.cumulative) == (1, 1, 3)

    def test_monthly_period_is_15_october_to_14_november(self, scenario, ministry):
        unit = unit_of(ministry, f"province-{scenario['lang_son'].code}")

        report = selectors.report_build(unit=unit, period=period_from_id("2026-11"))

        assert (report.row("I.1").value, report.row("I.1").cumulative) == (1, 1)  # A only
        assert report.row("I.3").value == 0

    def test_indicators_without_a_source_app_have_no_figures(self, scenario, ministry):
        unit = unit_of(ministry, f"province-{scenario['lang_son'].code}")

        report = selectors.report_build(unit=unit, period=period_from_id("2026-W47"))

        manual = [row for row in report.rows if not row.indicator.is_computed]
        assert [row.indicator.code for row in manual] == []
        assert all(row.value is None and row.cumulative is None for row in manual)
        assert [len(section.rows) for section in report.sections] == [4, 7, 5]


class TestLargerUnits:
    def test_nation_counts_households_once_across_marketplaces(
        self, scenario, ministry, postmart, voso
    ):
        report = selectors.report_build(
            unit=unit_of(ministry, "nation"), period=period_from_id("2026-W47")
        )

        trained = report.row("I.1")  # B and D in W47, A in W46
        assert (trained.value, trained.previous, trained.growth_pct) == (2, 1, 100.0)
        assert trained.cumulative == 3
        assert trained.target == 7 + 3  # 70 % of 10, and 70 % of 4 rounded up
        shops = report.row("I.3")
        assert (shops.value, shops.cumulative) == (1, 2)  # A once, though on two marketplaces
        by_marketplace = {f.marketplace: (f.value, f.cumulative) for f in shops.by_marketplace}
        assert by_marketplace == {postmart: (1, 1), voso: (1, 2)}
        assert report.missing_targets == 34 - 2

    def test_region(self, scenario, ministry):
        north = selectors.report_build(
            unit=unit_of(ministry, "region-north"), period=period_from_id("2026-W47")
        )
        central = selectors.report_build(
            unit=unit_of(ministry, "region-central"), period=period_from_id("2026-W47")
        )

        assert (north.row("I.1").value, north.row("I.1").cumulative) == (1, 2)
        assert (central.row("I.1").value, central.row("I.1").cumulative) == (1, 1)
        assert central.row("I.1").target == 3

    def test_the_report_reads_the_same_number_of_rows_whatever_the_households(
        self, scenario, ministry, postmart
    ):
        unit = unit_of(ministry, "nation")
        period = period_from_id("2026-W47")
        with CaptureQueriesContext(connection) as before:
            selectors.report_build(unit=unit, period=period)
        commune = account_factories.commune("Cần Thơ")
        for _ in range(5):
            household = household_factories.household(commune=commune)
            record(household, Kind.SHOP_OPENED, local(20), postmart)
        services.facts_fold()

        with CaptureQueriesContext(connection) as after:
            report = selectors.report_build(unit=unit, period=period)

        assert report.row("I.3").value == 6
        assert len(after) == len(before)


class TestScope:
    def test_a_province_official_sees_only_their_province(self, scenario):
        official = account_factories.user(Role.PROVINCE_OFFICIAL, province=scenario["lang_son"])

        keys = [unit.key for unit in selectors.report_units(actor=official)]

        assert keys == [f"province-{scenario['lang_son'].code}"]
        for key in ("nation", "region-north", f"province-{scenario['hue'].code}"):
            with pytest.raises(Http404):
                selectors.unit_get_for(actor=official, key=key)

    def test_the_ministry_sees_nation_regions_and_all_provinces(self, ministry):
        keys = [unit.key for unit in selectors.report_units(actor=ministry)]

        assert keys[:4] == ["nation", "region-north", "region-central", "region-south"]
        assert len(keys) == 4 + 34

    @pytest.mark.parametrize("role", [Role.BUYER, Role.FIELD_AGENT, Role.MARKETPLACE_OPERATOR])
    def test_other_roles_see_no_report(self, role):
        actor = account_factories.user(role)

        assert selectors.report_units(actor=actor) == []
        with pytest.raises(Http404):
            selectors.unit_get_for(actor=actor, key="nation")


@pytest.mark.parametrize(
    ("value", "previous", "expected"),
    [(3, 2, 50.0), (1, 2, -50.0), (0, 0, None), (5, 0, None), (2, 3, -33.3)],
)
def test_growth(value, previous, expected):
    assert selectors.growth_pct(value=value, previous=previous) == expected


class TestPace:
    def test_on_track_when_the_recent_pace_covers_what_is_left(self):
        pace = selectors.pace_of(
            cumulative=9, target=10, recent=4, day=dt.date(2026, 11, 25)
        )  # 1 left over 5.14 weeks; 1 a week lately

        assert pace == selectors.Pace(needed_per_week=0.2, recent_per_week=1.0, on_track=True)

    def test_after_the_year_only_the_result_counts(self):
        late = selectors.pace_of(cumulative=9, target=10, recent=8, day=dt.date(2026, 12, 31))
        done = selectors.pace_of(cumulative=10, target=10, recent=0, day=dt.date(2026, 12, 31))

        assert (late.needed_per_week, late.on_track) == (None, False)
        assert done.on_track is True

    def test_no_target_no_pace(self):
        day = dt.date(2026, 1, 1)

        assert selectors.pace_of(cumulative=1, target=None, recent=1, day=day) is None
