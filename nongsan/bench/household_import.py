"""Importing a 100,000-row household list from XLSX: every row validated, the good ones committed.

The list is made here, as messy as communes send them (see households/tests/import_data.py):
eight provinces, current and legacy (pre-2025) addresses, CCCDs and phones typed every way, ~3%
faulty rows, ~1% repeated rows, blank rows. The import runs through the services as a field
agent's upload does (the Celery task runs eagerly in-process); then the same file is imported
again, which must change nothing. Target (issue 3): at least 2,000 rows/s on PostgreSQL.
"""

import logging
import random
import tempfile
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nongsan.accounts.models import User
    from nongsan.households.models import ImportJob

TITLE = "Household list import (households.importing), XLSX"
ROWS = 100_000
PROVINCES = (
    "Bắc Ninh",
    "Lạng Sơn",
    "Đắk Lắk",
    "Cần Thơ",
    "Sơn La",
    "Lâm Đồng",
    "Hưng Yên",
    "Tuyên Quang",
)
PLACES_PER_PROVINCE = 40  # current communes, and as many legacy wards


class _PhaseLog(logging.Handler):
    """Keeps the importer's closing log line: its time per phase."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if "(" in message:
            self.lines.append(message[message.index("(") + 1 : message.rindex(")")])


def _import(actor: "User", data: bytes, name: str) -> tuple["ImportJob", float]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from nongsan.households import importing

    started = time.perf_counter()
    job = importing.import_job_create(actor=actor, upload=SimpleUploadedFile(name, data))
    mapping = {int(index): key for index, key in job.mapping.items()}
    job = importing.import_job_start(actor=actor, job=job, mapping=mapping, consent=True)
    job.refresh_from_db()  # the eager task ran when the start committed
    return job, time.perf_counter() - started


def run(*, engine: str) -> list[tuple[str, str]]:
    from django.conf import settings

    from nongsan.accounts import services as accounts_services
    from nongsan.accounts.models import Role
    from nongsan.celery import app as celery_app
    from nongsan.geo.loader import units_load
    from nongsan.households.models import Household, ImportJob, Milestone
    from nongsan.households.tests import import_data

    settings.PRIVATE_MEDIA_ROOT = tempfile.mkdtemp(prefix="nongsan-bench-import-")
    celery_app.conf.task_always_eager = True  # measure the import, not a queue, even with Redis
    units_load()
    actor = accounts_services.user_create(
        phone="0912000111", full_name="Cán bộ Bộ TTTT", role=Role.MINISTRY_OFFICIAL
    )
    rng = random.Random(1034)
    started = time.perf_counter()
    places = import_data.places(rng, provinces=PROVINCES, per_province=PLACES_PER_PROVINCE)
    messy = import_data.messy_list(rng, count=ROWS, places=places)
    data = import_data.to_xlsx(messy.rows)
    made_seconds = time.perf_counter() - started

    phases = _PhaseLog()
    importer_log = logging.getLogger("nongsan.households.importing")
    importer_log.addHandler(phases)
    importer_log.setLevel(logging.INFO)
    first, first_seconds = _import(actor, data, "danh-sach-100k.xlsx")
    if first.status != ImportJob.Status.DONE:
        raise RuntimeError(f"first import ended {first.status}: {first.failure}")
    households = Household.objects.count()
    milestones = Milestone.objects.count()
    again, again_seconds = _import(actor, data, "danh-sach-100k-lan-2.xlsx")
    if again.status != ImportJob.Status.DONE:
        raise RuntimeError(f"re-import ended {again.status}: {again.failure}")
    if (again.created_count, again.updated_count) != (0, 0) or (
        Household.objects.count(),
        Milestone.objects.count(),
    ) != (households, milestones):
        raise RuntimeError("re-importing the same file changed data")

    def counts(job: ImportJob) -> str:
        return (
            f"{job.created_count:,} new, {job.updated_count:,} updated, "
            f"{job.unchanged_count:,} unchanged, {job.rejected_count:,} rejected, "
            f"{job.duplicate_count:,} duplicates, {job.blank_count:,} blank"
        )

    return [
        (
            "list (rows, provinces, distinct addresses current + legacy)",
            f"{ROWS:,} rows, {len(PROVINCES)} provinces, {len(places):,} addresses",
        ),
        (
            "planted faults / duplicates / blank rows",
            f"{messy.planted_errors:,} / {messy.planted_duplicates:,} / {messy.planted_blanks:,}",
        ),
        ("XLSX generated (not timed below)", f"{len(data) / 1e6:.1f} MB in {made_seconds:.1f} s"),
        ("first import: outcome", counts(first)),
        ("first import: time (upload to report)", f"{first_seconds:.1f} s"),
        ("first import: throughput", f"{ROWS / first_seconds:,.0f} rows/s"),
        ("first import: phases", phases.lines[0] if phases.lines else "?"),
        ("re-import of the same file: outcome", counts(again)),
        ("re-import: throughput", f"{ROWS / again_seconds:,.0f} rows/s"),
        ("re-import: phases", phases.lines[-1] if len(phases.lines) > 1 else "?"),
        ("target", "≥ 2,000 rows/s on PostgreSQL"),
    ]
