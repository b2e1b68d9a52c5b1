"""Conditional GET: ETag on every successful read, Last-Modified where the data has a date.

The ETag is the SHA-256 of the response body, so it changes exactly when what the caller sees
changes – including a change of language or of the caller's rights. Endpoints that know when
their data last changed (measure list and detail) also set Last-Modified via
``set_last_modified``; the anonymous list derives it without a second full-text query (the
page's measures and a per-snapshot value, see ``isi.api.measures``), so it may move more often
than the list's own content, never less. ``If-None-Match`` takes precedence over
``If-Modified-Since`` (RFC 9110); both answer 304 without a body.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe

# The response depends on who asks (rights) and in which language.
VARY = ("Accept-Language", "Authorization", "Cookie")
ANONYMOUS_MAX_AGE = 60


def set_last_modified(response: HttpResponse, moment: datetime | None) -> None:
    if moment is not None:
        response["Last-Modified"] = http_date(moment.timestamp())


def body_etag(content: bytes) -> str:
    return '"' + hashlib.sha256(content).hexdigest()[:32] + '"'


def conditional(request: HttpRequest, response: HttpResponseBase, *, anonymous: bool) -> HttpResponseBase:
    """Add validators and cache headers to a successful read; answer 304 when the client is current."""
    if request.method not in ("GET", "HEAD") or response.status_code != 200:
        return response
    if not isinstance(response, HttpResponse) or response.streaming:
        return response
    patch_vary_headers(response, VARY)
    if not response.has_header("Cache-Control"):
        response["Cache-Control"] = (
            f"public, max-age={ANONYMOUS_MAX_AGE}" if anonymous else "private, no-cache"
        )
    if not response.has_header("ETag"):
        response["ETag"] = body_etag(response.content)
    last_modified = (
        parse_http_date_safe(response["Last-Modified"]) if response.has_header("Last-Modified") else None
    )
    conditional_response = get_conditional_response(
        request, etag=response["ETag"], last_modified=last_modified, response=response
    )
    return conditional_response if conditional_response is not None else response
