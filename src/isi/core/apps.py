from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "isi.core"
    label = "core"

    def ready(self) -> None:
        # Connect the audit signal receivers.
        from isi.core import audit  # noqa: F401
