import datetime as dt
import random

import pytest
from django.utils import timezone

from nongsan.accounts.tests import factories as account_factories
from nongsan.households.models import Milestone
from nongsan.training import selectors
from nongsan.training.demo import training_demo_seed
from nongsan.training.models import Attendance, Course, TrainingSession
from nongsan.training.tests import factories

pytestmark = pytest.mark.django_db


def test_demo_seed_builds_sessions_attendance_and_milestones_once():
    account_factories.marketplace()
    account_factories.marketplace("voso", "Vỏ Sò")
    ministry = factories.ministry()
    communes = [account_factories.commune("Lạng Sơn", i) for i in range(2)]
    long_ago = timezone.now() - dt.timedelta(weeks=20)
    households = [
        factories.household(
            commune=communes[i % 2], actor=ministry, head_name=f"Hộ {i}", registered_at=long_ago
        )
        for i in range(24)
    ]
    counts = training_demo_seed(rng=random.Random(1034), households=households, actor=ministry)
    assert counts["courses"] == len(Course.Topic.values)
    assert counts["sessions"] == TrainingSession.objects.count() >= 2 * 2
    assert counts["attendances"] == Attendance.objects.count() > 0
    # Every commune has a session today, to mark attendance at in the demo.
    tomorrow = selectors.start_of_today() + dt.timedelta(days=1)
    for commune in communes:
        assert TrainingSession.objects.filter(
            commune=commune, starts_at__gte=selectors.start_of_today(), starts_at__lt=tomorrow
        ).exists()
    trained = Milestone.objects.filter(kind=Milestone.Kind.TRAINED_DIGITAL)
    digital = Attendance.objects.filter(
        session__course__topic__in=[Course.Topic.DIGITAL_SKILLS, Course.Topic.MARKETPLACE_SELLING]
    )
    assert set(trained.values_list("household", flat=True)) == set(
        digital.values_list("household", flat=True)
    )
    again = training_demo_seed(rng=random.Random(1034), households=households, actor=ministry)
    assert again == {"courses": 0, "sessions": 0, "attendances": 0}
