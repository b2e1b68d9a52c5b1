from django.urls import URLPattern, URLResolver, path

from isi.imports.roundtrip import views

app_name = "roundtrip"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("massnahmen.xlsx", views.download_xlsx, name="download_xlsx"),
    path("massnahmen.csv", views.download_csv, name="download_csv"),
    path("hochladen/", views.upload, name="upload"),
    path("vorgang/<uuid:token>/", views.job_detail, name="job"),
    path("vorgang/<uuid:token>/uebernehmen/", views.job_apply, name="apply"),
]
