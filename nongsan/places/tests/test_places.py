"""Digital addresses for households, post offices and delivery addresses; the Ministry's
handover record; the sales-point map kept in step with its sources; pages and API."""

import io

import openpyxl
import pytest
from django.urls import reverse

from nongsan.accounts.models import Role
from nongsan.accounts.tests import factories as account_factories
from nongsan.catalog.tests import factories as catalog_factories
from nongsan.core.errors import ApplicationError
from nongsan.geo import postcodes
from nongsan.geo.models import DigitalAddress, Province, SalesPoint
from nongsan.households.models import Household
from nongsan.orders.tests import factories as order_factories
from nongsan.orgs.models import PostOffice
from nongsan.places import services

pytestmark = pytest.mark.django_db


def ministry():
    return account_factories.user(Role.MINISTRY_OFFICIAL)


def test_assign_job_fills_what_is_missing_once():
    household = catalog_factories.household_with_account(latitude=21.84, longitude=106.75)
    office = account_factories.post_office()
    order = order_factories.place(items=[(catalog_factories.product(), 1)])
    first = services.digital_addresses_assign()
    assert first["households"] >= 1 and first["post_offices"] == 1 and first["orders"] == 1
    household.refresh_from_db()
    address = household.digital_address
    assert address.source == DigitalAddress.Source.GPS and address.latitude == 21.84
    assert postcodes.is_valid_code(address.code)
    assert PostOffice.objects.get(pk=office.pk).digital_address_id is not None
    order.refresh_from_db()
    assert order.digital_address.commune_id == order.commune_id
    before = DigitalAddress.objects.count()
    assert services.digital_addresses_assign() == {"households": 0, "post_offices": 0, "orders": 0}
    assert DigitalAddress.objects.count() == before
    assert not Household.objects.filter(digital_address__isnull=True).exists()


def test_handover_to_a_province_and_the_record():
    household = catalog_factories.household_with_account()
    services.digital_addresses_assign()
    province = household.commune.province
    with pytest.raises(ApplicationError) as error:
        services.handover_record(
            actor=account_factories.user(Role.PROVINCE_OFFICIAL, province=province),
            province=province,
        )
    assert error.value.code == "forbidden"
    handover = services.handover_record(actor=ministry(), province=province, note="Đợt 1")
    pending_in_province = DigitalAddress.objects.filter(commune__province=province)
    assert handover.count == pending_in_province.count() > 0
    assert not pending_in_province.filter(handover__isnull=True).exists()
    with pytest.raises(ApplicationError, match="không còn"):
        services.handover_record(actor=ministry(), province=province)


def test_handover_page_and_exports(client):
    household = catalog_factories.household_with_account()
    services.digital_addresses_assign()
    province = household.commune.province
    client.force_login(ministry())
    url = reverse("places:handovers")
    response = client.post(url, {"province": province.pk, "note": "Đợt 1"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert province.name in page
    book = openpyxl.load_workbook(io.BytesIO(client.get(url, {"xuat": "xlsx"}).content))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][0] == "Mã tỉnh" and len(rows) == Province.objects.count() + 2
    mine = next(r for r in rows if r[0] == province.code)
    assert mine[2] == mine[3] > 0 and mine[4] == 0
    csv_text = client.get(url, {"xuat": "csv"}).content.decode("utf-8-sig")
    assert province.name in csv_text
    client.force_login(account_factories.user(Role.PROVINCE_OFFICIAL, province=province))
    assert client.get(url).status_code == 200
    assert client.post(url, {"province": province.pk}).status_code == 403
    client.force_login(account_factories.user(Role.BUYER))
    assert client.get(url).status_code == 403


def test_sync_builds_points_from_shops_cooperatives_and_post_offices():
    shop = catalog_factories.shop()
    office = account_factories.post_office()
    with pytest.raises(ApplicationError):
        services.shop_place_set(
            actor=account_factories.user(Role.BUYER), shop=shop, street="Chợ Đồng Mỏ"
        )
    point = services.shop_place_set(
        actor=shop.household.user, shop=shop, street="Ki-ốt 12, chợ Đồng Mỏ", opening_hours="6–18h"
    )
    assert point.kind == SalesPoint.Kind.SHOP and point.status == SalesPoint.Status.OPEN
    counts = services.sales_points_sync()
    assert counts["shops"] == 1 and counts["post_offices"] == 1
    assert SalesPoint.objects.get(source_key=f"post_office:{office.pk}").name == office.name
    assert SalesPoint.objects.get(source_key=f"shop:{shop.pk}").opening_hours == "6–18h"
    PostOffice.objects.filter(pk=office.pk).update(is_active=False)
    services.sales_points_sync()
    assert SalesPoint.objects.get(source_key=f"post_office:{office.pk}").status == "closed"
    assert SalesPoint.objects.count() == 2
    market = services.market_create(
        actor=account_factories.user(Role.PROVINCE_OFFICIAL, province=shop.commune.province),
        name="Chợ Kỳ Lừa",
        commune=shop.commune,
        opening_hours="5:00–19:00",
    )
    services.sales_points_sync()
    assert SalesPoint.objects.get(pk=market.pk).status == "open"
    with pytest.raises(ApplicationError) as error:
        services.market_create(
            actor=account_factories.user(
                Role.PROVINCE_OFFICIAL, province=Province.objects.get(short_name="Hà Nội")
            ),
            name="Chợ khác",
            commune=shop.commune,
        )
    assert error.value.code == "forbidden"


def _point(name, lat, lng, status="open", kind="market", commune=None):
    commune = commune or account_factories.commune()
    return SalesPoint.objects.create(
        kind=kind, name=name, status=status, commune=commune, province=commune.province,
        latitude=lat, longitude=lng,
    )  # fmt: skip


def test_map_page_lists_without_script_and_finds_the_nearest(client, django_assert_max_num_queries):
    near_closed = _point("Chợ gần đã đóng", 21.8501, 106.7601, status="closed")
    near = _point("Bưu điện Đồng Đăng", 21.86, 106.77, kind="post_office")
    far = _point("Chợ Hà Nội", 21.03, 105.85)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("places:map")).content.decode()
    for p in (near_closed, near, far):
        assert p.name in page
    found = client.get(
        reverse("places:map"), {"lat": "21.85", "lng": "106.76", "dang_mo": "on"}
    ).content.decode()
    assert found.index(near.name) < found.index(far.name)
    assert near_closed.name not in found.split('id="map-points"')[0]
    assert "km" in found and "phút" in found
    by_code = client.get(reverse("places:map"), {"dia_chi": "25000-XXXXXX0"}).content.decode()
    assert "không đúng dạng" in by_code
    point = client.get(reverse("places:point", args=[near.pk])).content.decode()
    assert near.name in point and f"/ban-do-diem-ban/{near.pk}/" in point


def test_address_lookup_page_and_api(client):
    household = catalog_factories.household_with_account()
    services.digital_addresses_assign()
    household.refresh_from_db()
    code = household.digital_address.code
    assert client.get(reverse("places:address"), {"ma": code}).status_code == 302
    client.force_login(household.user)
    page = client.get(reverse("places:address"), {"ma": code.lower()}).content.decode()
    assert household.digital_address.plus_code in page
    api = client.get(f"/api/places/addresses/{code}")
    assert api.status_code == 200 and api.json()["postcode"] == code[:5]
    assert client.get("/api/places/addresses/25000-XXXXXX0").status_code == 400
    _point("Chợ Đông Kinh", 21.85, 106.76)
    nearest = client.get("/api/places/sales-points/nearest", {"lat": 21.8, "lng": 106.7})
    assert nearest.status_code == 200 and nearest.json()[0]["point"]["name"] == "Chợ Đông Kinh"
    assert client.get("/api/places/handovers").status_code == 403
