import pytest
from django.urls import reverse

from nongsan.accounts.models import Role
from nongsan.accounts.tests import factories as account_factories
from nongsan.households.models import Household
from nongsan.households.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def commune():
    return account_factories.commune("Lạng Sơn", 0)


@pytest.fixture
def agent(commune):
    return factories.agent_for(commune)


def form_data(commune, **overrides):
    data = {
        "head_name": "Hoàng Văn Nam",
        "head_cccd": "020088001234",
        "head_gender": "male",
        "head_birth_date": "1988-04-12",
        "head_phone": "0987 111 222",
        "commune": commune.pk,
        "village": "Thôn Pá Phiêng",
        "members_count": "4",
        "farming_area_unit": "sao_north",
        "consent": "on",
    }
    data.update(overrides)
    return data


def test_agent_registers_a_household_in_one_screen(client, agent, commune):
    client.force_login(agent)
    response = client.get(reverse("households:register"))
    assert response.status_code == 200
    response = client.post(reverse("households:register"), form_data(commune))
    household = Household.objects.get()
    assert response.url == reverse("households:detail", args=[household.pk])
    page = client.get(response.url).content.decode()
    assert "020088001234" in page  # the agent of the commune sees the full ID
    assert "Bước tiếp theo" in page and "Tập huấn kỹ năng số" in page


def test_bad_cccd_is_shown_on_its_field_and_nothing_is_lost(client, agent, commune):
    client.force_login(agent)
    response = client.post(reverse("households:register"), form_data(commune, head_cccd="12"))
    assert response.status_code == 200
    assert "12 chữ số" in str(response.context["form"].errors["head_cccd"])
    assert response.context["form"]["head_name"].value() == "Hoàng Văn Nam"
    assert not Household.objects.exists()


def test_likely_duplicate_warns_then_registers_when_confirmed(client, agent, commune):
    factories.household(commune=commune, head_name="Hoàng Văn Nam")
    client.force_login(agent)
    response = client.post(reverse("households:register"), form_data(commune))
    assert response.status_code == 200
    assert "Có thể hộ này đã được đăng ký" in response.content.decode()
    assert Household.objects.count() == 1
    response = client.post(
        reverse("households:register"), form_data(commune, confirm_duplicate="on")
    )
    assert response.status_code == 302
    assert Household.objects.count() == 2


def test_other_commune_agent_gets_404_and_province_official_sees_masked(client, commune):
    household = factories.household(commune=commune, head_phone="0912345678")
    client.force_login(factories.agent_for(account_factories.commune("Lạng Sơn", 1)))
    assert client.get(reverse("households:detail", args=[household.pk])).status_code == 404
    client.force_login(account_factories.user(Role.PROVINCE_OFFICIAL))
    page = client.get(reverse("households:detail", args=[household.pk])).content.decode()
    assert household.masked_cccd in page and household.head_cccd not in page


@pytest.mark.parametrize("role", [Role.BUYER, Role.HOUSEHOLD, Role.CARRIER_STAFF])
@pytest.mark.parametrize(
    "name", ["households:list", "households:register", "households:funnel", "households:priority"]
)
def test_staff_pages_are_403_for_other_roles(client, role, name):
    client.force_login(account_factories.user(role))
    assert client.get(reverse(name)).status_code == 403


def test_list_search_without_diacritics(client, agent, commune, django_assert_max_num_queries):
    factories.household(commune=commune, head_name="Hoàng Thị Lan", female=True)
    for _ in range(10):
        factories.household(commune=commune)
    client.force_login(agent)
    # 9: the menu asks once whether a field agent is also a post-office clerk
    with django_assert_max_num_queries(9):
        response = client.get(reverse("households:list"), {"q": "hoang thi lan"})
    page = response.content.decode()
    assert "Hoàng Thị Lan" in page
    assert "Nông Văn Dũng" not in page


def test_funnel_page_lists_who_is_stuck(client, agent, commune):
    household = factories.household(commune=commune, head_name="Lò Văn Páo")
    client.force_login(agent)
    response = client.get(reverse("households:funnel"), {"buoc": "trained_digital"})
    assert [h.pk for h in response.context["stuck_page"]] == [household.pk]
    assert "Lò Văn Páo" in response.content.decode()


def test_priority_page_explains_the_criteria(client, agent, commune):
    factories.household(commune=commune)
    client.force_login(agent)
    page = client.get(reverse("households:priority")).content.decode()
    assert "Có chứng nhận VietGAP còn hiệu lực" in page


def test_household_sees_its_own_page(client, commune):
    household = factories.household(commune=commune, head_phone="0912345678")
    client.force_login(household.user)
    response = client.get(reverse("households:mine"))
    assert response.url == reverse("households:detail", args=[household.pk])
    assert client.get(response.url).status_code == 200


def test_certificate_with_scan_is_added(client, agent, commune):
    from django.core.files.uploadedfile import SimpleUploadedFile

    household = factories.household(commune=commune)
    client.force_login(agent)
    scan = SimpleUploadedFile("vietgap.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    response = client.post(
        reverse("households:certification_add", args=[household.pk]),
        {
            "kind": "vietgap",
            "number": "VG-2026-01",
            "issuer": "Sở NN&PTNT Lạng Sơn",
            "document": scan,
        },
    )
    assert response.status_code == 302
    assert household.certifications.get().document.name.endswith(".pdf")


def test_agent_adds_a_cooperative_and_a_member_household(client, agent, commune):
    client.force_login(agent)
    response = client.post(
        reverse("households:cooperative_create"),
        {"name": "HTX Na Chi Lăng", "commune": commune.pk, "tax_code": "0100233488"},
    )
    assert response.status_code == 302
    from nongsan.households.models import Cooperative

    cooperative = Cooperative.objects.get()
    response = client.post(
        reverse("households:register"), form_data(commune, cooperative=cooperative.pk)
    )
    assert response.status_code == 302
    assert Household.objects.get().cooperative == cooperative


def test_cooperative_outside_the_agents_area_is_refused(client, agent):
    client.force_login(agent)
    elsewhere = account_factories.commune("Hà Nội", 0)
    response = client.post(
        reverse("households:cooperative_create"), {"name": "HTX Khác", "commune": elsewhere.pk}
    )
    assert response.status_code == 200
    assert "commune" in response.context["form"].errors
