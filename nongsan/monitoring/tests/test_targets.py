import io

import pytest

from nongsan.accounts.models import Role
from nongsan.accounts.tests import factories as account_factories
from nongsan.core.errors import ApplicationError
from nongsan.monitoring import selectors, services
from nongsan.monitoring.models import IndicatorTarget, Target
from nongsan.monitoring.tests.scenarios import sheet

pytestmark = pytest.mark.django_db


class TestTargetSet:
    def test_defaults_are_appendix_01_and_percentages_are_editable(self, ministry):
        lang_son = account_factories.province("Lạng Sơn")

        target = services.target_set(
            actor=ministry, province=lang_son, year=2026, baseline_households=1001
        )
        assert [target.pct_for(code) for code in ("I.1", "I.2", "I.3", "I.4")] == [70, 60, 50, 50]
        assert target.households_target("I.1") == 701  # 700.7 rounded up

        target = services.target_set(
            actor=ministry,
            province=lang_son,
            year=2026,
            baseline_households=1000,
            percentages={"I.3": 65},
        )
        assert (target.pct_for("I.1"), target.pct_for("I.3")) == (70, 65)
        assert target.households_target("I.3") == 650
        assert Target.objects.count() == 1

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"baseline_households": -1}, "baseline_households"),
            ({"percentages": {"I.1": 101}}, "I.1"),
            ({"percentages": {"II.4": 10}}, "II.4"),
            ({"year": 1999}, "year"),
        ],
    )
    def test_refuses_bad_values_naming_the_field(self, ministry, changes, field):
        arguments = {
            "actor": ministry,
            "province": account_factories.province(),
            "year": 2026,
            "baseline_households": 10,
        } | changes
        with pytest.raises(ApplicationError) as error:
            services.target_set(**arguments)
        assert error.value.field == field

    def test_only_the_ministry_sets_baselines(self):
        official = account_factories.user(Role.PROVINCE_OFFICIAL)

        with pytest.raises(ApplicationError) as error:
            services.target_set(
                actor=official, province=official.province, year=2026, baseline_households=5
            )
        assert error.value.code == "forbidden"


class TestIndicatorTargetSet:
    def test_a_province_official_sets_absolute_targets_for_their_province(self):
        official = account_factories.user(Role.PROVINCE_OFFICIAL)

        target = services.indicator_target_set(
            actor=official, province=official.province, year=2026, indicator="II.4", value=120
        )
        services.indicator_target_set(
            actor=official, province=official.province, year=2026, indicator="II.4", value=150
        )

        target.refresh_from_db()
        assert target.value == 150
        assert selectors.targets_for(province_ids=[official.province_id], year=2026) == {
            "II.4": 150
        }
        services.indicator_target_set(
            actor=official, province=official.province, year=2026, indicator="II.4", value=None
        )
        assert not IndicatorTarget.objects.exists()

    def test_not_for_another_province(self):
        official = account_factories.user(Role.PROVINCE_OFFICIAL)

        with pytest.raises(ApplicationError) as error:
            services.indicator_target_set(
                actor=official,
                province=account_factories.province("Huế"),
                year=2026,
                indicator="II.4",
                value=10,
            )
        assert error.value.code == "forbidden"

    @pytest.mark.parametrize(
        ("indicator", "value", "field"),
        [("I.1", 10, "indicator"), ("X.9", 10, "indicator"), ("II.4", 0, "value")],
    )
    def test_refuses_percentage_indicators_unknown_codes_and_zero(
        self, ministry, indicator, value, field
    ):
        with pytest.raises(ApplicationError) as error:
            services.indicator_target_set(
                actor=ministry,
                province=account_factories.province(),
                year=2026,
                indicator=indicator,
                value=value,
            )
        assert error.value.field == field


class TestBaselinesImport:
    ROWS = [
        ["STT", "Tỉnh/thành phố", "Số hộ SXNN"],
        [1, "Lạng Sơn", 120000],
        [2, "tinh hue", "85.000"],
        [3, "Bắc Giang", 300000],  # merged into Bắc Ninh on 1 July 2025
        [4, "Bắc Ninh", 150000],
        [5, "Atlantis", 10],
        [6, "Cần Thơ", "nhiều"],
        [7, "", ""],
        [8, "", 5],
        [9, "Huế", "12,5"],
    ]

    def test_reports_every_row_and_keeps_the_good_ones(self, ministry):
        report = services.baselines_import(actor=ministry, file=sheet(self.ROWS), year=2026)

        statuses = [(row.number, row.status) for row in report.rows]
        assert statuses == [
            (2, "created"), (3, "created"), (4, "created"), (5, "created"),
            (6, "rejected"), (7, "rejected"), (9, "rejected"), (10, "rejected"),
        ]  # fmt: skip
        reasons = {row.number: row.reason for row in report.rejected}
        assert "Atlantis" in reasons[6]
        assert "nhiều" in reasons[7]
        assert reasons[9] == "Thiếu tên tỉnh/thành phố."
        assert "12,5" in reasons[10]
        baselines = dict(
            Target.objects.filter(year=2026).values_list(
                "province__short_name", "baseline_households"
            )
        )
        assert baselines == {"Lạng Sơn": 120000, "Huế": 85000, "Bắc Ninh": 450000}

    def test_importing_again_changes_nothing(self, ministry):
        services.baselines_import(actor=ministry, file=sheet(self.ROWS), year=2026)
        before = list(Target.objects.values_list("province_id", "baseline_households"))

        report = services.baselines_import(actor=ministry, file=sheet(self.ROWS), year=2026)

        assert report.count("unchanged") == 4
        assert report.count("created") == report.count("updated") == 0
        assert list(Target.objects.values_list("province_id", "baseline_households")) == before

    def test_a_province_code_typed_as_a_number(self, ministry):
        code = account_factories.province("Lạng Sơn").code

        report = services.baselines_import(
            actor=ministry, file=sheet([["Mã tỉnh", "Số hộ"], [int(code), 7.0]]), year=2026
        )

        assert report.rows[0].status == "created"
        assert Target.objects.get().baseline_households == 7

    def test_a_sheet_without_the_columns_is_refused(self, ministry):
        with pytest.raises(ApplicationError) as error:
            services.baselines_import(actor=ministry, file=sheet([["A", "B"], [1, 2]]), year=2026)
        assert error.value.field == "file"

    def test_a_file_that_is_not_a_spreadsheet_is_refused(self, ministry):
        with pytest.raises(ApplicationError) as error:
            services.baselines_import(actor=ministry, file=io.BytesIO(b"not excel"), year=2026)
        assert error.value.field == "file"
