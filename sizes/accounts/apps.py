from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "sizes.accounts"
    label = "accounts"
    verbose_name = "Accounts"
