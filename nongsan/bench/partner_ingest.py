"""A partner marketplace's batch of 10,000 households' accounts, then 10,000 milestones, posted
through the partner API (JSON over HTTP in-process, as a partner's client sends them): ~2% of the
records are faulty and must come back rejected with their reasons while the rest are kept; the
same batch sent again must change nothing. Target (issue 10): one request per batch, bulk writes,
a few seconds per 10,000 records.
"""

import json
import random
import time

TITLE = "Partner API ingest (partners), 10,000-record batches"
RECORDS = 10_000


def run(*, engine: str) -> list[tuple[str, str]]:
    from django.test import Client

    from nongsan.accounts import services as accounts_services
    from nongsan.accounts.models import Role
    from nongsan.geo.loader import units_load
    from nongsan.geo.models import Commune
    from nongsan.households.models import Household, Milestone
    from nongsan.orgs.models import Marketplace

    units_load()
    marketplace = Marketplace.objects.create(
        code="doitac", name="Sàn đối tác", operator_name="Đối tác", is_hosted=False
    )
    operator = accounts_services.user_create(
        phone="0912000222",
        full_name="Vận hành sàn đối tác",
        role=Role.MARKETPLACE_OPERATOR,
        marketplace=marketplace,
    )
    _key, raw = accounts_services.api_key_create(user=operator, name="bench")
    codes = list(Commune.objects.order_by("code").values_list("code", flat=True)[:500])
    rng = random.Random(1034)
    records = []
    for index in range(RECORDS):
        female = rng.random() < 0.5
        year = rng.randint(1950, 1999)
        record = {
            "external_id": f"bench-{index:06d}",
            "version": 1,
            "cccd": f"{rng.choice(['001', '020', '024', '066']):s}{int(female)}"
            f"{year % 100:02d}{index:06d}",
            "head_name": "Nguyễn Văn An" if not female else "Trần Thị Bình",
            "head_gender": "female" if female else "male",
            "head_birth_date": f"{year}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
            "head_phone": f"09{rng.randint(10, 99)}{index:06d}",
            "commune_code": rng.choice(codes),
            "shop_name": "Vườn nhà",
            "consent": True,
        }
        if index % 50 == 7:
            record["head_birth_date"] = "1900-01-01"  # disagrees with the CCCD
        records.append(record)
    client = Client(SERVER_NAME="localhost")
    headers = {"X-API-Key": raw}

    def post(path: str, batch: list[dict]) -> tuple[dict, float, int]:
        body = json.dumps({"records": batch})
        started = time.perf_counter()
        response = client.post(path, body, content_type="application/json", headers=headers)
        seconds = time.perf_counter() - started
        if response.status_code != 200:
            raise RuntimeError(f"{path}: HTTP {response.status_code} {response.content[:300]!r}")
        return response.json(), seconds, len(body)

    first, first_seconds, size = post("/api/partners/households", records)
    households = Household.objects.count()
    again, again_seconds, _size = post("/api/partners/households", records)
    if again["created"] or again["updated"] or Household.objects.count() != households:
        raise RuntimeError("re-delivery changed data")
    milestones = [
        {
            "external_id": f"bench-ms-{index:06d}",
            "version": 1,
            "cccd": record["cccd"],
            "kind": "shop_opened",
            "achieved_at": "2026-03-02T09:30:00+07:00",
        }
        for index, record in enumerate(records)
    ]
    reported, milestone_seconds, _size = post("/api/partners/milestones", milestones)
    recorded = Milestone.objects.filter(marketplace=marketplace).count()

    def outcome(answer: dict) -> str:
        return (
            f"{answer['created']:,} created, {answer['updated']:,} updated, "
            f"{answer['unchanged']:,} unchanged, {len(answer['rejected']):,} rejected"
        )

    return [
        ("batch", f"{RECORDS:,} household records, {size / 1e6:.1f} MB of JSON"),
        ("households: outcome", outcome(first)),
        ("households: one request", f"{first_seconds:.1f} s ({RECORDS / first_seconds:,.0f}/s)"),
        ("same batch again: outcome", outcome(again)),
        ("same batch again: one request", f"{again_seconds:.1f} s"),
        ("milestones: outcome", outcome(reported) + f"; {recorded:,} milestones recorded"),
        ("milestones: one request", f"{milestone_seconds:.1f} s"),
        ("target", "one request per 10,000 records, a few seconds"),
    ]
