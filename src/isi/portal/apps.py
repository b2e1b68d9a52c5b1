from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "isi.portal"
    label = "portal"
