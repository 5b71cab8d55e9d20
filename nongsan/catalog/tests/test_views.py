import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from nongsan.accounts.models import Role
from nongsan.accounts.tests import factories as account_factories
from nongsan.catalog.models import Product, ProductPhoto, ProductViewDay, Shop
from nongsan.catalog.tests import factories
from nongsan.households import services as households_services
from nongsan.households.models import Milestone
from nongsan.households.tests import factories as household_factories

pytestmark = pytest.mark.django_db

Status = Product.Status


@pytest.fixture
def postmart():
    return account_factories.marketplace("postmart", "Postmart")


@pytest.fixture
def shop(postmart):
    return factories.shop(marketplace=postmart, name="Vườn nhà chị Mai")


@pytest.fixture
def owner(shop):
    return shop.household.user


@pytest.fixture
def operator(postmart):
    return factories.operator(postmart)


class TestBuyerPages:
    def test_search_finds_listed_products_typed_without_diacritics(self, client, shop):
        listed = factories.product(shop=shop, name="Vải thiều Lục Ngạn")
        hidden = factories.product(shop=shop, name="Vải thiều loại 2", status=Status.HIDDEN)
        draft = factories.product(shop=shop, name="Vải thiều sấy", status=Status.DRAFT)
        response = client.get(reverse("catalog:search"), {"q": "vai thieu"})
        assert response.status_code == 200
        assert list(response.context["page"].products) == [listed]
        page = response.content.decode()
        assert "Vải thiều Lục Ngạn" in page
        assert hidden.name not in page and draft.name not in page

    def test_search_page_query_count_is_pinned(self, client, shop, django_assert_max_num_queries):
        for index in range(30):
            factories.product(shop=shop, name=f"Na Chi Lăng lô {index}")
        client.get(reverse("catalog:search"), {"q": "na"})  # warm the category/synonym caches
        province_code = shop.commune.province.code
        # Provinces and marketplaces for the filters; the page's ids, then those products with
        # their photos and certificates; the capped count.
        with django_assert_max_num_queries(7):
            response = client.get(
                reverse("catalog:search"),
                {"q": "na chi lang", "tinh": province_code, "sap_xep": "gia-tang"},
            )
        assert len(response.context["page"].products) == 24 and response.context["page"].has_next

    def test_category_and_province_pages_show_only_listed(self, client, shop):
        listed = factories.product(shop=shop, name="Na Chi Lăng")
        factories.product(shop=shop, name="Na dai", status=Status.PENDING)
        factories.product(shop=shop, name="Na bở", status=Status.HIDDEN)
        for url in (
            reverse("catalog:category", args=["trai-cay"]),
            reverse("catalog:category", args=["na-mit-sau-rieng"]),
            reverse("catalog:province", args=[shop.commune.province.code]),
            reverse("catalog:shop", args=[shop.slug]),
        ):
            response = client.get(url)
            assert response.status_code == 200, url
            page = response.content.decode()
            assert "Na Chi Lăng" in page and "Na dai" not in page and "Na bở" not in page, url
        assert list(client.get(reverse("catalog:category_list")).context["produce"])
        assert listed.pk

    def test_unknown_category_and_province_are_404(self, client):
        assert client.get(reverse("catalog:category", args=["khong-co"])).status_code == 404
        assert client.get(reverse("catalog:province", args=["99"])).status_code == 404

    def test_product_page_for_buyers_counts_views(self, client, shop):
        product = factories.product(shop=shop, description="Quả to, ngọt mát")
        client.force_login(account_factories.user(Role.BUYER))
        response = client.get(reverse("catalog:product", args=[product.pk]))
        assert response.status_code == 200
        page = response.content.decode()
        assert "65.000 ₫/kg" in page and "Quả to, ngọt mát" in page
        assert ProductViewDay.objects.get(product=product).count == 1

    @pytest.mark.parametrize("status", [Status.DRAFT, Status.PENDING, Status.HIDDEN])
    def test_unlisted_product_is_404_for_buyers_and_a_preview_for_its_people(
        self, client, shop, owner, operator, status
    ):
        product = factories.product(shop=shop, status=status)
        url = reverse("catalog:product", args=[product.pk])
        assert client.get(url).status_code == 404
        client.force_login(account_factories.user(Role.BUYER))
        assert client.get(url).status_code == 404
        client.force_login(factories.operator(account_factories.marketplace("voso", "Vỏ Sò")))
        assert client.get(url).status_code == 404
        for person in (owner, operator):
            client.force_login(person)
            response = client.get(url)
            assert response.status_code == 200 and "Bản xem trước" in response.content.decode()
        assert not ProductViewDay.objects.exists()

    def test_closed_shop_is_404_and_its_products_leave_search(self, client, shop, operator):
        factories.product(shop=shop, name="Na Chi Lăng")
        client.force_login(operator)
        client.post(
            reverse("catalog:shop_active", args=[shop.pk]), {"is_active": "0", "reason": "Giả"}
        )
        client.logout()
        assert client.get(reverse("catalog:shop", args=[shop.slug])).status_code == 404
        assert not client.get(reverse("catalog:search"), {"q": "na"}).context["page"].products


class TestSellerFlow:
    def test_household_opens_shop_and_adds_a_product_in_one_screen(self, client, postmart):
        household = factories.household_with_account()
        client.force_login(household.user)
        assert client.get(reverse("catalog:seller_home")).status_code == 200
        response = client.post(
            reverse("catalog:shop_open"),
            {"marketplace": postmart.pk, "name": "Vườn na nhà Mai", "story": "Ba đời trồng na"},
        )
        shop = Shop.objects.get()
        assert response.url == reverse("catalog:product_add", args=[shop.pk])
        assert Milestone.objects.filter(
            household=household, kind=Milestone.Kind.SHOP_OPENED, marketplace=postmart
        ).exists()
        response = client.post(
            reverse("catalog:product_add", args=[shop.pk]),
            {
                "photo": factories.photo(),
                "name": "Na Chi Lăng",
                "price": "65.000",
                "unit": "kg",
                "stock": "120,5",
            },
        )
        product = Product.objects.get()
        assert response.url == reverse("catalog:product_manage", args=[product.pk])
        assert product.status == Status.PENDING and product.stock == Decimal("120.5")
        assert product.price == 65_000 and product.photos.count() == 1
        page = client.get(response.url).content.decode()
        assert "Chờ duyệt" in page and "lượt xem" in page

    def test_bad_product_input_keeps_what_was_typed(self, client, shop, owner):
        client.force_login(owner)
        response = client.post(
            reverse("catalog:product_add", args=[shop.pk]),
            {
                "photo": factories.photo(),
                "name": "Na",
                "price": "abc",
                "unit": "fruit",
                "stock": "3",
            },
        )
        assert response.status_code == 200
        assert "price" in response.context["form"].errors
        assert response.context["form"]["name"].value() == "Na"
        response = client.post(
            reverse("catalog:product_add", args=[shop.pk]),
            {
                "photo": factories.photo(),
                "name": "Na",
                "price": "5000",
                "unit": "fruit",
                "stock": "3",
            },
        )
        assert "unit_weight_kg" in response.context["form"].errors
        assert not Product.objects.exists()

    def test_one_tap_price_and_stock(self, client, shop, owner):
        product = factories.product(shop=shop)
        client.force_login(owner)
        manage = reverse("catalog:shop_manage", args=[shop.pk])
        response = client.post(
            reverse("catalog:product_quick_update", args=[product.pk]),
            {"price": "70.000", "stock": "3,5", "next": manage},
        )
        assert response.url == manage
        product.refresh_from_db()
        assert (product.price, product.stock, product.status) == (
            70_000,
            Decimal("3.5"),
            Status.PUBLISHED,
        )
        response = client.post(
            reverse("catalog:product_quick_update", args=[product.pk]),
            {"price": "70.000", "stock": "3,5", "next": "https://evil.example/"},
        )
        assert response.url == reverse("catalog:product_manage", args=[product.pk])

    def test_full_edit_with_season_and_preorder(self, client, shop, owner):
        product = factories.product(shop=shop, status=Status.DRAFT)
        client.force_login(owner)
        url = reverse("catalog:product_edit", args=[product.pk])
        assert client.get(url).status_code == 200
        response = client.post(
            url,
            {
                "name": "Na Chi Lăng",
                "category": product.category_id,
                "description": "Na dai, quả to",
                "price": "70000",
                "unit": "box",
                "unit_weight_kg": "2,5",
                "stock": "0",
                "min_order": "1",
                "order_step": "1",
                "available_from": "2026-08-01",
                "available_to": "2026-09-30",
                "preorder_enabled": "on",
                "expected_yield": "400",
                "origin_commune": shop.commune.pk,
            },
        )
        assert response.status_code == 302, response.context["form"].errors
        product.refresh_from_db()
        assert product.unit == "box" and product.unit_weight_kg == Decimal("2.5")
        assert (product.season_start, product.season_end) == (801, 930)
        assert product.preorder_enabled and product.expected_yield == 400

    def test_photos_and_status_buttons(self, client, shop, owner):
        product = factories.product(shop=shop, status=Status.DRAFT)
        client.force_login(owner)
        client.post(reverse("catalog:photo_add", args=[product.pk]), {"photo": factories.photo()})
        assert product.photos.count() == 2
        client.post(reverse("catalog:photo_delete", args=[product.photos.first().pk]))
        assert product.photos.count() == 1
        client.post(reverse("catalog:product_status", args=[product.pk]), {"action": "submit"})
        product.refresh_from_db()
        assert product.status == Status.PENDING
        client.post(reverse("catalog:product_status", args=[product.pk]), {"action": "withdraw"})
        product.refresh_from_db()
        assert product.status == Status.DRAFT

    def test_field_agent_opens_a_shop_for_a_household_of_their_commune(self, client, postmart):
        commune = account_factories.commune("Lạng Sơn", 0)
        household = household_factories.household(commune=commune, head_name="Hoàng Thị Hồng")
        agent = household_factories.agent_for(commune)
        client.force_login(agent)
        page = client.get(reverse("catalog:shop_open"), {"tim": "hoang thi"}).content.decode()
        assert "Hoàng Thị Hồng" in page
        response = client.post(
            reverse("catalog:shop_open") + f"?ho={household.pk}",
            {"marketplace": postmart.pk, "name": "Vườn nhà Hồng", "household": household.pk},
        )
        assert response.status_code == 302
        assert Shop.objects.get().household == household
        far = household_factories.household(commune=account_factories.commune("Cần Thơ", 0))
        assert client.get(reverse("catalog:shop_open"), {"ho": far.pk}).status_code == 403

    @pytest.mark.parametrize("role", [Role.BUYER, Role.PROVINCE_OFFICIAL, Role.CARRIER_STAFF])
    def test_other_roles_cannot_open_shops(self, client, role):
        client.force_login(account_factories.user(role))
        assert client.get(reverse("catalog:shop_open")).status_code == 403


def seller_writes(product):
    """Every write of the seller area, as (url, data) for a POST."""
    shop = product.shop
    photo = product.photos.first()
    return [
        (reverse("catalog:shop_edit", args=[shop.pk]), {"name": "Đổi tên", "story": ""}),
        (
            reverse("catalog:product_add", args=[shop.pk]),
            {"photo": factories.photo(), "name": "Na", "price": "1000", "unit": "kg", "stock": "1"},
        ),
        (reverse("catalog:product_edit", args=[product.pk]), {"name": "Đổi tên"}),
        (reverse("catalog:product_quick_update", args=[product.pk]), {"price": "1"}),
        (reverse("catalog:product_status", args=[product.pk]), {"action": "withdraw"}),
        (reverse("catalog:photo_add", args=[product.pk]), {"photo": factories.photo()}),
        (reverse("catalog:photo_delete", args=[photo.pk]), {}),
    ]


def seller_reads(product):
    return [
        reverse("catalog:shop_manage", args=[product.shop.pk]),
        reverse("catalog:product_manage", args=[product.pk]),
        reverse("catalog:product_edit", args=[product.pk]),
        reverse("catalog:product_add", args=[product.shop.pk]),
        reverse("catalog:shop_edit", args=[product.shop.pk]),
    ]


class TestSellerScope:
    @pytest.mark.parametrize(
        "who", ["stranger_household", "operator", "buyer", "far_agent", "ministry"]
    )
    def test_outsiders_get_404_on_every_seller_page_and_write(self, client, shop, postmart, who):
        product = factories.product(shop=shop)
        people = {
            "stranger_household": lambda: factories.household_with_account().user,
            "operator": lambda: factories.operator(postmart),
            "buyer": lambda: account_factories.user(Role.BUYER),
            "far_agent": lambda: household_factories.agent_for(
                account_factories.commune("Cần Thơ", 0)
            ),
            "ministry": lambda: account_factories.user(Role.MINISTRY_OFFICIAL),
        }
        client.force_login(people[who]())
        for url in seller_reads(product):
            assert client.get(url).status_code == 404, url
        for url, data in seller_writes(product):
            assert client.post(url, data).status_code == 404, url
        product.refresh_from_db()
        assert product.name == "Na Chi Lăng loại 1" and product.price == 65_000
        assert product.status == Status.PUBLISHED and product.photos.count() == 1

    def test_anonymous_is_sent_to_login(self, client, shop):
        product = factories.product(shop=shop)
        for url, data in seller_writes(product):
            response = client.post(url, data)
            assert response.status_code == 302 and reverse("accounts:login") in response.url

    def test_owner_and_agent_of_the_commune_may_do_everything(self, client, shop, owner):
        agent = household_factories.agent_for(shop.commune)
        for person in (owner, agent):
            product = factories.product(shop=shop, status=Status.PUBLISHED)
            client.force_login(person)
            for url in seller_reads(product):
                assert client.get(url).status_code == 200, url
            for url, data in seller_writes(product):
                assert client.post(url, data).status_code in (200, 302), url


class TestModerationPages:
    def test_operator_approves_from_the_queue_and_milestone_is_recorded(
        self, client, shop, operator
    ):
        product = factories.product(shop=shop, status=Status.PENDING)
        client.force_login(operator)
        queue = client.get(reverse("catalog:moderation"))
        assert list(queue.context["page"]["products"]) == [product]
        response = client.post(
            reverse("catalog:moderation_product", args=[product.pk]), {"action": "approve"}
        )
        assert response.url == reverse("catalog:moderation")
        product.refresh_from_db()
        assert product.status == Status.PUBLISHED and product.is_listed
        assert Milestone.objects.filter(
            household=shop.household, kind=Milestone.Kind.FIRST_PRODUCT
        ).exists()

    def test_refusal_needs_a_reason_shown_to_the_seller(self, client, shop, owner, operator):
        product = factories.product(shop=shop, status=Status.PENDING)
        client.force_login(operator)
        url = reverse("catalog:moderation_product", args=[product.pk])
        response = client.post(url, {"action": "refuse", "reason": ""})
        assert response.status_code == 200 and "reason" in response.context["form"].errors
        client.post(url, {"action": "refuse", "reason": "Ảnh chưa rõ sản phẩm"})
        client.force_login(owner)
        page = client.get(reverse("catalog:product_manage", args=[product.pk])).content.decode()
        assert "Ảnh chưa rõ sản phẩm" in page

    def test_hide_and_restore(self, client, shop, operator):
        product = factories.product(shop=shop)
        client.force_login(operator)
        url = reverse("catalog:moderation_product", args=[product.pk])
        client.post(url, {"action": "hide", "reason": "Giá sai"})
        product.refresh_from_db()
        assert product.status == Status.HIDDEN and not product.is_listed
        client.post(url, {"action": "restore"})
        product.refresh_from_db()
        assert product.status == Status.PUBLISHED

    def test_approve_twice_is_a_message_not_a_crash(self, client, shop, operator):
        product = factories.product(shop=shop)
        client.force_login(operator)
        response = client.post(
            reverse("catalog:moderation_product", args=[product.pk]), {"action": "approve"}
        )
        assert response.status_code == 200
        assert "Không thể chuyển" in response.content.decode()

    def test_other_marketplace_operator_gets_404_and_non_operators_403(self, client, shop, owner):
        product = factories.product(shop=shop, status=Status.PENDING)
        url = reverse("catalog:moderation_product", args=[product.pk])
        client.force_login(factories.operator(account_factories.marketplace("voso", "Vỏ Sò")))
        assert client.get(url).status_code == 404
        assert client.post(url, {"action": "approve"}).status_code == 404
        assert not client.get(reverse("catalog:moderation")).context["page"]["products"]
        for person in (owner, account_factories.user(Role.BUYER)):
            client.force_login(person)
            assert client.get(reverse("catalog:moderation")).status_code == 403
            assert client.post(url, {"action": "approve"}).status_code == 403
            assert (
                client.post(
                    reverse("catalog:shop_active", args=[shop.pk]),
                    {"is_active": "0", "reason": "x"},
                ).status_code
                == 403
            )
        product.refresh_from_db()
        assert product.status == Status.PENDING

    def test_operator_of_another_marketplace_cannot_close_the_shop(self, client, shop):
        client.force_login(factories.operator(account_factories.marketplace("voso", "Vỏ Sò")))
        response = client.post(
            reverse("catalog:shop_active", args=[shop.pk]), {"is_active": "0", "reason": "x"}
        )
        assert response.status_code == 403
        shop.refresh_from_db()
        assert shop.is_active


def test_in_season_fragment_renders(client, shop):
    from django.template.loader import render_to_string

    from nongsan.catalog import selectors

    factories.product(
        shop=shop,
        name="Vải thiều Lục Ngạn",
        available_from=dt.date(2026, 5, 20),
        available_to=dt.date(2026, 7, 31),
    )
    html = render_to_string(
        "catalog/_in_season.html",
        {"in_season_products": selectors.products_in_season(today=dt.date(2026, 6, 1))},
    )
    assert "Vải thiều Lục Ngạn" in html and "Đang vào mùa" in html
    assert ProductPhoto.objects.count() == 1


class TestPageNumbers:
    @pytest.mark.parametrize(
        ("typed", "number"),
        [
            ("²", 1),
            ("١٢", 1),  # Arabic-Indic digits: isdigit() says yes, int() would read 12
            ("-3", 1),
            ("0", 1),
            ("abc", 1),
            ("2", 2),
            ("99999999999999999999999999", 40),
            ("9" * 5000, 40),
        ],
    )
    def test_search_pages_clamp_whatever_is_typed(self, client, shop, typed, number):
        factories.product(shop=shop)
        response = client.get(reverse("catalog:search"), {"q": "na", "trang": typed})
        assert response.status_code == 200
        assert response.context["page"].number == number

    @pytest.mark.parametrize(("typed", "number"), [("0", 1), ("-1", 1), ("10" * 20, 1000)])
    def test_moderation_queue_pages_clamp(self, client, shop, operator, typed, number):
        product = factories.product(shop=shop, status=Status.PENDING)
        client.force_login(operator)
        response = client.get(reverse("catalog:moderation"), {"trang": typed})
        assert response.status_code == 200
        page = response.context["page"]
        assert page["number"] == number
        assert page["products"] == ([product] if number == 1 else [])


class TestSearchForm:
    def test_one_bad_filter_is_ignored_and_shown_the_rest_still_apply(self, client, shop):
        vai = factories.product(shop=shop, name="Vải thiều Lục Ngạn", price=45_000)
        factories.product(shop=shop, name="Na Chi Lăng")
        response = client.get(
            reverse("catalog:search"), {"q": "vai", "gia_tu": "abc", "gia_den": "50.000"}
        )
        assert response.status_code == 200
        assert list(response.context["page"].products) == [vai]
        filters = response.context["filters"]
        assert filters.query == "vai" and filters.price_max == 50_000
        assert filters.price_min is None
        assert "gia_tu" in response.context["form"].errors
        page = response.content.decode()
        assert "Giá từ (đồng)" in page and 'role="alert"' in page
        response = client.get(
            reverse("catalog:search"), {"q": "vai", "gia_den": "40000", "tinh": "zz"}
        )
        assert list(response.context["page"].products) == []  # the price still applies

    def test_long_query_is_cut_not_refused(self, client, shop):
        vai = factories.product(shop=shop, name="Vải thiều Lục Ngạn")
        typed = "vai thieu " + "x" * 300
        response = client.get(reverse("catalog:search"), {"q": typed})
        assert not response.context["form"].errors
        assert response.context["filters"].query == typed[:120]
        response = client.get(reverse("catalog:search"), {"q": "vai thieu" + " " * 200 + "!"})
        assert list(response.context["page"].products) == [vai]


class TestCooperativeShopFromTheWeb:
    @pytest.fixture
    def cooperative(self):
        commune = account_factories.commune("Lạng Sơn", 0)
        coop = households_services.cooperative_create(
            actor=household_factories.agent_for(commune), name="HTX Na Chi Lăng", commune=commune
        )
        coop.manager = account_factories.user(Role.HOUSEHOLD, full_name="Hoàng Văn Thái")
        coop.save()
        return coop

    def test_the_manager_opens_the_cooperatives_shop(self, client, postmart, cooperative):
        client.force_login(cooperative.manager)
        assert client.get(reverse("catalog:seller_home")).context["may_open"]
        page = client.get(reverse("catalog:shop_open")).content.decode()
        assert "HTX Na Chi Lăng" in page
        response = client.post(
            reverse("catalog:shop_open"),
            {"marketplace": postmart.pk, "name": "HTX Na Chi Lăng", "cooperative": cooperative.pk},
        )
        shop = Shop.objects.get()
        assert response.url == reverse("catalog:product_add", args=[shop.pk])
        assert shop.owner_kind == Shop.OwnerKind.COOPERATIVE and shop.cooperative == cooperative

    def test_an_agent_opens_one_for_a_cooperative_of_their_area_only(
        self, client, postmart, cooperative
    ):
        far_commune = account_factories.commune("Cần Thơ", 0)
        far = households_services.cooperative_create(
            actor=household_factories.agent_for(far_commune),
            name="HTX Cần Thơ",
            commune=far_commune,
        )
        client.force_login(household_factories.agent_for(cooperative.commune))
        page = client.get(reverse("catalog:shop_open")).content.decode()
        assert "HTX Na Chi Lăng" in page and "HTX Cần Thơ" not in page
        response = client.post(
            reverse("catalog:shop_open"),
            {"marketplace": postmart.pk, "name": "HTX Cần Thơ", "cooperative": far.pk},
        )
        assert response.status_code == 200 and "cooperative" in response.context["form"].errors
        response = client.post(
            reverse("catalog:shop_open"), {"marketplace": postmart.pk, "name": "HTX"}
        )
        assert "cooperative" in response.context["form"].errors  # neither a household nor one
        response = client.post(
            reverse("catalog:shop_open"),
            {"marketplace": postmart.pk, "name": "HTX Na", "cooperative": cooperative.pk},
        )
        assert response.status_code == 302
        assert Shop.objects.get().cooperative == cooperative


class TestReviewAgain:
    def test_editing_a_published_products_name_sends_it_back_with_a_note(self, client, shop, owner):
        product = factories.product(shop=shop)
        client.force_login(owner)
        data = {**product_form_data(product), "name": "Na dai Chi Lăng"}
        response = client.post(
            reverse("catalog:product_edit", args=[product.pk]), data, follow=True
        )
        page = response.content.decode()
        assert "chờ sàn duyệt lại" in page and "Chờ duyệt" in page
        product.refresh_from_db()
        assert (product.status, product.is_listed) == (Status.PENDING, False)
        assert client.get(reverse("catalog:product", args=[product.pk])).context["view"].is_preview

    def test_price_only_edit_keeps_it_on_sale(self, client, shop, owner):
        product = factories.product(shop=shop)
        client.force_login(owner)
        data = {**product_form_data(product), "price": "70.000"}
        response = client.post(
            reverse("catalog:product_edit", args=[product.pk]), data, follow=True
        )
        assert "chờ sàn duyệt lại" not in response.content.decode()
        product.refresh_from_db()
        assert (product.status, product.price) == (Status.PUBLISHED, 70_000)

    def test_a_new_photo_sends_it_back_with_a_note(self, client, shop, owner):
        product = factories.product(shop=shop)
        client.force_login(owner)
        response = client.post(
            reverse("catalog:photo_add", args=[product.pk]),
            {"photo": factories.photo()},
            follow=True,
        )
        assert "chờ sàn duyệt lại" in response.content.decode()
        product.refresh_from_db()
        assert product.status == Status.PENDING


def product_form_data(product):
    """The edit form posted back as the page shows it."""
    from nongsan.catalog.forms import ProductForm

    initial = ProductForm.initial_for(product)
    return {
        k: v
        for k, v in initial.items()
        if v is not None and k not in ("certifications", "household", "preorder_enabled")
    }


def test_closing_a_shop_with_a_bad_form_says_why(client, shop, operator):
    client.force_login(operator)
    response = client.post(
        reverse("catalog:shop_active", args=[shop.pk]),
        {"is_active": "0", "reason": "x" * 301},
        follow=True,
    )
    shown = [str(m) for m in response.context["messages"]]
    assert len(shown) == 1 and "Lý do tạm đóng" in shown[0]
    shop.refresh_from_db()
    assert shop.is_active


class TestQueryCounts:
    """Pages read a fixed number of queries whatever the number of products."""

    @pytest.fixture
    def listed(self, shop, postmart):
        for index in range(6):
            factories.product(shop=shop, name=f"Na Chi Lăng lô {index}")
            factories.product(shop=shop, name=f"Na dai lô {index}", status=Status.PENDING)
            factories.shop(marketplace=postmart, name=f"Vườn số {index}")

    @pytest.mark.parametrize(
        ("page", "queries"),
        [
            # The category (or province); marketplaces and provinces for the filters; the
            # page's ids; its products; their photos; their certificates.
            ("category", 7),
            ("province", 7),
            # The shop; its products, their photos, their certificates; the shop's certificates.
            ("shop", 5),
        ],
    )
    def test_buyer_pages(self, client, shop, listed, django_assert_num_queries, page, queries):
        url = {
            "category": reverse("catalog:category", args=["trai-cay"]),
            "province": reverse("catalog:province", args=[shop.commune.province.code]),
            "shop": reverse("catalog:shop", args=[shop.slug]),
        }[page]
        client.get(url)  # warm the category and synonym caches
        with django_assert_num_queries(queries):
            response = client.get(url)
        assert response.status_code == 200

    @pytest.mark.parametrize(
        ("page", "queries"),
        [
            # Session, user and unread notifications (the layout) in each; then the shops and
            # their products per status;
            ("seller_home", 5),
            # the shop, its products, their photos, certificates and views;
            ("shop_manage", 8),
            # the queue's products, their photos and certificates, the operator's marketplace.
            ("moderation", 7),
        ],
    )
    def test_seller_and_operator_pages(
        self, client, shop, owner, operator, listed, django_assert_num_queries, page, queries
    ):
        url = {
            "seller_home": reverse("catalog:seller_home"),
            "shop_manage": reverse("catalog:shop_manage", args=[shop.pk]),
            "moderation": reverse("catalog:moderation"),
        }[page]
        client.force_login(operator if page == "moderation" else owner)
        client.get(url)
        with django_assert_num_queries(queries):
            response = client.get(url)
        assert response.status_code == 200


def test_views_and_orders_show_on_the_sellers_pages(client, shop, owner):
    from nongsan.catalog import services

    product = factories.product(shop=shop)
    today = dt.date.today()
    for day, count in (
        (today, 3),
        (today - dt.timedelta(days=2), 4),
        (today - dt.timedelta(days=30), 5),
    ):
        for _ in range(count):
            services.product_view_record(product=product, day=day)
    for _ in range(2):  # two checkouts
        services.stock_take(quantities={product.pk: Decimal(1)})
    client.force_login(owner)
    page = client.get(reverse("catalog:product_manage", args=[product.pk])).content.decode()
    assert "<strong>12</strong><span>lượt xem" in page
    assert "<strong>7</strong><span>xem 7 ngày qua" in page
    assert "<strong>2</strong><span>đơn hàng" in page
    page = client.get(reverse("catalog:shop_manage", args=[shop.pk])).content.decode()
    assert "12 lượt xem (7 trong 7 ngày) · 2 đơn" in page


def test_home_in_season_block_leaves_hidden_products_out(client, shop):
    today = dt.date.today()
    season = {
        "available_from": today - dt.timedelta(days=5),
        "available_to": today + dt.timedelta(days=40),
    }
    factories.product(shop=shop, name="Na Chi Lăng mùa này", **season)
    factories.product(shop=shop, name="Na giống ẩn", status=Status.HIDDEN, **season)
    factories.product(shop=shop, name="Na chờ duyệt", status=Status.PENDING, **season)
    page = client.get("/").content.decode()
    assert "Na Chi Lăng mùa này" in page
    assert "Na giống ẩn" not in page and "Na chờ duyệt" not in page
