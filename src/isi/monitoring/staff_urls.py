from django.urls import URLPattern, URLResolver, path

from isi.monitoring import staff_views

app_name = "monitoring_staff"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", staff_views.staff_list, name="list"),
    path("neu/", staff_views.indicator_create, name="create"),
    path("<int:pk>/", staff_views.indicator_staff_detail, name="detail"),
    path("<int:pk>/bearbeiten/", staff_views.indicator_edit, name="edit"),
    path("<int:pk>/import/", staff_views.indicator_import, name="import"),
    path("<int:pk>/import/bestaetigen/", staff_views.indicator_import_confirm, name="import_confirm"),
    path("<int:pk>/daten.csv", staff_views.indicator_export, name="export"),
    path("massnahme/<int:measure_id>/", staff_views.measure_indicators, name="measure_indicators"),
    path(
        "massnahme/<int:measure_id>/verknuepfung/<int:link_id>/beschreibung/",
        staff_views.link_note,
        name="link_note",
    ),
    path(
        "massnahme/<int:measure_id>/verknuepfung/<int:link_id>/entfernen/",
        staff_views.link_delete,
        name="link_delete",
    ),
]
