"""The info API: feeds, editors' bulletins, prices and their import, inputs with household
prices, with the scope each caller gets."""

import datetime as dt

import pytest
from django.utils import timezone

from nongsan.accounts import services as accounts_services
from nongsan.accounts.models import Role
from nongsan.accounts.tests import factories as account_factories
from nongsan.catalog.tests import factories as catalog_factories
from nongsan.info.models import Bulletin, Delivery
from nongsan.info.tests import factories

pytestmark = pytest.mark.django_db


def key_for(user):
    return {"X-API-Key": accounts_services.api_key_create(user=user, name="thử")[1]}


def test_a_household_reads_its_feed_and_records_reading(client):
    household = factories.household(commune=account_factories.commune("Lạng Sơn"), grows=("ngo",))
    pest = factories.bulletin(title="Sâu keo hại ngô", produce=[factories.produce("ngo")])
    factories.bulletin(title="Chỉ cho lúa", produce=[factories.produce("lua-gao")])
    headers = key_for(household.user)
    items = client.get("/api/info/feed", headers=headers).json()["items"]
    assert [i["title"] for i in items] == ["Sâu keo hại ngô"]
    assert items[0]["read_at"] is None and items[0]["is_warning"] is True
    read = client.post(f"/api/info/feed/{pest.pk}/read", headers=headers).json()
    assert read["read_at"] is not None
    assert Delivery.objects.get(bulletin=pest, household=household).read_at is not None
    buyer = key_for(account_factories.user(Role.BUYER))
    assert client.get("/api/info/feed", headers=buyer).status_code == 403


def test_editors_write_and_publish_within_their_scope(client):
    lang_son = account_factories.province("Lạng Sơn")
    editor = factories.editor(province=lang_son)
    headers = key_for(editor)
    payload = {
        "kind": "pest",
        "title": "Rầy nâu",
        "body": "Rầy nâu hại lúa xuân.",
        "provinces": [lang_son.code],
        "produce": ["lua-gao"],
    }
    made = client.post(
        "/api/info/bulletins", data=payload, content_type="application/json", headers=headers
    )
    assert made.status_code == 201, made.json()
    assert made.json()["status"] == "draft" and made.json()["produce"] == ["lua-gao"]
    bulletin_id = made.json()["id"]
    published = client.post(f"/api/info/bulletins/{bulletin_id}/publish", headers=headers)
    assert published.json()["status"] == "published"
    stats = client.get(f"/api/info/bulletins/{bulletin_id}/stats", headers=headers).json()
    assert set(stats) == {"delivered", "by_sms", "read"}

    outside = dict(payload, provinces=["01"])  # Hà Nội
    refused = client.post(
        "/api/info/bulletins", data=outside, content_type="application/json", headers=headers
    )
    assert refused.status_code == 403
    unknown = client.post(
        "/api/info/bulletins",
        data=dict(payload, communes=["99999"]),
        content_type="application/json",
        headers=headers,
    )
    assert unknown.status_code == 400 and unknown.json()["field"] == "communes"
    other = key_for(factories.editor(province=account_factories.province("Hà Nội")))
    assert (
        client.post(f"/api/info/bulletins/{bulletin_id}/withdraw", headers=other).status_code == 404
    )
    household = key_for(account_factories.user(Role.HOUSEHOLD))
    assert client.get("/api/info/bulletins", headers=household).status_code == 403
    assert Bulletin.objects.count() == 1


def test_prices_entry_import_board_and_history(client):
    editor = key_for(factories.editor())
    day = timezone.localdate() - dt.timedelta(days=1)
    entered = client.post(
        "/api/info/prices",
        data={"produce": "na", "province": "20", "day": day.isoformat(), "price": 45000},
        content_type="application/json",
        headers=editor,
    )
    assert entered.status_code == 200, entered.json()
    body = f"Ngày,Tỉnh,Sản phẩm,Giá\n{day:%d/%m/%Y},Lạng Sơn,Na,46000\n{day:%d/%m/%Y},X,Na,1\n"
    imported = client.post(
        "/api/info/prices/import", data=body.encode(), content_type="text/csv", headers=editor
    ).json()
    assert (imported["updated"], imported["errors"][0]["row"]) == (1, 3)
    board = client.get("/api/info/prices?produce=na", headers=editor).json()
    assert board[0]["price"] == 46000 and board[0]["province"] == "20"
    history = client.get("/api/info/prices/na/20", headers=editor).json()
    assert [p["price"] for p in history] == [46000]
    buyer = key_for(account_factories.user(Role.BUYER))
    assert (
        client.post(
            "/api/info/prices",
            data={"produce": "na", "province": "20", "day": day.isoformat(), "price": 1},
            content_type="application/json",
            headers=buyer,
        ).status_code
        == 403
    )


def test_inputs_show_household_prices_to_verified_households_only(client):
    product = catalog_factories.fertiliser()
    farm = catalog_factories.household_with_account()
    mine = client.get("/api/info/inputs", headers=key_for(farm.user)).json()["items"]
    row = next(i for i in mine if i["id"] == product.pk)
    assert (row["household_price"], row["household_quota_left"]) == (450_000, "5.000")
    theirs = client.get(
        "/api/info/inputs", headers=key_for(account_factories.user(Role.BUYER))
    ).json()["items"]
    assert next(i for i in theirs if i["id"] == product.pk)["household_price"] is None
    supplier = key_for(product.shop.supplier)
    today = timezone.localdate().isoformat()
    changed = client.put(
        f"/api/info/inputs/{product.pk}/household-price",
        data={"price": 400_000, "quota": "3", "season_start": today, "season_end": today},
        content_type="application/json",
        headers=supplier,
    )
    assert changed.status_code == 204
    product.household_price.refresh_from_db()
    assert product.household_price.price == 400_000
    stranger = client.put(
        f"/api/info/inputs/{product.pk}/household-price",
        data={"price": 400_000, "quota": "3", "season_start": today, "season_end": today},
        content_type="application/json",
        headers=key_for(account_factories.user(Role.INPUT_SUPPLIER)),
    )
    assert stranger.status_code == 404
