from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "isi.catalog"
    label = "catalog"
