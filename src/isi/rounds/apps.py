from django.apps import AppConfig


class RoundsConfig(AppConfig):
    name = "isi.rounds"
    label = "rounds"

    def ready(self) -> None:
        from isi.rounds.hooks import register

        register()
