from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "nongsan.web"
    label = "web"
