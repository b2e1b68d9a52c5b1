from django.apps import AppConfig


class FinderConfig(AppConfig):
    name = "isi.finder"
    label = "finder"
