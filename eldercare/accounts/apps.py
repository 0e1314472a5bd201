from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "eldercare.accounts"
    label = "accounts"
    verbose_name = "账户与权限"
