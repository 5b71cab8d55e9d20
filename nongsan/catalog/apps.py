from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "nongsan.catalog"
    label = "catalog"
    verbose_name = "Gian hàng và sản phẩm"
