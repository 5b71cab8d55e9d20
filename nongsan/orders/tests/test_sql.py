"""The buying path's hand-written SQL (nongsan.core.sql) gives what the ORM gives, on SQLite and
PostgreSQL alike: same field values and types, related objects, keys and decimals."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from nongsan.accounts.tests import factories as account_factories
from nongsan.catalog import selectors as catalog_selectors
from nongsan.catalog.models import Product, Shop
from nongsan.catalog.tests import factories as catalog_factories
from nongsan.core import sql
from nongsan.geo import selectors as geo_selectors
from nongsan.geo.models import Commune, Province
from nongsan.orders import selectors, services
from nongsan.orders.models import CartLine, OrderLine
from nongsan.orders.tests import factories


def _fields(instance):
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


def _same(built, loaded):
    """Equal values of the same types, field by field."""
    a, b = _fields(built), _fields(loaded)
    assert a == b
    assert {k: type(v) for k, v in a.items()} == {k: type(v) for k, v in b.items()}


@pytest.fixture
def cart_of_two_shops(db):
    marketplace = account_factories.marketplace()
    shops = [
        catalog_factories.shop(marketplace=marketplace),
        catalog_factories.shop(marketplace=marketplace, name="Vườn bưởi Đoan Hùng"),
    ]
    products = [
        factories.product(shop=shops[0], stock="12.5", order_step="0.5", shelf_life_hours=72),
        factories.product(shop=shops[1], price=38_000, stock="40"),
    ]
    buyer = factories.buyer()
    cart = services.cart_for(user=buyer, session_key=None)
    services.cart_add(cart=cart, product=products[0], quantity=Decimal("2.5"))
    services.cart_add(cart=cart, product=products[1], quantity=Decimal(3))
    return cart, shops, products


def test_cart_lines_are_the_orm_instances_with_their_relations(cart_of_two_shops):
    cart, _shops, products = cart_of_two_shops
    with CaptureQueriesContext(connection) as captured:
        lines = selectors.cart_lines(cart=cart)
        shops = [x.product.shop for x in lines]
        # everything checkout and the cart page read is already there
        read = [(s.commune.province.region, s.marketplace.code, s.seller.phone) for s in shops]
    assert len(captured) == 1 and all(all(r) for r in read)
    assert [line.product_id for line in lines] == [p.pk for p in products]
    for line in lines:
        _same(line, CartLine.objects.get(pk=line.pk))
        _same(line.product, Product.objects.get(pk=line.product_id))
        shop = line.product.shop
        orm_shop = (
            type(shop).objects.select_related("commune__province", "marketplace").get(pk=shop.pk)
        )
        _same(shop, orm_shop)
        _same(shop.commune, orm_shop.commune)
        _same(shop.commune.province, orm_shop.commune.province)
        _same(shop.marketplace, orm_shop.marketplace)
        assert shop.seller.pk == services.seller_user(orm_shop).pk
    assert lines[0].quantity == Decimal("2.500") and lines[0].product.shelf_life_hours == 72


def test_lines_sent_by_the_client_read_the_same_products(cart_of_two_shops):
    cart, _shops, products = cart_of_two_shops
    sent = selectors.products_for_lines(
        quantities={products[1].pk: Decimal(1), products[0].pk: Decimal("1.5"), 10**9: Decimal(1)}
    )
    assert [(x.product_id, x.quantity, x.pk) for x in sent] == [
        (products[0].pk, Decimal("1.5"), None),
        (products[1].pk, Decimal(1), None),
    ]
    for line, kept in zip(sent, selectors.cart_lines(cart=cart), strict=True):
        _same(line.product, kept.product)
        _same(line.product.shop, kept.product.shop)


def test_single_reads_match_the_orm(cart_of_two_shops):
    _cart, _shops, products = cart_of_two_shops
    product = catalog_selectors.product_get_for_cart(product_id=products[0].pk)
    _same(product, Product.objects.get(pk=product.pk))
    _same(product.shop, Shop.objects.get(pk=product.shop_id))
    commune = geo_selectors.commune_by_code(code=products[0].shop.commune.code)
    _same(commune, Commune.objects.get(pk=commune.pk))
    _same(commune.province, Province.objects.get(pk=commune.province_id))
    assert geo_selectors.commune_by_code(code="no-such") is None
    Product.objects.filter(pk=product.pk).update(is_listed=False)
    with pytest.raises(Exception, match="Không tìm thấy"):
        catalog_selectors.product_get_for_cart(product_id=product.pk)


def test_insert_gives_keys_and_the_values_a_read_gives(cart_of_two_shops):
    _cart, _shops, products = cart_of_two_shops
    order = factories.place(items=[(products[1], 2)])
    sub = order.sub_orders.get()
    written = sql.insert(
        [
            OrderLine(
                sub_order=sub,
                product=products[0],
                name="Na",
                unit="kg",
                unit_price=65_000,
                quantity=quantity,
                unit_weight_kg=Decimal(1),
            )
            for quantity in (Decimal("2.5"), Decimal("0.125"))
        ]
    )
    assert all(x.pk and not x._state.adding for x in written)
    assert [x.quantity for x in written] == [Decimal("2.500"), Decimal("0.125")]
    for line in written:
        _same(line, OrderLine.objects.get(pk=line.pk))
    assert sql.insert([]) == []


def test_prefetched_answers_without_a_query(cart_of_two_shops):
    _cart, _shops, products = cart_of_two_shops
    order = factories.place(items=[(products[0], 2)])
    sub = order.sub_orders.get()
    lines = list(OrderLine.objects.filter(sub_order=sub))
    sql.prefetched(sub, "lines", lines)
    with CaptureQueriesContext(connection) as captured:
        assert list(sub.lines.all()) == lines
    assert len(captured) == 0
    assert sub.lines.get().pk == lines[0].pk  # still a queryset: further filters query
