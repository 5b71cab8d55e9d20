import datetime as dt

import pytest
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nongsan.accounts.tests import factories as account_factories
from nongsan.core.timeutils import VN_TZ
from nongsan.households import services as household_services
from nongsan.households.models import Milestone
from nongsan.households.tests import factories as household_factories
from nongsan.monitoring import facts, services
from nongsan.monitoring.models import DailyFact, FoldState, RunningTotal
from nongsan.monitoring.tests import oracle

pytestmark = pytest.mark.django_db

Kind = Milestone.Kind
START = dt.datetime(2026, 11, 1, 0, 0, tzinfo=VN_TZ)


def at(day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    """A local instant `day` days after 1 November 2026."""
    return START + dt.timedelta(days=day, hours=hour, minutes=minute)


def record(household, kind, marketplace=None, when=None):
    return household_services.milestone_record(
        household=household, kind=kind, marketplace=marketplace, achieved_at=when
    )


def assert_facts_true():
    assert oracle.stored_facts() == oracle.expected_facts()
    assert oracle.stored_totals() == oracle.expected_totals()


class TestFold:
    def test_counts_a_household_once_across_marketplaces_and_once_per_marketplace(
        self, postmart, voso
    ):
        commune = account_factories.commune("Lạng Sơn")
        household = household_factories.household(commune=commune)
        record(household, Kind.SHOP_OPENED, postmart, at(2))
        record(household, Kind.SHOP_OPENED, voso, at(5))

        services.facts_fold()

        rows = {
            (f.marketplace_id, f.day): f.value
            for f in DailyFact.objects.filter(indicator="I.3", commune=commune)
        }
        assert rows == {
            (postmart.pk, dt.date(2026, 11, 3)): 1,
            (voso.pk, dt.date(2026, 11, 6)): 1,
            (None, dt.date(2026, 11, 3)): 1,
        }
        totals = {
            (t.marketplace_id, t.day): t.value
            for t in RunningTotal.objects.filter(indicator="I.3", province=commune.province)
        }
        assert totals == {
            (postmart.pk, dt.date(2026, 11, 3)): 1,
            (voso.pk, dt.date(2026, 11, 6)): 1,
            (None, dt.date(2026, 11, 3)): 1,
        }

    def test_an_earlier_milestone_folded_later_moves_the_all_marketplaces_count(
        self, postmart, voso
    ):
        commune = account_factories.commune("Lạng Sơn")
        household = household_factories.household(commune=commune)
        record(household, Kind.SHOP_OPENED, voso, at(5))
        services.facts_fold()
        # Postmart reports its (earlier) shop opening late.
        record(household, Kind.SHOP_OPENED, postmart, at(2))

        services.facts_fold()

        all_rows = {
            f.day: f.value for f in DailyFact.objects.filter(indicator="I.3", marketplace=None)
        }
        assert all_rows == {dt.date(2026, 11, 3): 1}
        assert_facts_true()

    def test_local_day_is_used_at_midnight(self, postmart):
        household = household_factories.household()
        # 23:59 local on 1 Nov is 16:59 UTC; 00:00 local on 2 Nov is 17:00 UTC on 1 Nov.
        record(household, Kind.TRAINED_DIGITAL, None, at(0, 23, 59))
        record(household, Kind.SHOP_OPENED, postmart, at(1, 0, 0))

        services.facts_fold()

        days = dict(DailyFact.objects.filter(marketplace=None).values_list("indicator", "day"))
        assert days == {"I.1": dt.date(2026, 11, 1), "I.3": dt.date(2026, 11, 2)}

    def test_a_second_fold_changes_nothing(self, postmart):
        household = household_factories.household()
        record(household, Kind.TRAINED_DIGITAL, None, at(1))
        first = services.facts_fold()
        before = oracle.stored_facts(), oracle.stored_totals()

        again = services.facts_fold()

        assert first.milestones >= 1
        assert again.milestones == 0 and again.facts_changed == 0
        assert (oracle.stored_facts(), oracle.stored_totals()) == before

    def test_ignores_milestones_monitoring_does_not_count(self):
        household = household_factories.household()  # records REGISTERED
        record(household, Kind.FIRST_SALE, None, at(1))

        result = services.facts_fold()

        assert result.milestones >= 2
        assert not DailyFact.objects.exists()
        assert result.watermark == Milestone.objects.order_by("-pk").first().pk

    def test_a_milestone_committed_after_a_later_one_is_still_folded(self, postmart):
        households = [household_factories.household() for _ in range(3)]
        made = [record(h, Kind.TRAINED_DIGITAL, None, at(i)) for i, h in enumerate(households)]
        # Simulate a transaction that had taken the middle key but had not committed yet.
        late = made[1]
        fields = {
            "pk": late.pk,
            "household_id": late.household_id,
            "kind": late.kind,
            "marketplace": None,
            "achieved_at": late.achieved_at,
            "commune_id": late.commune_id,
            "recorded_at": late.recorded_at,
        }
        late.delete()
        services.facts_fold()
        state = FoldState.objects.get(source=facts.MILESTONE_SOURCE)
        assert [pk for pk, _seen in state.gaps] == [fields["pk"]]

        Milestone.objects.create(**fields)
        services.facts_fold()

        assert FoldState.objects.get(source=facts.MILESTONE_SOURCE).gaps == []
        assert DailyFact.objects.filter(indicator="I.1").count() == 3
        assert_facts_true()

    def test_a_household_that_moved_counts_where_it_was(self, ministry, postmart, voso):
        first, second = account_factories.commune("Lạng Sơn"), account_factories.commune("Huế")
        household = household_factories.household(commune=first)
        record(household, Kind.SHOP_OPENED, postmart, at(1))
        services.facts_fold()
        household_services.household_update(actor=ministry, household=household, commune=second)
        household.refresh_from_db()
        record(household, Kind.SHOP_OPENED, voso, at(3))

        services.facts_fold()

        assert DailyFact.objects.get(marketplace=voso).commune == second
        assert DailyFact.objects.get(marketplace=None).commune == first
        assert_facts_true()


class TestRebuild:
    def test_rebuild_equals_recomputation_and_sets_the_watermark(self, postmart, voso):
        households = [household_factories.household() for _ in range(2)]
        record(households[0], Kind.SHOP_OPENED, voso, at(4))
        record(households[0], Kind.SHOP_OPENED, postmart, at(4))
        record(households[1], Kind.PAYMENT_ACCOUNT, None, at(0, 23, 30))
        DailyFact.objects.create(
            indicator="I.2", commune=households[0].commune, day=dt.date(2020, 1, 1), value=9
        )

        call_command("monitoring_rebuild", stdout=open("/dev/null", "w"))  # noqa: SIM115

        assert_facts_true()
        state = FoldState.objects.get(source=facts.MILESTONE_SOURCE)
        assert state.watermark == Milestone.objects.order_by("-pk").first().pk
        assert services.facts_fold().milestones == 0


MOMENTS = st.builds(
    at,
    st.integers(min_value=0, max_value=6),
    st.sampled_from([0, 6, 16, 23]),
    st.sampled_from([0, 59]),
)
STEP = st.one_of(
    st.tuples(
        st.just("record"),
        st.integers(min_value=0, max_value=3),  # household
        st.sampled_from([Kind.SHOP_OPENED, Kind.TRAINED_DIGITAL]),
        st.integers(min_value=0, max_value=2),  # marketplace: none, postmart, voso
        MOMENTS,
    ),
    st.tuples(st.just("fold")),
)


class _Rollback(Exception):
    pass


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(STEP, max_size=14), batch_size=st.sampled_from([1, 2, 1000]))
def test_folds_equal_rebuild_equal_recomputation(steps, batch_size, postmart, voso):
    marketplaces = [None, postmart, voso]
    try:
        with transaction.atomic():
            communes = [
                account_factories.commune("Lạng Sơn", 0),
                account_factories.commune("Lạng Sơn", 1),
                account_factories.commune("Huế", 0),
            ]
            households = [household_factories.household(commune=communes[i % 3]) for i in range(4)]
            for step in steps:
                if step[0] == "fold":
                    services.facts_fold(batch_size=batch_size)
                else:
                    _, who, kind, where, when = step
                    record(households[who], kind, marketplaces[where], when)
            services.facts_fold(batch_size=batch_size)
            folded = oracle.stored_facts(), oracle.stored_totals()

            services.facts_rebuild()
            rebuilt = oracle.stored_facts(), oracle.stored_totals()

            assert folded == rebuilt
            assert rebuilt == (oracle.expected_facts(), oracle.expected_totals())
            raise _Rollback
    except _Rollback:
        pass
