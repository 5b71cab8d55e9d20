"""Test set-up shared by every app: reference data loaded once per test database, a clean cache."""

import os

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by the live
# server's fixtures from that thread are safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """PBKDF2 is slow on purpose; tests check behaviour, not the hash's cost."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _sms_outbox():
    from nongsan.core.sms import SandboxSmsProvider

    SandboxSmsProvider.outbox.clear()
    yield SandboxSmsProvider.outbox


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database starts with the real administrative units and countries."""
    from nongsan.geo.testing import load_units_once

    load_units_once(django_db_blocker)


@pytest.fixture(autouse=True)
def _fresh_name_tables():
    # A test may rewrite units inside its transaction; don't let its names outlive the rollback.
    yield
    from nongsan.geo import selectors

    selectors.cache_clear()


@pytest.fixture
def units_loaded(db):
    """Reference data again for tests after a transactional test emptied every table.

    Live-server tests flush the database when they end, taking with them what migrations and
    the session set-up loaded; this puts it back.
    """
    import importlib

    from django.apps import apps

    from nongsan.geo.loader import units_load
    from nongsan.geo.models import Commune

    if not Commune.objects.exists():
        units_load()
    # Reference rows that data migrations seed: (migration module, a model they fill).
    seeded = [
        ("nongsan.households.migrations.0002_produce_kinds", "households.ProduceKind"),
        ("nongsan.catalog.migrations.0002_categories", "catalog.Category"),
        ("nongsan.catalog.migrations.0003_synonyms", "catalog.Synonym"),
        ("nongsan.lending.migrations.0002_sandbox_lender", "lending.Lender"),
    ]
    for module, model in seeded:
        if not apps.get_model(model).objects.exists():
            importlib.import_module(module).load(apps, None)


SCREENSHOTS = os.path.join(os.path.dirname(__file__), "screenshots")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (which never downloads a browser of its own)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def phone_page(browser):
    """A page the size of a cheap Android phone's screen."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def screenshot():
    os.makedirs(SCREENSHOTS, exist_ok=True)

    def take(page, name: str) -> str:
        path = os.path.join(SCREENSHOTS, f"{name}.png")
        page.screenshot(path=path, full_page=True)
        return path

    return take
