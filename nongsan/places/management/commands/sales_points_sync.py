"""Bring the sales-point map in step with shops, cooperatives and post offices."""

from typing import Any

from django.core.management.base import BaseCommand

from nongsan.places import services


class Command(BaseCommand):
    help = "Sync sales points from shops with a place, cooperatives and post offices."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = services.sales_points_sync()
        self.stdout.write(", ".join(f"{name}: {n}" for name, n in counts.items()))
