from django.apps import AppConfig


class FinanceConfig(AppConfig):
    name = "nongsan.finance"
    label = "finance"
    verbose_name = "Đối soát tài chính"
