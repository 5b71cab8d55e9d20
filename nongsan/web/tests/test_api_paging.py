"""Every paged API list answers an absurd limit or offset with a 422 naming it, never a
database overflow (found by fuzzing /api/openapi.json)."""

import pytest

from nongsan.accounts.models import Role
from nongsan.accounts.tests import factories

pytestmark = pytest.mark.django_db
LISTS = ("/api/info/bulletins", "/api/traceability/lots", "/api/orders/", "/api/households/")


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize(
    ("param", "value"), [("limit", "35472870889222163404947456"), ("offset", "10" * 15)]
)
def test_an_absurd_page_is_refused_with_the_parameter_named(client, path, param, value):
    client.force_login(factories.user(Role.MINISTRY_OFFICIAL))
    response = client.get(path, {param: value})
    assert response.status_code == 422, (path, response.status_code)
    assert param in str(response.json())


def test_a_sensible_page_is_served(client):
    client.force_login(factories.user(Role.MINISTRY_OFFICIAL))
    response = client.get("/api/households/", {"limit": 5, "offset": 0})
    assert response.status_code == 200
    assert set(response.json()) >= {"items", "count"}


def test_an_id_beyond_what_the_database_holds_finds_nothing_and_breaks_nothing(client):
    """PostgreSQL (through Django) matches nothing; SQLite cannot bind the number and the API
    says the request is invalid. Either way, no server error."""
    client.force_login(factories.user(Role.MINISTRY_OFFICIAL))
    response = client.get("/api/traceability/lots", {"product_id": "-" + "9" * 30})
    if response.status_code == 422:
        assert response.json()["code"] == "validation_error"
    else:
        assert (response.status_code, response.json()["items"]) == (200, [])
