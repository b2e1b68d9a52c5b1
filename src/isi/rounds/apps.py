from django.apps import AppConfig


class RoundsConfig(AppConfig):
    name = "isi.rounds"
    label = "rounds"
