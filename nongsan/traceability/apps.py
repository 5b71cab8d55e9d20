from django.apps import AppConfig


class TraceabilityConfig(AppConfig):
    name = "nongsan.traceability"
    label = "traceability"
    verbose_name = "Truy xuất nguồn gốc"

    def ready(self) -> None:
        # Orders and shipping sit below this app and never import it: their history rows reach
        # the lots through receivers connected here (see `receivers.py`).
        from nongsan.traceability import receivers

        receivers.connect()
