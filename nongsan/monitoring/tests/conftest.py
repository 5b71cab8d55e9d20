"""Shared scenario pieces for monitoring tests, built through the real services of other apps.

The report scenario: Lạng Sơn (Miền Bắc) has households A, B, C; Huế (Miền Trung) has D. Week
2026-W47 runs from Thursday 19 to Wednesday 25 November 2026; W46 from 12 to 18 November; W48
starts at 00:00 on 26 November local time, which is 17:00 UTC on the 25th.
"""

import pytest
from django.utils import timezone

from nongsan.accounts.models import Role
from nongsan.accounts.tests import factories as account_factories
from nongsan.households.models import Milestone
from nongsan.households.tests import factories as household_factories
from nongsan.monitoring import services
from nongsan.monitoring.tests.scenarios import local, record

Kind = Milestone.Kind


@pytest.fixture
def ministry(db):
    return account_factories.user(Role.MINISTRY_OFFICIAL)


@pytest.fixture
def postmart(db):
    return account_factories.marketplace("postmart", "Postmart")


@pytest.fixture
def voso(db):
    return account_factories.marketplace("voso", "Vỏ Sò")


@pytest.fixture
def scenario(ministry, postmart, voso):
    lang_son = account_factories.commune("Lạng Sơn")
    hue = account_factories.commune("Huế")
    a, b, c = (household_factories.household(commune=lang_son) for _ in range(3))
    d = household_factories.household(commune=hue)

    record(a, Kind.TRAINED_DIGITAL, local(13))  # W46
    record(a, Kind.TRAINED_DIGITAL, local(20))  # trained again in W47: counted once, in W46
    record(b, Kind.TRAINED_DIGITAL, local(25, 23, 59, 59))  # the last second of W47
    record(c, Kind.TRAINED_DIGITAL, local(26, 0, 0, 0))  # the first instant of W48
    record(d, Kind.TRAINED_DIGITAL, local(20))  # W47, in Huế

    record(a, Kind.SHOP_OPENED, local(19, 0, 0), postmart)  # the first instant of W47
    record(a, Kind.SHOP_OPENED, local(21), voso)  # the same household on a second marketplace
    record(b, Kind.SHOP_OPENED, local(18, 23, 59), voso)  # W46

    record(c, Kind.TRAINED_PACKAGING, local(22))  # W47, nothing in W46

    for province, baseline in (("Lạng Sơn", 10), ("Huế", 4)):
        services.target_set(
            actor=ministry,
            province=account_factories.province(province),
            year=2026,
            baseline_households=baseline,
        )
    services.facts_fold()
    return {"lang_son": lang_son.province, "hue": hue.province}


@pytest.fixture
def clock(monkeypatch):
    """Set the platform's clock: clock(moment)."""

    def set_to(moment):
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return set_to


@pytest.fixture
def official(scenario):
    """Lạng Sơn's provincial official."""
    return account_factories.user(Role.PROVINCE_OFFICIAL, province=scenario["lang_son"])


@pytest.fixture
def sendo(db):
    """An external marketplace: it runs its own system and reports figures."""
    marketplace = account_factories.marketplace("sendo", "Sendo Farm")
    marketplace.is_hosted = False
    marketplace.save()
    return marketplace
