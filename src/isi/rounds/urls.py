from django.urls import URLPattern, URLResolver, path

from isi.rounds import views

app_name = "rounds"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.round_list, name="index"),
    path("eroeffnen/", views.round_open, name="open"),
    path("aufgaben/", views.todo, name="todo"),
    path("vergleich/", views.compare, name="compare"),
    path("<int:pk>/", views.round_detail, name="detail"),
    path("<int:pk>/abschliessen/", views.round_close, name="close"),
    path("<int:pk>/erinnern/", views.remind, name="remind"),
    path("<int:pk>/bestaetigen/", views.confirm_bulk, name="confirm_bulk"),
    path("<int:pk>/massnahmen/<int:measure_id>/bestaetigen/", views.confirm, name="confirm"),
]
