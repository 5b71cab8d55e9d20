"""Dashboards: provinces ranked and mapped by completion, weekly trend, a province's communes.

Scenario (conftest): Lạng Sơn (10 farm households) opened shops for A (W47, on two marketplaces)
and B (W46); Huế (4) none. I.3's target is 50 %: 5 households in Lạng Sơn, 2 in Huế.
"""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from nongsan.accounts.models import Role
from nongsan.accounts.tests import factories as account_factories
from nongsan.core.timeutils import VN_TZ
from nongsan.monitoring import maps, selectors
from nongsan.monitoring.indicators import BY_CODE

pytestmark = pytest.mark.django_db
DASHBOARD = reverse("monitoring:dashboard")
AFTER_W47 = dt.datetime(2026, 11, 26, 9, tzinfo=VN_TZ)
DOT = re.compile(r"M\d+ \d+h0")  # a dot on the map: a zero-length round-capped stroke


@pytest.fixture
def after_w47(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: AFTER_W47)


def test_provinces_are_ranked_by_completion(scenario):
    standings = selectors.province_standings(indicator=BY_CODE["I.3"], day=dt.date(2026, 11, 25))
    first, second = standings[0], standings[1]
    assert (first.name, first.cumulative, first.target, first.completion_pct) == (
        "Tỉnh Lạng Sơn",
        2,
        5,
        40.0,
    )
    assert (second.name, second.cumulative, second.target, second.completion_pct) == (
        "Thành phố Huế",
        0,
        2,
        0.0,
    )
    assert all(s.target is None for s in standings[2:])  # no baseline elsewhere
    assert len(standings) == 34


def test_the_weekly_trend_counts_what_each_week_gained(scenario):
    trend = selectors.weekly_trend(
        indicator=BY_CODE["I.3"],
        province_ids=None,
        last=selectors.period_from_id("2026-W47"),
    )
    assert len(trend) == selectors.TREND_WEEKS
    assert [(p.period.id, p.value) for p in trend[-3:]] == [
        ("2026-W45", 0),
        ("2026-W46", 1),
        ("2026-W47", 1),
    ]


def test_completion_bands_colour_the_map():
    assert maps.band_for(None, maps.COMPLETION_BANDS) is maps.NO_FIGURE
    assert maps.band_for(0, maps.COMPLETION_BANDS).label == "dưới 25%"
    assert maps.band_for(40, maps.COMPLETION_BANDS).label == "25–50%"
    assert maps.band_for(100, maps.COMPLETION_BANDS).label == "đạt hoặc vượt"
    bands = maps.count_bands([0, 1, 2, 3, 10])
    assert bands[0].label == "0" and maps.band_for(10, bands).colour == maps.COUNT_COLOURS[3]


def test_the_ministry_sees_the_nation(client, scenario, ministry, after_w47):
    client.force_login(ministry)
    response = client.get(DASHBOARD, {"chi_tieu": "I.3"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Toàn quốc" in page and "Tuần 47/2026" in page
    # a dot per commune, grouped by province and titled with its standing
    assert len(DOT.findall(page)) == 3321
    assert page.count('<path stroke="') == 34
    assert "<title>Tỉnh Lạng Sơn: 2 (40%)</title>" in page
    ranking = page[page.index("Xếp hạng tỉnh/thành phố") :]
    assert ranking.index("Tỉnh Lạng Sơn") < ranking.index("Thành phố Huế")
    assert "chưa nộp" in page  # the filing summary of the week


def test_a_province_official_sees_their_communes(client, scenario, after_w47):
    official = account_factories.user(Role.PROVINCE_OFFICIAL, province=scenario["lang_son"])
    client.force_login(official)
    page = client.get(DASHBOARD).content.decode()
    communes = scenario["lang_son"].communes.count()
    assert len(DOT.findall(page)) == communes
    assert re.search(r"<title>[^<]+: 2</title>", page)  # A's and B's commune
    assert "Toàn quốc" not in page


def test_others_are_kept_out(client, db):
    client.force_login(account_factories.user(Role.HOUSEHOLD))
    assert client.get(DASHBOARD).status_code == 403
