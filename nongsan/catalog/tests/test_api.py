import pytest

from nongsan.accounts import services as account_services
from nongsan.accounts.models import Role
from nongsan.accounts.tests import factories as account_factories
from nongsan.catalog.models import Product, Shop
from nongsan.catalog.tests import factories
from nongsan.households.models import Milestone
from nongsan.households.tests import factories as household_factories

pytestmark = pytest.mark.django_db

Status = Product.Status
JSON = "application/json"


def key_for(user):
    return {"X-API-Key": account_services.api_key_create(user=user, name="t")[1]}


@pytest.fixture
def postmart():
    return account_factories.marketplace("postmart", "Postmart")


@pytest.fixture
def shop(postmart):
    return factories.shop(marketplace=postmart, name="Vườn nhà chị Mai")


@pytest.fixture
def owner(shop):
    return shop.household.user


class TestPublicReads:
    def test_search_typed_without_diacritics_with_filters(self, client, shop):
        product = factories.product(shop=shop, name="Vải thiều Lục Ngạn", price=45_000)
        factories.product(shop=shop, name="Vải thiều loại 2", status=Status.HIDDEN)
        body = client.get("/api/catalog/search", {"q": "VAI THIEU", "price_max": 50000}).json()
        assert len(body["results"]) == 1 and not body["has_next"]
        found = body["results"][0]
        assert found["id"] == product.pk and found["price_display"] == "45.000 ₫"
        assert found["marketplace"] == "postmart" and found["shop"] == shop.slug
        assert found["category"] == "vai-nhan-chom-chom" and found["unit_label"] == "kg"
        assert found["thumbnail_url"].startswith("/media/products/thumbs/")
        assert (
            client.get("/api/catalog/search", {"q": "vai", "price_min": 50000}).json()["results"]
            == []
        )
        assert client.get("/api/catalog/products", {"province": "99"}).status_code == 404

    def test_hidden_and_draft_never_show(self, client, shop):
        listed = factories.product(shop=shop)
        for status in (Status.DRAFT, Status.PENDING, Status.HIDDEN):
            unlisted = factories.product(shop=shop, status=status)
            assert client.get(f"/api/catalog/products/{unlisted.pk}").status_code == 404
        ids = [p["id"] for p in client.get("/api/catalog/products").json()["results"]]
        assert ids == [listed.pk]
        detail = client.get(f"/api/catalog/products/{listed.pk}").json()
        assert len(detail["photos"]) == 1 and detail["standards"] == []

    def test_marketplaces_categories_and_shops(self, client, shop):
        assert [m["code"] for m in client.get("/api/catalog/marketplaces").json()] == ["postmart"]
        categories = client.get("/api/catalog/categories", {"kind": "input"}).json()
        assert {"phan-bon", "thuoc-bvtv"} <= {c["slug"] for c in categories}
        assert {c["kind"] for c in categories} == {"input"}
        listed = client.get("/api/catalog/shops", {"marketplace": "postmart"}).json()
        assert listed["count"] == 1 and listed["items"][0]["slug"] == shop.slug
        detail = client.get(f"/api/catalog/shops/{shop.slug}").json()
        assert detail["rating_count"] == 0 and detail["certifications"] == []


class TestSellerWrites:
    def test_owner_opens_adds_uploads_and_submits(self, client, postmart):
        household = factories.household_with_account()
        headers = key_for(household.user)
        response = client.post(
            "/api/catalog/seller/shops",
            {"marketplace": "postmart", "name": "Vườn bơ Đắk Lắk"},
            content_type=JSON,
            headers=headers,
        )
        assert response.status_code == 201, response.json()
        shop_id = response.json()["id"]
        assert Milestone.objects.filter(
            household=household, kind=Milestone.Kind.SHOP_OPENED
        ).exists()
        response = client.post(
            f"/api/catalog/seller/shops/{shop_id}/products",
            {"name": "Bơ 034", "price": 55000, "unit": "kg", "stock": "2.5"},
            content_type=JSON,
            headers=headers,
        )
        assert response.status_code == 201, response.json()
        product = response.json()
        assert product["status"] == "draft" and product["category"] == "xoai-bo-chuoi"
        response = client.post(
            f"/api/catalog/seller/products/{product['id']}/photos",
            {"photo": factories.photo()},
            headers=headers,
        )
        assert response.status_code == 201
        response = client.post(
            f"/api/catalog/products/{product['id']}/transition",
            {"to": "pending"},
            content_type=JSON,
            headers=headers,
        )
        assert response.json()["status"] == "pending"
        mine = client.get("/api/catalog/seller/products", headers=headers).json()
        assert [p["id"] for p in mine["items"]] == [product["id"]]

    def test_price_and_stock_patch_keeps_status(self, client, shop, owner):
        product = factories.product(shop=shop)
        response = client.patch(
            f"/api/catalog/seller/products/{product.pk}",
            {"price": 72000, "stock": "10.5"},
            content_type=JSON,
            headers=key_for(owner),
        )
        assert response.status_code == 200
        assert response.json()["price"] == 72000 and response.json()["status"] == "published"

    def test_bad_input_is_a_400_naming_the_field(self, client, shop, owner):
        response = client.post(
            f"/api/catalog/seller/shops/{shop.pk}/products",
            {"name": "Sầu riêng", "price": 90000, "unit": "fruit", "stock": "1"},
            content_type=JSON,
            headers=key_for(owner),
        )
        assert response.status_code == 400 and response.json()["field"] == "unit_weight_kg"

    @pytest.mark.parametrize("who", ["stranger", "operator", "buyer", "ministry"])
    def test_outsiders_get_404_on_every_seller_write(self, client, shop, postmart, who):
        product = factories.product(shop=shop)
        photo = product.photos.get()
        person = {
            "stranger": lambda: factories.household_with_account().user,
            "operator": lambda: factories.operator(postmart),
            "buyer": lambda: account_factories.user(Role.BUYER),
            "ministry": lambda: account_factories.user(Role.MINISTRY_OFFICIAL),
        }[who]()
        headers = key_for(person)
        calls = [
            client.patch(
                f"/api/catalog/seller/shops/{shop.pk}",
                {"name": "X"},
                content_type=JSON,
                headers=headers,
            ),
            client.post(
                f"/api/catalog/seller/shops/{shop.pk}/products",
                {"name": "Na", "price": 1, "stock": "1"},
                content_type=JSON,
                headers=headers,
            ),
            client.patch(
                f"/api/catalog/seller/products/{product.pk}",
                {"price": 1},
                content_type=JSON,
                headers=headers,
            ),
            client.post(
                f"/api/catalog/seller/products/{product.pk}/photos",
                {"photo": factories.photo()},
                headers=headers,
            ),
            client.delete(f"/api/catalog/seller/photos/{photo.pk}", headers=headers),
        ]
        assert [r.status_code for r in calls] == [404] * len(calls)
        product.refresh_from_db()
        assert product.price == 65_000 and product.photos.count() == 1

    def test_anonymous_writes_are_401(self, client, shop):
        product = factories.product(shop=shop)
        response = client.patch(
            f"/api/catalog/seller/products/{product.pk}", {"price": 1}, content_type=JSON
        )
        assert response.status_code == 401
        response = client.post(
            f"/api/catalog/products/{product.pk}/transition", {"to": "hidden"}, content_type=JSON
        )
        assert response.status_code == 401

    def test_household_cannot_open_a_shop_for_another_household(self, client, postmart):
        other = household_factories.household()
        response = client.post(
            "/api/catalog/seller/shops",
            {"marketplace": "postmart", "name": "Gian lạ", "household_id": other.pk},
            content_type=JSON,
            headers=key_for(factories.household_with_account().user),
        )
        assert response.status_code == 403
        assert not Shop.objects.exists()


class TestModerationApi:
    def test_operator_publishes_refuses_and_hides(self, client, shop, postmart):
        operator = factories.operator(postmart)
        headers = key_for(operator)
        pending = factories.product(shop=shop, status=Status.PENDING)
        queue = client.get("/api/catalog/moderation", headers=headers).json()
        assert [p["id"] for p in queue["items"]] == [pending.pk]
        response = client.post(
            f"/api/catalog/products/{pending.pk}/transition",
            {"to": "published"},
            content_type=JSON,
            headers=headers,
        )
        assert response.status_code == 200 and response.json()["is_listed"]
        response = client.post(
            f"/api/catalog/products/{pending.pk}/transition",
            {"to": "hidden"},
            content_type=JSON,
            headers=headers,
        )
        assert response.status_code == 400 and response.json()["field"] == "reason"
        response = client.post(
            f"/api/catalog/products/{pending.pk}/transition",
            {"to": "hidden", "reason": "Sai xuất xứ"},
            content_type=JSON,
            headers=headers,
        )
        assert response.json()["status"] == "hidden"
        assert response.json()["status_reason"] == "Sai xuất xứ"

    def test_owner_cannot_publish_and_other_operator_cannot_see(self, client, shop, owner):
        pending = factories.product(shop=shop, status=Status.PENDING)
        url = f"/api/catalog/products/{pending.pk}/transition"
        response = client.post(url, {"to": "published"}, content_type=JSON, headers=key_for(owner))
        assert response.status_code == 403
        voso_operator = factories.operator(account_factories.marketplace("voso", "Vỏ Sò"))
        response = client.post(
            url, {"to": "published"}, content_type=JSON, headers=key_for(voso_operator)
        )
        assert response.status_code == 404
        buyer = account_factories.user(Role.BUYER)
        assert (
            client.post(url, {"to": "published"}, content_type=JSON, headers=key_for(buyer))
        ).status_code == 404
        assert client.get("/api/catalog/moderation", headers=key_for(buyer)).status_code == 403
        pending.refresh_from_db()
        assert pending.status == Status.PENDING

    def test_shop_closing_is_for_its_operator_only(self, client, shop, owner, postmart):
        factories.product(shop=shop)
        url = f"/api/catalog/moderation/shops/{shop.pk}/active"
        body = {"is_active": False, "reason": "Hàng giả"}
        for person in (owner, factories.operator(account_factories.marketplace("voso", "Vỏ Sò"))):
            response = client.post(url, body, content_type=JSON, headers=key_for(person))
            assert response.status_code == 403
        response = client.post(
            url, body, content_type=JSON, headers=key_for(factories.operator(postmart))
        )
        assert response.status_code == 200 and response.json()["is_active"] is False
        assert client.get("/api/catalog/products").json()["results"] == []


def test_openapi_lists_the_catalog(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert (
        "/api/catalog/search" in paths and "/api/catalog/products/{product_id}/transition" in paths
    )
