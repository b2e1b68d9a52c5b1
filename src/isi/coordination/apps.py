from django.apps import AppConfig


class CoordinationConfig(AppConfig):
    """Overlap detection and review, consolidation proposals (Leitfaden ch. V)."""

    name = "isi.coordination"
    label = "coordination"

    def ready(self) -> None:
        from isi.coordination.similar import measures_changed
        from isi.measures.signals import on_measures_changed

        # Keep the process-wide similarity index current after every write of a measure.
        on_measures_changed(measures_changed)
