from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "nongsan.orders"
    label = "orders"
    verbose_name = "Giỏ hàng và đơn hàng"
