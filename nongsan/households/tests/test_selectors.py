import datetime as dt
import unicodedata

import pytest

from nongsan.accounts.models import Role
from nongsan.accounts.tests import factories as account_factories
from nongsan.households import selectors, services
from nongsan.households.models import Milestone
from nongsan.households.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def area():
    commune_a = account_factories.commune("Lạng Sơn", 0)
    commune_b = account_factories.commune("Lạng Sơn", 1)
    commune_hn = account_factories.commune("Hà Nội", 0)
    return {
        "a": commune_a,
        "b": commune_b,
        "hn": commune_hn,
        "agent_a": factories.agent_for(commune_a),
        "agent_b": factories.agent_for(commune_b),
        "official_ls": account_factories.user(Role.PROVINCE_OFFICIAL),
        "ministry": account_factories.user(Role.MINISTRY_OFFICIAL),
    }


class TestSearch:
    @pytest.fixture
    def mai(self, area):
        return factories.household(
            commune=area["a"], head_name="Nông Thị Mai", female=True, head_phone="0912345678"
        )

    @pytest.mark.parametrize(
        "query",
        [
            "nong thi mai",
            "NÔNG THỊ",
            "mai",
            unicodedata.normalize("NFD", "Nông Thị Mai"),
            "thi mai",
            "0912345678",
            "+84 912 345 678",
            "912345678",
        ],
    )
    def test_finds_by_name_without_diacritics_or_phone(self, area, mai, query):
        assert list(selectors.household_list(actor=area["agent_a"], query=query)) == [mai]

    def test_finds_by_cccd(self, area, mai):
        assert list(selectors.household_list(actor=area["agent_a"], query=mai.head_cccd)) == [mai]

    def test_no_false_hits(self, area, mai):
        assert not selectors.household_list(actor=area["agent_a"], query="nong van").exists()


class TestScope:
    def test_agent_sees_only_their_commune(self, area):
        mine = factories.household(commune=area["a"])
        factories.household(commune=area["b"])
        assert list(selectors.household_list(actor=area["agent_a"])) == [mine]

    def test_province_official_sees_province_ministry_sees_all(self, area):
        in_ls = [factories.household(commune=area["a"]), factories.household(commune=area["b"])]
        in_hn = factories.household(commune=area["hn"])
        assert set(selectors.household_list(actor=area["official_ls"])) == set(in_ls)
        assert set(selectors.household_list(actor=area["ministry"])) == {*in_ls, in_hn}

    def test_household_sees_itself(self, area):
        household = factories.household(commune=area["a"], head_phone="0912345678")
        factories.household(commune=area["a"])
        assert list(selectors.household_list(actor=household.user)) == [household]

    def test_marketplace_operator_sees_households_with_a_shop_there(self, area):
        postmart = account_factories.marketplace()
        operator = account_factories.user(Role.MARKETPLACE_OPERATOR, marketplace=postmart)
        seller = factories.household(commune=area["a"])
        factories.household(commune=area["a"])
        for kind in (Milestone.Kind.SHOP_OPENED, Milestone.Kind.FIRST_PRODUCT):
            services.milestone_record(household=seller, kind=kind, marketplace=postmart)
        assert list(selectors.household_list(actor=operator)) == [seller]
        # One household with several milestones there is still one household (not a 500).
        assert selectors.household_get_for(actor=operator, household_id=seller.pk) == seller

    def test_identity_is_shown_only_to_who_needs_it(self, area):
        household = factories.household(commune=area["a"], head_phone="0912345678")
        assert selectors.can_see_identity(actor=area["agent_a"], household=household)
        assert selectors.can_see_identity(actor=household.user, household=household)
        for actor in (area["agent_b"], area["official_ls"], area["ministry"]):
            assert not selectors.can_see_identity(actor=actor, household=household)


def test_likely_duplicates_by_phone_or_name_in_commune(area):
    household = factories.household(
        commune=area["a"], head_name="Lý Văn Sơn", head_phone="0912345678"
    )
    assert list(selectors.likely_duplicates(head_name="ly van son", commune=area["a"])) == [
        household
    ]
    assert list(selectors.likely_duplicates(head_name="X", commune=None, phone="+84912345678")) == [
        household
    ]
    assert not selectors.likely_duplicates(head_name="Lý Văn Sơn", commune=area["b"]).exists()


def _reach(household, *kinds, marketplace=None):
    for kind in kinds:
        services.milestone_record(household=household, kind=kind, marketplace=marketplace)


class TestFunnel:
    def test_counts_each_household_once_per_step(self, area):
        postmart = account_factories.marketplace()
        voso = account_factories.marketplace("voso", "Vỏ Sò")
        h1, h2, h3 = (factories.household(commune=area["a"]) for _ in range(3))
        _reach(h1, Milestone.Kind.TRAINED_DIGITAL, Milestone.Kind.TRAINED_PACKAGING)
        _reach(h1, Milestone.Kind.SHOP_OPENED, marketplace=postmart)
        _reach(h1, Milestone.Kind.SHOP_OPENED, marketplace=voso)  # two shops, one household
        _reach(h2, Milestone.Kind.TRAINED_DIGITAL)
        counts = {kind: n for kind, _label, n in selectors.funnel_counts(actor=area["agent_a"])}
        assert counts == {
            "registered": 3,
            "trained_digital": 2,
            "trained_packaging": 1,
            "shop_opened": 1,
            "payment_account": 0,
            "first_product": 0,
            "first_sale": 0,
        }
        stuck = selectors.households_stuck_at(actor=area["agent_a"], kind="trained_packaging")
        assert list(stuck) == [h2]
        assert set(
            selectors.households_stuck_at(actor=area["agent_a"], kind="trained_digital")
        ) == {h3}

    def test_funnel_respects_scope(self, area):
        factories.household(commune=area["b"])
        counts = dict((k, n) for k, _l, n in selectors.funnel_counts(actor=area["agent_a"]))
        assert counts["registered"] == 0

    def test_progress_shows_next_step_and_hint(self, area):
        household = factories.household(commune=area["a"])
        _reach(household, Milestone.Kind.TRAINED_DIGITAL)
        steps, next_step, hint = selectors.household_progress(household=household)
        assert [s.done_at is not None for s in steps] == [True, True] + [False] * 5
        assert next_step.kind == "trained_packaging"
        assert "đóng gói" in hint


def test_priority_score_is_the_sum_of_the_criteria_shown(area):
    strong = factories.household(commune=area["a"], farming_area=2, farming_area_unit="ha")
    services.certification_add(
        actor=area["agent_a"],
        household=strong,
        kind="vietgap",
        number="VG-1",
        issuer="Sở NN",
        valid_until=dt.date.today() + dt.timedelta(days=100),
    )
    services.certification_add(
        actor=area["agent_a"],
        household=strong,
        kind="globalgap",
        number="GG-1",
        issuer="X",
        valid_until=dt.date.today() - dt.timedelta(days=1),  # expired: no points
    )
    _reach(strong, Milestone.Kind.TRAINED_DIGITAL, Milestone.Kind.FIRST_SALE)
    weak = factories.household(commune=area["a"])
    ranked = list(selectors.priority_list(actor=area["agent_a"]))
    assert ranked[0] == strong
    reasons = {c.code for c in selectors.priority_reasons(ranked[0])}
    assert reasons == {"vietgap", "trained_digital", "first_sale", "large_farm", "recent_activity"}
    assert ranked[0].priority_score == 15 + 10 + 15 + 5 + 5
    assert ranked[1] == weak and ranked[1].priority_score == 5  # registered just now
