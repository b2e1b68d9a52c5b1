from django.urls import path

from isi.accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.account, name="account"),
    path("anmelden/", views.SignInView.as_view(), name="login"),
    path("abmelden/", views.SignOutView.as_view(), name="logout"),
    path("sitzung/", views.keep_alive, name="keep_alive"),
]
