"""The guides' pictures come from the real screens, taken in Debian's Chromium."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from nongsan.accounts.models import Role
from nongsan.accounts.tests import factories as account_factories
from nongsan.support import guides

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_portal_screenshots_fill_every_guide_step(units_loaded, settings, tmp_path, client):
    settings.MEDIA_ROOT = tmp_path
    household = account_factories.user(Role.HOUSEHOLD, phone="0912000004")
    call_command("portal_screenshots", phone=household.phone, password=account_factories.PASSWORD)
    steps = [step for guide in guides.GUIDES for step in guide.steps]
    for step in steps:
        picture = tmp_path / guides.SCREENSHOT_DIR / step.shot
        assert picture.read_bytes().startswith(b"\x89PNG"), step.shot
    page = client.get(reverse("support:guide", args=["dang-ky"])).content.decode()
    assert f'src="/media/{guides.SCREENSHOT_DIR}/dang-ky-1.png"' in page
