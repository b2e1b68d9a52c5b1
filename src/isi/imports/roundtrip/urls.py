from django.urls import URLPattern, URLResolver

app_name = "roundtrip"
urlpatterns: list[URLPattern | URLResolver] = []
