from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("konto/", include("isi.accounts.urls")),
    path("daten/", include("isi.opendata.urls")),
    path("", include("isi.portal.urls")),
]
