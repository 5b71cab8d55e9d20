import datetime as dt

import pytest
from django.utils import timezone

from nongsan.accounts import services as account_services
from nongsan.accounts.models import Role
from nongsan.accounts.tests import factories as account_factories
from nongsan.households.models import Milestone
from nongsan.training import services
from nongsan.training.models import Attendance, Course, TrainingSession
from nongsan.training.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def commune():
    return account_factories.commune("Lạng Sơn", 0)


@pytest.fixture
def other_commune():
    return account_factories.commune("Lạng Sơn", 1)


@pytest.fixture
def agent(commune):
    return factories.agent_for(commune)


def key_for(user):
    return {"X-API-Key": account_services.api_key_create(user=user, name="t")[1]}


def test_agent_creates_a_session_and_marks_attendance(client, agent, commune):
    headers = key_for(agent)
    course = factories.course(topic=Course.Topic.PACKAGING_DELIVERY)
    account_factories.marketplace()
    assert [c["id"] for c in client.get("/api/training/courses", headers=headers).json()] == [
        course.pk
    ]
    starts_at = timezone.localtime().replace(hour=7, minute=30, second=0, microsecond=0)
    response = client.post(
        "/api/training/sessions",
        {
            "course_id": course.pk,
            "starts_at": starts_at.isoformat(),
            "commune_code": commune.code,
            "venue": "Bưu điện văn hóa xã",
            "trainer_name": "Lê Thị Hồng Nhung",
            "capacity": 25,
            "marketplace_code": "postmart",
        },
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["topic"] == "packaging_delivery" and body["marketplace"] == "postmart"
    assert body["commune_code"] == commune.code and body["attendee_count"] == 0
    session_id = body["id"]

    household = factories.household(commune=commune, head_name="Vi Thị Hoa")
    url = f"/api/training/sessions/{session_id}/attendance"
    first = client.post(
        url, {"household_id": household.pk}, content_type="application/json", headers=headers
    )
    again = client.post(
        url, {"household_id": household.pk}, content_type="application/json", headers=headers
    )
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert first.json()["head_name"] == "Vi Thị Hoa" and first.json()["source"] == "api"
    assert household.milestones.filter(kind=Milestone.Kind.TRAINED_PACKAGING).count() == 1
    listed = client.get(url, headers=headers).json()
    assert [a["certificate_number"] for a in listed] == [first.json()["certificate_number"]]
    detail = client.get(f"/api/training/sessions/{session_id}", headers=headers).json()
    assert detail["attendee_count"] == 1


def test_list_upcoming_and_past(client, agent, commune):
    today = factories.session(commune=commune, actor=agent)
    past = factories.session(
        commune=commune,
        actor=agent,
        starts_at=factories.local(timezone.localdate() - dt.timedelta(days=9)),
    )
    headers = key_for(agent)

    def ids(query):
        return [
            s["id"]
            for s in client.get(f"/api/training/sessions{query}", headers=headers).json()["items"]
        ]

    assert ids("?upcoming=true") == [today.pk]
    assert ids("?upcoming=false") == [past.pk]
    assert ids("") == [today.pk, past.pk]


def test_bad_input_is_a_json_error_naming_the_field(client, agent, commune):
    response = client.post(
        "/api/training/sessions",
        {
            "course_id": factories.course().pk,
            "starts_at": timezone.now().isoformat(),
            "commune_code": commune.code,
            "venue": "Hội trường",
            "trainer_name": "A",
            "capacity": 0,
        },
        content_type="application/json",
        headers=key_for(agent),
    )
    assert response.status_code == 400
    assert response.json()["field"] == "capacity"


def test_capacity_error_on_marking_is_json(client, agent, commune):
    session = factories.session(commune=commune, actor=agent, capacity=1)
    services.attendance_mark(
        actor=agent, session=session, household=factories.household(commune=commune)
    )
    other = factories.household(commune=commune, head_name="Lò Văn Sáng", female=False)
    response = client.post(
        f"/api/training/sessions/{session.pk}/attendance",
        {"household_id": other.pk},
        content_type="application/json",
        headers=key_for(agent),
    )
    assert response.status_code == 400
    assert response.json()["code"] == "full" and "đã đủ 1 chỗ" in response.json()["message"]


def test_scope_on_the_api(client, agent, commune, other_commune):
    foreign = factories.session(commune=other_commune)
    own = factories.session(commune=commune, actor=agent)
    stranger = factories.household(commune=other_commune)
    headers = key_for(agent)
    listed = client.get("/api/training/sessions", headers=headers).json()
    assert [s["id"] for s in listed["items"]] == [own.pk]
    assert client.get(f"/api/training/sessions/{foreign.pk}", headers=headers).status_code == 404
    url = f"/api/training/sessions/{foreign.pk}/attendance"
    assert client.get(url, headers=headers).status_code == 404
    response = client.post(
        url, {"household_id": stranger.pk}, content_type="application/json", headers=headers
    )
    assert response.status_code == 404
    response = client.post(
        f"/api/training/sessions/{own.pk}/attendance",
        {"household_id": stranger.pk},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 404
    response = client.post(
        "/api/training/sessions",
        {
            "course_id": factories.course().pk,
            "starts_at": timezone.now().isoformat(),
            "commune_code": other_commune.code,
            "venue": "Hội trường",
            "trainer_name": "A",
            "capacity": 10,
        },
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 400 and response.json()["code"] == "forbidden"
    assert not Attendance.objects.exists()
    assert TrainingSession.objects.count() == 2


def test_buyer_sees_nothing_and_cannot_create(client, commune):
    factories.session(commune=commune)
    headers = key_for(account_factories.user(Role.BUYER))
    assert client.get("/api/training/sessions", headers=headers).json()["count"] == 0
    response = client.post(
        "/api/training/sessions",
        {
            "course_id": factories.course().pk,
            "starts_at": timezone.now().isoformat(),
            "commune_code": commune.code,
            "venue": "Hội trường",
            "trainer_name": "A",
            "capacity": 10,
        },
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 400 and response.json()["code"] == "forbidden"


def test_anonymous_is_401(client):
    assert client.get("/api/training/sessions").status_code == 401
    assert client.get("/api/training/courses").status_code == 401


def test_documented_in_openapi(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert {
        "/api/training/courses",
        "/api/training/sessions",
        "/api/training/sessions/{session_id}",
        "/api/training/sessions/{session_id}/attendance",
    } <= set(paths)
    assert set(paths["/api/training/sessions/{session_id}/attendance"]) == {"get", "post"}
