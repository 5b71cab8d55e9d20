from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "nongsan.accounts"
    label = "accounts"
    verbose_name = "Tài khoản"
