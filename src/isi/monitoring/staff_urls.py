from django.urls import URLPattern, URLResolver

app_name = "monitoring_staff"
urlpatterns: list[URLPattern | URLResolver] = []
