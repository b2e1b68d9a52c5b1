from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "isi.search"
    label = "search"
