import pytest
from django.urls import reverse

from nongsan.accounts.models import Role
from nongsan.accounts.tests import factories as account_factories
from nongsan.monitoring.models import IndicatorTarget, Target
from nongsan.monitoring.tests.scenarios import sheet

pytestmark = pytest.mark.django_db
URL = reverse("monitoring:targets")


def target_post(province, baseline, **percentages):
    data = {
        "action": "target",
        "target-province": province.pk,
        "target-baseline_households": baseline,
        "target-pct_i1": 70,
        "target-pct_i2": 60,
        "target-pct_i3": 50,
        "target-pct_i4": 50,
    }
    data.update({f"target-{key}": value for key, value in percentages.items()})
    return data


class TestMinistry:
    def test_enters_a_baseline_and_percentages(self, client, ministry):
        client.force_login(ministry)
        lang_son = account_factories.province("Lạng Sơn")

        response = client.post(f"{URL}?nam=2026", target_post(lang_son, 120000, pct_i3=55))

        assert response.status_code == 302
        target = Target.objects.get(year=2026)
        assert (target.baseline_households, target.pct_shop_opened) == (120000, 55)
        page = client.get(f"{URL}?nam=2026").content.decode()
        assert "120.000" in page and "55%" in page

    def test_a_percentage_over_100_is_shown_on_its_field(self, client, ministry):
        client.force_login(ministry)

        response = client.post(
            f"{URL}?nam=2026", target_post(account_factories.province(), 10, pct_i1=120)
        )

        assert response.status_code == 200
        assert response.context["target_form"].errors["pct_i1"]
        assert not Target.objects.exists()

    def test_imports_a_sheet_and_shows_every_row(self, client, ministry):
        client.force_login(ministry)
        upload = sheet([["Tỉnh/thành phố", "Số hộ SXNN"], ["Lạng Sơn", 5], ["Atlantis", 3]])
        upload.name = "so-ho.xlsx"

        response = client.post(f"{URL}?nam=2026", {"action": "import", "import-file": upload})

        assert response.status_code == 200
        page = response.content.decode()
        assert "Tạo mới 1, cập nhật 0, không đổi 0, bị từ chối 1." in page
        assert "Atlantis" in page and "Bị từ chối" in page
        assert Target.objects.get().baseline_households == 5


class TestProvinceOfficial:
    def test_sets_an_absolute_target_for_their_province_only(self, client):
        official = account_factories.user(Role.PROVINCE_OFFICIAL)
        client.force_login(official)

        response = client.post(
            f"{URL}?nam=2026",
            {"action": "absolute", "absolute-indicator": "II.5", "absolute-value": 300},
        )

        assert response.status_code == 302
        target = IndicatorTarget.objects.get()
        assert (target.province, target.indicator, target.value) == (official.province, "II.5", 300)

    def test_cannot_set_baselines(self, client):
        client.force_login(account_factories.user(Role.PROVINCE_OFFICIAL))

        page = client.get(URL)
        response = client.post(URL, target_post(account_factories.province(), 10))

        assert page.context["target_form"] is None
        assert response.status_code == 403
        assert not Target.objects.exists()

    def test_sees_only_their_province(self, client, ministry):
        for name in ("Lạng Sơn", "Huế"):
            client.force_login(ministry)
            client.post(f"{URL}?nam=2026", target_post(account_factories.province(name), 10))
        client.force_login(account_factories.user(Role.PROVINCE_OFFICIAL))  # Lạng Sơn

        targets = list(client.get(f"{URL}?nam=2026").context["targets"])

        assert [t.province.short_name for t in targets] == ["Lạng Sơn"]


@pytest.mark.parametrize("role", [Role.BUYER, Role.FIELD_AGENT, Role.MARKETPLACE_OPERATOR])
def test_other_roles_are_refused(client, role):
    client.force_login(account_factories.user(role))

    assert client.get(URL).status_code == 403
