"""The market price board: entry, CSV import with per-row errors, history, chart, and a
household's own prices beside the board."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from nongsan.accounts.models import Role
from nongsan.accounts.tests import factories as account_factories
from nongsan.catalog.tests import factories as catalog_factories
from nongsan.core.errors import ApplicationError
from nongsan.info import charts, selectors, services
from nongsan.info.models import MarketPrice
from nongsan.info.tests import factories

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def day(n: int) -> dt.date:
    return TODAY - dt.timedelta(days=n)


def test_entering_a_price_again_corrects_it():
    editor = factories.editor()
    lang_son = account_factories.province("Lạng Sơn")
    na = factories.produce("na")
    _, outcome = services.market_price_set(
        actor=editor, produce=na, province=lang_son, day=day(1), price="45.000"
    )
    assert outcome == "created"
    row, outcome = services.market_price_set(
        actor=editor, produce=na, province=lang_son, day=day(1), price=47000
    )
    assert (outcome, row.price) == ("updated", 47000)
    _, outcome = services.market_price_set(
        actor=editor, produce=na, province=lang_son, day=day(1), price=47000
    )
    assert outcome == "unchanged"
    assert MarketPrice.objects.count() == 1


def test_price_entry_is_for_editors_in_their_province():
    lang_son = account_factories.province("Lạng Sơn")
    hanoi = account_factories.province("Hà Nội")
    na = factories.produce("na")
    with pytest.raises(ApplicationError) as refused:
        services.market_price_set(
            actor=factories.editor(province=hanoi),
            produce=na,
            province=lang_son,
            day=day(1),
            price=1000,
        )
    assert refused.value.field == "province"
    with pytest.raises(ApplicationError) as refused:
        services.market_price_set(
            actor=account_factories.user(Role.HOUSEHOLD),
            produce=na,
            province=lang_son,
            day=day(1),
            price=1000,
        )
    assert refused.value.code == "forbidden"
    for bad, field in (("0", "price"), ("abc", "price"), ("", "price")):
        with pytest.raises(ApplicationError) as refused:
            services.market_price_set(
                actor=factories.editor(), produce=na, province=lang_son, day=day(1), price=bad
            )
        assert refused.value.field == field
    with pytest.raises(ApplicationError) as refused:
        services.market_price_set(
            actor=factories.editor(),
            produce=na,
            province=lang_son,
            day=TODAY + dt.timedelta(days=1),
            price=1000,
        )
    assert refused.value.field == "day"


CSV = (
    "Ngày;Tỉnh;Sản phẩm;Giá (đồng/kg);Nguồn\n"
    f"{day(2):%d/%m/%Y};Lạng Sơn;Na;42.000;Chợ Đồng Đăng\n"
    f"{day(1):%d/%m/%Y};Lạng Sơn;mãng cầu;45000;Chợ Đồng Đăng\n"
    f"{day(1):%d/%m/%Y};Bắc Giang;Vải thiều;30000;HTX Lục Ngạn\n"  # a legacy province name
    f"{day(1):%d/%m/%Y};Tỉnh Không Có;Na;40000;\n"
    f"{day(1):%d/%m/%Y};Lạng Sơn;Cỏ lạ;40000;\n"
    f"32/13/2025;Lạng Sơn;Na;40000;\n"
    f"{day(1):%d/%m/%Y};Lạng Sơn;Ngô;-5;\n"
    ";;;;\n"
)


def test_import_keeps_good_rows_reports_every_bad_one_and_repeats_harmlessly():
    editor = factories.editor()
    result = services.market_prices_import(actor=editor, content=CSV.encode("utf-8-sig"))
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    assert [number for number, _ in result.errors] == [5, 6, 7, 8]
    messages = dict(result.errors)
    assert "Tỉnh Không Có" in messages[5]
    assert "Cỏ lạ" in messages[6]
    assert "32/13/2025" in messages[7]
    lychee = MarketPrice.objects.get(produce__code="vai-thieu")
    assert lychee.province.short_name == "Bắc Ninh"  # Bắc Giang joined Bắc Ninh in 2025

    again = services.market_prices_import(actor=editor, content=CSV)
    assert (again.created, again.updated, again.unchanged, len(again.errors)) == (0, 0, 3, 4)
    assert MarketPrice.objects.count() == 3


def test_import_without_the_needed_columns_says_which():
    with pytest.raises(ApplicationError) as refused:
        services.market_prices_import(actor=factories.editor(), content="Ngày,Tỉnh\n1/1/2025,x\n")
    assert "Sản phẩm" in refused.value.message and "Giá" in refused.value.message


def _prices():
    editor = factories.editor()
    lang_son = account_factories.province("Lạng Sơn")
    hanoi = account_factories.province("Hà Nội")
    na = factories.produce("na")
    for n, price in ((10, 40000), (5, 42000), (1, 45000)):
        services.market_price_set(
            actor=editor, produce=na, province=lang_son, day=day(n), price=price
        )
    services.market_price_set(actor=editor, produce=na, province=hanoi, day=day(2), price=60000)
    return lang_son, hanoi, na


def test_the_board_shows_the_latest_price_and_its_change():
    lang_son, hanoi, na = _prices()
    rows = {row.province.pk: row for row in selectors.price_board(produce=na)}
    assert (rows[lang_son.pk].price, rows[lang_son.pk].previous) == (45000, 42000)
    assert rows[lang_son.pk].change == 3000
    assert rows[lang_son.pk].change_pct == 7.1
    assert (rows[hanoi.pk].price, rows[hanoi.pk].previous, rows[hanoi.pk].change) == (
        60000,
        None,
        None,
    )


def test_history_page_draws_the_chart(client, django_assert_max_num_queries):
    lang_son, _hanoi, na = _prices()
    with django_assert_max_num_queries(6):
        response = client.get(reverse("info:history", args=[na.code, lang_son.code]))
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("<circle") == 3
    assert "45.000 ₫" in page
    with django_assert_max_num_queries(6):
        board = client.get(reverse("info:board"))
    assert board.status_code == 200 and "45.000 ₫" in board.content.decode()


def test_chart_of_one_point_and_of_none():
    assert "<circle" in charts.price_chart([(TODAY, 1000)])
    assert "<circle" not in charts.price_chart([])


def test_a_household_sees_its_own_prices_beside_the_board(client):
    _lang_son, _hanoi, na = _prices()
    household = catalog_factories.household_with_account(
        commune=account_factories.commune("Lạng Sơn")
    )
    shop = catalog_factories.shop(household=household)
    catalog_factories.product(shop=shop, name="Na Chi Lăng loại 1", price=36000)
    rows = selectors.household_prices(household=household)
    assert len(rows) == 1
    assert rows[0].produce == na
    assert rows[0].reference.price == 45000
    assert rows[0].gap_pct == -20.0
    client.force_login(household.user)
    page = client.get(reverse("info:my_prices")).content.decode()
    assert "Na Chi Lăng loại 1" in page and "-20,0%" in page
