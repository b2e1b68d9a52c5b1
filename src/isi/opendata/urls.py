"""Open data, mounted at /daten/ (namespace "opendata")."""

from django.urls import path

from isi.opendata import views
from isi.opendata.feeds import measure_feed

app_name = "opendata"
urlpatterns = [
    path("", views.index, name="index"),
    path("massnahmen.csv", views.measures_csv, name="measures_csv"),
    path("massnahmen.json", views.measures_json, name="measures_json"),
    path("massnahmen.xlsx", views.measures_xlsx, name="measures_xlsx"),
    path("massnahmen.atom", measure_feed, name="measures_atom"),
    path("datapackage.json", views.datapackage_json, name="datapackage"),
    path("paket/<slug:name>.csv", views.package_table, name="package_table"),
    path("katalog.ttl", views.catalog_turtle, name="catalog_ttl"),
    path("katalog.jsonld", views.catalog_jsonld, name="catalog_jsonld"),
]
