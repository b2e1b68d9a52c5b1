from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "isi.accounts"
    label = "accounts"

    def ready(self) -> None:
        from isi.accounts import signals  # noqa: F401  (connects the receivers)
