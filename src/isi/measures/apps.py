from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "isi.measures"
    label = "measures"
