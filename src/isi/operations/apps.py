from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "isi.operations"
    label = "operations"
    verbose_name = "Betrieb"
