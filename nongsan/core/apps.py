from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "nongsan.core"
    label = "core"
