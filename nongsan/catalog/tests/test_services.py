import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image

from nongsan.accounts.models import Role
from nongsan.accounts.tests import factories as account_factories
from nongsan.catalog import search, selectors, services
from nongsan.catalog.models import Product, ProductStatusChange, ProductViewDay, Shop, Synonym
from nongsan.catalog.tests import factories
from nongsan.core.errors import ApplicationError
from nongsan.households import services as households_services
from nongsan.households.models import Milestone
from nongsan.households.tests import factories as household_factories

pytestmark = pytest.mark.django_db

Status = Product.Status


@pytest.fixture
def postmart():
    return account_factories.marketplace("postmart", "Postmart")


@pytest.fixture
def voso():
    return account_factories.marketplace("voso", "Vỏ Sò")


def milestones(household, kind):
    return list(
        Milestone.objects.filter(household=household, kind=kind).values_list(
            "marketplace__code", flat=True
        )
    )


class TestShopOpen:
    def test_household_opens_its_own_shop_and_the_milestone_is_recorded_once(self, postmart):
        household = factories.household_with_account()
        shop = services.shop_open(actor=household.user, marketplace=postmart, name="Vườn na")
        assert shop.owner_kind == Shop.OwnerKind.HOUSEHOLD and shop.household == household
        assert shop.commune == household.commune and shop.slug == "vuon-na"
        assert milestones(household, Milestone.Kind.SHOP_OPENED) == ["postmart"]
        with pytest.raises(ApplicationError) as refused:
            services.shop_open(actor=household.user, marketplace=postmart, name="Vườn na 2")
        assert refused.value.code == "duplicate" and refused.value.field == "marketplace"
        assert milestones(household, Milestone.Kind.SHOP_OPENED) == ["postmart"]

    def test_second_marketplace_gets_its_own_shop_and_milestone(self, postmart, voso):
        household = factories.household_with_account()
        services.shop_open(actor=household.user, marketplace=postmart, name="Vườn na")
        second = services.shop_open(actor=household.user, marketplace=voso, name="Vườn na")
        assert second.slug == "vuon-na-2"
        assert sorted(milestones(household, Milestone.Kind.SHOP_OPENED)) == ["postmart", "voso"]

    def test_field_agent_opens_for_a_household_of_their_commune_only(self, postmart):
        commune = account_factories.commune("Lạng Sơn", 0)
        household = household_factories.household(commune=commune)
        agent = household_factories.agent_for(commune)
        shop = services.shop_open(
            actor=agent, marketplace=postmart, name="Na nhà Dũng", household=household
        )
        assert shop.opened_by == agent
        other_agent = household_factories.agent_for(account_factories.commune("Lạng Sơn", 1))
        second = household_factories.household(commune=commune)
        with pytest.raises(ApplicationError) as refused:
            services.shop_open(actor=other_agent, marketplace=postmart, name="Na", household=second)
        assert refused.value.code == "forbidden"

    @pytest.mark.parametrize(
        "role", [Role.BUYER, Role.PROVINCE_OFFICIAL, Role.MARKETPLACE_OPERATOR, Role.HOUSEHOLD]
    )
    def test_nobody_else_opens_a_shop_for_a_household(self, postmart, role):
        household = factories.household_with_account()
        with pytest.raises(ApplicationError) as refused:
            services.shop_open(
                actor=account_factories.user(role),
                marketplace=postmart,
                name="Gian hàng lạ",
                household=household,
            )
        assert refused.value.code == "forbidden"
        assert not Shop.objects.exists()

    def test_account_without_household_is_told_to_ask_for_help(self, postmart):
        user = account_factories.user(Role.HOUSEHOLD)
        with pytest.raises(ApplicationError, match="chưa gắn với hồ sơ hộ"):
            services.shop_open(actor=user, marketplace=postmart, name="Vườn")

    def test_input_supplier_opens_own_shop_with_a_place(self, postmart):
        supplier = account_factories.user(Role.INPUT_SUPPLIER, full_name="Bùi Đức Long")
        with pytest.raises(ApplicationError) as missing:
            services.shop_open(actor=supplier, marketplace=postmart, name="Vật tư Long")
        assert missing.value.field == "commune"
        shop = services.shop_open(
            actor=supplier,
            marketplace=postmart,
            name="Vật tư Long",
            commune=account_factories.commune("Đắk Lắk", 0),
        )
        assert shop.owner_kind == Shop.OwnerKind.INPUT_SUPPLIER and shop.supplier == supplier
        assert not Milestone.objects.filter(kind=Milestone.Kind.SHOP_OPENED).exists()

    def test_external_marketplace_refuses_shops(self):
        external = account_factories.marketplace("shopee", "Shopee")
        external.is_hosted = False
        external.save()
        household = factories.household_with_account()
        with pytest.raises(ApplicationError) as refused:
            services.shop_open(actor=household.user, marketplace=external, name="Vườn")
        assert refused.value.field == "marketplace"

    def test_database_allows_exactly_one_owner(self, postmart):
        household = factories.household_with_account()
        shop = factories.shop(household=household, marketplace=postmart)
        shop.supplier = account_factories.user(Role.INPUT_SUPPLIER)
        from django.db import IntegrityError, transaction

        with pytest.raises(IntegrityError), transaction.atomic():
            shop.save()


class TestCooperativeShop:
    @pytest.fixture
    def cooperative(self):
        commune = account_factories.commune("Lạng Sơn", 0)
        agent = household_factories.agent_for(commune)
        manager = account_factories.user(Role.HOUSEHOLD, full_name="Hoàng Văn Thái")
        coop = households_services.cooperative_create(
            actor=agent, name="HTX Nông sản Chi Lăng", commune=commune
        )
        coop.manager = manager
        coop.save()
        members = [
            household_factories.household(commune=commune, cooperative=coop) for _ in range(2)
        ]
        return coop, manager, members, agent

    def test_members_are_named_as_suppliers_and_get_milestones_on_first_publication(
        self, cooperative, postmart
    ):
        coop, manager, (first, second), _agent = cooperative
        shop = services.shop_open(
            actor=manager, marketplace=postmart, name="HTX Chi Lăng", cooperative=coop
        )
        assert shop.owner_kind == Shop.OwnerKind.COOPERATIVE
        # Opening the cooperative's shop is not yet selling for any member.
        assert not Milestone.objects.filter(kind=Milestone.Kind.SHOP_OPENED).exists()
        with pytest.raises(ApplicationError) as missing:
            factories.product(shop=shop, actor=manager)
        assert missing.value.field == "household"
        outsider = household_factories.household()
        with pytest.raises(ApplicationError, match="không phải thành viên"):
            factories.product(shop=shop, actor=manager, household=outsider)
        product = factories.product(shop=shop, actor=manager, household=first)
        assert product.household == first and product.origin_commune == first.commune
        assert milestones(first, Milestone.Kind.SHOP_OPENED) == ["postmart"]
        assert milestones(first, Milestone.Kind.FIRST_PRODUCT) == ["postmart"]
        assert milestones(second, Milestone.Kind.SHOP_OPENED) == []

    def test_agent_of_the_area_helps_the_cooperative(self, cooperative, postmart):
        coop, _manager, (first, _second), agent = cooperative
        shop = services.shop_open(
            actor=agent, marketplace=postmart, name="HTX Chi Lăng", cooperative=coop
        )
        product = factories.product(shop=shop, actor=agent, household=first)
        assert product.status == Status.PUBLISHED


class TestProductCreate:
    def test_farmer_gives_five_things_and_the_rest_is_derived(self, postmart):
        shop = factories.shop(marketplace=postmart)
        product = services.product_create(
            actor=shop.household.user,
            shop=shop,
            name="  Vải thiều   Lục Ngạn ",
            price=45_000,
            unit=Product.Unit.KG,
            stock="2,5",
            photo=factories.photo(),
        )
        assert product.name == "Vải thiều Lục Ngạn"
        assert product.category.slug == "vai-nhan-chom-chom"  # guessed from the name
        assert product.shelf_life_hours == 48  # the category's default
        assert product.stock == Decimal("2.5") and product.order_step == Decimal("0.5")
        assert product.origin_commune == shop.household.commune
        assert product.origin_province == shop.household.commune.province
        assert product.status == Status.DRAFT and not product.is_listed
        assert product.photos.count() == 1

    def test_piece_units_need_a_weight_and_whole_numbers(self, postmart):
        shop = factories.shop(marketplace=postmart)
        user = shop.household.user
        with pytest.raises(ApplicationError) as missing:
            services.product_create(
                actor=user, shop=shop, name="Sầu riêng Ri6", price=350_000, unit="fruit", stock=5
            )
        assert missing.value.field == "unit_weight_kg"
        with pytest.raises(ApplicationError) as fraction:
            services.product_create(
                actor=user,
                shop=shop,
                name="Sầu riêng Ri6",
                price=350_000,
                unit="fruit",
                stock="2.5",
                unit_weight_kg=Decimal("3.2"),
            )
        assert fraction.value.field == "stock"
        durian = services.product_create(
            actor=user,
            shop=shop,
            name="Sầu riêng Ri6",
            price=350_000,
            unit="fruit",
            stock=5,
            unit_weight_kg=Decimal("3.2"),
        )
        assert durian.weight_kg_of(Decimal(3)) == Decimal("9.6")
        assert durian.order_step == 1

    @pytest.mark.parametrize(
        ("field", "changes"),
        [
            ("price", {"price": 0}),
            ("stock", {"stock": "-1"}),
            ("stock", {"stock": "nhiều"}),
            ("name", {"name": "   "}),
            ("category", {"name": "Hàng lạ XYZ"}),
            ("available_to", {"available_from": dt.date(2026, 5, 20)}),
            (
                "available_to",
                {"available_from": dt.date(2026, 7, 1), "available_to": dt.date(2026, 5, 1)},
            ),
            ("available_from", {"preorder_enabled": True, "expected_yield": Decimal(100)}),
        ],
    )
    def test_bad_input_names_its_field(self, postmart, field, changes):
        shop = factories.shop(marketplace=postmart)
        data = {"name": "Na Chi Lăng", "price": 60_000, "unit": "kg", "stock": "10"}
        data.update(changes)
        with pytest.raises(ApplicationError) as error:
            services.product_create(actor=shop.household.user, shop=shop, **data)
        assert error.value.field == field
        assert not Product.objects.exists()

    def test_season_over_new_year_is_stored_as_month_days(self, postmart):
        shop = factories.shop(marketplace=postmart)
        product = services.product_create(
            actor=shop.household.user,
            shop=shop,
            name="Dâu tây Đà Lạt",
            price=180_000,
            unit="kg",
            stock=30,
            available_from=dt.date(2026, 12, 1),
            available_to=dt.date(2027, 3, 31),
        )
        assert (product.season_start, product.season_end) == (1201, 331)
        assert selectors.in_season_now(product=product, today=dt.date(2027, 1, 15))
        assert selectors.in_season_now(product=product, today=dt.date(2028, 12, 24))
        assert not selectors.in_season_now(product=product, today=dt.date(2027, 6, 1))

    def test_preorder_needs_a_harvest_date_and_yield(self, postmart):
        shop = factories.shop(marketplace=postmart)
        product = services.product_create(
            actor=shop.household.user,
            shop=shop,
            name="Vải thiều Lục Ngạn",
            price=45_000,
            unit="kg",
            stock=0,
            available_from=dt.date(2026, 5, 25),
            available_to=dt.date(2026, 7, 20),
            preorder_enabled=True,
            expected_yield=Decimal(800),
        )
        assert selectors.preorder_open(product=product, today=dt.date(2026, 4, 1))
        assert not selectors.preorder_open(product=product, today=dt.date(2026, 5, 25))

    def test_standards_come_from_the_households_valid_certificates(self, postmart):
        household = factories.household_with_account()
        agent = account_factories.user(Role.MINISTRY_OFFICIAL)
        vietgap = households_services.certification_add(
            actor=agent,
            household=household,
            kind="vietgap",
            number="VG-01",
            issuer="Sở NN&PTNT",
            valid_until=dt.date(2099, 1, 1),
        )
        ocop = households_services.certification_add(
            actor=agent,
            household=household,
            kind="ocop",
            number="OC-1",
            issuer="UBND",
            ocop_stars=4,
        )
        expired = households_services.certification_add(
            actor=agent,
            household=household,
            kind="organic",
            number="HC-1",
            issuer="TCVN",
            valid_until=dt.date(2020, 1, 1),
        )
        other = households_services.certification_add(
            actor=agent,
            household=household_factories.household(),
            kind="globalgap",
            number="GG-1",
            issuer="GLOBALG.A.P.",
        )
        shop = factories.shop(household=household, marketplace=postmart)
        for wrong in (expired, other):
            with pytest.raises(ApplicationError) as refused:
                factories.product(shop=shop, certifications=[wrong])
            assert refused.value.field == "certifications"
        product = factories.product(shop=shop, certifications=[vietgap, ocop])
        assert product.ocop_stars == 4
        assert set(product.certifications.all()) == {vietgap, ocop}

    def test_input_supplier_lists_inputs_with_a_registration_number(self, postmart):
        supplier = account_factories.user(Role.INPUT_SUPPLIER)
        shop = services.shop_open(
            actor=supplier,
            marketplace=postmart,
            name="Vật tư Long",
            commune=account_factories.commune("Đắk Lắk", 0),
        )
        with pytest.raises(ApplicationError) as produce:
            services.product_create(
                actor=supplier,
                shop=shop,
                name="Na",
                price=1000,
                unit="kg",
                stock=1,
                category=factories.category("na-mit-sau-rieng"),
            )
        assert produce.value.field == "category"
        with pytest.raises(ApplicationError) as registration:
            services.product_create(
                actor=supplier,
                shop=shop,
                name="Phân bón NPK 16-16-8",
                price=520_000,
                unit="bag",
                unit_weight_kg=Decimal(25),
                stock=40,
            )
        assert registration.value.field == "registration_number"
        product = services.product_create(
            actor=supplier,
            shop=shop,
            name="Phân bón NPK 16-16-8",
            price=520_000,
            unit="bag",
            unit_weight_kg=Decimal(25),
            stock=40,
            registration_number="QĐ 1234/QĐ-BVTV-PB",
        )
        assert product.category.slug == "phan-vo-co" and product.household is None

    def test_others_cannot_add_products(self, postmart):
        shop = factories.shop(marketplace=postmart)
        for role in (Role.BUYER, Role.MARKETPLACE_OPERATOR, Role.PROVINCE_OFFICIAL):
            with pytest.raises(ApplicationError) as refused:
                factories.product(shop=shop, actor=account_factories.user(role))
            assert refused.value.code == "forbidden"
        stranger = factories.household_with_account()
        with pytest.raises(ApplicationError) as refused:
            factories.product(shop=shop, actor=stranger.user)
        assert refused.value.code == "forbidden"


class TestEdits:
    def test_quick_update_changes_price_and_stock_only(self, postmart):
        product = factories.product(shop=factories.shop(marketplace=postmart))
        services.product_quick_update(
            actor=product.shop.household.user, product=product, price=70_000, stock="12,5"
        )
        product.refresh_from_db()
        assert (product.price, product.stock, product.status) == (
            70_000,
            Decimal("12.5"),
            Status.PUBLISHED,
        )
        with pytest.raises(ApplicationError) as bad:
            services.product_quick_update(
                actor=product.shop.household.user, product=product, price=-5
            )
        assert bad.value.field == "price"

    def test_quick_update_by_someone_else_is_refused(self, postmart):
        product = factories.product(shop=factories.shop(marketplace=postmart))
        with pytest.raises(ApplicationError) as refused:
            services.product_quick_update(
                actor=factories.operator(postmart), product=product, price=1
            )
        assert refused.value.code == "forbidden"

    def test_figures_of_a_published_product_change_in_place(self, postmart):
        product = factories.product(shop=factories.shop(marketplace=postmart))
        updated = services.product_update(
            actor=product.shop.household.user,
            product=product,
            name=product.name,  # sent unchanged, as a full form does
            price=80_000,
            min_order=Decimal(2),
            available_from=dt.date(2026, 8, 1),
            available_to=dt.date(2026, 9, 30),
        )
        assert updated.status == Status.PUBLISHED and updated.is_listed
        assert updated.price == 80_000

    @pytest.mark.parametrize(
        "changes",
        [
            {"name": "Na dai Chi Lăng"},
            {"description": "Quả to, ngọt mát"},
            {"category": "na-mit-sau-rieng"},
        ],
    )
    def test_content_edits_of_a_published_product_go_back_to_review(self, postmart, changes):
        product = factories.product(shop=factories.shop(marketplace=postmart))
        if "category" in changes:
            changes = {"category": factories.category("vai-nhan-chom-chom")}
        seller = product.shop.household.user
        updated = services.product_update(actor=seller, product=product, **changes)
        assert (updated.status, updated.is_listed) == (Status.PENDING, False)
        last = ProductStatusChange.objects.filter(product=product).last()
        assert (last.from_status, last.to_status, last.actor) == (
            Status.PUBLISHED,
            Status.PENDING,
            seller,
        )
        assert "duyệt lại" in last.reason
        assert not selectors.product_search(filters=selectors.ProductFilters(query="na"))

    def test_a_new_photo_of_a_published_product_goes_back_to_review(self, postmart):
        product = factories.product(shop=factories.shop(marketplace=postmart))
        services.product_photo_add(
            actor=product.shop.household.user, product=product, upload=factories.photo()
        )
        assert product.status == Status.PENDING
        product.refresh_from_db()
        assert (product.status, product.is_listed) == (Status.PENDING, False)
        draft = factories.product(shop=product.shop, status=Status.DRAFT)
        services.product_photo_add(
            actor=product.shop.household.user, product=draft, upload=factories.photo()
        )
        draft.refresh_from_db()
        assert draft.status == Status.DRAFT

    def test_renaming_the_shop_rekeys_its_products(self, postmart):
        product = factories.product(shop=factories.shop(marketplace=postmart))
        services.shop_update(actor=product.shop.household.user, shop=product.shop, name="Na Mai")
        found = selectors.product_search(filters=selectors.ProductFilters(query="na mai"))
        assert list(found) == [product]


ALLOWED = [
    (Status.DRAFT, Status.PENDING, "owner", ""),
    (Status.PENDING, Status.PUBLISHED, "operator", ""),
    (Status.PENDING, Status.DRAFT, "operator", "Ảnh mờ"),
    (Status.PENDING, Status.DRAFT, "owner", ""),
    (Status.PUBLISHED, Status.HIDDEN, "operator", "Sai giá"),
    (Status.PUBLISHED, Status.DRAFT, "owner", ""),
    (Status.HIDDEN, Status.PUBLISHED, "operator", ""),
    (Status.HIDDEN, Status.PENDING, "owner", ""),
]

ALLOWED_PAIRS = {(s, t) for s, t, _who, _reason in ALLOWED}
IMPOSSIBLE = [
    (source, target)
    for source in Status.values
    for target in Status.values
    if (source, target) not in ALLOWED_PAIRS
]

WRONG_PERSON = [
    (Status.DRAFT, Status.PENDING, "operator"),
    (Status.PENDING, Status.PUBLISHED, "owner"),
    (Status.PUBLISHED, Status.HIDDEN, "owner"),
    (Status.HIDDEN, Status.PUBLISHED, "owner"),
    (Status.HIDDEN, Status.PENDING, "operator"),
    (Status.PUBLISHED, Status.DRAFT, "operator"),
]


class TestModeration:
    """Every allowed and every refused move of the table, by the right and the wrong people."""

    @pytest.fixture
    def world(self, postmart, voso):
        shop = factories.shop(marketplace=postmart)
        return {
            "shop": shop,
            "owner": shop.household.user,
            "operator": factories.operator(postmart),
            "other_operator": factories.operator(voso),
            "buyer": account_factories.user(Role.BUYER),
        }

    @pytest.mark.parametrize(("source", "target", "who", "reason"), ALLOWED)
    def test_allowed_moves_leave_a_history_row(self, world, source, target, who, reason):
        product = factories.product(shop=world["shop"], status=source)
        before = ProductStatusChange.objects.filter(product=product).count()
        moved = services.product_transition(
            actor=world[who], product=product, to=target, reason=reason
        )
        assert moved.status == target
        assert moved.is_listed == (target == Status.PUBLISHED)
        last = ProductStatusChange.objects.filter(product=product).last()
        assert ProductStatusChange.objects.filter(product=product).count() == before + 1
        assert (last.from_status, last.to_status, last.actor, last.reason) == (
            source,
            target,
            world[who],
            reason,
        )
        product.refresh_from_db()
        assert product.status_reason == (reason if target in (Status.DRAFT, Status.HIDDEN) else "")

    @pytest.mark.parametrize(("source", "target"), IMPOSSIBLE)
    def test_moves_outside_the_table_are_refused_for_everyone(self, world, source, target):
        product = factories.product(shop=world["shop"], status=source)
        for who in ("owner", "operator"):
            with pytest.raises(ApplicationError) as refused:
                services.product_transition(
                    actor=world[who], product=product, to=target, reason="x"
                )
            assert refused.value.code == "invalid_transition"
        product.refresh_from_db()
        assert product.status == source

    @pytest.mark.parametrize(("source", "target", "who"), WRONG_PERSON)
    def test_the_wrong_party_is_refused(self, world, source, target, who):
        product = factories.product(shop=world["shop"], status=source)
        with pytest.raises(ApplicationError) as refused:
            services.product_transition(actor=world[who], product=product, to=target, reason="x")
        assert refused.value.code == "forbidden"

    @pytest.mark.parametrize("who", ["other_operator", "buyer"])
    @pytest.mark.parametrize(("source", "target", "_who", "reason"), ALLOWED)
    def test_outsiders_are_refused_every_move(self, world, who, source, target, _who, reason):
        product = factories.product(shop=world["shop"], status=source)
        with pytest.raises(ApplicationError) as refused:
            services.product_transition(actor=world[who], product=product, to=target, reason="x")
        assert refused.value.code == "forbidden"

    @pytest.mark.parametrize(
        ("source", "target"),
        [(Status.PENDING, Status.DRAFT), (Status.PUBLISHED, Status.HIDDEN)],
    )
    def test_refusing_and_hiding_need_a_reason(self, world, source, target):
        product = factories.product(shop=world["shop"], status=source)
        with pytest.raises(ApplicationError) as refused:
            services.product_transition(actor=world["operator"], product=product, to=target)
        assert refused.value.field == "reason"

    def test_submitting_needs_a_photo(self, world):
        product = services.product_create(
            actor=world["owner"], shop=world["shop"], name="Na", price=50_000, unit="kg", stock=5
        )
        with pytest.raises(ApplicationError) as refused:
            services.product_transition(actor=world["owner"], product=product, to=Status.PENDING)
        assert refused.value.field == "photo"

    def test_first_publication_records_first_product_once_per_marketplace(self, postmart, voso):
        household = factories.household_with_account()
        first_shop = factories.shop(household=household, marketplace=postmart)
        factories.product(shop=first_shop)
        factories.product(shop=first_shop, name="Na dai")
        assert milestones(household, Milestone.Kind.FIRST_PRODUCT) == ["postmart"]
        first = Milestone.objects.get(household=household, kind=Milestone.Kind.FIRST_PRODUCT)
        factories.product(shop=factories.shop(household=household, marketplace=voso))
        assert sorted(milestones(household, Milestone.Kind.FIRST_PRODUCT)) == ["postmart", "voso"]
        assert Milestone.objects.get(pk=first.pk).achieved_at == first.achieved_at

    def test_draft_and_pending_record_no_first_product(self, world):
        factories.product(shop=world["shop"], status=Status.PENDING)
        assert not Milestone.objects.filter(kind=Milestone.Kind.FIRST_PRODUCT).exists()

    def test_closing_a_shop_unlists_its_products_and_reopening_relists(self, world):
        published = factories.product(shop=world["shop"])
        pending = factories.product(shop=world["shop"], status=Status.PENDING)
        with pytest.raises(ApplicationError) as refused:
            services.shop_set_active(
                actor=world["owner"], shop=world["shop"], is_active=False, reason="x"
            )
        assert refused.value.code == "forbidden"
        with pytest.raises(ApplicationError) as no_reason:
            services.shop_set_active(actor=world["operator"], shop=world["shop"], is_active=False)
        assert no_reason.value.field == "reason"
        services.shop_set_active(
            actor=world["operator"], shop=world["shop"], is_active=False, reason="Hàng giả"
        )
        assert not Product.objects.filter(is_listed=True).exists()
        services.shop_set_active(actor=world["operator"], shop=world["shop"], is_active=True)
        assert set(Product.objects.filter(is_listed=True)) == {published}
        pending.refresh_from_db()
        assert not pending.is_listed


class TestPhotos:
    def test_upload_is_turned_upright_stripped_and_thumbnailed(self, postmart):
        product = factories.product(shop=factories.shop(marketplace=postmart))
        image = Image.new("RGB", (4000, 3000), (200, 30, 30))
        exif = image.getexif()
        exif[0x0112] = 6  # orientation: rotate 90° clockwise to display
        exif[0x010F] = "Phone maker"  # metadata that must not be published
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", exif=exif)
        upload = SimpleUploadedFile("p.jpg", buffer.getvalue(), content_type="image/jpeg")
        photo = services.product_photo_add(
            actor=product.shop.household.user, product=product, upload=upload
        )
        with Image.open(photo.original.path) as original:
            assert original.size == (1920, 2560)  # upright and capped
            assert not original.getexif()
        with Image.open(photo.thumbnail.path) as thumbnail:
            assert max(thumbnail.size) == 480 and thumbnail.height > thumbnail.width
        assert photo.position == 1

    def test_not_an_image_is_refused(self, postmart):
        product = factories.product(shop=factories.shop(marketplace=postmart))
        upload = SimpleUploadedFile("x.jpg", b"%PDF-1.4 not an image", content_type="image/jpeg")
        with pytest.raises(ApplicationError) as refused:
            services.product_photo_add(
                actor=product.shop.household.user, product=product, upload=upload
            )
        assert refused.value.field == "photo"

    def test_delete_removes_files_and_renumbers(self, postmart, django_capture_on_commit_callbacks):
        product = factories.product(shop=factories.shop(marketplace=postmart))
        user = product.shop.household.user
        second = services.product_photo_add(actor=user, product=product, upload=factories.photo())
        first = product.photos.order_by("position").first()
        path = first.original.path
        with django_capture_on_commit_callbacks(execute=True):
            services.product_photo_delete(actor=user, photo=first)
        import os

        assert not os.path.exists(path)
        second.refresh_from_db()
        assert second.position == 0


class TestStock:
    def test_take_is_all_or_nothing(self, postmart):
        shop = factories.shop(marketplace=postmart)
        a = factories.product(shop=shop, stock="10")
        b = factories.product(shop=shop, name="Na dai", stock="2")
        with pytest.raises(ApplicationError) as short, transaction.atomic():
            services.stock_take(quantities={a.pk: Decimal("2.5"), b.pk: Decimal(3)})
        assert short.value.code == "out_of_stock" and "Na dai" in short.value.message
        a.refresh_from_db()
        assert a.stock == 10
        services.stock_take(quantities={a.pk: Decimal("2.5"), b.pk: Decimal(2)})
        a.refresh_from_db()
        b.refresh_from_db()
        assert (a.stock, b.stock) == (Decimal("7.5"), 0)
        assert (a.order_count, b.order_count) == (1, 1)
        services.stock_return(quantities={b.pk: Decimal(1)})
        b.refresh_from_db()
        assert b.stock == 1

    def test_hidden_products_cannot_be_bought(self, postmart):
        product = factories.product(shop=factories.shop(marketplace=postmart), status=Status.HIDDEN)
        with pytest.raises(ApplicationError, match="không còn được bán"):
            services.stock_take(quantities={product.pk: Decimal(1)})

    def test_preorders_take_the_expected_yield_not_the_stock(self, postmart):
        product = factories.product(
            shop=factories.shop(marketplace=postmart),
            stock="0",
            preorder_enabled=True,
            expected_yield=Decimal(100),
            available_from=timezone.localdate() + dt.timedelta(days=30),
            available_to=timezone.localdate() + dt.timedelta(days=60),
        )
        services.stock_take(quantities={product.pk: Decimal(60)}, preorder=True)
        with pytest.raises(ApplicationError, match="chỉ còn nhận đặt trước 40"):
            services.stock_take(quantities={product.pk: Decimal(41)}, preorder=True)
        with pytest.raises(ApplicationError, match="chỉ còn 0"):
            services.stock_take(quantities={product.pk: Decimal(1)})
        services.stock_return(quantities={product.pk: Decimal(10)}, preorder=True)
        product.refresh_from_db()
        assert product.preordered == 50
        services.harvest_record(
            product=product, preorders_filled=Decimal(50), harvested=Decimal(80)
        )
        product.refresh_from_db()
        assert (product.preordered, product.stock) == (0, 30)


def test_views_are_counted_per_day(postmart):
    product = factories.product(shop=factories.shop(marketplace=postmart))
    day = dt.date(2026, 6, 1)
    for _ in range(3):
        services.product_view_record(product=product, day=day)
    services.product_view_record(product=product, day=day + dt.timedelta(days=1))
    assert list(ProductViewDay.objects.order_by("day").values_list("count", flat=True)) == [3, 1]
    stats = selectors.product_stats(products=[product], today=day + dt.timedelta(days=1))
    assert (stats[product.pk].views_total, stats[product.pk].views_7_days) == (4, 4)


def test_synonym_save_normalises_and_is_searchable_at_once(postmart):
    product = factories.product(shop=factories.shop(marketplace=postmart), name="Chuối tiêu hồng")
    filters = selectors.ProductFilters(query="chuối xiêm đỏ")
    assert list(selectors.product_search(filters=filters)) == []
    services.synonym_save(synonym=Synonym(words=" chuối  tiêu ,  chuối xiêm đỏ "))
    assert Synonym.objects.get(words="chuối tiêu, chuối xiêm đỏ")
    assert list(selectors.product_search(filters=filters)) == [product]
    with pytest.raises(ApplicationError):
        services.synonym_save(synonym=Synonym(words="chỉ một từ"))


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("2,5", "2.5"),
        ("2.5", "2.5"),
        ("1.200", "1200"),
        ("0.500", "0.5"),
        ("1.200,5", "1200.5"),
        ("1,200.5", "1200.5"),
        ("1.200.000", "1200000"),
        (" 12 ", "12"),
    ],
)
def test_quantities_typed_the_vietnamese_or_english_way(typed, value):
    assert services.parse_quantity(typed) == Decimal(value)


class TestPostings:
    """The search index rows follow every listing change."""

    def words_of(self, product):
        from nongsan.catalog.models import ProductWord

        return dict(ProductWord.objects.filter(product=product).values_list("word", "field"))

    def test_listed_products_have_postings_and_unlisted_none(self, postmart):
        shop = factories.shop(marketplace=postmart)
        product = factories.product(
            shop=shop,
            name="Vải thiều Lục Ngạn",
            available_from=dt.date(2026, 5, 25),
            available_to=dt.date(2026, 7, 10),
        )
        words = self.words_of(product)
        name, origin, other, filters = (
            search.Field.NAME,
            search.Field.ORIGIN,
            search.Field.OTHER,
            search.Field.FILTER,
        )
        assert words["vai"] == words["vair"] == words["thieeuf"] == name
        province = shop.commune.province
        assert words["lang"] == words["son"] == origin and words["vuon"] == other
        assert words[f"@p{province.pk}"] == words[f"@c{product.category_id}"] == filters
        assert {w for w in words if w.startswith("@m")} == {"@m05", "@m06", "@m07"}
        operator = factories.operator(postmart)
        services.product_transition(
            actor=operator, product=product, to=Status.HIDDEN, reason="Ảnh không rõ"
        )
        assert self.words_of(product) == {}
        services.product_transition(actor=operator, product=product, to=Status.PUBLISHED)
        services.product_update(actor=shop.household.user, product=product, name="Nhãn lồng")
        assert self.words_of(product) == {}  # renamed: back to review
        services.product_transition(actor=operator, product=product, to=Status.PUBLISHED)
        words = self.words_of(product)
        assert "nhan" in words and "vai" not in words

    def test_closing_the_shop_drops_its_postings(self, postmart):
        shop = factories.shop(marketplace=postmart)
        product = factories.product(shop=shop)
        operator = factories.operator(postmart)
        services.shop_set_active(actor=operator, shop=shop, is_active=False, reason="Hàng giả")
        assert self.words_of(product) == {}
        services.shop_set_active(actor=operator, shop=shop, is_active=True)
        assert "na" in self.words_of(product)

    def test_reindex_rebuilds_keys_and_postings(self, postmart):
        from nongsan.catalog.models import ProductWord

        product = factories.product(shop=factories.shop(marketplace=postmart))
        ProductWord.objects.all().delete()
        assert services.products_reindex(products=Product.objects.all()) == 1
        product.refresh_from_db()
        assert "na" in self.words_of(product)


class TestRulesAreApplicationErrors:
    """What the model would refuse with a ValidationError (an error page) the services refuse
    first, with a Vietnamese message naming the field."""

    @pytest.fixture
    def product(self, postmart):
        return factories.product(shop=factories.shop(marketplace=postmart))

    @pytest.mark.parametrize(
        ("changes", "field", "message"),
        [
            ({"shelf_life_hours": -5}, "shelf_life_hours", "Thời gian bảo quản"),
            ({"shelf_life_hours": 0}, "shelf_life_hours", "Thời gian bảo quản"),
            ({"shelf_life_hours": 100_001}, "shelf_life_hours", "100.000 giờ"),
            ({"shelf_life_hours": "48"}, "shelf_life_hours", "Thời gian bảo quản"),
            ({"preorder_enabled": None}, "preorder_enabled", "Nhận đặt trước"),
            ({"preorder_enabled": "có"}, "preorder_enabled", "Nhận đặt trước"),
            ({"name": None}, "name", "Tên sản phẩm"),
            ({"description": "x" * 4001}, "description", "Mô tả dài quá 4.000 ký tự"),
            ({"registration_number": "1" * 61}, "registration_number", "Số đăng ký"),
        ],
    )
    def test_product_update(self, product, changes, field, message):
        with pytest.raises(ApplicationError) as refused:
            services.product_update(actor=product.shop.household.user, product=product, **changes)
        assert refused.value.field == field and message in refused.value.message

    def test_limits_themselves_are_accepted(self, product):
        updated = services.product_update(
            actor=product.shop.household.user,
            product=product,
            shelf_life_hours=100_000,
            description="ă" * 4000,
        )
        assert updated.shelf_life_hours == 100_000 and len(updated.description) == 4000

    def test_product_create(self, postmart):
        shop = factories.shop(marketplace=postmart)
        with pytest.raises(ApplicationError) as refused:
            factories.product(shop=shop, shelf_life_hours=-3)
        assert refused.value.field == "shelf_life_hours"
        with pytest.raises(ApplicationError) as refused:
            factories.product(shop=shop, description="a" * 5000)
        assert refused.value.field == "description"
        assert not Product.objects.filter(shop=shop).exists()

    def test_shop_open_and_update(self, postmart):
        household = factories.household_with_account()
        with pytest.raises(ApplicationError) as refused:
            services.shop_open(
                actor=household.user, marketplace=postmart, name="Vườn", story="a" * 3001
            )
        assert refused.value.field == "story" and "3.000" in refused.value.message
        with pytest.raises(ApplicationError) as refused:
            services.shop_open(
                actor=household.user,
                marketplace=postmart,
                name="Vườn",
                preorder_allocation="zzz",
            )
        assert refused.value.field == "preorder_allocation"
        shop = services.shop_open(actor=household.user, marketplace=postmart, name="Vườn")
        for changes, field in (
            ({"preorder_allocation": "zzz"}, "preorder_allocation"),
            ({"story": "ư" * 3001}, "story"),
        ):
            with pytest.raises(ApplicationError) as refused:
                services.shop_update(actor=household.user, shop=shop, **changes)
            assert refused.value.field == field
        shop.refresh_from_db()
        assert shop.preorder_allocation == Shop.PreorderAllocation.FIRST_COME

    def test_reasons_are_bounded(self, product):
        operator = factories.operator(product.marketplace)
        with pytest.raises(ApplicationError) as refused:
            services.product_transition(
                actor=operator, product=product, to=Status.HIDDEN, reason="x" * 501
            )
        assert refused.value.field == "reason"
        with pytest.raises(ApplicationError) as refused:
            services.shop_set_active(
                actor=operator, shop=product.shop, is_active=False, reason="x" * 301
            )
        assert refused.value.field == "reason"


class TestOutsidersAreRefused:
    @pytest.fixture(params=["stranger", "operator", "buyer", "other_operator"])
    def outsider(self, request, postmart, voso):
        return {
            "stranger": lambda: factories.household_with_account().user,
            "operator": lambda: factories.operator(postmart),
            "buyer": lambda: account_factories.user(Role.BUYER),
            "other_operator": lambda: factories.operator(voso),
        }[request.param]()

    def test_every_seller_write(self, postmart, outsider):
        product = factories.product(shop=factories.shop(marketplace=postmart))
        photo = product.photos.get()
        calls = [
            lambda: services.shop_update(actor=outsider, shop=product.shop, name="Của tôi"),
            lambda: services.product_update(actor=outsider, product=product, name="Của tôi"),
            lambda: services.product_photo_add(
                actor=outsider, product=product, upload=factories.photo()
            ),
            lambda: services.product_photo_delete(actor=outsider, photo=photo),
        ]
        for call in calls:
            with pytest.raises(ApplicationError) as refused:
                call()
            assert refused.value.code == "forbidden"
        product.refresh_from_db()
        assert product.name == "Na Chi Lăng loại 1" and product.status == Status.PUBLISHED
        assert product.shop.name == "Vườn na nhà Mai" and product.photos.count() == 1


def _certificate(household, kind, number, **fields):
    return households_services.certification_add(
        actor=account_factories.user(Role.MINISTRY_OFFICIAL),
        household=household,
        kind=kind,
        number=number,
        issuer="Sở NN&PTNT",
        **fields,
    )


class TestCertificates:
    def test_a_new_supplier_drops_the_former_members_certificates(self, postmart):
        commune = account_factories.commune("Lạng Sơn", 0)
        manager = account_factories.user(Role.HOUSEHOLD)
        coop = households_services.cooperative_create(
            actor=household_factories.agent_for(commune), name="HTX Chi Lăng", commune=commune
        )
        coop.manager = manager
        coop.save()
        first, second = (
            household_factories.household(commune=commune, cooperative=coop) for _ in range(2)
        )
        vietgap = _certificate(first, "vietgap", "VG-1")
        ocop = _certificate(first, "ocop", "OC-1", ocop_stars=4)
        shop = services.shop_open(actor=manager, marketplace=postmart, name="HTX", cooperative=coop)
        product = factories.product(
            shop=shop, actor=manager, household=first, certifications=[vietgap, ocop]
        )
        assert product.ocop_stars == 4
        services.product_update(actor=manager, product=product, household=second)
        product.refresh_from_db()
        assert product.household == second
        assert list(product.certifications.all()) == [] and product.ocop_stars is None
        assert not selectors.product_search(filters=selectors.ProductFilters(ocop_min=3))

    def test_lapsed_ocop_certificates_lose_their_stars_daily(self, postmart):
        from django.core.management import call_command

        from nongsan.catalog import tasks
        from nongsan.catalog.models import ProductWord

        today = timezone.localdate()
        household = factories.household_with_account()
        ocop = _certificate(
            household, "ocop", "OC-7", ocop_stars=4, valid_until=today + dt.timedelta(days=10)
        )
        product = factories.product(
            shop=factories.shop(household=household, marketplace=postmart), certifications=[ocop]
        )
        other = factories.product(shop=product.shop, name="Na dai")

        def found(day):
            filters = selectors.ProductFilters(ocop_min=4)
            return list(selectors.product_search(filters=filters, today=day))

        def ocop_postings():
            return set(
                ProductWord.objects.filter(product=product, word__startswith="@o").values_list(
                    "word", flat=True
                )
            )

        assert services.products_certifications_expire(today=today) == 0
        assert found(today) == [product] and ocop_postings() == {"@o3", "@o4"}
        lapsed = today + dt.timedelta(days=11)
        assert services.products_certifications_expire(today=lapsed) == 1
        product.refresh_from_db()
        assert product.ocop_stars is None and found(lapsed) == [] and ocop_postings() == set()
        assert "na" in set(ProductWord.objects.filter(product=other).values_list("word", flat=True))
        # The certificate renewed: the stars come back with the next run.
        ocop.valid_until = today + dt.timedelta(days=400)
        ocop.save()
        call_command("catalog_certifications_expire", date=lapsed.isoformat(), stdout=io.StringIO())
        product.refresh_from_db()
        assert product.ocop_stars == 4 and found(lapsed) == [product]
        assert tasks.certifications_expire() == 0
