from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "isi.operations"
    label = "operations"
    verbose_name = "Betrieb"

    def ready(self) -> None:
        # Security events into the database, rebuild times into metrics (isi.core.hooks), and
        # database errors of a request remembered for the 503 (isi.operations.middleware).
        from django.core.signals import got_request_exception

        from isi.operations import events  # noqa: F401
        from isi.operations.middleware import mark_database_error

        got_request_exception.connect(mark_database_error, dispatch_uid="isi.operations.database_error")
