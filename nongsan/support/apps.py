from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "nongsan.support"
    label = "support"
    verbose_name = "Cổng hỗ trợ"
