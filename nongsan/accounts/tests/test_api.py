import pytest

from nongsan.accounts import services
from nongsan.accounts.models import Role
from nongsan.accounts.tests import factories

pytestmark = pytest.mark.django_db


def test_me_with_api_key(client):
    user = factories.user(Role.PROVINCE_OFFICIAL, full_name="Lương Thị Hạnh")
    _key, raw = services.api_key_create(user=user, name="báo cáo")
    response = client.get("/api/accounts/me", headers={"X-API-Key": raw})
    assert response.status_code == 200
    assert response.json() == {
        "id": user.pk,
        "full_name": "Lương Thị Hạnh",
        "phone": user.phone,
        "role": "province_official",
        "role_label": "Cán bộ Sở TTTT",
        "scope": "Tỉnh Lạng Sơn",
    }


def test_me_with_session(client):
    user = factories.user()
    client.force_login(user)
    assert client.get("/api/accounts/me").json()["id"] == user.pk


@pytest.mark.parametrize("headers", [{}, {"X-API-Key": "ns_nothing_here"}])
def test_me_without_credentials_is_a_json_401(client, headers):
    response = client.get("/api/accounts/me", headers=headers)
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_openapi_is_published(client):
    schema = client.get("/api/openapi.json").json()
    assert "/api/accounts/me" in schema["paths"]
    assert client.get("/api/docs").status_code == 200
