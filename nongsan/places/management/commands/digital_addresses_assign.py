"""Give a digital address to every household, post office and delivery address without one."""

from typing import Any

from django.core.management.base import BaseCommand

from nongsan.places import services


class Command(BaseCommand):
    help = "Give a digital address to households, post offices and delivery addresses lacking one."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--limit", type=int, default=10_000, help="at most this many of each")

    def handle(self, *args: Any, **options: Any) -> None:
        counts = services.digital_addresses_assign(limit=options["limit"])
        self.stdout.write(", ".join(f"{name}: {n}" for name, n in counts.items()))
