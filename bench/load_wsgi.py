"""WSGI entry point of bench/load.py: ISI's application plus one URL, the framework floor.

    gunicorn --config deploy/gunicorn.conf.py --pythonpath bench load_wsgi:application

It is ISI exactly as `isi serve` runs it (settings, middleware, URLs, error handlers) with one
extra path, `/bench-floor/`: a bare Django view that returns "ok" without touching the database
or a template. Because both live in the same gunicorn (same workers, threads, config), the
benchmark's "floor" is the cost of gunicorn + Django's middleware alone, measured in the same
run. Production never loads this module: `isi serve` runs `isi.wsgi:application`.
"""

from __future__ import annotations

import os
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "isi.settings")

from django.conf import settings

settings.ROOT_URLCONF = "load_wsgi"  # this module: ISI's URLs plus the floor

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.http import HttpRequest, HttpResponse  # noqa: E402
from django.urls import path  # noqa: E402

application = get_wsgi_application()

import isi.urls as isi_urls  # noqa: E402  (after setup: the URLconf imports models)


def floor(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain; charset=utf-8")


urlpatterns: list[Any] = [path("bench-floor/", floor), *isi_urls.urlpatterns]
for _name in ("handler400", "handler403", "handler404", "handler500"):
    if hasattr(isi_urls, _name):
        globals()[_name] = getattr(isi_urls, _name)
