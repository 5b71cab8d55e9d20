from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "nongsan.partners"
    label = "partners"
    verbose_name = "Sàn đối tác"

    def ready(self) -> None:
        # Events of lower apps become webhooks without those apps knowing about partners.
        from nongsan.partners import events

        events.connect()
