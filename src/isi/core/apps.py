from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "isi.core"
    label = "core"
