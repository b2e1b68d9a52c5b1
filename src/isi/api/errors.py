"""Errors of the API: always JSON ``{"detail": "…"}``, German first, English on request.

Every failure – a refused permission, a broken rule, an unknown path, a wrong method, a bug –
answers with a JSON body whose ``detail`` is a sentence a person can act on. Field-level
problems add ``errors``: a list of ``{"field", "rule", "message"}``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import get_language
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from isi.core.audit import log_denied
from isi.measures.rules import Violation

if TYPE_CHECKING:
    from ninja import NinjaAPI

logger = logging.getLogger("isi.api")

JSON_CONTENT_TYPE = "application/json; charset=utf-8"


def english() -> bool:
    return (get_language() or "de").lower().startswith("en")


def tr(de: str, en: str) -> str:
    """The German text, or the English one when the caller asked for English (Accept-Language)."""
    return en if english() else de


class ApiError(Exception):
    """Raised by endpoints; rendered as JSON with `status`, `detail` and any further keys."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        headers: Mapping[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.headers = dict(headers or {})
        self.extra = extra


def not_found() -> ApiError:
    return ApiError(404, tr("Nicht gefunden.", "Not found."))


def unauthenticated() -> ApiError:
    return ApiError(
        401,
        tr(
            "Anmeldung erforderlich: bitte ein API-Token (Authorization: Bearer …) mitsenden "
            "oder angemeldet sein.",
            "Authentication required: send an API token (Authorization: Bearer …) or sign in.",
        ),
        headers={"WWW-Authenticate": 'Bearer realm="isi"'},
    )


def field_error(field: str, rule: str, message: str) -> dict[str, str]:
    return {"field": field, "rule": rule, "message": message}


def violation_errors(violations: Iterable[Violation]) -> list[dict[str, str]]:
    lang = get_language()
    return [field_error(v.field, v.rule, v.message(lang)) for v in violations]


def json_response(
    status: int, payload: Mapping[str, Any], headers: Mapping[str, str] | None = None
) -> HttpResponse:
    """A JSON response outside ninja's operations (URL fallbacks, method errors, docs assets)."""
    response = HttpResponse(
        json.dumps(payload, ensure_ascii=False), status=status, content_type=JSON_CONTENT_TYPE
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def error_response(status: int, detail: str, **extra: Any) -> HttpResponse:
    return json_response(status, {"detail": detail, **extra})


def method_not_allowed(allowed: Iterable[str]) -> HttpResponse:
    methods = ", ".join(sorted(set(allowed)))
    return json_response(
        405,
        {"detail": tr("Diese Methode ist hier nicht erlaubt.", "This method is not allowed here.")},
        headers={"Allow": methods},
    )


def server_error() -> HttpResponse:
    return error_response(
        500,
        tr(
            "Interner Fehler. Er wurde protokolliert; bitte versuchen Sie es später erneut.",
            "Internal error. It has been logged; please try again later.",
        ),
    )


def _location(loc: Iterable[Any]) -> str:
    parts = [str(part) for part in loc]
    # ninja prefixes the source ("body", "query", "path") and the parameter name.
    if parts and parts[0] in {"body", "query", "path", "header", "cookie", "form"}:
        parts = parts[1:]
        if len(parts) > 1 and parts[0] in {"payload", "params", "answers"}:
            parts = parts[1:]
    return ".".join(parts) or "__all__"


def _django_validation_errors(exc: DjangoValidationError) -> list[dict[str, str]]:
    if hasattr(exc, "error_dict"):
        return [
            field_error(field, "model-validation", str(message))
            for field, errors in exc.message_dict.items()
            for message in errors
        ]
    return [field_error("__all__", "model-validation", str(message)) for message in exc.messages]


def install(api: NinjaAPI) -> None:
    """Register the JSON error handlers on `api`."""

    def on_api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        if exc.status in (401, 403, 404):
            # Every refusal is audited; 404 too, since it also hides what the caller may not see.
            log_denied(request, f"api status={exc.status}")
        response = api.create_response(request, {"detail": exc.detail, **exc.extra}, status=exc.status)
        for name, value in exc.headers.items():
            response[name] = value
        return response

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if isinstance(exc, Throttled):
            detail = tr(
                "Zu viele Anfragen. Bitte warten Sie, bevor Sie es erneut versuchen (siehe Retry-After).",
                "Too many requests. Please wait before trying again (see Retry-After).",
            )
        elif isinstance(exc, AuthenticationError) and exc.status_code == 401:
            return on_api_error(request, unauthenticated())
        else:
            detail = str(exc)
        return api.create_response(request, {"detail": detail}, status=exc.status_code)

    def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = [
            field_error(
                _location(error.get("loc", ())),
                f"schema-{error.get('type', 'invalid')}",
                str(error.get("msg", "")),
            )
            for error in exc.errors
        ]
        detail = tr("Die Anfrage ist ungültig.", "The request is invalid.")
        return api.create_response(request, {"detail": detail, "errors": errors}, status=422)

    def on_django_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        detail = tr("Die Angaben sind ungültig.", "The data is invalid.")
        payload = {"detail": detail, "errors": _django_validation_errors(exc)}
        return api.create_response(request, payload, status=422)

    def on_404(request: HttpRequest, exc: Http404) -> HttpResponse:
        log_denied(request, "api status=404")
        return api.create_response(request, {"detail": not_found().detail}, status=404)

    def on_403(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        log_denied(request, "api status=403")
        detail = tr("Keine Berechtigung.", "Permission denied.")
        return api.create_response(request, {"detail": detail}, status=403)

    def on_exception(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("API error on %s %s", request.method, request.path, exc_info=exc)
        return server_error()

    api.add_exception_handler(ApiError, cast(Any, on_api_error))
    api.add_exception_handler(HttpError, cast(Any, on_http_error))
    api.add_exception_handler(NinjaValidationError, cast(Any, on_validation_error))
    api.add_exception_handler(DjangoValidationError, cast(Any, on_django_validation_error))
    api.add_exception_handler(Http404, cast(Any, on_404))
    api.add_exception_handler(PermissionDenied, cast(Any, on_403))
    api.add_exception_handler(Exception, cast(Any, on_exception))
