"""Cross-origin reads of public data – and nothing else.

``Access-Control-Allow-Origin: *`` is sent only on anonymous GET/HEAD responses (no
Authorization header, no signed-in session), and a preflight (OPTIONS) is answered only for
GET/HEAD with harmless request headers. Authenticated requests (token or cookie) and unsafe
methods never get CORS headers, so a browser on another site can neither read a signed-in
person's data nor change anything.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.cache import patch_vary_headers

from isi.api.auth import is_anonymous_request

CORS_METHODS = ("GET", "HEAD", "OPTIONS")
# Request headers a cross-origin reader may send (besides the CORS-safelisted ones).
CORS_REQUEST_HEADERS = frozenset(
    {"accept", "accept-language", "content-language", "if-none-match", "if-modified-since", "cache-control"}
)
CORS_EXPOSED_HEADERS = "ETag, Last-Modified, Retry-After, Content-Language"
PREFLIGHT_MAX_AGE = 600


def add_cors(request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
    if request.method in ("GET", "HEAD") and is_anonymous_request(request):
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Expose-Headers"] = CORS_EXPOSED_HEADERS
    return response


def preflight(request: HttpRequest, allowed_methods: list[str]) -> HttpResponse:
    """Answer OPTIONS: the methods of the path; CORS approval only for anonymous reads."""
    response = HttpResponse(status=204)
    response["Allow"] = ", ".join(sorted({*allowed_methods, "OPTIONS"}))
    patch_vary_headers(
        response, ("Origin", "Access-Control-Request-Method", "Access-Control-Request-Headers")
    )
    wanted_method = request.headers.get("Access-Control-Request-Method", "").upper()
    wanted_headers = {
        name.strip().lower()
        for name in request.headers.get("Access-Control-Request-Headers", "").split(",")
        if name.strip()
    }
    if (
        wanted_method in ("GET", "HEAD")
        and wanted_method in allowed_methods
        and wanted_headers <= CORS_REQUEST_HEADERS
        and "Authorization" not in request.headers
    ):
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Allow-Methods"] = ", ".join(CORS_METHODS)
        if wanted_headers:
            response["Access-Control-Allow-Headers"] = ", ".join(sorted(wanted_headers))
        response["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE)
    return response
