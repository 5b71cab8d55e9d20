from django.apps import AppConfig


class HouseholdsConfig(AppConfig):
    name = "nongsan.households"
    label = "households"
    verbose_name = "Hộ sản xuất nông nghiệp"
