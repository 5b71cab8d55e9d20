"""Recompute every monitoring fact from the source records, from scratch."""

from typing import Any

from django.core.management.base import BaseCommand

from nongsan.monitoring import services


class Command(BaseCommand):
    help = "Rebuild monitoring's daily facts and running totals from household milestones."

    def handle(self, *args: Any, **options: Any) -> None:
        result = services.facts_rebuild()
        self.stdout.write(
            f"Rebuilt {result.facts_changed} daily fact rows up to milestone {result.watermark}."
        )
