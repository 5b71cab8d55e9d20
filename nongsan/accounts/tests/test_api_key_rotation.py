"""API key rotation: a new key for the same user, the old one lapsing now or after a grace."""

import datetime as dt

import pytest
from django.utils import timezone

from nongsan.accounts import services
from nongsan.accounts.tests import factories
from nongsan.core.errors import ApplicationError

pytestmark = pytest.mark.django_db


def test_rotation_with_and_without_grace():
    user = factories.user()
    key, raw = services.api_key_create(user=user, name="đồng bộ")
    new, new_raw = services.api_key_rotate(key=key, grace=dt.timedelta(hours=1))
    assert (new.user, new.name) == (user, "đồng bộ")
    assert services.api_key_authenticate(raw_key=raw) == user  # still within its grace
    assert services.api_key_resolve(raw_key=new_raw) == new
    key.refresh_from_db()
    assert key.revoked_at > timezone.now()
    newer, _newer_raw = services.api_key_rotate(key=new)
    assert services.api_key_authenticate(raw_key=new_raw) is None
    with pytest.raises(ApplicationError):
        services.api_key_rotate(key=new)
    with pytest.raises(ApplicationError) as caught:
        services.api_key_rotate(key=newer, grace=dt.timedelta(days=8))
    assert caught.value.field == "grace_seconds"


def test_revoking_a_key_in_its_grace_ends_it_now():
    key, raw = services.api_key_create(user=factories.user(), name="k")
    services.api_key_rotate(key=key, grace=dt.timedelta(days=1))
    key.refresh_from_db()
    services.api_key_revoke(key=key)
    assert services.api_key_authenticate(raw_key=raw) is None
