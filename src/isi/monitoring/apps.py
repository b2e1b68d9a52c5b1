from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    """Integration monitoring (core indicators over time) and success control (Leitfaden ch. VII)."""

    name = "isi.monitoring"
    label = "monitoring"
