import datetime as dt

import pytest
from django.utils import timezone

from nongsan.accounts.models import Role
from nongsan.accounts.tests import factories as account_factories
from nongsan.training import selectors, services
from nongsan.training.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def commune():
    return account_factories.commune("Lạng Sơn", 0)


@pytest.fixture
def agent(commune):
    return factories.agent_for(commune)


def test_session_list_splits_at_the_start_of_today_in_vietnam(agent, commune):
    today = timezone.localdate()
    early_today = factories.session(
        commune=commune, actor=agent, starts_at=factories.local(today, 0, 5)
    )
    late_yesterday = factories.session(
        commune=commune,
        actor=agent,
        starts_at=factories.local(today - dt.timedelta(days=1), 23, 55),
    )
    next_week = factories.session(
        commune=commune, actor=agent, starts_at=factories.local(today + dt.timedelta(days=7))
    )
    assert list(selectors.session_list(actor=agent)) == [early_today, next_week]
    assert list(selectors.session_list(actor=agent, upcoming=False)) == [late_yesterday]


def test_session_list_counts_attendees_in_one_query(agent, commune, django_assert_num_queries):
    session = factories.session(commune=commune, actor=agent)
    for name in ("An", "Bình", "Cúc"):
        services.attendance_mark(
            actor=agent,
            session=session,
            household=factories.household(commune=commune, head_name=name),
        )
    factories.session(commune=commune, actor=agent)
    agent.refresh_from_db()
    selectors.session_list(actor=agent)  # reads the agent's communes once per request
    with django_assert_num_queries(1):
        counts = sorted(s.attendee_count for s in selectors.session_list(actor=agent))
    assert counts == [0, 3]


def test_scope_of_sessions(commune):
    other = account_factories.commune("Lạng Sơn", 1)
    in_commune = factories.session(commune=commune)
    elsewhere = factories.session(commune=account_factories.commune("Cần Thơ", 0))
    assert list(selectors.session_list(actor=factories.agent_for(other))) == []
    province = account_factories.user(Role.PROVINCE_OFFICIAL)
    assert list(selectors.session_list(actor=province)) == [in_commune]
    ministry = account_factories.user(Role.MINISTRY_OFFICIAL)
    assert set(selectors.session_list(actor=ministry)) == {in_commune, elsewhere}
    assert list(selectors.session_list(actor=account_factories.user(Role.BUYER))) == []


def test_candidates_exclude_the_marked_and_need_a_query(agent, commune):
    session = factories.session(commune=commune, actor=agent)
    hong = factories.household(commune=commune, head_name="Hoàng Thị Hồng")
    hoa = factories.household(commune=commune, head_name="Hoàng Thị Hoa")
    assert list(selectors.household_candidates(actor=agent, session=session, query="  ")) == []
    found = selectors.household_candidates(actor=agent, session=session, query="hoang thi")
    assert set(found) == {hong, hoa}
    services.attendance_mark(actor=agent, session=session, household=hong)
    found = selectors.household_candidates(actor=agent, session=session, query="hoang thi")
    assert list(found) == [hoa]


def test_attendance_of_a_household_for_itself(commune, agent):
    session = factories.session(commune=commune, actor=agent)
    household = factories.household(commune=commune, head_phone="0987333444")
    attendance = services.attendance_mark(actor=agent, session=session, household=household)
    assert list(selectors.attendance_list(actor=household.user, household=household)) == [
        attendance
    ]
    assert selectors.attendance_get_for(actor=household.user, attendance_id=attendance.pk) == (
        attendance
    )
