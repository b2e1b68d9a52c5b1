"""Probes, metrics and error pages.

Error pages (400, 403, 404, 500, 503 and the CSRF failure) are rendered from
``errors/error.html`` without a request context: no context processor runs, so nothing reads the
session, the signed-in user or the database; 500 and 503 therefore render with the database
gone. They show the request id (``X-Request-ID``) so that a report can be matched to the log.
"""

from __future__ import annotations

import hmac
import json
import logging
import sys
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from isi.core import network
from isi.core.outage import is_database_unavailable
from isi.operations import health, metrics

log = logging.getLogger("isi.operations")

# Seconds a client is asked to wait when the database cannot be reached.
RETRY_AFTER_SECONDS = 10
JSON_TYPE = "application/json; charset=utf-8"
# Security headers for the answers given before Django's own middleware runs (probes, 503).
FIXED_CSP = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)

TEXTS: dict[int, tuple[Any, Any]] = {
    400: (
        gettext_lazy("Ungültige Anfrage"),
        gettext_lazy(
            "Die Anfrage konnte nicht verarbeitet werden. Bitte prüfen Sie die Adresse oder Eingabe."
        ),
    ),
    403: (
        gettext_lazy("Kein Zugriff"),
        gettext_lazy(
            "Sie dürfen diese Seite nicht aufrufen. Wenn Sie meinen, dass das ein Fehler ist, "
            "melden Sie sich an oder wenden Sie sich an die Koordinierungsstelle."
        ),
    ),
    404: (
        gettext_lazy("Seite nicht gefunden"),
        gettext_lazy(
            "Diese Seite gibt es nicht (mehr). Vielleicht finden Sie das Gesuchte über die Suche "
            "oder die Startseite."
        ),
    ),
    500: (
        gettext_lazy("Interner Fehler"),
        gettext_lazy(
            "Bei der Bearbeitung ist ein Fehler aufgetreten. Er wurde protokolliert; bitte versuchen "
            "Sie es später erneut."
        ),
    ),
    503: (
        gettext_lazy("Vorübergehend nicht verfügbar"),
        gettext_lazy(
            "Das Informationssystem ist gerade nicht erreichbar, weil die Datenbank nicht antwortet. "
            "Bitte versuchen Sie es in einigen Sekunden erneut."
        ),
    ),
}
CSRF_TEXT = (
    gettext_lazy("Formular abgelaufen"),
    gettext_lazy(
        "Das Formular konnte nicht angenommen werden, weil die Sicherheitsprüfung fehlschlug – meist "
        "ist die Seite zu lange offen gewesen. Bitte laden Sie die Seite neu und senden Sie das "
        "Formular erneut. Ihr Browser muss Cookies dieser Website erlauben."
    ),
)


def request_id(request: HttpRequest | None) -> str:
    return str(getattr(request, "request_id", "") or "")


def language_of(request: HttpRequest | None) -> str:
    if request is None:
        return settings.LANGUAGE_CODE
    # The locale middleware's choice where it ran (on public pages the address: /uk/… is Ukrainian).
    chosen = getattr(request, "LANGUAGE_CODE", None)
    if chosen:
        return str(chosen)
    try:
        return translation.get_language_from_request(request)
    except Exception:  # a broken header must not break the error page
        return settings.LANGUAGE_CODE


def is_api(request: HttpRequest | None) -> bool:
    return request is not None and request.path_info.startswith("/api/")


def protect(response: HttpResponse) -> HttpResponse:
    """Headers every answer gets, also those made outside Django's security middleware."""
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers["Cache-Control"] = "no-store"
    return response


def error_page(
    request: HttpRequest | None, status: int, texts: tuple[Any, Any] | None = None
) -> HttpResponse:
    """The error page for `status`, in the request's language; touches neither session nor database."""
    title, message = texts or TEXTS[status]
    with translation.override(language_of(request)):
        context = {
            "status": status,
            "title": str(title),
            "message": str(message),
            "request_id": request_id(request),
            "ISI_OPERATOR": settings.ISI_OPERATOR,
        }
        html = loader.render_to_string("errors/error.html", context)
    return protect(HttpResponse(html, status=status, content_type="text/html; charset=utf-8"))


def json_error(request: HttpRequest | None, status: int) -> HttpResponse:
    with translation.override(language_of(request)):
        detail = str(TEXTS[status][1])
    body = json.dumps({"detail": detail}, ensure_ascii=False)
    return protect(HttpResponse(body, status=status, content_type=JSON_TYPE))


def database_unavailable(request: HttpRequest | None) -> HttpResponse:
    """503 with Retry-After: JSON ``{"detail": …}`` for the API, the error page elsewhere."""
    metrics.DATABASE_UNAVAILABLE.inc()
    response = json_error(request, 503) if is_api(request) else error_page(request, 503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Content-Security-Policy"] = FIXED_CSP
    return response


# --- handler400/403/404/500 and CSRF_FAILURE_VIEW ----------------------------------------------


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    if is_database_unavailable(sys.exc_info()[1]):
        return database_unavailable(request)
    if is_api(request):
        return json_error(request, 500)
    return error_page(request, 500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A friendly 403 for a failed CSRF check (Django's own page is bare and English)."""
    log.warning("CSRF check failed on %s %s: %s", request.method, request.path, reason)
    return error_page(request, 403, CSRF_TEXT)


# --- probes and metrics ------------------------------------------------------------------------


def _json(payload: dict[str, Any], status: int = 200) -> HttpResponse:
    return protect(HttpResponse(json.dumps(payload), status=status, content_type=JSON_TYPE))


@csrf_exempt
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """The process answers; nothing else is touched (no database, no session)."""
    return _json(health.liveness())


@csrf_exempt
@never_cache
def readyz(request: HttpRequest) -> HttpResponse:
    ready, payload = health.readiness()
    return _json(payload, 200 if ready else 503)


def metrics_allowed(request: HttpRequest) -> bool:
    token = str(getattr(settings, "ISI_METRICS_TOKEN", "") or "")
    header = request.headers.get("Authorization", "")
    scheme, _sep, secret = header.strip().partition(" ")
    if token and scheme.lower() == "bearer" and hmac.compare_digest(secret.strip().encode(), token.encode()):
        return True
    if network.forwarded_by_stranger(request):
        return False
    allowed = getattr(settings, "ISI_METRICS_ALLOWED_NETWORKS", ("127.0.0.0/8", "::1/128"))
    return network.in_networks(network.client_address(request), allowed)


@csrf_exempt
@never_cache
def metrics_view(request: HttpRequest) -> HttpResponse:
    """Prometheus metrics, for ISI_METRICS_ALLOWED_NETWORKS or ``Authorization: Bearer ISI_METRICS_TOKEN``.

    Anyone else gets a 404, as if there were nothing here.
    """
    if not metrics_allowed(request):
        raise Http404("metrics")
    body, content_type = metrics.render()
    return protect(HttpResponse(body, content_type=content_type))
