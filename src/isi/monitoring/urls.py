from django.urls import URLPattern, URLResolver, path

from isi.monitoring import views

app_name = "monitoring"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.indicator_list, name="list"),
    path("<slug:slug>/", views.indicator_detail, name="detail"),
    path("<slug:slug>/daten.csv", views.indicator_csv, name="csv"),
]
