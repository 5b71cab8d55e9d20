"""Households and milestones from a partner marketplace: matching by CCCD, per-record rejection,
idempotent re-delivery, stale versions, provenance; through the services and over HTTP."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from nongsan.accounts.models import Role
from nongsan.accounts.tests import factories as account_factories
from nongsan.core.errors import ApplicationError
from nongsan.households.models import Household, Milestone
from nongsan.households.tests import factories as household_factories
from nongsan.partners import services
from nongsan.partners.models import IngestBatch, PartnerAccount, PartnerMilestone, Rejection
from nongsan.partners.tests import factories

pytestmark = pytest.mark.django_db
URL = "/api/partners/households"


def post(client, url, raw_key, records, **headers):
    return client.post(
        url,
        {"records": records},
        content_type="application/json",
        headers={"X-API-Key": raw_key, **headers},
    )


def test_new_households_are_created_and_matched_by_cccd(client):
    operator = factories.operator()
    raw = factories.key_for(operator)
    known = household_factories.household(head_name="Hoàng Thị Lan", female=True)
    records = [
        factories.household_record(),
        # Already in the registry: matched by CCCD, written as "0" dropped by a spreadsheet.
        factories.household_record(
            cccd=known.head_cccd.lstrip("0"), head_name="Tên khác", head_gender="female"
        ),
    ]
    response = post(client, URL, raw, records, **{"X-Request-Id": "sync-2026-03-02"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["total"], body["created"], body["rejected"]) == (2, 2, [])
    assert body["request_id"] == "sync-2026-03-02"
    assert Household.objects.count() == 2  # the known household was not created twice
    known.refresh_from_db()
    assert known.head_name == "Hoàng Thị Lan"  # the registry's record is not the partner's to edit
    new = Household.objects.get(head_cccd=records[0]["cccd"])
    assert new.commune.code == records[0]["commune_code"]
    assert new.registered_by == operator
    accounts = PartnerAccount.objects.order_by("external_id")
    assert [a.household_id for a in accounts] == [new.pk, known.pk]
    # Provenance: the new household's registration and the accounts trace back to the request.
    batch = IngestBatch.objects.get()
    assert batch.key_prefix == raw.split("_")[1]
    assert batch.sent_by == operator and batch.request_id == "sync-2026-03-02"
    assert {a.batch_id for a in accounts} == {batch.pk}
    registered = Milestone.objects.get(household=new, kind=Milestone.Kind.REGISTERED)
    assert registered.source == f"partner:{batch.pk}"


def test_each_bad_record_is_rejected_with_its_reason_and_the_rest_kept():
    operator = factories.operator()
    good = factories.household_record()
    records = [
        factories.household_record(cccd="123"),
        good,
        factories.household_record(head_birth_date="1975-01-01"),
        factories.household_record(commune_code=""),
        factories.household_record(commune_code="99999"),
        factories.household_record(consent=False),
        factories.household_record(version="2"),
        {**factories.household_record(), "external_id": good["external_id"]},
        factories.household_record(cccd=good["cccd"]),
        "not an object",
        factories.household_record(head_gender="female"),
    ]
    result = services.households_ingest(actor=operator, records=records)
    reasons = {r.index: (r.field, r.reason) for r in result.rejected}
    assert sorted(reasons) == [0, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    assert reasons[0][0] == "cccd" and "CCCD" in reasons[0][1]
    assert reasons[2][0] == "head_birth_date" and "không khớp" in reasons[2][1]
    assert reasons[3][0] == "commune_code"
    assert "99999" in reasons[4][1]
    assert reasons[5][0] == "consent"
    assert reasons[6][0] == "version" and "số nguyên" in reasons[6][1]
    assert "bản ghi số 1" in reasons[7][1]
    assert reasons[8][0] == "cccd" and "bản ghi số 1" in reasons[8][1]
    assert "đối tượng JSON" in reasons[9][1]
    assert reasons[10][0] == "head_gender"
    assert PartnerAccount.objects.get().external_id == good["external_id"]
    assert result.batch.rejected == 10 and result.batch.created == 1
    assert Rejection.objects.filter(batch=result.batch).count() == 10


def test_the_same_batch_again_changes_nothing_and_an_older_version_is_stale():
    operator = factories.operator()
    records = [factories.household_record(), factories.household_record()]
    first = services.households_ingest(actor=operator, records=records)
    assert first.batch.created == 2
    again = services.households_ingest(actor=operator, records=records)
    assert (again.batch.created, again.batch.updated, again.batch.unchanged) == (0, 0, 2)
    assert again.rejected == []
    assert Household.objects.count() == 2 and PartnerAccount.objects.count() == 2
    newer = {**records[0], "version": 2, "shop_name": "Hồi Lạng Sơn", "status": "suspended"}
    older = {**records[1], "version": 0}
    result = services.households_ingest(actor=operator, records=[newer, older])
    assert result.batch.updated == 1
    assert [(r.index, r.field) for r in result.rejected] == [(1, "version")]
    assert "cũ hơn" in result.rejected[0].reason
    account = PartnerAccount.objects.get(external_id=records[0]["external_id"])
    assert (account.version, account.shop_name, account.status) == (2, "Hồi Lạng Sơn", "suspended")
    assert account.batch == result.batch


def test_one_household_has_one_account_per_marketplace_and_keeps_its_cccd():
    operator = factories.operator()
    record = factories.household_record()
    services.households_ingest(actor=operator, records=[record])
    other_id = {**record, "external_id": "vs-other"}
    changed_cccd = {**record, "version": 2, "cccd": household_factories.cccd()}
    result = services.households_ingest(actor=operator, records=[other_id, changed_cccd])
    assert [r.field for r in result.rejected] == ["cccd", "cccd"]
    assert record["external_id"] in result.rejected[0].reason


def test_two_marketplaces_share_one_household_record():
    voso = factories.operator()
    other = factories.operator(factories.partner("sendo", "Sendo"))
    record = factories.household_record()
    services.households_ingest(actor=voso, records=[record])
    services.households_ingest(actor=other, records=[{**record, "external_id": "sd-1"}])
    assert Household.objects.count() == 1
    assert PartnerAccount.objects.count() == 2


def test_only_external_marketplaces_operators_ingest():
    hosted = account_factories.user(Role.MARKETPLACE_OPERATOR)  # Postmart, hosted here
    for actor in (hosted, account_factories.user(Role.PROVINCE_OFFICIAL)):
        with pytest.raises(ApplicationError) as caught:
            services.households_ingest(actor=actor, records=[factories.household_record()])
        assert caught.value.code == "forbidden"


def test_an_empty_or_oversized_batch_is_refused_whole(client):
    operator = factories.operator()
    raw = factories.key_for(operator)
    response = post(client, URL, raw, [])
    assert response.status_code == 400 and response.json()["field"] == "records"
    with pytest.raises(ApplicationError) as caught:
        services.households_ingest(actor=operator, records=[{}] * (services.MAX_BATCH + 1))
    assert "10.000" in caught.value.message


def test_a_batch_costs_the_same_number_of_queries_whatever_its_size():
    operator = factories.operator()

    def queries(size):
        records = [factories.household_record() for _ in range(size)]
        records[0]["cccd"] = "bad"
        with CaptureQueriesContext(connection) as captured:
            result = services.households_ingest(actor=operator, records=records)
        assert result.batch.created == size - 1 and len(result.rejected) == 1
        return len(captured)

    small, large = queries(20), queries(1200)
    # Bulk statements (SQLite splits an INSERT by its variable limit), never one per record.
    assert small < 20
    assert large < 1200 / 10


def test_milestones_are_recorded_once_per_marketplace_and_traced():
    operator = factories.operator()
    record = factories.household_record()
    services.households_ingest(actor=operator, records=[record])
    household = Household.objects.get(head_cccd=record["cccd"])
    shop = factories.milestone_record(record["cccd"])
    wallet = factories.milestone_record(record["cccd"], kind="payment_account")
    result = services.milestones_ingest(
        actor=operator,
        records=[
            shop,
            wallet,
            factories.milestone_record(household_factories.cccd()),  # unknown household
            factories.milestone_record(record["cccd"], kind="registered"),  # not a partner's
            factories.milestone_record(record["cccd"], achieved_at="2026-03-02 09:30"),
            factories.milestone_record(record["cccd"], achieved_at="2099-01-01T00:00:00+07:00"),
        ],
        request_id="ms-1",
    )
    assert result.batch.created == 2
    assert [(r.index, r.field) for r in result.rejected] == [
        (2, "cccd"),
        (3, "kind"),
        (4, "achieved_at"),
        (5, "achieved_at"),
    ]
    recorded = Milestone.objects.filter(household=household, marketplace=operator.marketplace)
    assert sorted(recorded.values_list("kind", flat=True)) == ["payment_account", "shop_opened"]
    assert {m.source for m in recorded} == {f"partner:{result.batch.pk}"}
    # Re-delivery, and a newer version of the same report: the first achievement stands.
    again = services.milestones_ingest(actor=operator, records=[shop, wallet])
    assert again.batch.unchanged == 2
    later = {**shop, "version": 2, "achieved_at": "2026-04-01T09:30:00+07:00"}
    services.milestones_ingest(actor=operator, records=[later])
    assert recorded.count() == 2
    assert recorded.get(kind="shop_opened").achieved_at.month == 3
    assert PartnerMilestone.objects.get(external_id=shop["external_id"]).version == 2
