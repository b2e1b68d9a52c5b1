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

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import get_language
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser

from isi.core.audit import log_denied
from isi.core.outage import is_database_unavailable
from isi.core.parsing import loads_json, parse_int
from isi.measures.rules import Violation

if TYPE_CHECKING:
    from ninja import NinjaAPI

logger = logging.getLogger("isi.api")

JSON_CONTENT_TYPE = "application/json; charset=utf-8"

# The largest request body any operation accepts (POST /finder: 64 KiB, its own limit).
DEFAULT_MAX_BODY_BYTES = 1024 * 1024
# Request bodies are flat objects with a few lists; deeper JSON is refused with 400.
MAX_BODY_DEPTH = 32
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


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
        elif exc.status_code == 400:
            # ninja: "Cannot parse request body" (English, with the exception under DEBUG).
            detail = invalid_json()
        elif exc.status_code == 413:
            return too_large()
        else:
            detail = str(exc)
        return api.create_response(request, {"detail": detail}, status=exc.status_code)

    def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = [
            field_error(
                _location(error.get("loc", ())),
                f"schema-{error.get('type', 'invalid')}",
                validation_message(error),
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

    def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return too_large(int(getattr(settings, "DATA_UPLOAD_MAX_MEMORY_SIZE", 0) or max_body_bytes()))

    def on_suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
        logger.warning("API: suspicious request on %s %s: %s", request.method, request.path, exc)
        return error_response(400, tr("Die Anfrage ist ungültig.", "The request is invalid."))

    def on_exception(request: HttpRequest, exc: Exception) -> HttpResponse:
        if is_database_unavailable(exc):
            raise exc  # answered 503 with Retry-After by isi.operations.middleware, never 500
        logger.exception("API error on %s %s", request.method, request.path, exc_info=exc)
        return server_error()

    api.add_exception_handler(ApiError, cast(Any, on_api_error))
    api.add_exception_handler(HttpError, cast(Any, on_http_error))
    api.add_exception_handler(NinjaValidationError, cast(Any, on_validation_error))
    api.add_exception_handler(DjangoValidationError, cast(Any, on_django_validation_error))
    api.add_exception_handler(Http404, cast(Any, on_404))
    api.add_exception_handler(PermissionDenied, cast(Any, on_403))
    api.add_exception_handler(RequestDataTooBig, cast(Any, on_too_big))
    api.add_exception_handler(SuspiciousOperation, cast(Any, on_suspicious))
    api.add_exception_handler(Exception, cast(Any, on_exception))


# --- request bodies: size, content type, JSON -------------------------------------------------


def max_body_bytes() -> int:
    """The body limit: ``settings.ISI_API_MAX_BODY_BYTES`` (default 1 MiB)."""
    return int(getattr(settings, "ISI_API_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES))


def size_text(size: int) -> str:
    if size >= 1024 * 1024 and size % (1024 * 1024) == 0:
        return f"{size // (1024 * 1024)} MiB"
    if size >= 1024 and size % 1024 == 0:
        return f"{size // 1024} KiB"
    return f"{size} Bytes"


def too_large(limit: int | None = None) -> HttpResponse:
    size = size_text(limit if limit is not None else max_body_bytes())
    return error_response(
        413,
        tr(
            f"Die Anfrage ist zu groß: höchstens {size} sind erlaubt.",
            f"The request is too large: at most {size} are allowed.",
        ),
    )


def invalid_json() -> str:
    return tr(
        "Der Inhalt der Anfrage ist kein gültiges JSON (oder zu tief verschachtelt).",
        "The request body is not valid JSON (or nested too deeply).",
    )


def is_json_media_type(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or (media.startswith("application/") and media.endswith("+json"))


def body_problem(request: HttpRequest) -> HttpResponse | None:
    """400, 413 or 415 for a request whose body the API will not read; None when it may go on.

    Checked before the operation runs, from the headers alone: a Content-Length that is no
    number, a body larger than `max_body_bytes()`, a body that is not JSON.
    """
    raw_length = str(request.META.get("CONTENT_LENGTH") or "").strip()
    if not raw_length:
        return None
    length = parse_int(raw_length)
    if length is None:
        return error_response(
            400, tr("Ungültige Angabe im Header Content-Length.", "Invalid Content-Length header.")
        )
    if length > max_body_bytes():
        return too_large()
    if length and request.method in BODY_METHODS and not is_json_media_type(request.content_type or ""):
        return error_response(
            415,
            tr(
                "Der Inhalt muss JSON sein (Content-Type: application/json).",
                "The body must be JSON (Content-Type: application/json).",
            ),
        )
    return None


class JsonBodyParser(Parser):
    """ninja's JSON parser with a bound on the nesting depth (deep JSON is a 400, not a 500)."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        return cast(dict[str, Any], loads_json(request.body, max_depth=MAX_BODY_DEPTH))


# --- validation messages in German -------------------------------------------------------------

# pydantic's error types → German messages (with the error's context values); English callers
# get pydantic's own message.
GERMAN_MESSAGES = {
    "missing": "Diese Angabe fehlt.",
    "extra_forbidden": "Unbekanntes Feld.",
    "int_type": "Bitte eine ganze Zahl angeben.",
    "int_parsing": "Bitte eine ganze Zahl angeben.",
    "int_from_float": "Bitte eine ganze Zahl angeben.",
    "int_parsing_size": "Die Zahl ist zu groß.",
    "float_type": "Bitte eine Zahl angeben.",
    "float_parsing": "Bitte eine Zahl angeben.",
    "decimal_type": "Bitte eine Zahl angeben.",
    "decimal_parsing": "Bitte eine Zahl angeben.",
    "decimal_max_digits": "Höchstens {max_digits} Stellen.",
    "decimal_max_places": "Höchstens {decimal_places} Nachkommastellen.",
    "decimal_whole_digits": "Zu viele Stellen vor dem Komma.",
    "finite_number": "Bitte eine endliche Zahl angeben.",
    "string_type": "Bitte einen Text angeben.",
    "string_too_short": "Mindestens {min_length} Zeichen.",
    "string_too_long": "Höchstens {max_length} Zeichen.",
    "string_pattern_mismatch": "Der Text hat nicht die erwartete Form.",
    "too_short": "Mindestens {min_length} Einträge.",
    "too_long": "Höchstens {max_length} Einträge.",
    "list_type": "Bitte eine Liste angeben.",
    "bool_type": "Bitte true oder false angeben.",
    "bool_parsing": "Bitte true oder false angeben.",
    "date_type": "Bitte ein Datum im Format JJJJ-MM-TT angeben.",
    "date_parsing": "Bitte ein Datum im Format JJJJ-MM-TT angeben.",
    "date_from_datetime_parsing": "Bitte ein Datum im Format JJJJ-MM-TT angeben.",
    "date_from_datetime_inexact": "Bitte ein Datum ohne Uhrzeit angeben.",
    "literal_error": "Erlaubt sind: {expected}.",
    "enum": "Erlaubt sind: {expected}.",
    "greater_than": "Der Wert muss größer als {gt} sein.",
    "greater_than_equal": "Der Wert muss mindestens {ge} sein.",
    "less_than": "Der Wert muss kleiner als {lt} sein.",
    "less_than_equal": "Der Wert darf höchstens {le} sein.",
    "dict_type": "Bitte ein JSON-Objekt angeben.",
    "model_type": "Bitte ein JSON-Objekt angeben.",
    "model_attributes_type": "Bitte ein JSON-Objekt angeben.",
    "json_invalid": "Kein gültiges JSON.",
}


def validation_message(error: Mapping[str, Any]) -> str:
    """The message of one pydantic error: German by default, pydantic's English on request."""
    message = str(error.get("msg", ""))
    kind = str(error.get("type", ""))
    if kind in ("value_error", "assertion_error"):
        # Our own validators speak German already; pydantic prefixes "Value error, ".
        return message.partition(", ")[2] or message
    if english():
        return message
    template = GERMAN_MESSAGES.get(kind)
    if template is None:
        return message
    context = {key: str(value) for key, value in (error.get("ctx") or {}).items()}
    try:
        return template.format(**context)
    except (KeyError, IndexError, ValueError):
        return template.split(":")[0] + "."
