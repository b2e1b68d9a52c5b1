from django.urls import URLPattern, URLResolver, path

from isi.catalog import views

app_name = "catalog"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.catalogue_list, name="list"),
    path("<slug:kind>/neu/", views.entry_create, name="create"),
    path("<slug:kind>/<int:pk>/bearbeiten/", views.entry_edit, name="edit"),
]
