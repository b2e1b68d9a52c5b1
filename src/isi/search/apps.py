from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "isi.search"
    label = "search"

    def ready(self) -> None:
        from isi.measures.signals import on_measures_changed
        from isi.search.indexing import reindex_measures

        # Search documents change with the measures, in the same transaction.
        on_measures_changed(reindex_measures)
