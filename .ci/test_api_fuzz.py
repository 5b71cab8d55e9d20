"""Schemathesis against /api/openapi.json: a bounded number of generated requests per operation,
sent through the WSGI application as a Ministry official and as a partner marketplace; any 5xx
fails. Run by .ci/run (pytest does not collect this folder by default):

    .venv/bin/python -m pytest .ci/test_api_fuzz.py -q -n 2

FUZZ_EXAMPLES sets the examples per operation (default 10).
"""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from nongsan.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))


@pytest.fixture
def keys(db):
    from nongsan.accounts import services as accounts_services
    from nongsan.accounts.models import Role
    from nongsan.accounts.tests import factories as account_factories

    ministry = account_factories.user(Role.MINISTRY_OFFICIAL)
    partner = account_factories.marketplace("voso", "Vỏ Sò")
    partner.is_hosted = False
    partner.save()
    operator = account_factories.user(Role.MARKETPLACE_OPERATOR, marketplace=partner)
    return {
        "ministry": accounts_services.api_key_create(user=ministry, name="fuzz")[1],
        "partner": accounts_services.api_key_create(user=operator, name="fuzz")[1],
    }


@pytest.fixture(autouse=True)
def _generous_rate_limit(settings):
    settings.PARTNERS = {**settings.PARTNERS, "RATE_LIMIT_PER_MINUTE": 10**9}


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
@pytest.mark.parametrize("who", ["ministry", "partner"])
def test_no_server_errors(case, who, keys):
    case.call_and_validate(headers={"X-API-Key": keys[who]}, checks=[not_a_server_error])
