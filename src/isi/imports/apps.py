from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "isi.imports"
    label = "imports"
