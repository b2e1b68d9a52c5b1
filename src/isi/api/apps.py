from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "isi.api"
    label = "api"
