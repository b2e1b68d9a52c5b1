from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "isi.accounts"
    label = "accounts"
