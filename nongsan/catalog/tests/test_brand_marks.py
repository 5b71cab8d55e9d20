"""Brand marks: granted against criteria by a marketplace's operators or a province's officials,
revoked with a reason, shown as a badge, filtered in search, and counted (milestones)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from nongsan.accounts.models import Role
from nongsan.accounts.tests import factories as account_factories
from nongsan.catalog import selectors, services
from nongsan.catalog.models import BrandMark, Product
from nongsan.catalog.tests import factories
from nongsan.core.errors import ApplicationError
from nongsan.households import services as households_services
from nongsan.households.models import Milestone

pytestmark = pytest.mark.django_db
Criterion = BrandMark.Criterion


def certified(product: Product) -> Product:
    households_services.certification_add(
        actor=product.household.user,
        household=product.household,
        kind="vietgap",
        number="VG-2026-0117",
        issuer="Trung tâm Chứng nhận phù hợp QUACERT",
        valid_until=timezone.localdate() + dt.timedelta(days=365),
    )
    return product


def ocop_product(stars: int = 4, name: str = "Miến dong Bình Liêu") -> Product:
    household = factories.household_with_account()
    ocop = households_services.certification_add(
        actor=household.user,
        household=household,
        kind="ocop",
        number="OCOP-QN-2025-08",
        issuer="UBND tỉnh Quảng Ninh",
        ocop_stars=stars,
    )
    shop = factories.shop(household=household, name="Miến dong nhà Hoa")
    return factories.product(shop=shop, name=name, certifications=[ocop])


def grant(actor, **fields):
    fields.setdefault("criteria", [Criterion.CERTIFICATION])
    fields.setdefault("reason", "Vải thiều VietGAP, giao hàng đúng hẹn")
    fields.setdefault("valid_from", timezone.localdate())
    return services.brand_mark_grant(actor=actor, **fields)


def official_of(product: Product):
    return account_factories.user(Role.PROVINCE_OFFICIAL, province=product.origin_province)


def test_operator_grants_a_product_mark_that_checks_its_criteria():
    product = factories.product(name="Vải thiều Lục Ngạn")
    operator = factories.operator(product.marketplace)
    with pytest.raises(ApplicationError) as error:
        grant(operator, product=product)
    assert error.value.field == "criteria" and "VietGAP" in error.value.message
    with pytest.raises(ApplicationError, match="lượt đánh giá"):
        grant(operator, product=product, criteria=[Criterion.RATINGS])
    Product.objects.filter(pk=product.pk).update(rating_count=8, rating_sum=30)
    product.refresh_from_db()
    with pytest.raises(ApplicationError, match="dưới 4 sao"):
        grant(operator, product=product, criteria=[Criterion.RATINGS])
    with pytest.raises(ApplicationError, match="ít nhất một"):
        grant(operator, product=certified(product), criteria=[])
    mark = grant(operator, product=product)
    assert mark.marketplace_id == product.marketplace_id and mark.province_id is None
    assert mark.criteria == ["certification"]
    milestone = Milestone.objects.get(kind=Milestone.Kind.BRAND_MARKED)
    assert milestone.household_id == product.household_id
    assert milestone.marketplace_id == product.marketplace_id
    with pytest.raises(ApplicationError, match="đang hiệu lực"):
        grant(operator, product=product)


def test_who_may_grant_and_revoke():
    product = certified(factories.product())
    other_operator = factories.operator(account_factories.marketplace("voso", "Vỏ Sò"))
    buyer = account_factories.user(Role.BUYER)
    for actor in (other_operator, buyer):
        with pytest.raises(ApplicationError) as error:
            grant(actor, product=product)
        assert error.value.code == "forbidden"
    official = official_of(product)
    mark = grant(official, product=product, valid_until=timezone.localdate() + dt.timedelta(30))
    assert mark.province_id == product.origin_province_id
    with pytest.raises(ApplicationError) as error:
        services.brand_mark_revoke(
            actor=factories.operator(product.marketplace), mark=mark, reason="x"
        )
    assert error.value.code == "forbidden"
    with pytest.raises(ApplicationError) as error:
        services.brand_mark_revoke(actor=official, mark=mark, reason="  ")
    assert error.value.field == "reason"
    revoked = services.brand_mark_revoke(
        actor=official, mark=mark, reason="Chứng nhận VietGAP bị đình chỉ"
    )
    assert revoked.revoked_at is not None and not revoked.is_active_on(timezone.localdate())
    with pytest.raises(ApplicationError, match="đã bị thu hồi"):
        services.brand_mark_revoke(actor=official, mark=mark, reason="lần nữa")
    # The milestone is a first achievement: a revocation leaves it (II.4 counts households marked).
    assert Milestone.objects.filter(kind=Milestone.Kind.BRAND_MARKED).count() == 1
    # After a revocation a new grant is possible.
    assert grant(official, product=product).pk != mark.pk


def test_household_mark_by_the_province_and_quality_criterion():
    product = ocop_product()
    assert product.ocop_stars == 4
    household = product.household
    official = official_of(product)
    mark = grant(official, household=household, criteria=[Criterion.QUALITY])
    assert mark.household_id == household.pk
    milestone = Milestone.objects.get(kind=Milestone.Kind.BRAND_MARKED)
    assert milestone.marketplace_id is None
    with pytest.raises(ApplicationError):
        grant(official, household=household, product=product)
    elsewhere = account_factories.user(
        Role.PROVINCE_OFFICIAL, province=account_factories.province("Hà Nội")
    )
    with pytest.raises(ApplicationError) as error:
        grant(elsewhere, household=household, criteria=[Criterion.QUALITY])
    assert error.value.code == "forbidden"


def test_validity_window_and_search_filter():
    today = timezone.localdate()
    marked = certified(factories.product(name="Vải thiều Thanh Hà"))
    unmarked = factories.product(name="Vải thiều Lục Ngạn", shop=factories.shop(name="Vườn khác"))
    operator = factories.operator(marked.marketplace)
    later = grant(operator, product=marked, valid_from=today + dt.timedelta(days=10))
    found = selectors.product_search(filters=selectors.ProductFilters(branded=True))
    assert list(found) == []
    assert not later.is_active_on(today)
    services.brand_mark_revoke(actor=operator, mark=later, reason="Cấp nhầm ngày")
    grant(operator, product=marked)
    for query in ("", "vai thieu"):
        found = selectors.product_search(
            filters=selectors.ProductFilters(query=query, branded=True)
        )
        assert [p.pk for p in found] == [marked.pk]
        page = selectors.search_page(filters=selectors.ProductFilters(query=query, branded=True))
        assert [p.pk for p in page.products] == [marked.pk]
    everything = selectors.search_page(filters=selectors.ProductFilters(query="vai thieu"))
    flags = {p.pk: p.brand_marked for p in everything.products}
    assert flags == {marked.pk: True, unmarked.pk: False}
    with pytest.raises(ApplicationError, match="sau ngày bắt đầu"):
        grant(
            official_of(unmarked),
            product=certified(unmarked),
            valid_from=today,
            valid_until=today - dt.timedelta(days=1),
        )


def test_household_mark_marks_its_products_in_search_and_shop_page(client):
    product = ocop_product(3)
    grant(official_of(product), household=product.household, criteria=[Criterion.QUALITY])
    response = client.get(reverse("catalog:search"), {"gan_mark": "on"})
    assert "Miến dong Bình Liêu" in response.content.decode()
    assert "Mark thương hiệu" in response.content.decode()
    shop_page = client.get(reverse("catalog:shop", args=[product.shop.slug])).content.decode()
    assert "Hộ được gắn mark thương hiệu" in shop_page
    product_page = client.get(reverse("catalog:product", args=[product.pk])).content.decode()
    assert 'class="badge mark"' in product_page
    api = client.get("/api/catalog/products", {"branded": "true"}).json()
    assert [r["id"] for r in api["results"]] == [product.pk]


def test_grant_and_revoke_pages(client):
    product = certified(factories.product())
    operator = factories.operator(product.marketplace)
    client.force_login(operator)
    listing = client.get(reverse("catalog:brand_marks"), {"kind": "san-pham", "number": product.pk})
    assert listing.status_code == 302
    url = reverse("catalog:brand_mark_product", args=[product.pk])
    response = client.post(
        url, {"criteria": ["ratings"], "valid_from": "2026-01-01", "reason": "x"}
    )
    assert response.status_code == 200 and "lượt đánh giá" in response.content.decode()
    today = timezone.localdate().isoformat()
    response = client.post(
        url, {"criteria": ["certification"], "valid_from": today, "reason": "VietGAP"}
    )
    assert response.status_code == 302
    mark = BrandMark.objects.get()
    page = client.get(reverse("catalog:brand_marks")).content.decode()
    assert "Đang hiệu lực" in page
    client.post(reverse("catalog:brand_mark_revoke", args=[mark.pk]), {"reason": "Hết vụ"})
    mark.refresh_from_db()
    assert mark.revoke_reason == "Hết vụ"
    client.force_login(account_factories.user(Role.BUYER))
    assert client.get(reverse("catalog:brand_marks")).status_code == 403
    other = factories.operator(account_factories.marketplace("voso", "Vỏ Sò"))
    client.force_login(other)
    assert client.get(url).status_code == 404
    assert client.post(reverse("catalog:brand_mark_revoke", args=[mark.pk])).status_code == 404


def test_brand_marks_api(client):
    product = certified(factories.product())
    operator = factories.operator(product.marketplace)
    client.force_login(operator)
    today = timezone.localdate().isoformat()
    bad = client.post(
        "/api/brand-marks",
        {"product_id": product.pk, "criteria": ["ratings"], "reason": "x", "valid_from": today},
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["field"] == "criteria"
    made = client.post(
        "/api/brand-marks",
        {"product_id": product.pk, "criteria": ["certification"], "reason": "VietGAP",
         "valid_from": today},
        content_type="application/json",
    )  # fmt: skip
    assert made.status_code == 201 and made.json()["marketplace"] == "postmart"
    assert client.get("/api/brand-marks").json()["count"] == 1
    assert client.get(f"/api/brand-marks/products/{product.pk}").json()["marked"] is True
    mark_id = made.json()["id"]
    revoked = client.post(
        f"/api/brand-marks/{mark_id}/revoke", {"reason": "Hết hạn"}, content_type="application/json"
    )
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    assert client.get(f"/api/brand-marks/products/{product.pk}").json()["marked"] is False
    client.force_login(account_factories.user(Role.BUYER))
    assert client.get("/api/brand-marks").status_code == 403
    refused = client.post(
        f"/api/brand-marks/{mark_id}/revoke", {"reason": "x"}, content_type="application/json"
    )
    assert refused.status_code == 404
