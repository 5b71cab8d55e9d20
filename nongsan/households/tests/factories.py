"""Households built through the real registration service."""

import itertools
import random

from nongsan.accounts.models import Role, User
from nongsan.accounts.tests import factories as account_factories
from nongsan.geo.models import Commune
from nongsan.households import services
from nongsan.households.models import Household

_serial = itertools.count(1)


def cccd(*, province_code: str = "020", female: bool = False, year: int = 1980) -> str:
    """A structurally valid CCCD, unique within the test run."""
    century = (0 if year < 2000 else 2) + (1 if female else 0)
    return f"{province_code}{century}{year % 100:02d}{next(_serial):06d}"


def agent_for(commune: Commune) -> User:
    return account_factories.user(Role.FIELD_AGENT, communes=[commune])


def household(
    *,
    commune: Commune | None = None,
    actor: User | None = None,
    female: bool = False,
    year: int = 1980,
    **fields,  # type: ignore[no-untyped-def]
) -> Household:
    commune = commune or account_factories.commune()
    actor = actor or account_factories.user(Role.MINISTRY_OFFICIAL)
    fields.setdefault("head_name", random.choice(["Nông Văn Dũng", "Hoàng Thị Lan", "Lý Văn Sơn"]))
    fields.setdefault("head_cccd", cccd(female=female, year=year))
    fields.setdefault("head_gender", "female" if female else "male")
    fields.setdefault("consent", True)
    return services.household_register(actor=actor, commune=commune, **fields)
