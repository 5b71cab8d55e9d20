"""Take lapsed OCOP certificates' stars off products (what the daily task does), by hand."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from nongsan.catalog import services


class Command(BaseCommand):
    help = (
        "Make each product's OCOP stars follow its OCOP certificates still valid on a day "
        "(today by default) and re-index the products changed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date", type=dt.date.fromisoformat, default=None, help="YYYY-MM-DD (default today)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        changed = services.products_certifications_expire(today=options["date"])
        self.stdout.write(f"{changed} products had their OCOP stars updated.")
