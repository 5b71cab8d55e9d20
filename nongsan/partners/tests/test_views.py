"""The cross-marketplace page (officials, scoped), the API guide and the Python client example."""

import importlib.util
import time

import pytest
from django.urls import reverse

from nongsan.accounts.models import Role
from nongsan.accounts.tests import factories as account_factories
from nongsan.households import services as households_services
from nongsan.households.models import Milestone
from nongsan.households.tests import factories as household_factories
from nongsan.monitoring.models import ExternalFigure
from nongsan.partners import services, views
from nongsan.partners.tests import factories

pytestmark = pytest.mark.django_db


def shops(household, *marketplaces):
    for marketplace in marketplaces:
        households_services.milestone_record(
            household=household, kind=Milestone.Kind.SHOP_OPENED, marketplace=marketplace
        )


def test_households_on_several_marketplaces_are_counted_once_and_listed(
    client, django_assert_max_num_queries
):
    postmart = account_factories.marketplace()
    voso = factories.partner()
    lang_son_commune = account_factories.commune("Lạng Sơn")
    hanoi_commune = account_factories.commune("Hà Nội")
    both = household_factories.household(commune=lang_son_commune, head_name="Lý Văn Sơn")
    shops(both, postmart, voso)
    shops(household_factories.household(commune=lang_son_commune), postmart)
    shops(household_factories.household(commune=hanoi_commune), voso, postmart)
    ministry = account_factories.user(Role.MINISTRY_OFFICIAL)
    client.force_login(ministry)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("partners:cross"))
    counts = page.context["counts"]
    assert (counts.households, counts.one_only, counts.several, counts.listings) == (3, 1, 2, 5)
    assert len(page.context["households"]) == 2
    lang_son = lang_son_commune.province
    only = client.get(reverse("partners:cross"), {"province": lang_son.pk}).context
    assert [h.head_name for h in only["households"]] == ["Lý Văn Sơn"]
    client.force_login(account_factories.user(Role.PROVINCE_OFFICIAL, province=lang_son))
    page = client.get(reverse("partners:cross"), {"province": hanoi_commune.province_id})
    assert page.context["counts"].households == 2  # the filter cannot widen a province's scope
    content = page.content.decode()
    assert "Lý Văn Sơn" in content and "Postmart (" in content and "Vỏ Sò (" in content
    client.force_login(account_factories.user(Role.BUYER))
    assert client.get(reverse("partners:cross")).status_code == 403
    client.logout()
    assert client.get(reverse("partners:cross")).status_code == 302


def test_the_guide_is_public_and_the_client_downloads(client):
    page = client.get(reverse("partners:api_guide")).content.decode()
    assert "/api/partners/households" in page and "X-Nongsan-Signature" in page
    response = client.get(reverse("partners:client"))
    assert response.status_code == 200
    source = b"".join(response.streaming_content).decode()
    assert "class PartnerClient" in source


def load_client():
    spec = importlib.util.spec_from_file_location("client_example", views.CLIENT_EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_client_example_verifies_the_platforms_signatures():
    client_module = load_client()
    body = b'{"type":"order.delivered"}'
    header = services.sign(secret="whsec_x", timestamp=int(time.time()), body=body)
    assert client_module.verify_signature("whsec_x", header, body)
    assert not client_module.verify_signature("whsec_y", header, body)
    assert not client_module.verify_signature("whsec_x", header, body + b"!")


def test_the_client_example_splits_batches_and_renumbers_rejections(monkeypatch):
    client_module = load_client()
    sent = []

    def fake_request(self, method, path, payload=None, request_id=""):
        sent.append(len(payload["records"]))
        return {
            "batch_id": len(sent),
            "created": len(payload["records"]) - 1,
            "updated": 0,
            "unchanged": 0,
            "rejected": [{"index": 0, "external_id": "x", "field": "cccd", "reason": "sai"}],
        }

    monkeypatch.setattr(client_module.PartnerClient, "request", fake_request)
    result = client_module.PartnerClient("http://x", "k").send_households([{}] * 10_001)
    assert sent == [10_000, 1]
    assert [r["index"] for r in result["rejected"]] == [0, 10_000]
    assert result["created"] == 9_999 and result["batch_ids"] == [1, 2]


def test_the_client_example_posts_province_figures_the_platform_accepts(client, monkeypatch):
    external = factories.partner("nongsanviet", "Nông Sản Việt")
    raw = factories.key_for(factories.operator(external))
    client_module = load_client()

    def through_django(self, method, path, payload=None, request_id=""):
        response = client.post(
            path, payload, content_type="application/json", headers={"X-API-Key": self.api_key}
        )
        assert response.status_code == 200, response.content
        return response.json()

    monkeypatch.setattr(client_module.PartnerClient, "request", through_django)
    partner = client_module.PartnerClient("http://testserver", raw)
    lang_son = account_factories.province("Lạng Sơn")
    figures = {"I.3": (120, 4500), "II.2": ("12.5", "310.25")}

    assert partner.send_figures(lang_son.code, "2026-W47", 1, figures) == {
        "I.3": "created",
        "II.2": "created",
    }
    assert partner.send_figures(lang_son.code, "2026-W47", 1, figures)["I.3"] == "unchanged"
    tonnes = ExternalFigure.objects.get(indicator="II.2")
    assert (tonnes.marketplace, str(tonnes.cumulative)) == (external, "310.250")
