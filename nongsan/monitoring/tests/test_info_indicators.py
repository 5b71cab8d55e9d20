"""Group III from the platform's own data, on a scenario with hand-worked numbers.

III.1 and III.2 come from bulletins (info), III.5 from household prices (catalog), read through
their selectors; III.3 and III.4 from the facts monitoring already folds (first publication of
inputs, a household's first delivered input purchase).

The scenario, period = the 10 local days ending today, in Lạng Sơn (LS) and Hà Nội (HN):
  B1 nationwide, published 20 days ago (before the period)
  B2 to LS, published 5 days ago and corrected 3 days ago
  B3 to a commune of LS, published 2 days ago
  B4 to HN, published 4 days ago
  B5 nationwide, published yesterday, withdrawn since (it was provided all the same)
  B6 a draft, never published
  III.1 in the period: LS = B2, B3, B5 = 3; HN = B4, B5 = 2; nation = 4; cumulative LS = 4.
  III.2 in the period: LS = B2 x2 + B3 + B5 = 4; HN = B4 + B5 = 2; nation = 5.
Inputs in Đắk Lắk (DL): fertiliser with an open household price, seed without one, a pesticide
whose household price season is over. A farm household buys the fertiliser (delivered), a
plain buyer buys seed (delivered).
  III.3 = 3 inputs listed; III.4 = 1 household; III.5: DL = 1, LS = 0, nation = 1.
"""

import datetime as dt

import pytest
from django.db.models import Sum
from django.utils import timezone

from nongsan.accounts.tests import factories as account_factories
from nongsan.catalog import selectors as catalog_selectors
from nongsan.catalog.tests import factories as catalog_factories
from nongsan.info import selectors as info_selectors
from nongsan.info import services as info_services
from nongsan.info.tests import factories as info_factories
from nongsan.monitoring import services
from nongsan.monitoring.models import DailyFact
from nongsan.orders import services as orders_services
from nongsan.orders.models import SubOrder
from nongsan.orders.tests import factories as order_factories

pytestmark = pytest.mark.django_db
Status = SubOrder.Status


def deliver(sub):
    seller = orders_services.seller_user(sub.shop)
    for status in (Status.CONFIRMED, Status.PACKED, Status.HANDED_TO_CARRIER, Status.DELIVERED):
        sub = orders_services.sub_order_transition(actor=seller, sub_order=sub, to=status)
    return sub


@pytest.fixture
def bulletins():
    now = timezone.now()
    ago = lambda days: now - dt.timedelta(days=days)  # noqa: E731
    lang_son = account_factories.province("Lạng Sơn")
    hanoi = account_factories.province("Hà Nội")
    ministry = info_factories.editor()
    ls_editor = info_factories.editor(province=lang_son)
    info_factories.bulletin(actor=ministry, title="B1", now=ago(20), valid_from=ago(20))
    b2 = info_factories.bulletin(
        actor=ls_editor, title="B2", provinces=[lang_son], now=ago(5), valid_from=ago(5)
    )
    info_services.bulletin_update(
        actor=ls_editor,
        bulletin=b2,
        title="B2 (đính chính)",
        body=b2.body,
        is_urgent=False,
        valid_until=None,
        is_nationwide=False,
        provinces=[lang_son],
        communes=[],
        produce=[],
        now=ago(3),
    )
    info_factories.bulletin(
        actor=ls_editor,
        title="B3",
        communes=[account_factories.commune("Lạng Sơn", 2)],
        now=ago(2),
        valid_from=ago(2),
    )
    info_factories.bulletin(
        actor=ministry, title="B4", provinces=[hanoi], now=ago(4), valid_from=ago(4)
    )
    b5 = info_factories.bulletin(actor=ministry, title="B5", now=ago(1), valid_from=ago(1))
    info_services.bulletin_withdraw(actor=ministry, bulletin=b5)
    info_factories.bulletin(actor=ministry, title="B6", publish=False)
    today = timezone.localdate()
    return {"start": today - dt.timedelta(days=9), "end": today, "ls": lang_son, "hn": hanoi}


def test_iii_1_items_provided(bulletins):
    start, end, ls, hn = bulletins["start"], bulletins["end"], bulletins["ls"], bulletins["hn"]
    period = {"start": start, "end": end}
    assert info_selectors.bulletins_published(**period, province_id=ls.pk) == 3
    assert info_selectors.bulletins_published(**period, province_id=hn.pk) == 2
    assert info_selectors.bulletins_published(**period) == 4
    assert info_selectors.bulletins_published(start=None, end=end, province_id=ls.pk) == 4
    assert info_selectors.bulletins_published(start=None, end=end) == 5


def test_iii_2_updates_in_the_period(bulletins):
    start, end, ls, hn = bulletins["start"], bulletins["end"], bulletins["ls"], bulletins["hn"]
    period = {"start": start, "end": end}
    assert info_selectors.bulletin_updates(**period, province_id=ls.pk) == 4
    assert info_selectors.bulletin_updates(**period, province_id=hn.pk) == 2
    assert info_selectors.bulletin_updates(**period) == 5
    # A period before any of them: nothing.
    earlier = {"start": start - dt.timedelta(days=30), "end": start - dt.timedelta(days=21)}
    assert info_selectors.bulletin_updates(**earlier) == 0


def test_iii_3_iii_4_and_iii_5_from_inputs(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    today = timezone.localdate()
    shop = catalog_factories.input_shop()
    fertiliser = catalog_factories.fertiliser(shop)
    seed = catalog_factories.product(
        shop=shop,
        actor=shop.supplier,
        name="Hạt giống ngô lai NK7328",
        price=180_000,
        unit="pack",
        unit_weight_kg="1",
        stock="50",
        registration_number="Giống ngô: QĐ 123/QĐ-TT-CLT",
    )
    catalog_factories.fertiliser(
        shop,
        season_start=today - dt.timedelta(days=90),
        season_end=today - dt.timedelta(days=1),
    )
    farm = catalog_factories.household_with_account()
    deliver(order_factories.place(buyer_user=farm.user, items=[(fertiliser, 2)]).sub_orders.get())
    deliver(order_factories.place(items=[(seed, 1)]).sub_orders.get())

    services.facts_rebuild()

    def total(code):
        rows = DailyFact.objects.filter(indicator=code, marketplace__isnull=True)
        return rows.aggregate(total=Sum("value"))["total"] or 0

    assert total("III.3") == 3
    assert total("III.4") == 1
    dak_lak = shop.commune.province
    assert catalog_selectors.household_price_products(day=today).count() == 1
    assert (
        catalog_selectors.household_price_products(day=today, province_id=dak_lak.pk).count() == 1
    )
    lang_son = account_factories.province("Lạng Sơn")
    assert (
        catalog_selectors.household_price_products(day=today, province_id=lang_son.pk).count() == 0
    )
    # Five days ago the closed offer was still open: the figure is a stock on a given day.
    assert catalog_selectors.household_price_products(day=today - dt.timedelta(days=5)).count() == 2
