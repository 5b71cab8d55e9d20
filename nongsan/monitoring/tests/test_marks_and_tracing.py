"""II.3 (products marked) from brand marks, II.4 (households marked) and II.5 (households with a
traced lot) from the milestones the catalog and traceability record; fold equals rebuild."""

import datetime as dt

import pytest
from django.utils import timezone

from nongsan.accounts.models import Role
from nongsan.accounts.tests import factories as account_factories
from nongsan.catalog import services as catalog_services
from nongsan.catalog.models import BrandMark
from nongsan.catalog.tests import factories as catalog_factories
from nongsan.households import services as households_services
from nongsan.monitoring import facts, services
from nongsan.monitoring.indicators import BY_CODE
from nongsan.monitoring.models import DailyFact, RunningTotal
from nongsan.monitoring.tests import oracle
from nongsan.traceability.tests import factories as traceability_factories


def certified_product(marketplace, name):
    household = catalog_factories.household_with_account()
    households_services.certification_add(
        actor=household.user,
        household=household,
        kind="vietgap",
        number=f"VG-{name}",
        issuer="QUACERT",
        valid_until=timezone.localdate() + dt.timedelta(days=300),
    )
    shop = catalog_factories.shop(household=household, marketplace=marketplace, name=name)
    return catalog_factories.product(shop=shop, name=name)


def grant(actor, product, **fields):
    fields.setdefault("valid_from", timezone.localdate())
    return catalog_services.brand_mark_grant(
        actor=actor,
        product=product,
        criteria=[BrandMark.Criterion.CERTIFICATION],
        reason="VietGAP",
        **fields,
    )


def _key(row):
    return (row[0], row[1] or 0, row[2], row[3])


def facts_of(code):
    rows = DailyFact.objects.filter(indicator=code).values_list(
        "commune_id", "marketplace_id", "day", "value"
    )
    return sorted(rows, key=_key)


@pytest.mark.django_db
def test_products_marked_count_once_from_their_first_mark(postmart, voso):
    assert BY_CODE["II.3"].is_computed
    vai = certified_product(postmart, "Vải Lục Ngạn")
    na = certified_product(voso, "Na Chi Lăng")
    operator = catalog_factories.operator(postmart)
    official = account_factories.user(Role.PROVINCE_OFFICIAL, province=vai.origin_province)
    first = grant(operator, vai)
    grant(official, vai)  # a second mark of the same product: still one product
    catalog_services.brand_mark_revoke(actor=operator, mark=first, reason="Thử thu hồi")
    later = timezone.localdate() + dt.timedelta(days=3)
    grant(catalog_factories.operator(voso), na, valid_from=later)
    services.facts_fold()
    marked = facts_of(facts.PRODUCTS_MARKED)
    today = timezone.localdate()
    assert marked == sorted(
        [
            (vai.origin_commune_id, postmart.pk, today, 1),
            (vai.origin_commune_id, None, today, 1),
            (na.origin_commune_id, voso.pk, later, 1),
            (na.origin_commune_id, None, later, 1),
        ],
        key=_key,
    )
    # Folding again changes nothing; a rebuild gives the same facts and running totals.
    assert services.facts_fold().facts_changed == 0
    totals = sorted(RunningTotal.objects.filter(indicator="II.3").values_list("day", "value"))
    services.facts_rebuild()
    assert facts_of(facts.PRODUCTS_MARKED) == marked
    assert sorted(RunningTotal.objects.filter(indicator="II.3").values_list("day", "value")) == (
        totals
    )
    # A mark granted after the rebuild folds in from the rebuilt watermark.
    buoi = certified_product(postmart, "Bưởi Diễn")
    grant(operator, buoi)
    services.facts_fold()
    everywhere = DailyFact.objects.filter(indicator="II.3", marketplace__isnull=True)
    assert sum(everywhere.values_list("value", flat=True)) == 3


@pytest.mark.django_db
def test_households_marked_and_traced_come_from_their_milestones(postmart):
    product = certified_product(postmart, "Vải Thanh Hà")
    official = account_factories.user(Role.PROVINCE_OFFICIAL, province=product.origin_province)
    catalog_services.brand_mark_grant(
        actor=official,
        household=product.household,
        criteria=[BrandMark.Criterion.CERTIFICATION],
        reason="Hộ VietGAP",
        valid_from=timezone.localdate(),
    )
    traceability_factories.traced_lot(product)
    services.facts_fold()
    commune = product.household.commune_id
    today = timezone.localdate()
    assert (commune, None, today, 1) in facts_of("II.4")
    assert (commune, None, today, 1) in facts_of("II.5")
    assert (commune, postmart.pk, today, 1) in facts_of("II.5")
    expected = {k: v for k, v in oracle.expected_facts().items() if k[0] in ("II.4", "II.5")}
    got = {
        (i, c, m, d): v
        for i, c, m, d, v in DailyFact.objects.filter(indicator__in=["II.4", "II.5"]).values_list(
            "indicator", "commune_id", "marketplace_id", "day", "value"
        )
    }
    assert got == expected
