import datetime as dt

import pytest
from django.db import IntegrityError
from django.utils import timezone

from nongsan.accounts.models import Role
from nongsan.accounts.tests import factories as account_factories
from nongsan.core.errors import ApplicationError
from nongsan.households import selectors as households_selectors
from nongsan.households.models import Milestone
from nongsan.training import services
from nongsan.training.models import Attendance, Course, TrainingSession
from nongsan.training.tests import factories

pytestmark = pytest.mark.django_db

Topic = Course.Topic


@pytest.fixture
def commune():
    return account_factories.commune("Lạng Sơn", 0)


@pytest.fixture
def other_commune():
    return account_factories.commune("Lạng Sơn", 1)


@pytest.fixture
def agent(commune):
    return factories.agent_for(commune)


def trained(household, kind):
    return list(household.milestones.filter(kind=kind))


class TestCourse:
    def test_create(self, agent):
        course = services.course_create(
            actor=agent, title="  Kỹ năng   số cơ bản ", topic=Topic.DIGITAL_SKILLS
        )
        assert course.title == "Kỹ năng số cơ bản" and course.created_by == agent

    def test_topic_values_match_the_database_constraint(self):
        # The constraint lists the values literally (Meta cannot see Topic).
        assert Topic.values == [
            "digital_skills",
            "packaging_delivery",
            "marketplace_selling",
            "other",
        ]

    @pytest.mark.parametrize(
        ("title", "topic", "field"), [("  ", Topic.OTHER, "title"), ("Khóa A", "x", "topic")]
    )
    def test_bad_input_names_the_field(self, agent, title, topic, field):
        with pytest.raises(ApplicationError) as error:
            services.course_create(actor=agent, title=title, topic=topic)
        assert error.value.field == field

    def test_duplicate_title_and_topic(self, agent):
        services.course_create(actor=agent, title="Bán hàng trên sàn", topic=Topic.OTHER)
        with pytest.raises(ApplicationError, match="Đã có khóa học"):
            services.course_create(actor=agent, title="bán hàng trên sàn", topic=Topic.OTHER)

    def test_buyer_may_not_create(self):
        with pytest.raises(ApplicationError) as error:
            services.course_create(actor=account_factories.user(), title="A", topic=Topic.OTHER)
        assert error.value.code == "forbidden"


class TestSessionCreate:
    def test_agent_creates_in_own_commune(self, agent, commune):
        session = factories.session(commune=commune, actor=agent, capacity=25)
        assert session.organised_by == agent and session.capacity == 25

    def test_agent_may_not_create_in_another_commune(self, agent, other_commune):
        with pytest.raises(ApplicationError) as error:
            factories.session(commune=other_commune, actor=agent)
        assert error.value.field == "commune" and error.value.code == "forbidden"
        assert other_commune.name in error.value.message

    def test_province_official_creates_in_province_only(self, commune):
        official = account_factories.user(Role.PROVINCE_OFFICIAL)  # Lạng Sơn
        factories.session(commune=commune, actor=official)
        with pytest.raises(ApplicationError, match="không thuộc địa bàn"):
            factories.session(commune=account_factories.commune("Cần Thơ", 0), actor=official)

    @pytest.mark.parametrize("capacity", [0, -3, 1001])
    def test_capacity_is_checked(self, agent, commune, capacity):
        with pytest.raises(ApplicationError) as error:
            factories.session(commune=commune, actor=agent, capacity=capacity)
        assert error.value.field == "capacity" and "Số chỗ" in error.value.message

    def test_capacity_constraint_is_in_the_database(self, agent, commune):
        session = factories.session(commune=commune, actor=agent)
        with pytest.raises(IntegrityError):
            TrainingSession.objects.filter(pk=session.pk).update(capacity=0)

    def test_naive_datetime_is_refused(self, agent, commune):
        with pytest.raises(ApplicationError) as error:
            factories.session(commune=commune, actor=agent, starts_at=dt.datetime(2026, 3, 1, 8, 0))
        assert error.value.field == "starts_at"

    def test_blank_venue_is_refused(self, agent, commune):
        with pytest.raises(ApplicationError) as error:
            services.session_create(
                actor=agent,
                course=factories.course(),
                starts_at=timezone.now(),
                commune=commune,
                venue="  ",
                trainer_name="A",
                capacity=10,
            )
        assert error.value.field == "venue"


class TestAttendanceMark:
    def test_marks_with_a_readable_certificate_number_and_the_milestone(self, agent, commune):
        postmart = account_factories.marketplace()
        session = factories.session(commune=commune, actor=agent, marketplace=postmart)
        household = factories.household(commune=commune)
        attendance = services.attendance_mark(actor=agent, session=session, household=household)
        year = timezone.localtime(session.starts_at).year
        assert attendance.certificate_number == f"TH-{year}-000001"
        assert attendance.marked_by == agent and attendance.source == Attendance.Source.MANUAL
        [milestone] = trained(household, Milestone.Kind.TRAINED_DIGITAL)
        assert milestone.marketplace == postmart
        assert milestone.achieved_at == session.starts_at
        assert milestone.commune == commune

    @pytest.mark.parametrize(
        ("topic", "kind"),
        [
            (Topic.DIGITAL_SKILLS, Milestone.Kind.TRAINED_DIGITAL),
            (Topic.MARKETPLACE_SELLING, Milestone.Kind.TRAINED_DIGITAL),
            (Topic.PACKAGING_DELIVERY, Milestone.Kind.TRAINED_PACKAGING),
            (Topic.OTHER, None),
        ],
    )
    def test_topic_decides_the_milestone(self, agent, commune, topic, kind):
        session = factories.session(commune=commune, actor=agent, topic=topic)
        household = factories.household(commune=commune)
        services.attendance_mark(actor=agent, session=session, household=household)
        training_kinds = set(
            household.milestones.exclude(kind=Milestone.Kind.REGISTERED).values_list(
                "kind", flat=True
            )
        )
        assert training_kinds == ({kind} if kind else set())

    def test_marking_twice_returns_the_same_attendance(self, agent, commune):
        session = factories.session(commune=commune, actor=agent)
        household = factories.household(commune=commune)
        first = services.attendance_mark(actor=agent, session=session, household=household)
        again = services.attendance_mark(actor=agent, session=session, household=household)
        assert again.pk == first.pk and again.certificate_number == first.certificate_number
        assert Attendance.objects.count() == 1
        assert len(trained(household, Milestone.Kind.TRAINED_DIGITAL)) == 1

    def test_household_trained_twice_keeps_its_first_milestone(self, agent, commune):
        today = timezone.localdate()
        earlier = factories.session(
            commune=commune, actor=agent, starts_at=factories.local(today - dt.timedelta(days=20))
        )
        later = factories.session(commune=commune, actor=agent)
        household = factories.household(commune=commune)
        services.attendance_mark(actor=agent, session=earlier, household=household)
        services.attendance_mark(actor=agent, session=later, household=household)
        [milestone] = trained(household, Milestone.Kind.TRAINED_DIGITAL)
        assert milestone.achieved_at == earlier.starts_at
        assert household.training_attendances.count() == 2

    def test_trained_with_two_marketplaces_is_counted_once(self, agent, commune):
        postmart = account_factories.marketplace()
        voso = account_factories.marketplace("voso", "Vỏ Sò")
        household = factories.household(commune=commune)
        for marketplace in (postmart, voso):
            session = factories.session(commune=commune, actor=agent, marketplace=marketplace)
            services.attendance_mark(actor=agent, session=session, household=household)
        # One milestone per marketplace, so each marketplace's count includes the household ...
        assert {m.marketplace for m in trained(household, Milestone.Kind.TRAINED_DIGITAL)} == {
            postmart,
            voso,
        }
        # ... while the de-duplicated count of trained households counts it once.
        counts = {kind: n for kind, _label, n in households_selectors.funnel_counts(actor=agent)}
        assert counts[Milestone.Kind.TRAINED_DIGITAL] == 1

    def test_capacity_is_enforced_with_a_clear_message(self, agent, commune):
        session = factories.session(commune=commune, actor=agent, capacity=2)
        households = [factories.household(commune=commune, head_name=n) for n in "ABC"]
        for household in households[:2]:
            services.attendance_mark(actor=agent, session=session, household=household)
        with pytest.raises(ApplicationError) as error:
            services.attendance_mark(actor=agent, session=session, household=households[2])
        assert error.value.code == "full"
        assert error.value.message == ("Buổi tập huấn đã đủ 2 chỗ; không ghi nhận thêm được hộ C.")
        # Marking someone already present still answers when the session is full.
        again = services.attendance_mark(actor=agent, session=session, household=households[0])
        assert again.household == households[0]

    def test_household_outside_the_agents_area_is_refused(self, agent, commune, other_commune):
        session = factories.session(commune=commune, actor=agent)
        stranger = factories.household(commune=other_commune)
        with pytest.raises(ApplicationError) as error:
            services.attendance_mark(actor=agent, session=session, household=stranger)
        assert error.value.code == "forbidden" and error.value.field == "household"
        assert not Attendance.objects.exists()

    def test_session_outside_the_agents_area_is_refused(self, agent, commune, other_commune):
        session = factories.session(commune=other_commune)
        household = factories.household(commune=commune)
        with pytest.raises(ApplicationError) as error:
            services.attendance_mark(actor=agent, session=session, household=household)
        assert error.value.code == "forbidden"

    def test_future_session_cannot_be_marked_yet(self, agent, commune):
        tomorrow = timezone.localdate() + dt.timedelta(days=1)
        session = factories.session(
            commune=commune, actor=agent, starts_at=factories.local(tomorrow)
        )
        with pytest.raises(ApplicationError) as error:
            services.attendance_mark(
                actor=agent, session=session, household=factories.household(commune=commune)
            )
        assert error.value.code == "not_started"
        assert tomorrow.strftime("%d/%m/%Y") in error.value.message

    def test_certificate_numbers_count_within_the_session_year(self, agent, commune):
        today = timezone.localdate()
        last_year = factories.session(
            commune=commune, actor=agent, starts_at=factories.local(dt.date(today.year - 1, 6, 15))
        )
        this_year = factories.session(commune=commune, actor=agent)
        a, b = (factories.household(commune=commune, head_name=n) for n in ("A", "B"))
        numbers = [
            services.attendance_mark(actor=agent, session=this_year, household=a),
            services.attendance_mark(actor=agent, session=this_year, household=b),
            services.attendance_mark(actor=agent, session=last_year, household=a),
        ]
        assert [n.certificate_number for n in numbers] == [
            f"TH-{today.year}-000001",
            f"TH-{today.year}-000002",
            f"TH-{today.year - 1}-000001",
        ]


class TestAttendanceUnmark:
    def test_undo_on_the_day_keeps_the_milestone(self, agent, commune):
        session = factories.session(commune=commune, actor=agent)
        household = factories.household(commune=commune)
        attendance = services.attendance_mark(actor=agent, session=session, household=household)
        services.attendance_unmark(actor=agent, attendance=attendance)
        assert not Attendance.objects.exists()
        # Milestones are an append-only record: undoing a mark never removes one.
        assert len(trained(household, Milestone.Kind.TRAINED_DIGITAL)) == 1
        # Marking again gives a new certificate number; numbers are never reused.
        again = services.attendance_mark(actor=agent, session=session, household=household)
        assert again.certificate_number.endswith("-000002")

    def test_undo_after_the_day_is_refused(self, agent, commune):
        yesterday = timezone.localdate() - dt.timedelta(days=1)
        session = factories.session(
            commune=commune, actor=agent, starts_at=factories.local(yesterday, 14)
        )
        attendance = services.attendance_mark(
            actor=agent, session=session, household=factories.household(commune=commune)
        )
        with pytest.raises(ApplicationError) as error:
            services.attendance_unmark(actor=agent, attendance=attendance)
        assert error.value.code == "closed"
        assert Attendance.objects.filter(pk=attendance.pk).exists()

    def test_other_agent_cannot_undo(self, agent, commune, other_commune):
        session = factories.session(commune=commune, actor=agent)
        attendance = services.attendance_mark(
            actor=agent, session=session, household=factories.household(commune=commune)
        )
        with pytest.raises(ApplicationError):
            services.attendance_unmark(
                actor=factories.agent_for(other_commune), attendance=attendance
            )
        assert Attendance.objects.filter(pk=attendance.pk).exists()
