from django.apps import AppConfig


class InfoConfig(AppConfig):
    name = "nongsan.info"
    label = "info"
    verbose_name = "Thông tin nông nghiệp"
