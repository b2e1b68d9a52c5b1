from django.apps import AppConfig


class OpendataConfig(AppConfig):
    name = "isi.opendata"
    label = "opendata"
