"""Filing a province's report: drafts, manual figures with their source, submission, immutable
versions, timeliness, the filing board, reminders and partners' posted figures.

The scenario (conftest): Lạng Sơn has A, B, C; in W47 (19-25 November 2026, due Thursday 26 at
14:00 local, 07:00 UTC) one household was trained (B) after one in W46 (A); Huế has D.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from nongsan.accounts.models import Notification, Role
from nongsan.accounts.tests import factories as account_factories
from nongsan.core.errors import ApplicationError
from nongsan.monitoring import selectors, services
from nongsan.monitoring.indicators import INDICATORS
from nongsan.monitoring.models import ExternalFigure, Submission
from nongsan.monitoring.periods import period_from_id
from nongsan.monitoring.tests.scenarios import local as at

pytestmark = pytest.mark.django_db
D = Decimal
# an indicator whose source app does not exist yet: it is entered by hand
MANUAL_ONLY = next((i.code for i in INDICATORS if not i.is_computed), None)


@pytest.fixture
def hue_official(scenario):
    return account_factories.user(Role.PROVINCE_OFFICIAL, province=scenario["hue"])


def prepare(official, period_id="2026-W47"):
    return services.submission_prepare(
        actor=official, province=official.province, period_id=period_id
    )


class TestDraft:
    def test_the_draft_holds_the_platforms_figures(self, official, clock):
        clock(at(26, 9))
        draft = prepare(official)
        assert (draft.version, draft.status) == (1, Submission.Status.DRAFT)
        assert draft.due_at == at(26, 14)
        report = selectors.submission_report(draft)
        trained = report.row("I.1")
        assert (trained.value, trained.previous, trained.cumulative) == (1, 1, 2)
        assert (trained.target, trained.completion_pct) == (7, 28.6)

    def test_preparing_again_regenerates_the_same_draft(self, official, clock):
        clock(at(26, 9))
        first = prepare(official)
        again = prepare(official)
        assert again.pk == first.pk
        assert Submission.objects.count() == 1

    def test_only_the_provinces_own_official_files(
        self, scenario, official, hue_official, ministry
    ):
        for actor in (hue_official, ministry):
            with pytest.raises(ApplicationError) as refused:
                services.submission_prepare(
                    actor=actor, province=scenario["lang_son"], period_id="2026-W47"
                )
            assert refused.value.code == "forbidden"

    def test_a_period_not_begun_cannot_be_filed(self, official, clock):
        clock(at(26, 9))
        with pytest.raises(ApplicationError) as refused:
            prepare(official, "2026-W49")
        assert refused.value.field == "period"


class TestManualFigures:
    def test_an_external_marketplaces_figure_adds_to_the_report(self, official, sendo, clock):
        clock(at(26, 9))
        draft = prepare(official)
        figure = services.manual_figure_set(
            actor=official,
            submission=draft,
            indicator="I.3",
            marketplace=sendo,
            value=D(4),
            cumulative=D(10),
            source="Công văn 12/SENDO ngày 25/11/2026",
        )
        assert figure.counted is None  # the platform counts nothing on Sendo Farm
        assert not figure.differs
        shops = selectors.submission_report(draft).row("I.3")
        # platform: A on Postmart in W47 (A on Vỏ Sò counts once), B on Vỏ Sò in W46
        assert (shops.value, shops.cumulative) == (1 + 4, 2 + 10)
        assert shops.completion_pct == 240.0  # 12 of 50 % x 10 households
        assert {(f.marketplace.code, f.value) for f in shops.by_marketplace} >= {("sendo", 4)}
        assert shops.manual[0].source == "Công văn 12/SENDO ngày 25/11/2026"

    def test_a_figure_that_differs_from_the_platforms_count_is_flagged(self, official, voso, clock):
        clock(at(26, 9))
        draft = prepare(official)
        figure = services.manual_figure_set(
            actor=official,
            submission=draft,
            indicator="I.3",
            marketplace=voso,
            value=D(3),
            cumulative=D(5),
            source="Báo cáo của Vỏ Sò",
        )
        # the platform counted A on Vỏ Sò in W47, and A and B through W47
        assert (figure.counted, figure.counted_cumulative) == (D(1), D(2))
        assert figure.differs
        shops = selectors.submission_report(draft).row("I.3")
        assert (shops.value, shops.cumulative) == (1 + (3 - 1), 2 + (5 - 2))

    @pytest.mark.skipif(MANUAL_ONLY is None, reason="the platform computes every indicator")
    def test_an_indicator_the_platform_does_not_compute_takes_a_plain_figure(self, official, clock):
        code = MANUAL_ONLY
        clock(at(26, 9))
        draft = prepare(official)
        assert selectors.submission_report(draft).row(code).value is None
        services.manual_figure_set(
            actor=official,
            submission=draft,
            indicator=code,
            marketplace=None,
            value=D(7),
            cumulative=D(30),
            source="Sở NN&PTNT tổng hợp",
        )
        marked = selectors.submission_report(draft).row(code)
        assert (marked.value, marked.cumulative) == (7, 30)

    @pytest.mark.parametrize(
        ("indicator", "value", "cumulative", "source", "field"),
        [
            ("I.3", D(2), D(5), "  ", "source"),
            ("I.3", D(-1), D(5), "sàn", "value"),
            ("I.3", D(6), D(5), "sàn", "cumulative"),
            ("I.3", D("1.5"), D(5), "sàn", "value"),
            ("X.9", D(1), D(1), "sàn", "indicator"),
            ("I.1", D(1), D(1), "sàn", "marketplace"),  # computed: needs a marketplace
        ],
    )
    def test_bad_figures_are_refused_naming_the_field(
        self, official, clock, indicator, value, cumulative, source, field
    ):
        clock(at(26, 9))
        draft = prepare(official)
        with pytest.raises(ApplicationError) as refused:
            services.manual_figure_set(
                actor=official,
                submission=draft,
                indicator=indicator,
                marketplace=None,
                value=value,
                cumulative=cumulative,
                source=source,
            )
        assert refused.value.field == field
        assert not draft.figures.exists()


class TestSubmission:
    def test_submitted_before_the_deadline_is_on_time(self, official, clock):
        clock(at(26, 13, 59))
        filed = services.submission_submit(
            actor=official, submission=prepare(official), comment="Đã rà soát."
        )
        assert filed.status == Submission.Status.SUBMITTED
        assert filed.late_by is None
        assert filed.comment == "Đã rà soát."

    def test_submitted_after_the_deadline_records_how_late(self, official, clock):
        clock(at(26, 9))
        draft = prepare(official)
        clock(at(27, 16, 30))
        filed = services.submission_submit(actor=official, submission=draft)
        assert filed.late_by == dt.timedelta(days=1, hours=2, minutes=30)

    def test_a_submitted_report_never_changes(self, official, sendo, clock):
        clock(at(26, 9))
        draft = prepare(official)
        filed = services.submission_submit(actor=official, submission=draft)
        with pytest.raises(ApplicationError) as refused:
            services.manual_figure_set(
                actor=official,
                submission=filed,
                indicator="I.3",
                marketplace=sendo,
                value=D(1),
                cumulative=D(1),
                source="sàn",
            )
        assert refused.value.code == "submitted"
        with pytest.raises(ApplicationError):
            services.submission_submit(actor=official, submission=filed)
        with pytest.raises(ApplicationError):
            prepare(official)  # no new draft except through a correction

    def test_what_was_filed_stays_as_filed_when_the_platform_counts_more(
        self, official, scenario, clock
    ):
        from nongsan.households.models import Milestone
        from nongsan.households.tests import factories as household_factories
        from nongsan.monitoring.tests.scenarios import local, record

        clock(at(26, 9))
        filed = services.submission_submit(actor=official, submission=prepare(official))
        late_entry = household_factories.household(commune=account_factories.commune("Lạng Sơn"))
        record(late_entry, Milestone.Kind.TRAINED_DIGITAL, local(24))  # recorded after filing
        services.facts_fold()
        filed.refresh_from_db()
        assert selectors.submission_report(filed).row("I.1").value == 1
        unit = selectors.Unit(
            selectors.UnitKind.PROVINCE, "Lạng Sơn", province=scenario["lang_son"]
        )
        live = selectors.report_build(unit=unit, period=period_from_id("2026-W47"))
        assert live.row("I.1").value == 2

    def test_a_correction_is_a_new_version_with_its_reason(self, official, sendo, clock):
        clock(at(26, 9))
        draft = prepare(official)
        services.manual_figure_set(
            actor=official,
            submission=draft,
            indicator="I.3",
            marketplace=sendo,
            value=D(4),
            cumulative=D(10),
            source="Sendo",
        )
        first = services.submission_submit(actor=official, submission=draft)
        with pytest.raises(ApplicationError) as refused:
            services.submission_correct(actor=official, submission=first, reason=" ")
        assert refused.value.field == "reason"

        clock(at(27, 8))
        second = services.submission_correct(
            actor=official, submission=first, reason="Sendo gửi lại số liệu"
        )
        assert (second.version, second.status) == (2, Submission.Status.DRAFT)
        assert second.correction_reason == "Sendo gửi lại số liệu"
        assert [(f.indicator, f.value) for f in second.figures.all()] == [("I.3", D(4))]
        services.manual_figure_set(
            actor=official,
            submission=second,
            indicator="I.3",
            marketplace=sendo,
            value=D(5),
            cumulative=D(11),
            source="Sendo, bản sửa",
        )
        services.submission_submit(actor=official, submission=second)

        versions = selectors.submission_versions(
            actor=official, province=official.province, period_id="2026-W47"
        )
        assert [v.version for v in versions] == [2, 1]
        first.refresh_from_db()
        assert selectors.submission_report(first).row("I.3").value == 5  # 1 + 4, unchanged
        assert selectors.submission_report(versions[0]).row("I.3").value == 6
        with pytest.raises(ApplicationError) as not_latest:
            services.submission_correct(actor=official, submission=first, reason="again")
        assert not_latest.value.code == "not_latest"

    def test_one_draft_at_a_time(self, official, clock):
        clock(at(26, 9))
        draft = prepare(official)
        with pytest.raises(IntegrityError), transaction.atomic():
            Submission.objects.create(
                province=draft.province,
                period_id=draft.period_id,
                due_at=draft.due_at,
                version=2,
                created_by=official,
            )

    def test_growth_is_measured_against_what_was_filed_for_the_previous_period(
        self, official, sendo, clock
    ):
        clock(at(19, 9))
        w46 = prepare(official, "2026-W46")
        services.manual_figure_set(
            actor=official,
            submission=w46,
            indicator="I.3",
            marketplace=sendo,
            value=D(3),
            cumulative=D(6),
            source="Sendo",
        )
        services.submission_submit(actor=official, submission=w46)
        clock(at(26, 9))
        shops = selectors.submission_report(prepare(official)).row("I.3")
        # W47: A on Postmart; W46: B on Vỏ Sò plus Sendo's 3
        assert (shops.value, shops.previous, shops.growth_pct) == (1, 4, -75.0)


class TestBoardAndScope:
    def test_the_board_shows_who_filed_on_time_late_or_not_at_all(
        self, official, hue_official, ministry, clock
    ):
        clock(at(26, 10))
        services.submission_submit(actor=official, submission=prepare(official))
        clock(at(26, 15))
        services.submission_submit(actor=hue_official, submission=prepare(hue_official))
        board = selectors.filing_board(actor=ministry, period=period_from_id("2026-W47"))
        by_name = {row.province.short_name: row for row in board.rows}
        assert by_name["Lạng Sơn"].on_time
        assert by_name["Huế"].filed and not by_name["Huế"].on_time
        assert by_name["Huế"].first.late_by == dt.timedelta(hours=1)
        assert not by_name["Hà Nội"].filed
        assert (board.filed_on_time, board.filed_late, board.not_filed) == (1, 1, 32)
        assert board.overdue

    def test_a_province_official_sees_only_their_province(self, official, hue_official, clock):
        clock(at(26, 10))
        hue_draft = prepare(hue_official)
        board = selectors.filing_board(actor=official, period=period_from_id("2026-W47"))
        assert [row.province for row in board.rows] == [official.province]
        assert (
            selectors.submission_versions(
                actor=official, province=hue_official.province, period_id="2026-W47"
            )
            == []
        )
        with pytest.raises(Exception, match="quyền"):
            selectors.submission_get_for(actor=official, pk=hue_draft.pk)


class TestReminders:
    def test_provinces_that_have_not_filed_are_reminded_once(
        self,
        official,
        hue_official,
        settings,
        clock,
        _sms_outbox,
        django_capture_on_commit_callbacks,
    ):
        settings.MONITORING = {"REMINDER_HOURS": (24, 3)}
        clock(at(26, 9))
        services.submission_submit(actor=hue_official, submission=prepare(hue_official))

        # the monthly report 2026-11 is due 25 November at 14:00, the weekly 2026-W47 the 26th
        clock(at(24, 13))  # 25 hours before the monthly deadline: nothing yet
        assert services.filing_reminders_send() == 0
        clock(at(24, 15))  # 23 hours before: every province (none has filed the month)
        assert services.filing_reminders_send() == 34
        assert services.filing_reminders_send() == 0  # not twice
        clock(at(25, 15))  # the month is past due; 23 hours before the weekly deadline
        with django_capture_on_commit_callbacks(execute=True):
            assert services.filing_reminders_send() == 33  # every province but Huế
        assert services.filing_reminders_send() == 0
        weekly = Notification.objects.filter(user=official, message__contains="Tuần 47")
        assert weekly.count() == 1
        assert "Lạng Sơn" in weekly.get().message and "14:00" in weekly.get().message
        assert [m for m in _sms_outbox if m.to == official.phone and "Tuần 47" in m.body]
        assert not Notification.objects.filter(
            user=hue_official, message__contains="Tuần 47"
        ).exists()

        clock(at(26, 12))  # inside 3 hours: the last reminder
        assert services.filing_reminders_send() == 33
        clock(at(26, 15))  # after the deadline: reminders stop
        assert services.filing_reminders_send() == 0


class TestExternalFigures:
    @pytest.fixture
    def partner(self, sendo):
        return account_factories.user(Role.MARKETPLACE_OPERATOR, marketplace=sendo)

    def test_posted_figures_arrive_in_the_draft_with_their_provenance(
        self, official, partner, clock
    ):
        clock(at(25, 20))
        outcome = services.external_figures_receive(
            actor=partner,
            province=official.province,
            period_id="2026-W47",
            version=1,
            figures={"I.3": (D(4), D(10)), "II.2": (D("1.250"), D("3.5"))},
            key_prefix="abcd1234",
            request_id="req-1",
        )
        assert outcome == {"I.3": "created", "II.2": "created"}
        posted = ExternalFigure.objects.get(indicator="I.3")
        assert (posted.sent_by, posted.key_prefix, posted.request_id) == (
            partner,
            "abcd1234",
            "req-1",
        )
        clock(at(26, 9))
        report = selectors.submission_report(prepare(official))
        assert report.row("I.3").value == 1 + 4
        assert report.row("II.2").cumulative == 3.5
        assert "Sendo Farm" in report.row("I.3").manual[0].source

    def test_redelivery_changes_nothing_and_older_versions_are_stale(
        self, official, partner, clock
    ):
        clock(at(25, 20))
        kwargs = {"actor": partner, "province": official.province, "period_id": "2026-W47"}
        services.external_figures_receive(**kwargs, version=2, figures={"I.3": (D(4), D(10))})
        again = services.external_figures_receive(
            **kwargs, version=2, figures={"I.3": (D(9), D(19))}
        )
        older = services.external_figures_receive(
            **kwargs, version=1, figures={"I.3": (D(1), D(1))}
        )
        assert (again, older) == ({"I.3": "unchanged"}, {"I.3": "stale"})
        assert ExternalFigure.objects.get().value == D(4)
        newer = services.external_figures_receive(
            **kwargs, version=3, figures={"I.3": (D(5), D(11))}
        )
        assert newer == {"I.3": "updated"}
        assert ExternalFigure.objects.get().value == D(5)

    def test_only_an_external_marketplaces_account_posts(self, official, postmart, clock):
        hosted = account_factories.user(Role.MARKETPLACE_OPERATOR, marketplace=postmart)
        for actor in (hosted, official):
            with pytest.raises(ApplicationError) as refused:
                services.external_figures_receive(
                    actor=actor,
                    province=official.province,
                    period_id="2026-W47",
                    version=1,
                    figures={"I.3": (D(1), D(1))},
                )
            assert refused.value.code == "forbidden"
