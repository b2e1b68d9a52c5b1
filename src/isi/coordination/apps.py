from django.apps import AppConfig


class CoordinationConfig(AppConfig):
    """Overlap detection and review, consolidation proposals (Leitfaden ch. V)."""

    name = "isi.coordination"
    label = "coordination"
