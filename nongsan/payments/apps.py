from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "nongsan.payments"
    label = "payments"
    verbose_name = "Thanh toán và chi trả"
