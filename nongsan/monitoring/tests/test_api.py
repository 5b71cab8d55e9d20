import pytest

from nongsan.accounts.models import Role
from nongsan.accounts.tests import factories as account_factories
from nongsan.monitoring.models import IndicatorTarget, Target

pytestmark = pytest.mark.django_db
BASE = "/api/monitoring"


def province_code(short_name):
    return account_factories.province(short_name).code


def test_indicators_are_public_and_say_which_are_manual(client):
    response = client.get(f"{BASE}/indicators")

    assert response.status_code == 200
    indicators = {i["code"]: i for i in response.json()}
    assert len(indicators) == 16
    assert indicators["I.3"]["label"] == "Số hộ SXNN có tài khoản bán hàng/gian hàng trên sàn"
    assert (indicators["I.1"]["computed"], indicators["I.1"]["default_target_pct"]) == (True, 70)
    assert (indicators["II.2"]["computed"], indicators["II.2"]["unit"]) == (True, "Tấn")
    assert (indicators["II.3"]["computed"], indicators["II.3"]["unit"]) == (True, "Sản phẩm")
    assert [code for code, i in indicators.items() if i["computed"]] == [
        "I.1", "I.2", "I.3", "I.4", "II.1", "II.2", "II.3", "II.4", "II.5", "II.6", "II.7",
        "III.1", "III.2", "III.3", "III.4", "III.5",
    ]  # fmt: skip


class TestReport:
    def test_a_province_report_as_json(self, client, scenario, ministry, postmart):
        client.force_login(ministry)

        response = client.get(f"{BASE}/reports/province-{province_code('Lạng Sơn')}/2026-W47")

        assert response.status_code == 200
        body = response.json()
        assert body["period"]["start"] == "2026-11-19"
        assert body["period"]["due"].startswith("2026-11-26T")
        rows = {row["indicator"]: row for row in body["rows"]}
        assert (rows["I.1"]["value"], rows["I.1"]["cumulative"]) == (1, 2)
        assert rows["I.2"]["growth_pct"] is None
        assert (rows["I.1"]["pace_needed_per_week"], rows["I.1"]["on_track"]) == (1.0, False)
        assert rows["II.4"]["on_track"] is None  # no target
        assert rows["I.3"]["by_marketplace"] == [
            {"marketplace": "postmart", "value": 1, "cumulative": 1},
            {"marketplace": "voso", "value": 1, "cumulative": 2},
        ]
        assert rows["II.2"]["value"] == 0  # tonnes delivered: none in the scenario
        assert rows["II.3"]["value"] == 0  # products marked: none in the scenario

    def test_one_marketplace(self, client, scenario, ministry, voso):
        client.force_login(ministry)

        body = client.get(f"{BASE}/reports/nation/2026-W47", {"marketplace": "voso"}).json()

        assert body["marketplace"] == "voso"
        assert {r["indicator"]: r["cumulative"] for r in body["rows"]}["I.3"] == 2

    def test_out_of_scope_unit_bad_period_and_anonymous(self, client, scenario):
        assert client.get(f"{BASE}/reports/nation/2026-W47").status_code == 401
        client.force_login(account_factories.user(Role.PROVINCE_OFFICIAL))  # Lạng Sơn

        assert client.get(f"{BASE}/reports/nation/2026-W47").status_code == 404
        hue = province_code("Huế")
        assert client.get(f"{BASE}/reports/province-{hue}/2026-W47").status_code == 404
        own = province_code("Lạng Sơn")
        response = client.get(f"{BASE}/reports/province-{own}/2026-W99")
        assert (response.status_code, response.json()["field"]) == (400, "period")


class TestTargets:
    def test_the_ministry_sets_a_baseline_and_percentages(self, client, ministry):
        client.force_login(ministry)
        code = province_code("Lạng Sơn")

        response = client.put(
            f"{BASE}/targets/2026/{code}",
            {"baseline_households": 1000, "percentages": {"I.1": 80}},
            content_type="application/json",
        )

        assert response.status_code == 200
        assert response.json()["percentages"] == {"I.1": 80, "I.2": 60, "I.3": 50, "I.4": 50}
        assert Target.objects.get().baseline_households == 1000
        assert [t["province_code"] for t in client.get(f"{BASE}/targets/2026").json()] == [code]

    def test_a_province_official_may_not_set_baselines_but_may_set_own_absolute_targets(
        self, client
    ):
        client.force_login(account_factories.user(Role.PROVINCE_OFFICIAL))  # Lạng Sơn
        own, other = province_code("Lạng Sơn"), province_code("Huế")

        refused = client.put(
            f"{BASE}/targets/2026/{own}",
            {"baseline_households": 5},
            content_type="application/json",
        )
        allowed = client.put(
            f"{BASE}/targets/2026/{own}/II.4", {"value": 40}, content_type="application/json"
        )
        elsewhere = client.put(
            f"{BASE}/targets/2026/{other}/II.4", {"value": 40}, content_type="application/json"
        )

        assert (refused.status_code, refused.json()["code"]) == (400, "forbidden")
        assert (allowed.status_code, allowed.json()["value"]) == (200, 40)
        assert (elsewhere.status_code, elsewhere.json()["code"]) == (400, "forbidden")
        assert list(IndicatorTarget.objects.values_list("indicator", "value")) == [("II.4", 40)]
