"""`manage.py geo_load`: load or refresh administrative units, their succession and countries."""

import time

from django.core.management.base import BaseCommand

from nongsan.geo import loader


class Command(BaseCommand):
    help = (
        "Load the 34 provinces and 3,321 communes, the 63 legacy provinces with their districts "
        "and wards, the old-to-new succession, and the ISO countries. Safe to run again."
    )

    def handle(self, *args: object, **options: object) -> None:
        started = time.perf_counter()
        counts = loader.units_load()
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"{counts['provinces']} provinces, {counts['communes']} communes, "
            f"{counts['legacy_provinces']} legacy provinces, {counts['districts']} districts, "
            f"{counts['legacy_wards']} legacy wards, {counts['successions']} successions, "
            f"{counts['countries']} countries."
        )
        changed = f"{counts['written']} rows written" if counts["written"] else "already up to date"
        self.stdout.write(self.style.SUCCESS(f"Done in {elapsed:.1f} s ({changed})."))
