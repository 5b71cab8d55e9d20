import pytest

from nongsan.accounts import services as account_services
from nongsan.accounts.models import Role
from nongsan.accounts.tests import factories as account_factories
from nongsan.households.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def commune():
    return account_factories.commune("Lạng Sơn", 0)


def key_for(user):
    return {"X-API-Key": account_services.api_key_create(user=user, name="t")[1]}


def test_agent_lists_and_registers_in_scope(client, commune):
    agent = factories.agent_for(commune)
    headers = key_for(agent)
    response = client.post(
        "/api/households/",
        {
            "head_name": "Vi Thị Hoa",
            "head_cccd": "020190001111",
            "head_gender": "female",
            "commune_code": commune.code,
            "consent": True,
            "produce": ["na"],
        },
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["head_cccd"] == "020190001111"
    assert body["produce"] == ["na"] and body["next_step"] == "trained_digital"
    listed = client.get("/api/households/?q=vi thi hoa", headers=headers).json()
    assert listed["count"] == 1


def test_bad_input_is_a_json_error_naming_the_field(client, commune):
    agent = factories.agent_for(commune)
    response = client.post(
        "/api/households/",
        {
            "head_name": "A",
            "head_cccd": "1",
            "head_gender": "male",
            "commune_code": commune.code,
            "consent": True,
        },
        content_type="application/json",
        headers=key_for(agent),
    )
    assert response.status_code == 400
    assert response.json()["field"] == "head_cccd"


def test_scope_on_the_api(client, commune):
    household = factories.household(commune=commune)
    other_agent = factories.agent_for(account_factories.commune("Lạng Sơn", 1))
    headers = key_for(other_agent)
    assert client.get(f"/api/households/{household.pk}", headers=headers).status_code == 404
    assert client.get("/api/households/", headers=headers).json()["count"] == 0
    response = client.post(
        "/api/households/",
        {
            "head_name": "A",
            "head_cccd": "020190001111",
            "head_gender": "female",
            "commune_code": commune.code,
            "consent": True,
        },
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 400 and response.json()["code"] == "forbidden"


def test_province_official_sees_masked_identity(client, commune):
    household = factories.household(commune=commune, head_phone="0912345678")
    official = account_factories.user(Role.PROVINCE_OFFICIAL)
    body = client.get(f"/api/households/{household.pk}", headers=key_for(official)).json()
    assert body["head_cccd"] == household.masked_cccd
    assert body["head_phone"] == household.masked_phone


def test_anonymous_is_401(client):
    assert client.get("/api/households/").status_code == 401


def test_an_operator_opens_a_household_with_several_milestones_on_its_marketplace(client, commune):
    from django.urls import reverse

    from nongsan.households import services
    from nongsan.households.models import Milestone

    postmart = account_factories.marketplace()
    household = factories.household(commune=commune)
    for kind in (Milestone.Kind.SHOP_OPENED, Milestone.Kind.FIRST_PRODUCT):
        services.milestone_record(household=household, kind=kind, marketplace=postmart)
    operator = account_factories.user(Role.MARKETPLACE_OPERATOR, marketplace=postmart)
    answer = client.get(f"/api/households/{household.pk}", headers=key_for(operator))
    assert answer.status_code == 200 and answer.json()["id"] == household.pk
    client.force_login(operator)
    assert client.get(reverse("households:detail", args=[household.pk])).status_code == 200


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("Vi Thị \\ud800Hoa", "nửa cặp UTF-16"),
        ("Vi Thị \\u202eaoH", "đảo chiều"),
        ("Vi Thị\\u200b Hoa", "ký tự ẩn"),
        ("Vi Thị \\u0000Hoa", "điều khiển"),
    ],
)
def test_text_that_is_not_typed_text_is_refused_naming_the_field(client, commune, name, reason):
    agent = factories.agent_for(commune)
    body = (
        f'{{"head_name": "{name}", "head_cccd": "020190001111", "head_gender": "female", '
        f'"commune_code": "{commune.code}", "consent": true}}'
    ).encode()
    response = client.post(
        "/api/households/", data=body, content_type="application/json", headers=key_for(agent)
    )
    assert response.status_code == 400
    assert response.json()["field"] == "head_name" and reason in response.json()["message"]
    from nongsan.households.models import Household

    assert not Household.objects.exists()


def test_typed_text_is_stored_in_its_composed_form(client, commune):
    import unicodedata

    agent = factories.agent_for(commune)
    decomposed = unicodedata.normalize("NFD", "Vi Thị Hoa")
    response = client.post(
        "/api/households/",
        {
            "head_name": decomposed,
            "head_cccd": "020190001111",
            "head_gender": "female",
            "commune_code": commune.code,
            "consent": True,
        },
        content_type="application/json",
        headers=key_for(agent),
    )
    assert response.status_code == 201, response.json()
    assert response.json()["head_name"] == "Vi Thị Hoa" != decomposed
