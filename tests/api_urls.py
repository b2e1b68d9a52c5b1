"""The project's URLs plus the API, until the lead mounts it in isi.urls (tests use this module)."""

from django.urls import URLPattern, URLResolver, path

from isi.api.api import api
from isi.urls import urlpatterns as project_urlpatterns

urlpatterns: list[URLPattern | URLResolver] = [
    path("api/v1/", api.urls),
    *[p for p in project_urlpatterns if not str(p.pattern).startswith("api/v1/")],
]
