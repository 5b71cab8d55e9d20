"""Demo partner: an external marketplace that feeds the programme through the API: its operator,
households' accounts (some already selling on the hosted marketplaces, so the cross-marketplace
view has something to show, some new to the registry, a few refused), their milestones, and a
webhook subscription. Idempotent: the records carry fixed ids and versions."""

import datetime as dt
import random

from django.utils import timezone

from nongsan.accounts import services as accounts_services
from nongsan.accounts.models import Role, User
from nongsan.geo.models import Commune
from nongsan.households.models import Household, Milestone
from nongsan.orgs.models import Marketplace
from nongsan.partners import services
from nongsan.partners.models import WebhookEndpoint

CODE = "nongsanviet"
OPERATOR_PHONE = "0912000010"
GIVEN = ("Hùng", "Lan", "Dũng", "Mai", "Sơn", "Hương", "Tài", "Yến")


def partners_demo_seed(*, rng: random.Random, password: str) -> dict[str, int]:
    marketplace, _created = Marketplace.objects.update_or_create(
        code=CODE,
        defaults={
            "name": "Nông Sản Việt",
            "operator_name": "Sàn đối tác minh họa (hệ thống riêng, gửi số liệu qua API)",
            "is_hosted": False,
        },
    )
    operator = User.objects.filter(phone="+84" + OPERATOR_PHONE[1:]).first()
    if operator is None:
        operator = accounts_services.user_create(
            phone=OPERATOR_PHONE,
            full_name="Hồ Thanh Tâm",
            password=password,
            role=Role.MARKETPLACE_OPERATOR,
            marketplace=marketplace,
        )
    if not WebhookEndpoint.objects.filter(marketplace=marketplace).exists():
        services.webhook_subscribe(
            actor=operator,
            url="https://doi-tac.example/nongsan/webhooks",
            events=["household.milestone_recorded", "difficulty.answered"],
        )
    sellers = list(
        Household.objects.filter(
            milestones__kind=Milestone.Kind.SHOP_OPENED, milestones__marketplace__is_hosted=True
        )
        .distinct()
        .order_by("pk")[:40]
    )
    records = [
        {
            "external_id": f"nsv-{household.pk:06d}",
            "version": 1,
            "cccd": household.head_cccd,
            "shop_name": f"Vườn nhà {household.head_name.split()[-1]}",
            "status": "active",
        }
        for household in sellers
    ]
    communes = list(Commune.objects.filter(province__short_name="Sơn La").order_by("code")[:5])
    for index in range(12 if communes else 0):
        female = index % 2 == 1
        year = 1970 + index
        records.append(
            {
                "external_id": f"nsv-moi-{index:03d}",
                "version": 1,
                "cccd": f"014{1 if female else 0}{year % 100:02d}{900100 + index:06d}",
                "head_name": f"Lò Văn {GIVEN[index % len(GIVEN)]}"
                if not female
                else f"Cầm Thị {GIVEN[index % len(GIVEN)]}",
                "head_gender": "female" if female else "male",
                "commune_code": communes[index % len(communes)].code,
                "shop_name": "Chè Shan tuyết",
                "consent": True,
            }
        )
    # What a real feed also carries: a record whose birth year disagrees with its CCCD.
    records.append(
        {
            "external_id": "nsv-loi-001",
            "version": 1,
            "cccd": "014080900999",
            "head_name": "Lò Văn Piềng",
            "head_birth_date": "1975-02-01",
            "commune_code": communes[0].code if communes else "",
            "consent": True,
        }
    )
    households = services.households_ingest(
        actor=operator, records=records, request_id="demo-accounts-1"
    )
    now = timezone.now()
    milestones = [
        {
            "external_id": f"nsv-ms-{record['external_id']}",
            "version": 1,
            "cccd": record["cccd"],
            "kind": "shop_opened",
            "achieved_at": (now - dt.timedelta(days=rng.randint(1, 60))).isoformat(),
        }
        for record in records[:-1]
    ]
    reported = services.milestones_ingest(
        actor=operator, records=milestones, request_id="demo-milestones-1"
    )
    return {
        "partner_accounts_created": households.batch.created,
        "partner_milestones_created": reported.batch.created,
    }
