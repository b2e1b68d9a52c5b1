"""Open data, mounted at /daten/ (namespace "opendata")."""

from django.urls import path

from isi.opendata import views

app_name = "opendata"
urlpatterns = [
    path("", views.index, name="index"),
    path("massnahmen.csv", views.measures_csv, name="measures_csv"),
    path("massnahmen.json", views.measures_json, name="measures_json"),
    path("massnahmen.xlsx", views.measures_xlsx, name="measures_xlsx"),
    path("katalog.ttl", views.catalog_turtle, name="catalog_ttl"),
    path("katalog.jsonld", views.catalog_jsonld, name="catalog_jsonld"),
]
