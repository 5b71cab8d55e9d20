"""Partner marketplaces, their operators and keys, and records as partners send them."""

import itertools
from typing import Any

from nongsan.accounts import services as accounts_services
from nongsan.accounts.models import Role, User
from nongsan.accounts.tests import factories as account_factories
from nongsan.households.tests import factories as household_factories
from nongsan.orgs.models import Marketplace

_ids = itertools.count(1)


def partner(code: str = "voso", name: str = "Vỏ Sò") -> Marketplace:
    marketplace = account_factories.marketplace(code, name)
    if marketplace.is_hosted:
        marketplace.is_hosted = False
        marketplace.save(update_fields=["is_hosted"])
    return marketplace


def operator(marketplace: Marketplace | None = None) -> User:
    return account_factories.user(
        Role.MARKETPLACE_OPERATOR, marketplace=marketplace or partner(), full_name="Trần Văn Sò"
    )


def key_for(user: User) -> str:
    _key, raw = accounts_services.api_key_create(user=user, name="Đồng bộ hộ")
    return raw


def commune_code(index: int = 0) -> str:
    return account_factories.commune("Lạng Sơn", index).code


def household_record(**fields: Any) -> dict[str, Any]:
    serial = next(_ids)
    record: dict[str, Any] = {
        "external_id": f"vs-{serial:06d}",
        "version": 1,
        "cccd": household_factories.cccd(year=1980),
        "head_name": "Nông Văn Dũng",
        "head_birth_date": "1980-04-12",
        "head_gender": "male",
        "commune_code": commune_code(),
        "shop_name": "Hồi Văn Quan",
        "consent": True,
    }
    record.update(fields)
    return record


def milestone_record(cccd: str, **fields: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "external_id": f"vs-ms-{next(_ids):06d}",
        "version": 1,
        "cccd": cccd,
        "kind": "shop_opened",
        "achieved_at": "2026-03-02T09:30:00+07:00",
    }
    record.update(fields)
    return record
