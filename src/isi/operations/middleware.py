"""Per request: a request id, one JSON log line, metrics, and 503 instead of 500 when the database
is gone.

``RequestMiddleware`` sits right inside ``ServerHeaderMiddleware`` (settings.MIDDLEWARE), so it
sees every answer of the rest of the stack:

- request id: ``X-Request-ID`` from a trusted reverse proxy (ISI_API_TRUSTED_PROXIES) when it
  looks like one, else a new one; on the request (``request.request_id``), in the response
  header ``X-Request-ID``, on the error pages and in the log line.
- one JSON line per request on the logger ``isi.requests``: request id, method, path (never the
  query string: search terms and finder answers are not logged), view (route name), status,
  duration, database time and query count, user id (only when the request already knew it;
  the log line never costs a database query).
- metrics (isi.operations.metrics): latency, status, queries per view.
- database outage: an OperationalError/InterfaceError anywhere below (view, template, another
  middleware, the API's own error handler) becomes 503 with ``Retry-After`` instead of 500.
- /healthz and /readyz are answered here, before sessions, host checks or sign-in run.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import sys
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.functional import LazyObject, empty

from isi.core import network
from isi.core.outage import UNAVAILABLE, is_database_unavailable
from isi.operations import metrics, views

GetResponse = Callable[[HttpRequest], HttpResponseBase]

requests_log = logging.getLogger("isi.requests")

REQUEST_ID_HEADER = "X-Request-ID"
VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
PROBES: dict[str, tuple[str, Callable[[HttpRequest], HttpResponse]]] = {
    "/healthz": ("operations:healthz", views.healthz),
    "/readyz": ("operations:readyz", views.readyz),
}


def new_request_id() -> str:
    return uuid.uuid4().hex


def request_id_for(request: HttpRequest) -> str:
    given = str(request.headers.get(REQUEST_ID_HEADER, "")).strip()
    if given and VALID_REQUEST_ID.fullmatch(given) and network.from_trusted_proxy(request):
        return given
    return new_request_id()


class QueryCounter:
    """A database execute wrapper: counts queries and their time, never looks at the SQL."""

    def __init__(self) -> None:
        self.count = 0
        self.seconds = 0.0
        self.unavailable = False

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        except UNAVAILABLE:
            self.unavailable = True
            raise
        finally:
            self.count += 1
            self.seconds += time.perf_counter() - started


def mark_database_error(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    """got_request_exception receiver: remember that the request failed on the database."""
    if request is not None and is_database_unavailable(sys.exc_info()[1]):
        request._isi_database_unavailable = True  # type: ignore[attr-defined]


def database_reachable() -> bool:
    """A fresh connection attempt (after an error was seen on this request's connection)."""
    conn = connections[DEFAULT_DB_ALIAS]
    if conn.in_atomic_block:  # a test's transaction: do not close it
        return True
    with contextlib.suppress(DatabaseError):
        conn.close()
    try:
        conn.ensure_connection()
    except DatabaseError:
        return False
    return True


def failed_on_database(request: HttpRequest, counter: QueryCounter) -> bool:
    if getattr(request, "_isi_database_unavailable", False) or counter.unavailable:
        return True
    # A connection that failed to open passed no query; the connection remembers the error.
    if any(conn.errors_occurred for conn in connections.all(initialized_only=True)):
        return not database_reachable()
    return False


def view_name(request: HttpRequest, status: int) -> str:
    match = getattr(request, "resolver_match", None)
    if match is not None and match.view_name:
        return str(match.view_name)[:100]
    return "<unresolved>" if status == 404 else "<none>"


def user_id(request: HttpRequest) -> int | None:
    """The signed-in user's id if the request has already looked it up (no query for the log)."""
    caller = getattr(request, "auth", None)  # API: isi.api.auth.Caller
    user = getattr(caller, "user", None)
    if user is not None:
        return int(user.pk)
    lazy = request.__dict__.get("user")
    if lazy is None:
        return None
    # AuthenticationMiddleware's lazy user, or the user itself once login() has replaced it.
    wrapped = lazy.__dict__.get("_wrapped", empty) if isinstance(lazy, LazyObject) else lazy
    if wrapped is empty or not getattr(wrapped, "is_authenticated", False):
        return None
    return int(wrapped.pk)


class RequestMiddleware:
    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        started = time.perf_counter()
        request.request_id = request_id_for(request)  # type: ignore[attr-defined]
        counter = QueryCounter()
        probe = PROBES.get(request.path_info)
        with connections[DEFAULT_DB_ALIAS].execute_wrapper(counter):
            if probe is not None:
                name, answer = probe
                response: HttpResponseBase = answer(request)
            else:
                name = ""
                response = self.get_response(request)
                if response.status_code == 500 and failed_on_database(request, counter):
                    response = views.database_unavailable(request)
        response.headers[REQUEST_ID_HEADER] = request.request_id  # type: ignore[attr-defined]
        name = name or view_name(request, response.status_code)
        duration = time.perf_counter() - started
        self.record(request, response, name, duration, counter)
        return response

    @staticmethod
    def record(
        request: HttpRequest, response: HttpResponseBase, name: str, duration: float, counter: QueryCounter
    ) -> None:
        method = str(request.method or "-")[:10]
        status = response.status_code
        try:
            metrics.REQUEST_SECONDS.labels(view=name, method=method).observe(duration)
            metrics.RESPONSES.labels(view=name, method=method, status=str(status)).inc()
            metrics.REQUEST_QUERIES.labels(view=name).observe(counter.count)
            metrics.REQUEST_DB_SECONDS.labels(view=name).observe(counter.seconds)
        except Exception:  # metrics must never break a request
            requests_log.exception("metrics failed")
        if not requests_log.isEnabledFor(logging.INFO):
            return
        line = {
            "ts": timezone.now().isoformat(timespec="milliseconds"),
            "request_id": getattr(request, "request_id", ""),
            "method": method,
            "path": request.path[:300],
            "view": name,
            "status": status,
            "duration_ms": round(duration * 1000, 1),
            "db_ms": round(counter.seconds * 1000, 1),
            "db_queries": counter.count,
            "user_id": user_id(request),
        }
        requests_log.info(json.dumps(line, ensure_ascii=False))
