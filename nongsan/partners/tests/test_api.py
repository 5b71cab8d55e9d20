"""The partner API over HTTP: a partner's key reaches its own marketplace's data only, keys
rotate with a grace period and revoke, calls are rate-limited with a 429 and Retry-After."""

import datetime as dt

import pytest
from django.utils import timezone

from nongsan.accounts import services as accounts_services
from nongsan.accounts.models import ApiKey, Role
from nongsan.accounts.tests import factories as account_factories
from nongsan.partners import services
from nongsan.partners.models import IngestBatch
from nongsan.partners.tests import factories

pytestmark = pytest.mark.django_db


def call(client, method, url, raw_key, data=None):
    return getattr(client, method)(
        url, data, content_type="application/json", headers={"X-API-Key": raw_key}
    )


def test_a_partner_reads_and_writes_only_its_own_marketplace(client):
    voso = factories.operator()
    sendo = factories.operator(factories.partner("sendo", "Sendo"))
    voso_key, sendo_key = factories.key_for(voso), factories.key_for(sendo)
    record = factories.household_record()
    response = call(client, "post", "/api/partners/households", voso_key, {"records": [record]})
    batch_id = response.json()["batch_id"]
    own = call(client, "get", "/api/partners/households", voso_key).json()
    assert [a["external_id"] for a in own["items"]] == [record["external_id"]]
    assert call(client, "get", "/api/partners/households", sendo_key).json()["items"] == []
    url = f"/api/partners/households/{record['external_id']}"
    assert call(client, "get", url, voso_key).status_code == 200
    assert call(client, "get", url, sendo_key).status_code == 404
    assert call(client, "get", f"/api/partners/batches/{batch_id}", voso_key).status_code == 200
    assert call(client, "get", f"/api/partners/batches/{batch_id}", sendo_key).status_code == 404
    # Sendo sending the same external id writes Sendo's account, never Vỏ Sò's.
    call(client, "post", "/api/partners/households", sendo_key, {"records": [record]})
    mine = call(client, "get", url, voso_key).json()
    assert mine["batch_id"] == batch_id
    assert IngestBatch.objects.filter(marketplace=sendo.marketplace).count() == 1


def test_others_are_refused(client):
    province_key = factories.key_for(account_factories.user(Role.PROVINCE_OFFICIAL))
    response = call(
        client, "post", "/api/partners/households", province_key, {"records": [{"a": 1}]}
    )
    assert response.status_code == 403
    assert call(client, "get", "/api/partners/households", province_key).status_code == 404
    assert client.get("/api/partners/households").status_code == 401


def test_a_record_shaped_wrongly_is_rejected_alone_not_the_batch(client):
    raw = factories.key_for(factories.operator())
    records = [factories.household_record(), {"external_id": ["x"], "version": -1}, 5]
    response = call(client, "post", "/api/partners/households", raw, {"records": records})
    assert response.status_code == 200
    body = response.json()
    assert body["created"] == 1
    assert [r["index"] for r in body["rejected"]] == [1, 2]


def test_calls_over_the_allowance_get_429_with_retry_after(client, settings):
    settings.PARTNERS = {**settings.PARTNERS, "RATE_LIMIT_PER_MINUTE": 3}
    voso_key = factories.key_for(factories.operator())
    sendo_key = factories.key_for(factories.operator(factories.partner("sendo", "Sendo")))
    answers = [
        call(client, "get", "/api/partners/households", voso_key).status_code for _ in range(4)
    ]
    assert answers == [200, 200, 200, 429]
    limited = call(client, "get", "/api/partners/households", voso_key)
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert limited.json()["code"] == "rate_limited"
    assert call(client, "get", "/api/partners/households", sendo_key).status_code == 200


def test_the_window_resets_each_minute():
    for _ in range(60):
        services.rate_limit_hit(key="k", now=120.0)
    with pytest.raises(services.RateLimited) as caught:
        services.rate_limit_hit(key="k", now=150.0)
    assert caught.value.retry_after == 30
    services.rate_limit_hit(key="k", now=181.0)


def test_rotation_gives_a_new_key_and_the_old_one_lapses_after_its_grace(client):
    operator = factories.operator()
    old_raw = factories.key_for(operator)
    response = call(client, "post", "/api/partners/keys/rotate", old_raw, {"grace_seconds": 3600})
    assert response.status_code == 200
    new_raw = response.json()["key"]
    assert new_raw != old_raw
    # Both work during the grace period.
    for raw in (old_raw, new_raw):
        assert call(client, "get", "/api/partners/households", raw).status_code == 200
    old = ApiKey.objects.get(prefix=old_raw.split("_")[1])
    assert old.is_active
    ApiKey.objects.filter(pk=old.pk).update(revoked_at=timezone.now() - dt.timedelta(seconds=1))
    assert call(client, "get", "/api/partners/households", old_raw).status_code == 401
    assert call(client, "get", "/api/partners/households", new_raw).status_code == 200
    # Hashed at rest: the stored hash is not the key.
    new = ApiKey.objects.get(prefix=new_raw.split("_")[1])
    assert new_raw not in new.key_hash and len(new.key_hash) == 64


def test_rotation_without_grace_revokes_at_once_and_a_revoked_key_cannot_rotate(client):
    operator = factories.operator()
    old_raw = factories.key_for(operator)
    new_raw = call(client, "post", "/api/partners/keys/rotate", old_raw, {}).json()["key"]
    assert call(client, "get", "/api/partners/households", old_raw).status_code == 401
    accounts_services.api_key_revoke(key=ApiKey.objects.get(prefix=new_raw.split("_")[1]))
    assert call(client, "post", "/api/partners/keys/rotate", new_raw, {}).status_code == 401
    too_long = call(
        client,
        "post",
        "/api/partners/keys/rotate",
        factories.key_for(operator),
        {"grace_seconds": 10**9},
    )
    assert too_long.status_code == 422


def test_the_cross_marketplace_counts_are_for_officials(client):
    voso = factories.operator()
    hanoi = account_factories.user(
        Role.PROVINCE_OFFICIAL, province=account_factories.province("Hà Nội")
    )
    lang_son = account_factories.user(Role.PROVINCE_OFFICIAL)
    record = factories.household_record()
    services.households_ingest(actor=voso, records=[record])
    services.milestones_ingest(actor=voso, records=[factories.milestone_record(record["cccd"])])
    for user, households in ((lang_son, 1), (hanoi, 0)):
        client.force_login(user)
        body = client.get("/api/partners/cross-marketplace").json()
        assert body["households"] == households
    client.force_login(voso)
    assert client.get("/api/partners/cross-marketplace").status_code == 403
