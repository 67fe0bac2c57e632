from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "sizes.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from django.contrib.auth.signals import user_login_failed

        from sizes.accounts.backends import count_failed_sign_in

        user_login_failed.connect(count_failed_sign_in, dispatch_uid="sizes-count-failed-sign-in")
