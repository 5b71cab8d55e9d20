"""Where files holding personal data are kept: never under MEDIA_URL, served only by views that
check who asks (difficulty attachments, certification scans, claim evidence, uploaded lists and
their error files). Public files (product and review photos, bulletins) stay in the default
storage."""

import os
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages


class PrivateFileStorage(FileSystemStorage):
    """A local folder outside MEDIA_ROOT, read from settings on every use (PRIVATE_MEDIA_ROOT,
    else "private" beside MEDIA_ROOT), so tests and deployments can move it."""

    @property
    def base_location(self) -> str:
        configured = getattr(settings, "PRIVATE_MEDIA_ROOT", None)
        return str(configured or Path(settings.MEDIA_ROOT).parent / "private")

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    @property
    def base_url(self) -> None:  # type: ignore[override]  # no URL: scoped views serve the files
        return None


def private_storage() -> Storage:
    """The "private" backend of STORAGES when production names one, else a local folder."""
    if "private" in settings.STORAGES:
        return storages["private"]
    return PrivateFileStorage()
