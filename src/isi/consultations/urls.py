from django.urls import URLPattern, URLResolver, path

from isi.consultations import succession_views, views

app_name = "consultations"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.consultation_list, name="index"),
    path("vorlegen/", views.consultation_submit_view, name="submit"),
    path("<int:pk>/", views.consultation_detail, name="detail"),
    path("<int:pk>/stellungnahme/", views.comment_create_view, name="comment"),
    path(
        "<int:pk>/stellungnahmen/<int:comment_id>/bearbeiten/", views.comment_edit_view, name="comment_edit"
    ),
    path("<int:pk>/entscheidung/", views.decision_view, name="decide"),
    path("nachfolgen/", succession_views.succession_list, name="succession_list"),
    path("nachfolgen/erfassen/", succession_views.succession_create, name="succession_create"),
    path("nachfolgen/stichtag/", succession_views.responsible_report, name="responsible_report"),
]
