from django.apps import AppConfig


class CoordinationConfig(AppConfig):
    """Overlap detection and review, consolidation proposals (Leitfaden ch. V)."""

    name = "isi.coordination"
    label = "coordination"

    def ready(self) -> None:
        from isi.coordination.similar import after_update
        from isi.measures.services import AFTER_UPDATE_HOOKS

        # Keep the process-wide similarity index current after every edit.
        if after_update not in AFTER_UPDATE_HOOKS:
            AFTER_UPDATE_HOOKS.append(after_update)
