"""II.2 (tonnes sold), II.6 (provinces reached) and II.7 (countries reached) from deliveries;
II.1 and III.3 (products listed) from first publications."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from nongsan.accounts.tests import factories as account_factories
from nongsan.catalog import services as catalog_services
from nongsan.catalog.models import Product
from nongsan.catalog.tests import factories as catalog_factories
from nongsan.monitoring import facts, selectors, services
from nongsan.monitoring.models import DailyFact, MarketFirstReached, MarketReached
from nongsan.monitoring.periods import period_containing, period_next
from nongsan.orders import services as orders_services
from nongsan.orders.models import PaymentMethod, SubOrder
from nongsan.orders.tests import factories as order_factories

pytestmark = pytest.mark.django_db
Status = SubOrder.Status


def deliver(sub: SubOrder) -> SubOrder:
    seller = orders_services.seller_user(sub.shop)
    for status in (Status.CONFIRMED, Status.PACKED, Status.HANDED_TO_CARRIER, Status.DELIVERED):
        sub = orders_services.sub_order_transition(actor=seller, sub_order=sub, to=status)
    return sub


@pytest.fixture
def sales(settings, tmp_path, postmart):
    """A Lạng Sơn farm sells 2.5 kg to Hà Nội, 3 kg to Huế, and 4 kg to Germany (prepaid);
    an order to Cà Mau is not delivered yet."""
    settings.MEDIA_ROOT = tmp_path
    shop = catalog_factories.shop(marketplace=postmart)
    product = order_factories.product(shop=shop, stock="100", order_step="0.5")
    addresses = [
        (order_factories.address(), "2.5", PaymentMethod.COD),
        (order_factories.address(commune=account_factories.commune("Huế")), "3", "cod"),
        (order_factories.germany_address(), "4", PaymentMethod.VIETQR),
    ]
    subs = []
    for address, quantity, method in addresses:
        order = order_factories.place(items=[(product, quantity)], address=address, method=method)
        if method == PaymentMethod.VIETQR:
            orders_services.order_payment_sync(order_reference=order.number)
            order.payment_status = "paid"
            order.save(update_fields=["payment_status"])
        subs.append(deliver(order.sub_orders.get()))
    order_factories.place(
        items=[(product, 1)], address=order_factories.address(account_factories.commune("Cà Mau"))
    )
    return subs


def test_deliveries_fold_into_grams_and_markets(sales):
    result = services.facts_fold()
    assert result.deliveries > 0
    grams = DailyFact.objects.filter(indicator=facts.TONNES, marketplace__isnull=True)
    assert sum(grams.values_list("value", flat=True)) == 9_500  # 2.5 + 3 + 4 kg
    reached = MarketReached.objects.all()
    assert sorted(str(r.buyer_province or r.buyer_country) for r in reached) == [
        "Huế",
        "Hà Nội",
        "Đức",
    ]
    again = services.facts_fold()
    assert again.deliveries == 0 and again.facts_changed == 0


def test_rebuild_gives_what_the_fold_gave(sales):
    services.facts_fold()

    def snapshot():
        fact_rows = DailyFact.objects.values_list("indicator", "marketplace_id", "day", "value")
        market_rows = MarketReached.objects.values_list(
            "province_id", "buyer_province_id", "buyer_country_id"
        )
        first_rows = MarketFirstReached.objects.values_list(
            "province_id", "marketplace_id", "buyer_province_id", "buyer_country_id", "day"
        )
        return (
            sorted(fact_rows, key=lambda r: (r[0], r[1] or 0, r[2], r[3])),
            sorted(market_rows, key=lambda r: (r[0], r[1] or 0, r[2])),
            sorted(first_rows, key=lambda r: (r[0], r[1], r[2] or 0, r[3], r[4])),
        )

    folded = snapshot()
    assert folded[2]  # each market has its first day, in the seller's province
    services.facts_rebuild()
    assert snapshot() == folded


def test_report_counts_tonnes_and_distinct_markets_with_notes(sales, ministry):
    services.facts_fold()
    unit = selectors.unit_get_for(actor=ministry, key="nation")
    report = selectors.report_build(unit=unit, period=period_of_today())
    tonnes = report.row("II.2")
    assert (tonnes.value, tonnes.cumulative) == (0.01, 0.01)  # 9.5 kg, rounded to 10 kg
    provinces = report.row("II.6")
    assert (provinces.value, provinces.cumulative) == (2, 2)
    assert provinces.notes == (
        ("Miền Bắc", ("Thành phố Hà Nội",)),
        ("Miền Trung", ("Thành phố Huế",)),
    )
    countries = report.row("II.7")
    assert (countries.value, countries.cumulative) == (1, 1)
    assert countries.notes == (("Châu Âu", ("Đức",)),)
    assert [f.cumulative for f in provinces.by_marketplace if f.marketplace.code == "postmart"] == [
        2
    ]
    later = selectors.report_build(unit=unit, period=period_next(period_of_today()))
    assert later.row("II.6").value == 0 and later.row("II.6").cumulative == 2
    assert later.row("II.6").growth_pct == -100.0


def period_of_today():
    return period_containing(kind="weekly", day=timezone.localdate())


def test_the_workbook_lists_the_provinces_reached(client, sales, ministry):
    services.facts_fold()
    client.force_login(ministry)
    response = client.get(
        reverse("monitoring:report_xlsx"), {"don_vi": "nation", "ky": period_of_today().id}
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    notes = [str(cell.value) for cell in sheet["H"] if cell.value]
    assert any("Miền Bắc: Thành phố Hà Nội;" in note for note in notes)
    assert any("Châu Âu: Đức;" in note for note in notes)


def test_grams_are_whole_for_any_weight():
    assert int((Decimal("2.345") * 1000).to_integral_value()) == 2345


def test_the_report_page_and_api_show_tonnes_and_markets(client, sales, ministry):
    services.facts_fold()
    client.force_login(ministry)
    page = client.get(
        reverse("monitoring:report"), {"don_vi": "nation", "ky": period_of_today().id}
    ).content.decode()
    assert "0,010" in page and "Miền Trung: Thành phố Huế" in page
    data = client.get(f"/api/monitoring/reports/nation/{period_of_today().id}").json()
    rows = {row["indicator"]: row for row in data["rows"]}
    assert rows["II.2"]["cumulative"] == 0.01
    assert rows["II.7"]["notes"] == {"Châu Âu": ["Đức"]}


class TestProductsListed:
    def test_a_product_counts_once_at_its_first_publication(self, settings, tmp_path, postmart):
        settings.MEDIA_ROOT = tmp_path
        shop = catalog_factories.shop(marketplace=postmart)
        na = catalog_factories.product(shop=shop)
        catalog_factories.product(shop=shop, name="Na nháp", status=Product.Status.DRAFT)
        operator = catalog_factories.operator(postmart)
        hidden = catalog_services.product_transition(
            actor=operator, product=na, to=Product.Status.HIDDEN, reason="Ảnh mờ"
        )
        catalog_services.product_transition(
            actor=operator, product=hidden, to=Product.Status.PUBLISHED
        )
        services.facts_fold()
        listed = DailyFact.objects.filter(indicator=facts.PRODUCTS_LISTED)
        assert sum(listed.filter(marketplace__isnull=True).values_list("value", flat=True)) == 1
        assert sum(listed.filter(marketplace=postmart).values_list("value", flat=True)) == 1
        assert not DailyFact.objects.filter(indicator=facts.INPUTS_LISTED).exists()
        before = sorted(DailyFact.objects.values_list("indicator", "day", "value"))
        services.facts_rebuild()
        assert sorted(DailyFact.objects.values_list("indicator", "day", "value")) == before
