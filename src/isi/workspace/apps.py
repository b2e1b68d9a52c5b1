from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    name = "isi.workspace"
    label = "workspace"
