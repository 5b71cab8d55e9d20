"""Fold the source records added since the last fold into monitoring's facts."""

from typing import Any

from django.core.management.base import BaseCommand

from nongsan.monitoring import services


class Command(BaseCommand):
    help = "Fold household milestones recorded since the last fold into monitoring's facts."

    def handle(self, *args: Any, **options: Any) -> None:
        result = services.facts_fold()
        self.stdout.write(
            f"Folded {result.milestones} milestones ({result.facts_changed} fact rows changed);"
            f" watermark {result.watermark}."
        )
