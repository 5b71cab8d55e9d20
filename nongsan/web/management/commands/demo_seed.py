from django.core.management.base import BaseCommand

from nongsan.web.demo import demo_seed


class Command(BaseCommand):
    help = "Load the Vietnamese demo data set (idempotent). Run geo_load first."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--households", type=int, default=3000)

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        counts = demo_seed(households=options["households"])
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in counts.items()))
