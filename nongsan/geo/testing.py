"""Test support: load the administrative units once into a test database."""

from typing import Any

from nongsan.geo import loader


def load_units_once(django_db_blocker: Any) -> dict[str, int]:
    """Load the units into the current test database outside any test's transaction.

    Call it from a session-scoped `django_db_setup` override, after the default set-up, so each
    test database (one per xdist worker) is filled once and every test's rollback keeps it.
    """
    with django_db_blocker.unblock():
        return loader.units_load()
