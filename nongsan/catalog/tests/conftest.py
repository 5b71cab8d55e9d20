"""Catalog test set-up: uploaded photos go to a temporary media folder, never to ./media."""

import importlib

import pytest


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def catalog_loaded(units_loaded):
    """The category tree and synonyms again after a transactional test emptied every table."""
    from django.apps import apps

    from nongsan.catalog.models import Category, Synonym

    if not Category.objects.exists():
        importlib.import_module("nongsan.catalog.migrations.0002_categories").load(apps, None)
    if not Synonym.objects.exists():
        importlib.import_module("nongsan.catalog.migrations.0003_synonyms").load(apps, None)
