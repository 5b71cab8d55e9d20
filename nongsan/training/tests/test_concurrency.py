"""Many agents marking at once: seats and certificate numbers stay right (PostgreSQL row locks)."""

import pytest
from django.db import connection

from nongsan.accounts.tests import factories as account_factories
from nongsan.core.testing import run_at_once
from nongsan.training import services
from nongsan.training.models import Attendance
from nongsan.training.tests import factories

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite's shared in-memory test database refuses concurrent writers outright",
    ),
]


def test_concurrent_marks_fill_exactly_the_seats(units_loaded):
    commune = account_factories.commune("Lạng Sơn", 0)
    agent = factories.agent_for(commune)
    full = factories.session(commune=commune, actor=agent, capacity=3)
    roomy = factories.session(commune=commune, actor=agent, capacity=30)
    households = [factories.household(commune=commune, head_name=f"Hộ {i}") for i in range(8)]
    calls = [
        (lambda h=h, s=s: services.attendance_mark(actor=agent, session=s, household=h))
        for h in households
        for s in (full, roomy)
    ]
    # The same household pressed twice at the same moment is still one attendance.
    calls.append(
        lambda: services.attendance_mark(actor=agent, session=roomy, household=households[0])
    )
    results = run_at_once(calls)
    assert results.count("full") == 5
    assert Attendance.objects.filter(session=full).count() == 3
    assert Attendance.objects.filter(session=roomy).count() == 8
    numbers = list(Attendance.objects.values_list("certificate_number", flat=True))
    assert len(numbers) == len(set(numbers)) == 11
