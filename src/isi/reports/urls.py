from django.urls import URLPattern, URLResolver, path

from isi.reports import views

app_name = "reports"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("abdeckung/", views.coverage, name="coverage"),
    path("abdeckung/massnahmen/", views.coverage_cell, name="coverage_cell"),
    path("abdeckung/abdeckung.csv", views.coverage_csv, name="coverage_csv"),
    path("abdeckung/abdeckung.xlsx", views.coverage_xlsx, name="coverage_xlsx"),
    path("imag-bericht/", views.imag, name="imag"),
    path("imag-bericht/<uuid:token>/<str:fmt>/", views.imag_download, name="imag_download"),
]
