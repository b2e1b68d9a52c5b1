"""The REST API (DESIGN §7): one NinjaAPI, mounted by the project at /api/v1/.

    path("api/v1/", isi.api.api.api.urls)

Around ninja's operations, every URL of the API (including the schema, the docs and unknown
paths) goes through ``api_view``, which makes the HTTP behaviour uniform:

- errors are JSON ``{"detail": …}`` – also 404 for unknown paths, 405 for wrong methods, 500;
- request bodies are checked from the headers before any operation reads them: larger than
  ``errors.max_body_bytes()`` → 413, not JSON → 415, a Content-Length that is no number → 400;
- GET answers carry ETag (and Last-Modified where known) and answer 304 when the client is
  current (``isi.api.caching``); HEAD is GET without the body;
- CORS only for anonymous reads, OPTIONS preflight only for GET (``isi.api.cors``).

Authentication (``isi.api.auth``) and rate limits (``isi.api.throttling``) apply to every
operation; permissions are asked of ``isi.core.permissions``.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import URLPattern, URLResolver, path, re_path, reverse
from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation

from isi.api import catalog, errors, finder, measures, organisations, similar
from isi.api.auth import AUTH, is_anonymous_request
from isi.api.caching import conditional
from isi.api.cors import add_cors, preflight
from isi.api.docs import LocalSwagger, docs_asset
from isi.api.throttling import CallerRateThrottle
from isi.core.outage import is_database_unavailable

logger = logging.getLogger("isi.api")

View = Callable[..., HttpResponseBase]
READ_ONLY_METHODS = ["GET", "HEAD"]
# URL names of plain Django views inside the API (not ninja operations): read-only.
PLAIN_VIEWS = {"openapi-json", "openapi-view", "api-root", "docs-asset", "not-found"}

DESCRIPTION = """\
Die Maßnahmen der Bundesregierung zur Integration (Informationssystem Integration).

* **Anonym**: freigegebene Maßnahmen, Kataloge, Organisationen, Angebotsfinder.
* **Token**: `Authorization: Bearer <token>` – ein Token erzeugt `isi token create BENUTZERNAME`.
* **Sitzung**: angemeldet im Browser; ändernde Anfragen brauchen den CSRF-Token (`X-CSRFToken`).

Fehler sind immer JSON: `{"detail": "…", "errors": [{"field", "rule", "message"}]}`; Meldungen
auf Deutsch, auf Englisch mit `Accept-Language: en`. Lesende Antworten tragen `ETag` und
`Last-Modified` (304 bei `If-None-Match` / `If-Modified-Since`). Zu viele Anfragen: 429 mit
`Retry-After`.
""" + (
    "\n**Anfragen mit Inhalt** (POST, PATCH) senden JSON (`Content-Type: application/json`, sonst "
    f"415), höchstens {errors.size_text(errors.max_body_bytes())} groß (`POST /finder`: höchstens "
    f"64 KiB) und höchstens {errors.MAX_BODY_DEPTH} Ebenen tief verschachtelt; größere Anfragen "
    "beantwortet die API mit 413, ungültiges JSON mit 400.\n"
)
# Statuses every operation with a request body may answer besides its own.
BODY_ERRORS = {
    400: "Ungültiges JSON oder ungültiger Header Content-Length",
    413: "Anfrage zu groß",
    415: "Inhalt ist kein JSON",
}


def _allowed_methods(view: View, request: HttpRequest, args: Any, kwargs: Any) -> list[str]:
    """The methods a ninja path accepts: ask it with a method it has no operation for."""
    original = request.method
    request.method = "OPTIONS"
    try:
        probe = view(request, *args, **kwargs)
    finally:
        request.method = original
    allowed = [m.strip().upper() for m in probe.get("Allow", "").split(",") if m.strip()]
    if "GET" in allowed:
        allowed.append("HEAD")
    return allowed


def api_view(view: View, *, read_only: bool) -> View:
    """Uniform HTTP behaviour around one API URL (see the module docstring)."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method == "OPTIONS":
            allowed = READ_ONLY_METHODS if read_only else _allowed_methods(view, request, args, kwargs)
            return preflight(request, allowed)
        head = request.method == "HEAD"
        if read_only and request.method not in READ_ONLY_METHODS:
            return errors.method_not_allowed([*READ_ONLY_METHODS, "OPTIONS"])
        problem = errors.body_problem(request)
        if problem is not None:
            return add_cors(request, problem)
        if head:
            request.method = "GET"
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            response = errors.error_response(404, errors.not_found().detail)
        except Exception as exc:
            if is_database_unavailable(exc):
                raise  # 503 with Retry-After from isi.operations.middleware, never 500
            logger.exception("API error on %s %s", request.method, request.path)
            response = errors.server_error()
        finally:
            if head:
                request.method = "HEAD"
        if response.status_code == 405 and not response.get("Content-Type", "").startswith(
            "application/json"
        ):
            allowed = [m.strip() for m in response.get("Allow", "").split(",") if m.strip()]
            response = errors.method_not_allowed([*allowed, "OPTIONS"])
        anonymous = is_anonymous_request(request)
        response = conditional(request, response, anonymous=anonymous)
        response = add_cors(request, response)
        if head and isinstance(response, HttpResponse):
            response.content = b""
        return response

    return wrapped


def api_index(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    namespace = request.resolver_match.namespace if request.resolver_match else "api"
    return errors.json_response(
        200,
        {
            "name": api.title,
            "version": api.version,
            "openapi": reverse(f"{namespace}:openapi-json"),
            "docs": reverse(f"{namespace}:openapi-view"),
        },
    )


def not_found_view(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return errors.error_response(404, errors.not_found().detail)


class IsiNinjaAPI(NinjaAPI):
    @property
    def urls(self) -> tuple[list[URLResolver | URLPattern], str, str]:
        patterns, app_name, namespace = super().urls
        patterns = [
            path("docs/assets/<str:name>", docs_asset, name="docs-asset"),
            *patterns,
            re_path(r"^.*$", not_found_view, name="not-found"),
        ]
        for pattern in patterns:
            if isinstance(pattern, URLPattern) and not getattr(pattern.callback, "_isi_wrapped", False):
                if pattern.name == "api-root":
                    pattern.callback = api_index
                wrapped = api_view(pattern.callback, read_only=pattern.name in PLAIN_VIEWS)
                wrapped._isi_wrapped = True  # type: ignore[attr-defined]
                pattern.callback = wrapped
        return patterns, app_name, namespace

    def get_openapi_operation_id(self, operation: Operation) -> str:
        return operation.view_func.__name__

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        # Every operation also answers anonymous callers (public data; writes answer 401).
        for item in schema.get("paths", {}).values():
            for spec in item.values():
                if isinstance(spec, dict) and spec.get("security") and {} not in spec["security"]:
                    spec["security"].append({})
                if isinstance(spec, dict) and "requestBody" in spec:
                    responses = spec.setdefault("responses", {})
                    for status, description in BODY_ERRORS.items():
                        responses.setdefault(
                            status,
                            {
                                "description": description,
                                "content": {
                                    "application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}
                                },
                            },
                        )
        return schema


api = IsiNinjaAPI(
    title="ISI – Informationssystem Integration",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    docs=LocalSwagger(),
    docs_url="/docs",
    openapi_url="/openapi.json",
    auth=AUTH,
    throttle=[CallerRateThrottle()],
    parser=errors.JsonBodyParser(),
)
errors.install(api)
api.add_router("", measures.router)
api.add_router("", catalog.router)
api.add_router("", organisations.router)
api.add_router("", finder.router)
api.add_router("", similar.router)
