"""Every read about the catalog.

Buyers' reads are public and see only listed products (published, in an open shop): that flag is
their scope. Sellers' and operators' reads go through `shop_list_managed` and `moderation_list`,
which apply the actor's scope in one place each.
"""

import datetime as dt
import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db import connections
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from nongsan.accounts.models import Role
from nongsan.accounts.scope import scope_filter
from nongsan.catalog import moderation, search
from nongsan.catalog.models import (
    BrandMark,
    Category,
    HouseholdPrice,
    HouseholdPriceUse,
    Product,
    ProductPhoto,
    ProductStatusChange,
    ProductViewDay,
    Shop,
    Synonym,
)
from nongsan.core import sql
from nongsan.geo.models import Commune, Province
from nongsan.households.models import Certification, Cooperative, Household
from nongsan.orgs.models import Marketplace

CACHE_SECONDS = 60  # bounds how long another process serves an edited category or synonym list
CATEGORY_CACHE_KEY = "catalog:categories:v1"
SYNONYM_CACHE_KEY = "catalog:synonyms:v1"
# Standards a buyer can filter by; OCOP has its own filter by stars.
STANDARDS = (
    Certification.Kind.VIETGAP,
    Certification.Kind.GLOBALGAP,
    Certification.Kind.ORGANIC,
)


def _active(actor: Any) -> bool:
    return bool(getattr(actor, "is_authenticated", False) and actor.is_active)


def _not_found() -> Http404:
    return Http404(_("Không tìm thấy hoặc bạn không có quyền xem."))


# --- Who may do what ----------------------------------------------------------------------------


def shop_list_managed(*, actor: Any) -> QuerySet[Shop]:
    """Shops the actor runs: their own (household, cooperative they manage, supplier account), and
    for a field agent the household and cooperative shops of the area they serve."""
    shops = Shop.objects.select_related("marketplace", "commune__province", "household")
    if not _active(actor):
        return shops.none()
    if actor.is_superuser:
        return shops
    owned = shops.filter(
        Q(household__user=actor) | Q(cooperative__manager=actor) | Q(supplier=actor)
    )
    if actor.role != Role.FIELD_AGENT:
        return owned
    helped = scope_filter(
        shops.exclude(owner_kind=Shop.OwnerKind.INPUT_SUPPLIER),
        actor=actor,
        province="commune__province",
        commune="commune",
    )
    return owned | helped


def shop_get_for_manage(*, actor: Any, shop_id: int) -> Shop:
    try:
        return shop_list_managed(actor=actor).get(pk=shop_id)
    except Shop.DoesNotExist as exc:
        raise _not_found() from exc


def may_manage_shop(*, actor: Any, shop: Shop) -> bool:
    return shop_list_managed(actor=actor).filter(pk=shop.pk).exists()


def may_moderate(*, actor: Any, marketplace_id: int) -> bool:
    """Only the operators of the product's own marketplace moderate it (and superusers)."""
    if not _active(actor):
        return False
    if actor.is_superuser:
        return True
    return actor.role == Role.MARKETPLACE_OPERATOR and actor.marketplace_id == marketplace_id


def is_operator(*, actor: Any) -> bool:
    return _active(actor) and (actor.is_superuser or actor.role == Role.MARKETPLACE_OPERATOR)


def may_open_shop_for(*, actor: Any, commune: Commune) -> bool:
    """A field agent may open shops for households and cooperatives of the area they serve."""
    if not _active(actor) or actor.role != Role.FIELD_AGENT:
        return False
    return scope_filter(
        Commune.objects.filter(pk=commune.pk), actor=actor, province="province", commune="pk"
    ).exists()


def households_for_shop(*, actor: Any, query: str = "") -> QuerySet[Household]:
    """Households a field agent may open a shop for, found by name (none for others)."""
    if not _active(actor) or actor.role != Role.FIELD_AGENT:
        return Household.objects.none()
    households = scope_filter(
        Household.objects.select_related("commune__province"),
        actor=actor,
        province="commune__province",
        commune="commune",
    )
    for word in search.words(query):
        households = households.filter(head_name_key__contains=word)
    return households.order_by("head_name_key", "pk")


def cooperatives_for_shop(*, actor: Any) -> QuerySet[Cooperative]:
    """Cooperatives the actor may open a shop for: those they manage, and for a field agent
    those of the area they serve (the rule `services.shop_open` applies)."""
    if not _active(actor):
        return Cooperative.objects.none()
    cooperatives = Cooperative.objects.select_related("commune__province")
    managed = cooperatives.filter(manager=actor)
    if actor.role == Role.FIELD_AGENT:
        managed = managed | scope_filter(
            cooperatives, actor=actor, province="commune__province", commune="commune"
        )
    return managed.order_by("name", "pk")


def product_list_managed(
    *, actor: Any, shop: Shop | None = None, status: str = ""
) -> QuerySet[Product]:
    products = Product.objects.filter(shop__in=shop_list_managed(actor=actor).values("pk"))
    if shop is not None:
        products = products.filter(shop=shop)
    if status:
        products = products.filter(status=status)
    return products


def product_get_for_manage(*, actor: Any, product_id: int) -> Product:
    try:
        return (
            Product.objects.filter(shop__in=shop_list_managed(actor=actor).values("pk"))
            .select_related("shop__marketplace", "category__parent", "household__commune")
            .get(pk=product_id)
        )
    except Product.DoesNotExist as exc:
        raise _not_found() from exc


def photo_get_for_manage(*, actor: Any, photo_id: int) -> ProductPhoto:
    """A photo of a product the actor sells."""
    photo = (
        ProductPhoto.objects.filter(
            pk=photo_id, product__shop__in=shop_list_managed(actor=actor).values("pk")
        )
        .select_related("product__shop")
        .first()
    )
    if photo is None:
        raise _not_found()
    return photo


def moderation_list(*, actor: Any, status: str = Product.Status.PENDING) -> QuerySet[Product]:
    """The products an operator reviews: those of their marketplace, oldest request first."""
    products = scope_filter(Product.objects.all(), actor=actor, marketplace="marketplace")
    if status:
        products = products.filter(status=status)
    return products.order_by("updated_at", "pk")


def product_get_for_transition(*, actor: Any, product_id: int) -> Product:
    """A product the actor sells or moderates (what it may do with it is the service's call)."""
    product = Product.objects.select_related("shop").filter(pk=product_id).first()
    if product is None or not (
        may_moderate(actor=actor, marketplace_id=product.marketplace_id)
        or may_manage_shop(actor=actor, shop=product.shop)
    ):
        raise _not_found()
    return product


def product_get_for_moderation(*, actor: Any, product_id: int) -> Product:
    product = _product_detail_queryset().filter(pk=product_id).first()
    if product is None or not may_moderate(actor=actor, marketplace_id=product.marketplace_id):
        raise _not_found()
    return product


# --- Public reads -------------------------------------------------------------------------------


def marketplace_list() -> QuerySet[Marketplace]:
    """Marketplaces hosted here, where shops can be opened and browsed."""
    return Marketplace.objects.filter(is_hosted=True, is_active=True).order_by("name")


def marketplace_get(*, code: str) -> Marketplace:
    marketplace = marketplace_list().filter(code=code).first()
    if marketplace is None:
        raise Http404(_("Không có sàn TMĐT mã “%(code)s”.") % {"code": code[:40]})
    return marketplace


def shop_get(*, shop_id: int) -> Shop:
    """Any shop, open or closed (what its operator may do with it is the service's call)."""
    shop = (
        Shop.objects.select_related("commune__province", "marketplace").filter(pk=shop_id).first()
    )
    if shop is None:
        raise _not_found()
    return shop


def listed_products() -> QuerySet[Product]:
    """What buyers may ever see."""
    return Product.objects.filter(is_listed=True)


def _cover_photo() -> Prefetch:
    return Prefetch("photos", queryset=ProductPhoto.objects.order_by("position", "pk"))


def _valid_certifications(today: dt.date | None = None) -> Prefetch:
    today = today or timezone.localdate()
    return Prefetch(
        "certifications",
        queryset=Certification.objects.filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=today)
        ),
        to_attr="valid_certifications",
    )


def _card_queryset(products: QuerySet[Product]) -> QuerySet[Product]:
    return (
        products.select_related("shop", "marketplace", "origin_province", "origin_commune")
        .prefetch_related(_cover_photo(), _valid_certifications())
        .annotate(brand_marked=ExpressionWrapper(brand_marked_condition(), BooleanField()))
    )


def _product_detail_queryset() -> QuerySet[Product]:
    return with_details(Product.objects.all())


def with_stats(products: QuerySet[Product], *, today: dt.date | None = None) -> QuerySet[Product]:
    """Products with `views_total` and `views_7_days` computed in the query that reads them, so
    a page of a seller's products costs no query per product (see `product_stats`)."""
    week_ago = (today or timezone.localdate()) - dt.timedelta(days=6)
    days = ProductViewDay.objects.filter(product=OuterRef("pk")).order_by().values("product")

    def total(rows: QuerySet[ProductViewDay, Any]) -> Coalesce:
        summed = rows.annotate(n=Sum("count")).values("n")
        return Coalesce(Subquery(summed, output_field=IntegerField()), Value(0))

    return products.annotate(
        views_total=total(days), views_7_days=total(days.filter(day__gte=week_ago))
    )


def with_details(products: QuerySet[Product]) -> QuerySet[Product]:
    """Everything a product page or the API shows of each product, fetched in three queries."""
    return products.select_related(
        "shop__marketplace",
        "shop__commune__province",
        "marketplace",
        "category__parent",
        "household",
        "origin_commune",
        "origin_province",
    ).prefetch_related(_cover_photo(), _valid_certifications())


@dataclass(frozen=True)
class ProductView:
    product: Product
    can_manage: bool
    can_moderate: bool

    @property
    def is_preview(self) -> bool:
        return not self.product.is_listed


def product_get_for_view(*, actor: Any, product_id: int) -> ProductView:
    """A product page: buyers see listed products only; its sellers and moderators see it in any
    state (as a preview)."""
    product = _product_detail_queryset().filter(pk=product_id).first()
    if product is None:
        raise _not_found()
    can_moderate = may_moderate(actor=actor, marketplace_id=product.marketplace_id)
    can_manage = _active(actor) and may_manage_shop(actor=actor, shop=product.shop)
    if not product.is_listed and not (can_manage or can_moderate):
        raise _not_found()
    return ProductView(product, can_manage=can_manage, can_moderate=can_moderate)


def product_get_public(*, product_id: int) -> Product:
    product = _product_detail_queryset().filter(pk=product_id, is_listed=True).first()
    if product is None:
        raise _not_found()
    return product


_PRODUCT_FOR_CART_SQL = (
    f"SELECT {sql.columns(Product, 'p')}, {sql.columns(Shop, 's')} "
    f"FROM {Product._meta.db_table} p JOIN {Shop._meta.db_table} s ON s.id = p.shop_id "
    "WHERE p.id = %s AND p.is_listed"
)


def product_get_for_cart(*, product_id: int) -> Product:
    """A listed product with its shop, no more: what putting it in a cart needs (read by hand:
    the buyer's hot path, see core.sql)."""
    found = sql.rows(_PRODUCT_FOR_CART_SQL, [product_id]) if sql.is_key(product_id) else []
    if not found:
        raise _not_found()
    product = sql.build(Product, found[0])
    product.shop = sql.build(Shop, found[0], sql.width(Product))
    return product


def shop_get_public(*, slug: str) -> Shop:
    shop = (
        Shop.objects.select_related("marketplace", "commune__province", "household", "cooperative")
        .filter(slug=slug, is_active=True, marketplace__is_active=True)
        .annotate(
            household_marked=Exists(active_marks().filter(household=OuterRef("household_id")))
        )
        .first()
    )
    if shop is None:
        raise _not_found()
    return shop


def shop_list_public(*, marketplace: Marketplace | None = None) -> QuerySet[Shop]:
    shops = Shop.objects.filter(is_active=True, marketplace__is_active=True).select_related(
        "marketplace", "commune__province"
    )
    if marketplace is not None:
        shops = shops.filter(marketplace=marketplace)
    return shops.order_by("name", "pk")


def shop_certifications(*, shop: Shop, today: dt.date | None = None) -> list[Certification]:
    """The valid certificates behind the shop: its household's, or its cooperative members'."""
    today = today or timezone.localdate()
    certifications = Certification.objects.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=today)
    )
    if shop.household_id:
        certifications = certifications.filter(household_id=shop.household_id)
    elif shop.cooperative_id:
        certifications = certifications.filter(household__cooperative_id=shop.cooperative_id)
    else:
        return []
    return list(certifications.order_by("kind", "-valid_until"))


def shop_products_public(*, shop: Shop) -> QuerySet[Product]:
    return _card_queryset(listed_products().filter(shop=shop)).order_by("-pk")


def certifications_usable(
    *, household: Household | None, today: dt.date | None = None
) -> QuerySet[Certification]:
    """The certificates a product of `household` may show: the household's, still valid."""
    if household is None:
        return Certification.objects.none()
    today = today or timezone.localdate()
    return Certification.objects.filter(household=household).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=today)
    )


# --- Categories and synonyms --------------------------------------------------------------------


@dataclass(frozen=True)
class CategoryNode:
    id: int
    slug: str
    name: str
    kind: str
    parent_id: int | None
    keywords: tuple[str, ...]
    shelf_life_hours: int | None
    requires_registration: bool
    children: list["CategoryNode"] = field(default_factory=list)

    @property
    def subtree_ids(self) -> list[int]:
        ids = [self.id]
        for child in self.children:
            ids += child.subtree_ids
        return ids


@dataclass(frozen=True)
class CategoryTree:
    roots: list[CategoryNode]
    by_id: Mapping[int, CategoryNode]
    by_slug: Mapping[str, CategoryNode]

    def roots_of(self, kind: str) -> list[CategoryNode]:
        return [root for root in self.roots if root.kind == kind]

    def ancestors(self, node: CategoryNode) -> list[CategoryNode]:
        chain = []
        while node.parent_id is not None:
            node = self.by_id[node.parent_id]
            chain.append(node)
        return chain[::-1]


def category_tree() -> CategoryTree:
    """The active categories as a tree, read once a minute per process at most."""
    rows = cache.get(CATEGORY_CACHE_KEY)
    if rows is None:
        rows = list(
            Category.objects.filter(is_active=True)
            .order_by("position", "name")
            .values_list(
                "id",
                "slug",
                "name",
                "kind",
                "parent_id",
                "keywords",
                "shelf_life_hours",
                "requires_registration",
            )
        )
        cache.set(CATEGORY_CACHE_KEY, rows, CACHE_SECONDS)
    by_id: dict[int, CategoryNode] = {}
    for pk, slug, name, kind, parent_id, keywords, hours, registration in rows:
        phrases = tuple(" ".join(search.words(k)) for k in keywords.split(",") if search.words(k))
        by_id[pk] = CategoryNode(pk, slug, name, kind, parent_id, phrases, hours, registration)
    roots = []
    for node in by_id.values():
        parent = by_id.get(node.parent_id) if node.parent_id is not None else None
        if parent is not None:
            parent.children.append(node)
        elif node.parent_id is None:
            roots.append(node)
    return CategoryTree(roots, by_id, {node.slug: node for node in by_id.values()})


def category_get(*, slug: str) -> Category:
    category = Category.objects.filter(slug=slug, is_active=True).select_related("parent").first()
    if category is None:
        raise _not_found()
    return category


def category_list(*, kind: str = "") -> QuerySet[Category]:
    categories = Category.objects.filter(is_active=True).select_related("parent")
    if kind:
        categories = categories.filter(kind=kind)
    return categories.order_by("parent__position", "position", "name")


def category_path(*, category_id: int) -> list[CategoryNode]:
    """The category and its ancestors, root first (breadcrumbs)."""
    tree = category_tree()
    node = tree.by_id.get(category_id)
    return [*tree.ancestors(node), node] if node is not None else []


def category_shelf_life_hours(*, category: Category) -> int | None:
    """The category's default shelf life, or its nearest ancestor's."""
    tree = category_tree()
    node: CategoryNode | None = tree.by_id.get(category.pk)
    while node is not None:
        if node.shelf_life_hours is not None:
            return node.shelf_life_hours
        node = tree.by_id.get(node.parent_id) if node.parent_id is not None else None
    return category.shelf_life_hours


def category_requires_registration(*, category: Category) -> bool:
    tree = category_tree()
    node = tree.by_id.get(category.pk)
    if node is None:
        return category.requires_registration
    return node.requires_registration or any(a.requires_registration for a in tree.ancestors(node))


def category_guess(*, name: str, kind: str = "") -> Category | None:
    """The category a product name suggests ("Vải thiều Lục Ngạn" -> "Vải, nhãn, chôm chôm").

    A category scores the name words its keywords and its ancestors' keywords cover; among equal
    scores the deeper one wins, then the one earlier in the tree.
    """
    name_key = f" {' '.join(search.words(name))} "
    tree = category_tree()

    def own(node: CategoryNode) -> int:
        return sum(len(k.split()) for k in node.keywords if f" {k} " in name_key)

    best: tuple[int, int, int] | None = None
    best_id: int | None = None
    order = 0
    stack = list(reversed(tree.roots))
    while stack:
        node = stack.pop()
        stack.extend(reversed(node.children))
        order += 1
        if (kind and node.kind != kind) or not own(node):
            continue
        ancestors = tree.ancestors(node)
        rank = (own(node) + sum(own(a) for a in ancestors), len(ancestors), -order)
        if best is None or rank > best:
            best, best_id = rank, node.id
    return Category.objects.filter(pk=best_id).first() if best_id is not None else None


def synonym_index() -> search.SynonymIndex:
    rows = cache.get(SYNONYM_CACHE_KEY)
    if rows is None:
        rows = list(Synonym.objects.values_list("words", "is_classifier"))
        cache.set(SYNONYM_CACHE_KEY, rows, CACHE_SECONDS)
    return search.synonym_index(search.groups_from_rows(rows))


def parse_query(text: str) -> search.ParsedQuery:
    return search.parse_query(text, synonyms=synonym_index())


# --- Search and browse --------------------------------------------------------------------------


class Sort:
    RELEVANCE = "lien-quan"
    NEWEST = "moi-nhat"
    PRICE_ASC = "gia-tang"
    PRICE_DESC = "gia-giam"

    CHOICES = (
        (RELEVANCE, _lazy("Liên quan nhất")),
        (NEWEST, _lazy("Mới đăng")),
        (PRICE_ASC, _lazy("Giá thấp đến cao")),
        (PRICE_DESC, _lazy("Giá cao đến thấp")),
    )


@dataclass(frozen=True)
class ProductFilters:
    query: str = ""
    category: Category | None = None
    province: Province | None = None
    standard: str = ""
    ocop_min: int | None = None  # 3 to 5 stars
    price_min: int | None = None
    price_max: int | None = None
    in_season: bool = False
    marketplace: Marketplace | None = None
    shop: Shop | None = None
    kind: str = ""
    sort: str = ""
    branded: bool = False  # a brand mark in force, the product's own or its household's


def month_day(day: dt.date) -> int:
    return day.month * 100 + day.day


def in_season_condition(day: dt.date) -> Q:
    """Seasonal products in season in `day`'s month (see search.season_months): the yearly season
    meets the month, seasons over the new year included."""
    first, last = day.month * 100 + 1, day.month * 100 + 31
    same_year = Q(season_start__lte=F("season_end")) & Q(
        season_start__lte=last, season_end__gte=first
    )
    over_new_year = Q(season_start__gt=F("season_end")) & (
        Q(season_start__lte=last) | Q(season_end__gte=first)
    )
    return same_year | over_new_year


# --- Text matching ------------------------------------------------------------------------------
#
# A search is answered from the postings (ProductWord, see search.py) tier by tier, each tier a
# set of product ids built with SQL set operations from the postings' primary key, read
# index-only, newest first; only the products of the page are read from the product table.
# Tiers, best first:
#   0. every term in the name, spelt with the marks the buyer typed (when they typed marks);
#   1. every term in the name;
#   2. every term in the name or the origin (commune, province);
#   3. every term anywhere: the shop's name and the description too.
# Filters that postings hold (category, province, month of the season, OCOP, marketplace, kind,
# shop) are intersected into every tier, so a page of ids comes from the postings alone; only
# a price range and a standard (certificates have validity dates) need the product rows.

_POSTINGS = "SELECT product_id FROM catalog_productword WHERE "
# Tier -> the fields its terms may come from (None: any).
_TIER_FIELDS: tuple[int | None, ...] = (
    search.Field.NAME,
    search.Field.NAME,
    search.Field.ORIGIN,
    None,
)
IdSet = tuple[str, list[Any]]  # SQL selecting product_id, and its parameters


def _words_sql(term: search.Term, *, words: Sequence[str], upto: int | None) -> IdSet:
    """Postings holding every one of `words` within the fields up to `upto`."""
    scope = "" if upto is None else " AND field <= %s"
    scope_params: list[Any] = [] if upto is None else [upto]
    selects: list[str] = []
    params: list[Any] = []
    for word in words:
        if term.prefix:  # a range of the btree: every word starting so
            selects.append(f"{_POSTINGS}word >= %s AND word < %s{scope}")
            params += [word, word[:-1] + chr(ord(word[-1]) + 1), *scope_params]
        else:
            selects.append(f"{_POSTINGS}word = %s{scope}")
            params += [word, *scope_params]
    if len(selects) == 1:
        return selects[0], params
    return f"SELECT product_id FROM ({' INTERSECT '.join(selects)}) AS phrase", params


def _term_sql(term: search.Term, *, upto: int | None, exact: bool) -> IdSet:
    """Products holding the term or one of its synonyms (a phrase: all its words)."""
    phrases = term.alternatives(exact=exact)
    singles = [p for p in phrases if " " not in p]
    parts: list[IdSet] = []
    if singles and not term.prefix:
        scope = "" if upto is None else " AND field <= %s"
        marks = ", ".join(["%s"] * len(singles))
        parts.append(
            (f"{_POSTINGS}word IN ({marks}){scope}", [*singles, *([] if upto is None else [upto])])
        )
    elif singles:
        parts.append(_words_sql(term, words=singles, upto=upto))
    parts += [_words_sql(term, words=p.split(), upto=upto) for p in phrases if " " in p]
    return " UNION ".join(sql for sql, _ in parts), [x for _, params in parts for x in params]


def _all_of(sets: Sequence[IdSet]) -> IdSet:
    if len(sets) == 1:
        return sets[0]
    sql = " INTERSECT ".join(
        f"SELECT product_id FROM ({s}) AS t{i}" for i, (s, _) in enumerate(sets)
    )
    return sql, [x for _, params in sets for x in params]


def _filter_tokens(filters: ProductFilters, today: dt.date) -> list[str]:
    """The filters that postings hold too."""
    tokens = []
    if filters.category is not None:
        tokens.append(search.category_token(filters.category.pk))
    if filters.province is not None:
        tokens.append(search.province_token(filters.province.pk))
    if filters.in_season:
        tokens.append(search.month_token(today.month))
    if filters.ocop_min is not None:
        tokens.append(search.ocop_token(max(3, min(filters.ocop_min, 5))))
    if filters.marketplace is not None:
        tokens.append(search.marketplace_token(filters.marketplace.pk))
    if filters.kind:
        tokens.append(search.kind_token(filters.kind))
    if filters.shop is not None:
        tokens.append(search.shop_token(filters.shop.pk))
    return tokens


def _needs_product_rows(filters: ProductFilters) -> bool:
    """Filters the postings cannot answer."""
    return bool(
        filters.standard
        or filters.branded
        or filters.price_min is not None
        or filters.price_max is not None
    )


def _tier_sets(parsed: search.ParsedQuery, tokens: Sequence[str] = ()) -> list[IdSet]:
    """The id sets of the tiers (see above), each holding every term and filter token; each set
    holds the sets of the tiers before it. Tier 0 only when the buyer typed marks."""
    extra = [(f"{_POSTINGS}word = %s", [token]) for token in tokens]
    tiers = []
    for rank, upto in enumerate(_TIER_FIELDS):
        if rank == 0 and not parsed.has_marks:
            continue
        terms = [_term_sql(t, upto=upto, exact=rank == 0) for t in parsed.required]
        tiers.append(_all_of([*terms, *extra]))
    return tiers


def _in(id_set: IdSet) -> Q:
    return Q(pk__in=RawSQL(*id_set))


def _filtered(filters: ProductFilters, today: dt.date) -> QuerySet[Product]:
    """Listed products passing every filter but the words."""
    products = listed_products()
    if filters.category is not None:
        node = category_tree().by_id.get(filters.category.pk)
        ids = node.subtree_ids if node else [filters.category.pk]
        products = products.filter(category_id__in=ids)
    if filters.kind:
        products = products.filter(category__kind=filters.kind)
    if filters.province is not None:
        products = products.filter(origin_province=filters.province)
    if filters.marketplace is not None:
        products = products.filter(marketplace=filters.marketplace)
    if filters.shop is not None:
        products = products.filter(shop=filters.shop)
    if filters.standard:
        valid = Certification.objects.filter(products=OuterRef("pk"), kind=filters.standard).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=today)
        )
        products = products.filter(Exists(valid))
    if filters.ocop_min is not None:
        products = products.filter(ocop_stars__gte=max(filters.ocop_min, 3))
    if filters.branded:
        products = products.filter(brand_marked_condition(today=today))
    if filters.price_min is not None:
        products = products.filter(price__gte=filters.price_min)
    if filters.price_max is not None:
        products = products.filter(price__lte=filters.price_max)
    if filters.in_season:
        products = products.filter(in_season_condition(today))
    return products


def _sorted(products: QuerySet[Product], sort: str) -> QuerySet[Product]:
    if sort == Sort.PRICE_ASC:
        return products.order_by("price", "-pk")
    if sort == Sort.PRICE_DESC:
        return products.order_by("-price", "-pk")
    return products.order_by("-pk")


def _parsed(filters: ProductFilters) -> search.ParsedQuery:
    if not filters.query:
        return search.ParsedQuery(terms=(), raw="")
    return parse_query(filters.query)


def _search(
    parsed: search.ParsedQuery, filters: ProductFilters, today: dt.date
) -> QuerySet[Product]:
    products = _filtered(filters, today)
    if not parsed:
        return _sorted(products, filters.sort)
    tiers = _tier_sets(parsed, _filter_tokens(filters, today))
    products = products.filter(_in(tiers[-1]))
    sort = filters.sort or Sort.RELEVANCE
    if sort != Sort.RELEVANCE:
        return _sorted(products, sort)
    first_rank = 0 if parsed.has_marks else 1
    relevance = Case(
        *(When(_in(tier), then=Value(first_rank + n)) for n, tier in enumerate(tiers[:-1])),
        default=Value(3),
        output_field=IntegerField(),
    )
    return products.annotate(relevance=relevance).order_by("relevance", "-pk")


def product_search(*, filters: ProductFilters, today: dt.date | None = None) -> QuerySet[Product]:
    """Listed products matching the words and filters, in one query, ordered as asked: by
    relevance (the tiers above, newest first in each) when words were typed, else newest.

    `search_page` returns the same products in the same order, reading a page at a time.
    """
    return _search(_parsed(filters), filters, today or timezone.localdate())


@dataclass(frozen=True)
class SearchPage:
    products: list[Product]
    number: int
    has_next: bool
    per_page: int
    # The last word was read as the start of a word ("vai thi"), as nothing matched it whole.
    completed_last_word: bool = False

    @property
    def has_previous(self) -> bool:
        return self.number > 1


MAX_PAGE = 40


def _ids_sql(tier: IdSet, earlier: IdSet | None) -> IdSet:
    """A tier less the tiers before it, newest product first, ready for LIMIT and OFFSET (the
    general form, for queries whose every term is a prefix)."""
    sql, params = tier
    if earlier is not None:
        sql = (
            f"SELECT product_id FROM ({sql}) AS a EXCEPT SELECT product_id FROM ({earlier[0]}) AS b"
        )
        params = [*params, *earlier[1]]
    return f"SELECT product_id FROM ({sql}) AS s ORDER BY product_id DESC", params


# A page of a tier is read newest first from the postings of one "driving" term (the one with
# the fewest spellings), each spelling a backward scan of the primary key (word, product, field)
# that stops as soon as the page is full; every other term, filter token and the exclusion of
# earlier tiers is an EXISTS probe of that same key. Nothing is materialised, so a common word
# costs what a rare one does.
_PW = "catalog_productword"


@dataclass(frozen=True)
class _Tier:
    upto: int | None  # the fields the words may come from (None: any)
    exact: bool  # synonyms matched with their marks (the buyer typed marks)


def _next_word(word: str) -> str:
    return word[:-1] + chr(ord(word[-1]) + 1)


class _Sql:
    """Builds one statement: fresh aliases, parameters in order."""

    def __init__(self) -> None:
        self.params: list[Any] = []
        self._aliases = itertools.count()

    def alias(self) -> str:
        return f"w{next(self._aliases)}"

    def has_word(self, word: str, *, ref: str, upto: int | None, prefix: bool = False) -> str:
        a = self.alias()
        if prefix:
            match = f"{a}.word >= %s AND {a}.word < %s"
            self.params += [word, _next_word(word)]
        else:
            match = f"{a}.word = %s"
            self.params.append(word)
        scope = ""
        if upto is not None:
            scope = f" AND {a}.field <= %s"
            self.params.append(upto)
        return f"EXISTS (SELECT 1 FROM {_PW} {a} WHERE {match} AND {a}.product_id = {ref}{scope})"

    def has_term(self, term: search.Term, *, ref: str, tier: _Tier) -> str:
        """The product holds the term in one of its spellings (a phrase: all its words)."""
        options = []
        for spelling in term.alternatives(exact=tier.exact):
            words = spelling.split()
            options.append(
                " AND ".join(
                    self.has_word(w, ref=ref, upto=tier.upto, prefix=term.prefix) for w in words
                )
            )
        return "(" + " OR ".join(f"({o})" for o in options) + ")"


def _tier_page_sql(
    parsed: search.ParsedQuery,
    tokens: Sequence[str],
    *,
    tier: _Tier,
    earlier: Sequence[_Tier],
    limit: int,
    before: int | None = None,
) -> IdSet | None:
    """Up to `limit` ids of a tier (not in the tiers before it), newest first, below `before`.
    None when no term can drive the scan (every term a prefix and no filter)."""
    terms = list(parsed.required)
    whole = [t for t in terms if not t.prefix]
    driver = min(whole, key=lambda t: len(t.alternatives(exact=tier.exact))) if whole else None
    if driver is None and not tokens:
        return None
    build = _Sql()
    streams: list[str] = []
    spellings: list[tuple[str, list[str], int | None]] = []
    if driver is not None:
        for spelling in driver.alternatives(exact=tier.exact):
            first, *rest = spelling.split()
            spellings.append((first, rest, tier.upto))
        others = [t for t in terms if t is not driver]
        token_conditions = list(tokens)
    else:
        spellings.append((tokens[0], [], None))
        others = terms
        token_conditions = list(tokens[1:])
    for first, rest, upto in spellings:
        conditions = ["p.word = %s"]
        build.params.append(first)
        if upto is not None:
            conditions.append("p.field <= %s")
            build.params.append(upto)
        if before is not None:
            conditions.append("p.product_id < %s")
            build.params.append(before)
        conditions += [build.has_word(w, ref="p.product_id", upto=upto) for w in rest]
        conditions += [build.has_term(t, ref="p.product_id", tier=tier) for t in others]
        conditions += [build.has_word(k, ref="p.product_id", upto=None) for k in token_conditions]
        for done in earlier:
            held = [build.has_term(t, ref="p.product_id", tier=done) for t in terms]
            conditions.append("NOT (" + " AND ".join(held) + ")")
        streams.append(
            f"SELECT p.product_id FROM {_PW} p WHERE {' AND '.join(conditions)} "
            f"ORDER BY p.product_id DESC LIMIT %s"
        )
        build.params.append(limit)
    if len(streams) == 1:
        return streams[0], build.params
    union = " UNION ".join(
        f"SELECT product_id FROM ({stream}) AS s{i}" for i, stream in enumerate(streams)
    )
    return (
        f"SELECT product_id FROM ({union}) AS s ORDER BY product_id DESC LIMIT %s",
        [*build.params, limit],
    )


Chunk = Callable[[int, int | None, int], list[int]]  # (window, last id read, offset) -> ids


def _windowed_ids(read: Chunk, *, products: QuerySet[Product] | None, limit: int) -> list[int]:
    """Up to `limit` ids from `read`, newest first: from the postings alone, or through the
    product rows a window of postings at a time when a filter needs them (`products`)."""
    window = limit if products is None else max(limit, 500)
    ids: list[int] = []
    last: int | None = None
    offset = 0
    while len(ids) < limit:
        chunk = read(window, last, offset)
        if products is None:
            return chunk[:limit]
        kept = set(products.filter(pk__in=chunk).values_list("pk", flat=True))
        ids += [pk for pk in chunk if pk in kept][: limit - len(ids)]
        if len(chunk) < window:
            break
        last, offset = chunk[-1], offset + window
    return ids


def _fetch_ids(sql: str, params: Sequence[Any]) -> list[int]:
    with connections[Product.objects.db].cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def _tier_ids(
    parsed: search.ParsedQuery,
    tokens: Sequence[str],
    *,
    tier: _Tier,
    earlier: Sequence[_Tier],
    products: QuerySet[Product] | None,
    limit: int,
) -> list[int] | None:
    """Up to `limit` ids of a tier, newest first, read a page of postings at a time below the
    last id read. None when the tier cannot be read this way (see _tier_page_sql)."""
    if _tier_page_sql(parsed, tokens, tier=tier, earlier=earlier, limit=1) is None:
        return None

    def read(window: int, last: int | None, _offset: int) -> list[int]:
        built = _tier_page_sql(
            parsed, tokens, tier=tier, earlier=earlier, limit=window, before=last
        )
        assert built is not None
        return _fetch_ids(*built)

    return _windowed_ids(read, products=products, limit=limit)


def _tier_ids_general(
    tier: IdSet, earlier: IdSet | None, *, products: QuerySet[Product] | None, limit: int
) -> list[int]:
    """The same as _tier_ids from materialised sets: for queries of prefixes alone."""
    sql, params = _ids_sql(tier, earlier)

    def read(window: int, _last: int | None, offset: int) -> list[int]:
        return _fetch_ids(f"{sql} LIMIT %s OFFSET %s", [*params, window, offset])

    return _windowed_ids(read, products=products, limit=limit)


def _page_ids(
    parsed: search.ParsedQuery,
    *,
    filters: ProductFilters,
    today: dt.date,
    start: int,
    wanted: int,
) -> list[int]:
    """Ids of the results from `start`, `wanted` of them at most, in product_search's order."""
    sort = filters.sort or (Sort.RELEVANCE if parsed else Sort.NEWEST)
    if not parsed or sort != Sort.RELEVANCE:
        ordered = _search(parsed, filters, today).values_list("pk", flat=True)
        return list(ordered[start : start + wanted])
    products = _filtered(filters, today) if _needs_product_rows(filters) else None
    ids: list[int] = []
    needed = start + wanted
    tokens = _filter_tokens(filters, today)
    tiers = [
        _Tier(upto=upto, exact=rank == 0)
        for rank, upto in enumerate(_TIER_FIELDS)
        if rank > 0 or parsed.has_marks
    ]
    sets = _tier_sets(parsed, tokens)
    for index, tier in enumerate(tiers):
        found: list[int] | None = _tier_ids(
            parsed,
            tokens,
            tier=tier,
            earlier=tiers[:index],
            products=products,
            limit=needed - len(ids),
        )
        if found is None:
            found = _tier_ids_general(
                sets[index],
                sets[index - 1] if index else None,
                products=products,
                limit=needed - len(ids),
            )
        ids += found
        if len(ids) >= needed:
            break
    return ids[start:needed]


def search_page(
    *,
    filters: ProductFilters,
    page: int = 1,
    per_page: int = 24,
    today: dt.date | None = None,
) -> SearchPage:
    """One page of results, read a page at a time: a national catalog holds millions."""
    today = today or timezone.localdate()
    page = min(max(page, 1), MAX_PAGE)
    parsed = _parsed(filters)
    start = (page - 1) * per_page
    ids = _page_ids(parsed, filters=filters, today=today, start=start, wanted=per_page + 1)
    completed = False
    if not ids and page == 1 and parsed:
        unfinished = parsed.with_last_word_as_prefix()
        if unfinished is not None:
            ids = _page_ids(unfinished, filters=filters, today=today, start=0, wanted=per_page + 1)
            completed = bool(ids)
    found = {p.pk: p for p in _card_queryset(listed_products().filter(pk__in=ids))} if ids else {}
    rows = with_flags((found[pk] for pk in ids if pk in found), today=today)
    return SearchPage(
        products=rows[:per_page],
        number=page,
        has_next=len(rows) > per_page and not completed,
        per_page=per_page,
        completed_last_word=completed,
    )


def products_in_season(*, today: dt.date | None = None, limit: int = 8) -> list[Product]:
    """Seasonal produce in season now, in stock or open for pre-order: the home page block."""
    today = today or timezone.localdate()
    products = (
        listed_products()
        .filter(in_season_condition(today), category__kind=Category.Kind.PRODUCE)
        .filter(Q(stock__gt=0) | Q(preorder_enabled=True))
        .order_by("-pk")
    )
    return with_flags(_card_queryset(products)[:limit], today=today)


def with_flags(products: Iterable[Product], *, today: dt.date | None = None) -> list[Product]:
    """Products with `in_season` and `preorder_open` set, for cards and badges."""
    today = today or timezone.localdate()
    rows = list(products)
    for product in rows:
        product.in_season = in_season_now(product=product, today=today)  # type: ignore[attr-defined]
        product.preorder_open = preorder_open(product=product, today=today)  # type: ignore[attr-defined]
    return rows


def province_list_with_products() -> QuerySet[Province]:
    """Provinces with something listed, for browsing by origin."""
    return Province.objects.filter(
        Exists(listed_products().filter(origin_province=OuterRef("pk")))
    ).order_by("key")


def province_get(*, code: str) -> Province:
    province = Province.objects.filter(code=code).first()
    if province is None:
        raise _not_found()
    return province


# --- Seller figures -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ProductStats:
    views_total: int
    views_7_days: int
    orders: int


def product_stats(
    *, products: Sequence[Product], today: dt.date | None = None
) -> dict[int, ProductStats]:
    """Views (all time and the last 7 days) and orders per product, in one query."""
    today = today or timezone.localdate()
    ids = [p.pk for p in products]
    week_ago = today - dt.timedelta(days=6)
    views: dict[int, tuple[int, int]] = {
        product_id: (total or 0, week or 0)
        for product_id, total, week in ProductViewDay.objects.filter(product_id__in=ids)
        .values("product_id")
        .annotate(
            total=Sum("count"),
            week=Sum(Case(When(day__gte=week_ago, then=F("count")), default=Value(0))),
        )
        .values_list("product_id", "total", "week")
    }
    return {
        p.pk: ProductStats(
            views_total=views.get(p.pk, (0, 0))[0],
            views_7_days=views.get(p.pk, (0, 0))[1],
            orders=product_order_count(product=p),
        )
        for p in products
    }


def product_order_count(*, product: Product) -> int:
    """Orders of a product. The orders service keeps `order_count` current as orders are placed;
    reading through here lets it change how it counts without touching the pages."""
    return product.order_count


def status_history(*, product: Product) -> QuerySet[ProductStatusChange]:
    return product.status_changes.select_related("actor").order_by("at", "pk")


def shop_status_counts(*, shops: Iterable[Shop]) -> dict[int, dict[str, int]]:
    """Products per status for each shop (the seller's overview)."""
    counts: dict[int, dict[str, int]] = {shop.pk: {} for shop in shops}
    rows = (
        Product.objects.filter(shop_id__in=list(counts))
        .values_list("shop_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for shop_id, status, n in rows:
        counts[shop_id][status] = n
    return counts


# --- One product's state, for its pages ---------------------------------------------------------


def in_season_now(*, product: Product, today: dt.date | None = None) -> bool:
    """Seasonal and in season this month (all-year products are not "in season")."""
    if product.season_start is None or product.season_end is None:
        return False
    month = (today or timezone.localdate()).month
    return month in search.season_months(product.season_start, product.season_end)


def preorder_open(*, product: Product, today: dt.date | None = None) -> bool:
    """Pre-orders are taken until the harvest starts, while some expected yield is left."""
    today = today or timezone.localdate()
    return bool(
        product.preorder_enabled
        and product.available_from is not None
        and today < product.available_from
        and product.expected_yield
    )


def seller_actions(*, product: Product) -> list[str]:
    """What the seller may do next with the product's status: "submit", "withdraw"."""
    return moderation.actions_for(product.status, moderation.By.OWNER)


def operator_actions(*, product: Product) -> list[str]:
    """What the operator may do: "approve", "refuse", "hide", "restore"."""
    return moderation.actions_for(product.status, moderation.By.OPERATOR)


# --- Household prices for production inputs -----------------------------------------------------


def verified_household_of(buyer: Any) -> Household | None:
    """The registered household a buyer's account belongs to, or None: only such accounts see
    and pay household prices (a field agent checked the head's CCCD and took consent)."""
    if not _active(buyer) or buyer.role != Role.HOUSEHOLD:
        return None
    return Household.objects.filter(user=buyer, consent_at__isnull=False).first()


def household_price_used(
    *, offers: Sequence[HouseholdPrice], household: Household
) -> dict[int, Decimal]:
    """Units of each offer the household has bought at the household price this season."""
    if not offers:
        return {}
    condition = Q()
    for offer in offers:
        condition |= Q(offer_id=offer.pk, season_start=offer.season_start)
    rows = (
        HouseholdPriceUse.objects.filter(condition, household=household, released_at__isnull=True)
        .values("offer_id")
        .annotate(total=Sum("quantity"))
    )
    return {row["offer_id"]: row["total"] for row in rows}


@dataclass(frozen=True)
class HouseholdOffer:
    """A household price as one household sees it today."""

    offer: HouseholdPrice
    remaining: Decimal

    @property
    def price(self) -> int:
        return self.offer.price


def household_offers_for(
    *, buyer: Any, products: Sequence[Product], today: dt.date | None = None
) -> dict[int, HouseholdOffer]:
    """The household prices open to this buyer today, by product id (empty for anyone who is
    not a verified household)."""
    today = today or timezone.localdate()
    household = verified_household_of(buyer)
    if household is None or not products:
        return {}
    offers = list(
        HouseholdPrice.objects.filter(
            product_id__in=[p.pk for p in products],
            season_start__lte=today,
            season_end__gte=today,
        )
    )
    prices = {p.pk: p.price for p in products}
    offers = [o for o in offers if o.price < prices[o.product_id]]
    used = household_price_used(offers=offers, household=household)
    return {
        o.product_id: HouseholdOffer(
            offer=o, remaining=max(o.quota - used.get(o.pk, Decimal(0)), Decimal(0))
        )
        for o in offers
    }


def unit_prices_for(
    *, buyer: Any, lines: Sequence[tuple[Product, Decimal]], today: dt.date | None = None
) -> dict[int, int]:
    """The unit price a buyer pays for each product of these lines where it differs from the
    product's price: the household price, for a verified household whose line fits in what is
    left of its quota this season (a line beyond the quota is at the product's price)."""
    offers = household_offers_for(buyer=buyer, products=[p for p, _q in lines], today=today)
    return {
        product.pk: offers[product.pk].price
        for product, quantity in lines
        if product.pk in offers and quantity <= offers[product.pk].remaining
    }


def household_price_of(*, product: Product) -> HouseholdPrice | None:
    return HouseholdPrice.objects.filter(product=product).first()


def household_price_products(
    *, day: dt.date | None = None, province_id: int | None = None
) -> QuerySet[Product]:
    """III.5: listed inputs with a household price open on `day` (today) and below the price
    everyone else pays; for a province, those whose shop is there (the product's origin)."""
    day = day or timezone.localdate()
    products = Product.objects.filter(
        is_listed=True,
        category__kind=Category.Kind.INPUT,
        household_price__season_start__lte=day,
        household_price__season_end__gte=day,
        household_price__price__lt=F("price"),
    )
    if province_id is not None:
        products = products.filter(origin_province_id=province_id)
    return products


# --- Brand marks --------------------------------------------------------------------------------


def active_marks(*, today: dt.date | None = None) -> QuerySet[BrandMark]:
    """Marks in force on `today`: granted, not revoked, within their validity."""
    today = today or timezone.localdate()
    return BrandMark.objects.filter(revoked_at__isnull=True, valid_from__lte=today).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=today)
    )


def brand_marked_condition(*, today: dt.date | None = None) -> Q:
    """Products with a mark in force, their own or their household's (the search filter)."""
    marks = active_marks(today=today)
    return Q(Exists(marks.filter(product=OuterRef("pk")))) | Q(
        Exists(marks.filter(household=OuterRef("household_id")))
    )


def marked_product_ids(*, products: Iterable[Product], today: dt.date | None = None) -> set[int]:
    """Which of these products show the brand mark badge (one query for a page of cards)."""
    rows = list(products)
    if not rows:
        return set()
    households = {p.household_id for p in rows if p.household_id}
    marks = active_marks(today=today).filter(
        Q(product_id__in=[p.pk for p in rows]) | Q(household_id__in=households)
    )
    product_ids, household_ids = set(), set()
    for product_id, household_id in marks.values_list("product_id", "household_id"):
        if product_id:
            product_ids.add(product_id)
        else:
            household_ids.add(household_id)
    return {p.pk for p in rows if p.pk in product_ids or p.household_id in household_ids}


def household_is_marked(*, household_id: int | None, today: dt.date | None = None) -> bool:
    if household_id is None:
        return False
    return active_marks(today=today).filter(household_id=household_id).exists()


def may_grant_for_product(*, actor: Any, product: Product) -> bool:
    if not _active(actor):
        return False
    if actor.role == Role.MARKETPLACE_OPERATOR:
        return actor.marketplace_id == product.marketplace_id
    if actor.role == Role.PROVINCE_OFFICIAL:
        return actor.province_id == product.origin_province_id
    return False


def may_grant_for_household(*, actor: Any, household: Household) -> bool:
    if not _active(actor):
        return False
    if actor.role == Role.MARKETPLACE_OPERATOR:
        return Shop.objects.filter(
            Q(household=household) | Q(products__household=household),
            marketplace_id=actor.marketplace_id,
        ).exists()
    if actor.role == Role.PROVINCE_OFFICIAL:
        return household.commune.province_id == actor.province_id
    return False


def may_grant(*, actor: Any) -> bool:
    return _active(actor) and actor.role in (Role.MARKETPLACE_OPERATOR, Role.PROVINCE_OFFICIAL)


def brand_mark_list(*, actor: Any) -> QuerySet[BrandMark]:
    """The marks the actor's marketplace or province granted (the history, revoked included)."""
    marks = BrandMark.objects.select_related(
        "product__shop", "household__commune", "marketplace", "province", "granted_by"
    ).order_by("-granted_at", "-pk")
    if not _active(actor):
        return marks.none()
    if actor.role == Role.MARKETPLACE_OPERATOR:
        return marks.filter(marketplace_id=actor.marketplace_id)
    if actor.role == Role.PROVINCE_OFFICIAL:
        return marks.filter(province_id=actor.province_id)
    return marks.none()


def brand_mark_get_for(*, actor: Any, mark_id: int) -> BrandMark:
    mark = brand_mark_list(actor=actor).filter(pk=mark_id).first()
    if mark is None:
        raise _not_found()
    return mark


def brand_mark_target_product(*, actor: Any, product_id: int) -> Product:
    product = _product_detail_queryset().filter(pk=product_id).first()
    if product is None or not may_grant_for_product(actor=actor, product=product):
        raise _not_found()
    return product


def brand_mark_target_household(*, actor: Any, household_id: int) -> Household:
    household = (
        Household.objects.select_related("commune__province").filter(pk=household_id).first()
    )
    if household is None or not may_grant_for_household(actor=actor, household=household):
        raise _not_found()
    return household


def marks_of(
    *, product: Product | None = None, household: Household | None = None
) -> QuerySet[BrandMark]:
    """A product's or household's marks, newest first (revoked included: the history)."""
    marks = BrandMark.objects.select_related("marketplace", "province").order_by("-granted_at")
    if product is not None:
        return marks.filter(product=product)
    return marks.filter(household=household)
