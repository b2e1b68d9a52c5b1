"""ISI's URLs plus views that fail on purpose, for the error-page tests (test_operations.py)."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.urls import path

from isi.urls import handler400, handler403, handler404, handler500
from isi.urls import urlpatterns as isi_urlpatterns


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("secret detail that must not reach the client")


def database_gone(request: HttpRequest) -> HttpResponse:
    raise OperationalError('connection to server at "db.internal" (10.1.2.3), port 5432 failed')


def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied("nope")


def bad(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation("bad")


urlpatterns = [
    path("test-boom/", boom, name="test_boom"),
    path("test-database-gone/", database_gone, name="test_database_gone"),
    path("test-forbidden/", forbidden, name="test_forbidden"),
    path("test-bad/", bad, name="test_bad"),
    *isi_urlpatterns,
]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
