from django.urls import URLPattern, URLResolver, path

from isi.workspace import listing, revisions, start, views

app_name = "workspace"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.measure_list, name="measure_list"),
    path("start/", start.start_page, name="start"),
    path("massnahmen/export.<str:fmt>", listing.export, name="measure_export"),
    path("filter/speichern/", listing.saved_filter_create, name="saved_filter_create"),
    path("filter/<int:pk>/loeschen/", listing.saved_filter_delete, name="saved_filter_delete"),
    path("massnahmen/neu/", views.measure_create_view, name="measure_create"),
    path("massnahmen/aehnliche/", views.similar_check, name="similar_check"),
    path("massnahmen/<int:pk>/", views.measure_detail, name="measure_detail"),
    path("massnahmen/<int:pk>/bearbeiten/", views.measure_edit, name="measure_edit"),
    path("massnahmen/<int:pk>/verlauf/", views.measure_history, name="measure_history"),
    path(
        "massnahmen/<int:pk>/verlauf/<int:record_id>/wiederherstellen/",
        views.measure_restore,
        name="measure_restore",
    ),
    path("massnahmen/<int:pk>/archiv/", views.measure_archive_view, name="measure_archive"),
    path("verlauf/<str:object_type>/<int:object_id>/", views.object_history, name="object_history"),
    path("freigaben/", revisions.revision_list, name="revision_list"),
    path("freigaben/<int:pk>/", revisions.revision_detail, name="revision_detail"),
]
