from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "isi.organisations"
    label = "organisations"
