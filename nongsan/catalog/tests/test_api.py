import pytest

from nongsan.accounts import services as account_services
from nongsan.accounts.models import Role
from nongsan.accounts.tests import factories as account_factories
from nongsan.catalog import services
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


def seller_writes(client, *, shop, product, photo, headers=None):
    """Every write of the API on this shop, product and photo: the responses."""
    headers = headers or {}
    return {
        "shop_open": client.post(
            "/api/catalog/seller/shops",
            {"marketplace": "postmart", "name": "Gian lạ"},
            content_type=JSON,
            headers=headers,
        ),
        "shop_update": client.patch(
            f"/api/catalog/seller/shops/{shop.pk}",
            {"name": "X"},
            content_type=JSON,
            headers=headers,
        ),
        "product_create": client.post(
            f"/api/catalog/seller/shops/{shop.pk}/products",
            {"name": "Na", "price": 1000, "stock": "1"},
            content_type=JSON,
            headers=headers,
        ),
        "product_update": client.patch(
            f"/api/catalog/seller/products/{product.pk}",
            {"name": "Của tôi"},
            content_type=JSON,
            headers=headers,
        ),
        "photo_add": client.post(
            f"/api/catalog/seller/products/{product.pk}/photos",
            {"photo": factories.photo()},
            headers=headers,
        ),
        "photo_delete": client.delete(f"/api/catalog/seller/photos/{photo.pk}", headers=headers),
        "transition": client.post(
            f"/api/catalog/products/{product.pk}/transition",
            {"to": "hidden", "reason": "Sai giá"},
            content_type=JSON,
            headers=headers,
        ),
        "shop_active": client.post(
            f"/api/catalog/moderation/shops/{shop.pk}/active",
            {"is_active": False, "reason": "Hàng giả"},
            content_type=JSON,
            headers=headers,
        ),
    }


class TestScopeOfEveryWrite:
    def assert_untouched(self, shop, product):
        product.refresh_from_db()
        shop.refresh_from_db()
        assert product.name == "Na Chi Lăng loại 1" and product.status == Status.PUBLISHED
        assert product.photos.count() == 1 and shop.name == "Vườn nhà chị Mai" and shop.is_active
        assert Shop.objects.count() == 1 and Product.objects.count() == 1

    def test_anonymous_gets_401_on_every_write(self, client, shop):
        product = factories.product(shop=shop)
        calls = seller_writes(client, shop=shop, product=product, photo=product.photos.get())
        assert {name: r.status_code for name, r in calls.items()} == dict.fromkeys(calls, 401)
        assert calls["shop_open"].json()["code"] == "unauthenticated"
        for url in ("/api/catalog/seller/shops", "/api/catalog/seller/products"):
            assert client.get(url).status_code == 401
        assert client.get("/api/catalog/moderation").status_code == 401
        self.assert_untouched(shop, product)

    def test_operator_of_another_marketplace_is_refused(self, client, shop):
        product = factories.product(shop=shop)
        pending = factories.product(shop=shop, status=Status.PENDING, name="Na dai")
        voso_operator = factories.operator(account_factories.marketplace("voso", "Vỏ Sò"))
        headers = key_for(voso_operator)
        calls = seller_writes(
            client, shop=shop, product=product, photo=product.photos.get(), headers=headers
        )
        # An operator has no household to open a shop for (400); the seller's things are out
        # of scope (404); closing another marketplace's shop is refused (403).
        assert {name: r.status_code for name, r in calls.items()} == {
            "shop_open": 400,
            "shop_update": 404,
            "product_create": 404,
            "product_update": 404,
            "photo_add": 404,
            "photo_delete": 404,
            "transition": 404,
            "shop_active": 403,
        }
        assert client.get("/api/catalog/moderation", headers=headers).json()["items"] == []
        response = client.post(
            f"/api/catalog/products/{pending.pk}/transition",
            {"to": "published"},
            content_type=JSON,
            headers=headers,
        )
        assert response.status_code == 404
        pending.refresh_from_db()
        assert pending.status == Status.PENDING
        assert client.get("/api/catalog/seller/products", headers=headers).json()["items"] == []
        pending.delete()
        self.assert_untouched(shop, product)


class TestRulesAreA400:
    @pytest.mark.parametrize(
        ("payload", "field"),
        [
            ({"shelf_life_hours": -5}, "shelf_life_hours"),
            ({"shelf_life_hours": 100_001}, "shelf_life_hours"),
            ({"preorder_enabled": None}, "preorder_enabled"),
            ({"description": "a" * 5000}, "description"),
            ({"name": None}, "name"),
        ],
    )
    def test_product_patch(self, client, shop, owner, payload, field):
        product = factories.product(shop=shop)
        response = client.patch(
            f"/api/catalog/seller/products/{product.pk}",
            payload,
            content_type=JSON,
            headers=key_for(owner),
        )
        assert response.status_code == 400, response.content
        body = response.json()
        assert body["field"] == field and body["code"] == "invalid"
        label = str(Product._meta.get_field(field).verbose_name).split()[0]
        assert label.lower() in body["message"].lower()

    def test_product_post(self, client, shop, owner):
        response = client.post(
            f"/api/catalog/seller/shops/{shop.pk}/products",
            {"name": "Vải thiều", "price": 45000, "stock": "10", "shelf_life_hours": -3},
            content_type=JSON,
            headers=key_for(owner),
        )
        assert response.status_code == 400 and response.json()["field"] == "shelf_life_hours"
        assert "Thời gian bảo quản" in response.json()["message"]

    @pytest.mark.parametrize(
        ("payload", "field"),
        [({"preorder_allocation": "zzz"}, "preorder_allocation"), ({"story": "a" * 3001}, "story")],
    )
    def test_shop_patch(self, client, shop, owner, payload, field):
        response = client.patch(
            f"/api/catalog/seller/shops/{shop.pk}",
            payload,
            content_type=JSON,
            headers=key_for(owner),
        )
        assert response.status_code == 400 and response.json()["field"] == field


class TestPagination:
    @pytest.mark.parametrize(
        "params",
        [
            {"offset": 10**25},
            {"offset": 1_000_001},
            {"offset": -1},
            {"limit": 0},
            {"limit": 101},
            {"limit": 10**25},
            {"limit": "abc"},
        ],
    )
    def test_out_of_bounds_is_a_422_never_a_500(self, client, shop, owner, postmart, params):
        factories.product(shop=shop, status=Status.PENDING)
        for url, person in (
            ("/api/catalog/shops", None),
            ("/api/catalog/seller/products", owner),
            ("/api/catalog/moderation", factories.operator(postmart)),
        ):
            headers = key_for(person) if person else {}
            response = client.get(url, params, headers=headers)
            assert response.status_code == 422, (url, response.content)
            assert response.json()["code"] == "validation_error"

    def test_within_bounds(self, client, shop, owner):
        factories.product(shop=shop)
        factories.product(shop=shop, name="Na dai")
        headers = key_for(owner)
        body = client.get(
            "/api/catalog/seller/products", {"limit": 1, "offset": 1}, headers=headers
        ).json()
        assert body["count"] == 2 and len(body["items"]) == 1
        body = client.get(
            "/api/catalog/seller/products", {"offset": 1_000_000}, headers=headers
        ).json()
        assert body["items"] == []


class TestNotFoundInVietnamese:
    def test_every_404(self, client, shop, owner, postmart):
        calls = [
            client.get("/api/catalog/shops", {"marketplace": "khong-co"}),
            client.get("/api/catalog/products", {"marketplace": "khong-co"}),
            client.get("/api/catalog/search", {"q": "na", "marketplace": "khong-co"}),
            client.delete("/api/catalog/seller/photos/999999", headers=key_for(owner)),
            client.post(
                "/api/catalog/moderation/shops/999999/active",
                {"is_active": True},
                content_type=JSON,
                headers=key_for(factories.operator(postmart)),
            ),
        ]
        for response in calls:
            assert response.status_code == 404
            body = response.json()
            assert body["code"] == "not_found" and body["message"].startswith("Không")


class TestQueryCounts:
    @pytest.fixture
    def many(self, shop, postmart):
        for index in range(6):
            factories.product(shop=shop, name=f"Na Chi Lăng lô {index}")
            factories.product(shop=shop, name=f"Na dai lô {index}", status=Status.PENDING)
            factories.shop(marketplace=postmart, name=f"Vườn số {index}")
        for product in Product.objects.all():
            services.product_view_record(product=product)

    @pytest.mark.parametrize(
        ("url", "queries"),
        [
            # The page's ids; its products; their photos; their certificates.
            ("/api/catalog/products", 4),
            # Three tiers of ids, then the products, photos and certificates.
            ("/api/catalog/search?q=na", 6),
            # The count; the page.
            ("/api/catalog/shops", 2),
            ("/api/catalog/marketplaces", 1),
            ("/api/catalog/categories", 1),
        ],
    )
    def test_public_lists(self, client, many, django_assert_num_queries, url, queries):
        client.get(url)  # warm the category and synonym caches
        with django_assert_num_queries(queries):
            response = client.get(url)
        assert response.status_code == 200

    @pytest.mark.parametrize("url", ["/api/catalog/seller/products", "/api/catalog/moderation"])
    def test_seller_and_operator_lists_read_figures_in_the_page_query(
        self, client, many, shop, owner, postmart, django_assert_num_queries, url
    ):
        person = owner if "seller" in url else factories.operator(postmart)
        headers = key_for(person)
        client.get(url, headers=headers)  # the key's first use is recorded once
        # The API key; the count; the page with its view figures; photos; certificates.
        with django_assert_num_queries(5):
            response = client.get(url, headers=headers)
        items = response.json()["items"]
        assert len(items) == (12 if "seller" in url else 6)
        assert {(p["views_total"], p["views_7_days"]) for p in items} == {(1, 1)}
