import datetime as dt
import unicodedata
from decimal import Decimal

import pytest

from nongsan.accounts.models import Role
from nongsan.accounts.tests import factories as account_factories
from nongsan.catalog import search, selectors, services
from nongsan.catalog.models import Category, Product
from nongsan.catalog.tests import factories
from nongsan.households import services as households_services
from nongsan.households.tests import factories as household_factories

Status = Product.Status


class TestParse:
    """The query parser alone: no database."""

    SYNONYMS = search.synonym_index(
        search.groups_from_rows(
            [
                ("na, mãng cầu", False),
                ("dứa, thơm, khóm", False),
                ("quả, trái", True),
                ("lạc, đậu phộng", False),
            ]
        )
    )

    def parse(self, text):
        return search.parse_query(text, synonyms=self.SYNONYMS)

    def test_words_are_folded_whatever_the_encoding_and_case(self):
        nfd = unicodedata.normalize("NFD", "VẢI THIỀU")
        assert [t.typed for t in self.parse(nfd).terms] == ["vai", "thieu"]
        assert [t.typed_marked for t in self.parse("Đu đủ").terms] == ["dduz", "ddur"]

    def test_marked_words_keep_every_mark_in_ascii(self):
        assert search.marked_words("Dứa, dưa; Đu đủ") == ["duwas", "duwaz", "dduz", "ddur"]
        assert search.marked_words("hoà") == search.marked_words("hòa") == ["hoaf"]
        tokens = search.posting_tokens(
            name="Vải thiều",
            origin=["Lục Ngạn", "Bắc Ninh"],
            other=["Vườn nhà Mai", "Quả to, ngọt"],
            category_ids=[7, 3],
            province_id=24,
            season=(1201, 215),
            ocop_stars=4,
            marketplace_id=2,
            kind="produce",
            shop_id=9,
        )
        F = search.Field
        assert tokens == {
            "vai": F.NAME, "thieu": F.NAME, "vair": F.NAME, "thieeuf": F.NAME,
            "luc": F.ORIGIN, "ngan": F.ORIGIN, "bac": F.ORIGIN, "ninh": F.ORIGIN,
            "vuon": F.OTHER, "nha": F.OTHER, "mai": F.OTHER, "qua": F.OTHER, "to": F.OTHER,
            "ngot": F.OTHER, "@c7": F.FILTER, "@c3": F.FILTER, "@p24": F.FILTER,
            "@m12": F.FILTER, "@m01": F.FILTER, "@m02": F.FILTER, "@o3": F.FILTER,
            "@o4": F.FILTER, "@s2": F.FILTER, "@kproduce": F.FILTER, "@h9": F.FILTER,
        }  # fmt: skip

    def test_longest_synonym_phrase_wins(self):
        terms = self.parse("mãng cầu xiêm").terms
        assert [t.alternatives() for t in terms] == [("mang cau", "naz"), ("xiem",)]

    def test_classifier_words_are_optional_unless_alone(self):
        parsed = self.parse("trái thơm")
        assert [t.typed for t in parsed.required] == ["thom"]
        # What was typed matches folded; its synonyms match exactly as the editor wrote them.
        assert parsed.required[0].alternatives() == ("thom", "duwas", "khoms")
        assert parsed.required[0].alternatives(exact=True) == ("thowmz", "duwas", "khoms")
        assert [t.typed for t in self.parse("trái").required] == ["trai"]

    def test_repeated_words_match_once_but_rank_as_typed(self):
        parsed = self.parse("du du")
        assert len(parsed.terms) == 1 and parsed.terms[0].typed == "du"
        assert self.parse("đu đủ").has_marks
        assert not self.parse("du du").has_marks

    def test_punctuation_only_is_no_query(self):
        assert not self.parse(" -- !! ")

    def test_a_word_typed_with_marks_takes_the_synonyms_of_that_spelling_only(self):
        # "dưa" (melon) folds like "dứa" (pineapple) but is not a pineapple.
        assert self.parse("dưa").terms[0].synonyms == ()
        assert self.parse("dưa hấu").terms[0].alternatives() == ("dua",)
        assert self.parse("dứa").terms[0].alternatives() == ("dua", "thowmz", "khoms")
        # Without marks the buyer may mean either.
        assert self.parse("dua").terms[0].alternatives() == ("dua", "thowmz", "khoms")
        assert self.parse("mãng cầu").terms[0].alternatives() == ("mang cau", "naz")

    def test_groups_sharing_a_word_merge(self):
        index = search.synonym_index(
            search.groups_from_rows([("dứa, thơm", False), ("thơm, khóm", False)])
        )
        assert set(index["dua"].phrases) == {"dua", "thom", "khom"}
        assert set(index["khom"].marked) == {"duwas", "thowmz", "khoms"}


@pytest.mark.django_db
class TestSearch:
    @pytest.fixture
    def catalog(self):
        """A small national catalog: the products buyers of the issue look for."""
        lang_son = factories.shop(
            household=factories.household_with_account(
                commune=account_factories.commune("Lạng Sơn", 0)
            ),
            marketplace=account_factories.marketplace("postmart", "Postmart"),
            name="Vườn nhà chị Mai",
        )
        can_tho = factories.shop(
            household=factories.household_with_account(
                commune=account_factories.commune("Cần Thơ", 0)
            ),
            marketplace=account_factories.marketplace("voso", "Vỏ Sò"),
            name="Nhà vườn Út Hiền",
        )
        made = {
            "vai": factories.product(
                shop=lang_son,
                name="Vải thiều Bắc Giang",
                price=45_000,
                available_from=dt.date(2026, 5, 20),
                available_to=dt.date(2026, 7, 31),
            ),
            "na": factories.product(shop=lang_son, name="Na Chi Lăng", price=70_000),
            "du_du": factories.product(shop=can_tho, name="Đu đủ ruột đỏ", price=25_000),
            "dua": factories.product(shop=can_tho, name="Khóm Cầu Đúc", price=20_000),
            "dua_hau": factories.product(shop=can_tho, name="Dưa hấu Long An", price=15_000),
            "lac": factories.product(
                shop=can_tho,
                name="Đậu phộng rang",
                price=90_000,
                category=factories.category("dau-lac-vung"),
            ),
            "gao": factories.product(
                shop=can_tho,
                name="Gạo ST25",
                description="Gạo thơm Sóc Trăng, hạt dài",
                price=180_000,
                unit="bag",
                unit_weight_kg=Decimal(5),
                stock="30",
            ),
            "draft": factories.product(shop=lang_son, name="Na dai", status=Status.DRAFT),
            "pending": factories.product(shop=lang_son, name="Na bở", status=Status.PENDING),
            "hidden": factories.product(shop=lang_son, name="Na giống mới", status=Status.HIDDEN),
        }
        return made

    def find(self, today=None, **filters):
        return list(
            selectors.product_search(filters=selectors.ProductFilters(**filters), today=today)
        )

    @pytest.mark.parametrize(
        "query",
        [
            "vai thieu",
            "VẢI THIỀU",
            "Vải Thiều",
            unicodedata.normalize("NFD", "vải thiều"),
            "thieu vai",
            "vai thieu bac giang",
            "  vải   thiều  ",
        ],
    )
    def test_diacritics_case_nfd_and_word_order_do_not_matter(self, catalog, query):
        assert self.find(query=query) == [catalog["vai"]]

    def test_du_du_finds_papaya_not_pineapple(self, catalog):
        assert self.find(query="du du") == [catalog["du_du"]]

    def test_every_word_must_match(self, catalog):
        assert self.find(query="vai thieu luc ngan") == []

    @pytest.mark.parametrize("query", ["dứa", "thơm cầu đúc", "khom", "trái thơm"])
    def test_regional_synonyms(self, catalog, query):
        assert catalog["dua"] in self.find(query=query)

    def test_mang_cau_finds_na_and_lac_finds_dau_phong(self, catalog):
        assert self.find(query="mãng cầu") == [catalog["na"]]
        assert self.find(query="lạc rang") == [catalog["lac"]]

    def test_name_ranks_before_description(self, catalog):
        # "thơm" is in the rice's description and, as a synonym (khóm), in the pineapple's name;
        # the watermelon (dưa), which folds like dứa, is not a synonym.
        assert self.find(query="thơm") == [catalog["dua"], catalog["gao"]]
        # Synonyms match names only: "khóm" does not bring the fragrant (thơm) rice.
        assert self.find(query="khom") == [catalog["dua"]]

    def test_melon_typed_with_marks_finds_no_pineapple(self, catalog):
        assert self.find(query="dưa") == [catalog["dua_hau"]]
        assert self.find(query="DƯA") == [catalog["dua_hau"]]
        assert self.find(query=unicodedata.normalize("NFD", "dưa")) == [catalog["dua_hau"]]
        assert self.find(query="khóm") == [catalog["dua"]]

    def test_ngo_is_bap(self, catalog):
        corn = factories.product(
            shop=catalog["dua"].shop,
            name="Bắp nếp Tây Ninh",
            category=factories.category("ngo-khoai-san"),
        )
        for query in ("ngô", "ngo", "bắp", "bap", "ngô nếp"):
            assert self.find(query=query) == [corn], query
        assert corn not in self.find(query="bí ngô")  # a pumpkin, not corn

    def test_typed_without_marks_finds_both_and_marks_rank_exact_first(self, catalog):
        assert set(self.find(query="dua")) == {catalog["dua"], catalog["dua_hau"]}
        assert self.find(query="dưa")[0] == catalog["dua_hau"]
        assert self.find(query="dứa")[0] == catalog["dua"]

    def test_hidden_draft_and_pending_never_show(self, catalog):
        shown = self.find(query="na")
        assert shown == [catalog["na"]]
        assert self.find() == self.find(query="")
        every = set(self.find())
        for key in ("draft", "pending", "hidden"):
            assert catalog[key] not in every

    def test_filters(self, catalog):
        lang_son = account_factories.province("Lạng Sơn")
        assert set(self.find(province=lang_son)) == {catalog["vai"], catalog["na"]}
        fruit = Category.objects.get(slug="trai-cay")
        assert catalog["lac"] not in self.find(category=fruit)
        assert catalog["na"] in self.find(category=fruit)  # sub-categories included
        assert set(self.find(price_min=50_000, price_max=100_000)) == {
            catalog["na"],
            catalog["lac"],
        }
        voso = account_factories.marketplace("voso")
        assert catalog["na"] not in self.find(marketplace=voso)
        assert self.find(in_season=True, today=dt.date(2027, 6, 1)) == [catalog["vai"]]
        assert self.find(in_season=True, today=dt.date(2027, 9, 1)) == []
        assert self.find(query="na", province=lang_son, price_max=60_000) == []

    def test_standard_and_ocop_filters_use_valid_certificates(self, catalog):
        product = catalog["na"]
        household = product.household
        official = account_factories.user(Role.MINISTRY_OFFICIAL)
        vietgap = households_services.certification_add(
            actor=official,
            household=household,
            kind="vietgap",
            number="VG-9",
            issuer="Sở NN",
            valid_until=dt.date(2027, 1, 1),
        )
        ocop = households_services.certification_add(
            actor=official,
            household=household,
            kind="ocop",
            number="O-4",
            issuer="UBND",
            ocop_stars=4,
        )
        services.product_update(
            actor=household.user, product=product, certifications=[vietgap, ocop]
        )
        assert self.find(standard="vietgap", today=dt.date(2026, 6, 1)) == [product]
        assert self.find(standard="vietgap", today=dt.date(2027, 6, 1)) == []  # expired
        assert self.find(standard="globalgap") == []
        assert self.find(ocop_min=4) == [product]
        assert self.find(ocop_min=5) == []

    def test_sorting(self, catalog):
        prices = [p.price for p in self.find(sort=selectors.Sort.PRICE_ASC)]
        assert prices == sorted(prices)
        prices = [p.price for p in self.find(sort=selectors.Sort.PRICE_DESC)]
        assert prices == sorted(prices, reverse=True)
        newest = self.find(sort=selectors.Sort.NEWEST)
        assert [p.pk for p in newest] == sorted((p.pk for p in newest), reverse=True)

    @pytest.mark.parametrize(
        "query", ["", "na", "thơm", "dua", "dứa", "vai thieu", "lang son", "nha vuon", "khom"]
    )
    def test_page_reads_give_the_one_query_order(self, catalog, query):
        """search_page reads tier by tier; product_search orders in one query: they agree."""
        filters = selectors.ProductFilters(query=query)
        paged = selectors.search_page(filters=filters, per_page=50).products
        assert [p.pk for p in paged] == [p.pk for p in self.find(query=query)]

    def test_origin_matches_rank_after_names(self, catalog):
        # "Lạng Sơn" is where the na and the lychee come from, and in no product's name.
        found = self.find(query="na lang son")
        assert found == [catalog["na"]]
        assert set(self.find(query="lang son")) == {catalog["na"], catalog["vai"]}

    def test_unfinished_last_word_is_completed_when_nothing_matches_whole(self, catalog):
        page = selectors.search_page(filters=selectors.ProductFilters(query="vai thi"))
        assert page.products == [catalog["vai"]] and page.completed_last_word
        whole = selectors.search_page(filters=selectors.ProductFilters(query="vai thieu"))
        assert not whole.completed_last_word

    def test_pages(self, catalog):
        page = selectors.search_page(filters=selectors.ProductFilters(), per_page=3)
        assert len(page.products) == 3 and page.has_next
        last = selectors.search_page(filters=selectors.ProductFilters(), page=3, per_page=3)
        assert len(last.products) == 1 and not last.has_next

    def test_in_season_home_block(self, catalog):
        assert selectors.products_in_season(today=dt.date(2026, 6, 10)) == [catalog["vai"]]
        hidden = factories.product(
            shop=catalog["vai"].shop,
            name="Vải thiều loại 2",
            available_from=dt.date(2026, 5, 20),
            available_to=dt.date(2026, 7, 31),
            status=Status.HIDDEN,
        )
        assert hidden not in selectors.products_in_season(today=dt.date(2026, 6, 10))
        services.product_quick_update(
            actor=catalog["vai"].household.user, product=catalog["vai"], stock=0
        )
        assert selectors.products_in_season(today=dt.date(2026, 6, 10)) == []

    def test_shop_page_lists_only_listed_products(self, catalog):
        shop = catalog["na"].shop
        assert set(selectors.shop_products_public(shop=shop)) == {catalog["vai"], catalog["na"]}


@pytest.mark.django_db
class TestScope:
    def test_seller_sees_own_shops_agent_sees_area_others_nothing(self):
        commune = account_factories.commune("Lạng Sơn", 0)
        shop = factories.shop(household=factories.household_with_account(commune=commune))
        agent = household_factories.agent_for(commune)
        far_agent = household_factories.agent_for(account_factories.commune("Cần Thơ", 0))
        assert list(selectors.shop_list_managed(actor=shop.household.user)) == [shop]
        assert list(selectors.shop_list_managed(actor=agent)) == [shop]
        for outsider in (
            far_agent,
            account_factories.user(Role.BUYER),
            account_factories.user(Role.PROVINCE_OFFICIAL),
            account_factories.user(Role.MINISTRY_OFFICIAL),
            factories.operator(shop.marketplace),
        ):
            assert list(selectors.shop_list_managed(actor=outsider)) == []

    def test_moderation_list_is_the_operators_marketplace(self):
        postmart = account_factories.marketplace("postmart")
        voso = account_factories.marketplace("voso", "Vỏ Sò")
        mine = factories.product(shop=factories.shop(marketplace=postmart), status=Status.PENDING)
        factories.product(shop=factories.shop(marketplace=voso), status=Status.PENDING)
        assert list(selectors.moderation_list(actor=factories.operator(postmart))) == [mine]
        assert list(selectors.moderation_list(actor=account_factories.user(Role.BUYER))) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "kind", "slug"),
    [
        ("Vải thiều Lục Ngạn", "", "vai-nhan-chom-chom"),
        ("Bơ 034 Đắk Lắk", "", "xoai-bo-chuoi"),
        ("Thịt bò Mộc Châu", "", "thit"),
        ("Cà phê Robusta rang xay", "", "ca-phe"),
        ("Cá tra fillet", "", "ca"),
        ("Gạo ST25", "", "gao"),
        ("Phân bón NPK 16-16-8", "input", "phan-vo-co"),
        ("Hạt giống cải xanh", "input", "hat-giong"),
    ],
)
def test_category_guess(name, kind, slug):
    assert selectors.category_guess(name=name, kind=kind).slug == slug
