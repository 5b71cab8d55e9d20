from django.apps import AppConfig


class LendingConfig(AppConfig):
    name = "nongsan.lending"
    label = "lending"
    verbose_name = "Vay vốn nhỏ"
