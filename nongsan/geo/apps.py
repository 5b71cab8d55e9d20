from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "nongsan.geo"
    label = "geo"
    verbose_name = "Đơn vị hành chính"
