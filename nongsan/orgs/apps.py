from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "nongsan.orgs"
    label = "orgs"
    verbose_name = "Tổ chức"
