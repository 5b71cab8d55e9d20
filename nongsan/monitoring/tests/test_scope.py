"""Monitoring's pages against every role: reports, filing, the board and dashboards are for
provincial officials (their own province) and the Ministry; a filed version is out of sight
(404) for anyone else."""

import pytest
from django.urls import reverse

from nongsan.accounts.models import Role
from nongsan.accounts.tests import factories as account_factories
from nongsan.monitoring import services
from nongsan.monitoring.tests.scenarios import local as at

pytestmark = pytest.mark.django_db
OK, LOGIN, FORBIDDEN, HIDDEN = 200, 302, 403, 404
PAGES = ("report", "filing", "filing_board", "dashboard", "targets", "version")
STAFF = {page: OK for page in PAGES}


def test_each_role_gets_what_its_scope_allows(client, scenario, ministry, postmart, clock):
    clock(at(26, 9))
    official = account_factories.user(Role.PROVINCE_OFFICIAL, province=scenario["lang_son"])
    draft = services.submission_prepare(
        actor=official, province=official.province, period_id="2026-W47"
    )
    users = {
        "visitor": None,
        "buyer": account_factories.user(Role.BUYER),
        "household": account_factories.user(Role.HOUSEHOLD),
        "field_agent": account_factories.user(Role.FIELD_AGENT),
        "operator": account_factories.user(Role.MARKETPLACE_OPERATOR, marketplace=postmart),
        "carrier_staff": account_factories.user(
            Role.CARRIER_STAFF, carrier=account_factories.carrier()
        ),
        "info_editor": account_factories.user(Role.INFO_EDITOR, province=scenario["lang_son"]),
        "province_official": official,
        "other_province_official": account_factories.user(
            Role.PROVINCE_OFFICIAL, province=scenario["hue"]
        ),
        "ministry": ministry,
    }
    urls = {
        "report": reverse("monitoring:report"),
        "filing": reverse("monitoring:filing"),
        "filing_board": reverse("monitoring:filing_board"),
        "dashboard": reverse("monitoring:dashboard"),
        "targets": reverse("monitoring:targets"),
        "version": reverse("monitoring:submission_file", args=[draft.pk, "csv"]),
    }
    outsider = {page: FORBIDDEN for page in PAGES} | {"version": HIDDEN}
    expected = {
        "visitor": {page: LOGIN for page in PAGES},
        "province_official": STAFF,
        "other_province_official": STAFF | {"version": HIDDEN},
        "ministry": STAFF,
    }
    wrong = {}
    for role, user in users.items():
        client.logout()
        if user is not None:
            client.force_login(user)
        for page, url in urls.items():
            got = client.get(url).status_code
            want = expected.get(role, outsider)[page]
            if got != want:
                wrong[(role, page)] = (got, want)
    assert wrong == {}, "(role, page): (got, expected)"
