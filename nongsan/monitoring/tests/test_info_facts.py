"""III.1, III.2 and III.5 in the report, from facts: folded as they happen and rebuilt from
scratch alike, equal to the figures worked out by hand in test_info_indicators' scenario."""

import datetime as dt

import pytest
from django.utils import timezone

from nongsan.catalog.tests import factories as catalog_factories
from nongsan.monitoring import selectors, services
from nongsan.monitoring.periods import Period, PeriodKind
from nongsan.monitoring.tests.test_info_indicators import bulletins  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def period_of(start, end):
    """A report period over these local days."""
    return Period(PeriodKind.MONTHLY, "test", start, end, due=timezone.now())


def reports(period, *units):
    return [selectors.report_build(unit=unit, period=period) for unit in units]


def units(scenario):
    return (
        selectors.Unit(selectors.UnitKind.NATION, "Toàn quốc"),
        selectors.Unit(selectors.UnitKind.PROVINCE, "LS", province=scenario["ls"]),
        selectors.Unit(selectors.UnitKind.PROVINCE, "HN", province=scenario["hn"]),
    )


def figures(report, code):
    row = report.row(code)
    return (row.value, row.cumulative)


def test_bulletins_counted_once_nationally_and_per_province_they_reached(bulletins):  # noqa: F811
    period = period_of(bulletins["start"], bulletins["end"])
    services.facts_fold()
    nation, lang_son, hanoi = reports(period, *units(bulletins))
    assert figures(nation, "III.1") == (4, 5)
    assert figures(lang_son, "III.1") == (3, 4)
    assert figures(hanoi, "III.1")[0] == 2
    assert figures(nation, "III.2")[0] == 5
    assert figures(lang_son, "III.2")[0] == 4
    assert figures(hanoi, "III.2")[0] == 2
    assert not nation.row("III.1").indicator.status_note.startswith("Nhập")

    services.facts_rebuild()
    rebuilt = reports(period, *units(bulletins))
    for before, after in zip((nation, lang_son, hanoi), rebuilt, strict=True):
        for code in ("III.1", "III.2"):
            assert figures(before, code) == figures(after, code)


def test_inputs_with_a_household_price_count_from_their_first_day_on_offer(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    today = timezone.localdate()
    shop = catalog_factories.input_shop()
    catalog_factories.fertiliser(shop)  # on offer from today
    catalog_factories.fertiliser(  # a season already over: never on offer
        shop,
        season_start=today - dt.timedelta(days=90),
        season_end=today - dt.timedelta(days=1),
    )
    later = catalog_factories.fertiliser(  # on offer from its season's start, in a week
        shop,
        season_start=today + dt.timedelta(days=7),
        season_end=today + dt.timedelta(days=60),
    )
    services.facts_fold()
    nation = selectors.Unit(selectors.UnitKind.NATION, "Toàn quốc")
    this_week = period_of(today - dt.timedelta(days=6), today)
    next_week = period_of(today + dt.timedelta(days=1), today + dt.timedelta(days=7))
    assert figures(selectors.report_build(unit=nation, period=this_week), "III.5") == (1, 1)
    assert figures(selectors.report_build(unit=nation, period=next_week), "III.5") == (1, 2)
    assert later.household_price.season_start == today + dt.timedelta(days=7)

    services.facts_rebuild()
    assert figures(selectors.report_build(unit=nation, period=next_week), "III.5") == (1, 2)
