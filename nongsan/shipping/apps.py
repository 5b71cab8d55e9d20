from django.apps import AppConfig


class ShippingConfig(AppConfig):
    name = "nongsan.shipping"
    label = "shipping"
    verbose_name = "Vận chuyển"
