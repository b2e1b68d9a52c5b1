"""HTTP hardening for every URL (issue #12): no version in the Server header, no TRACE, the admin
only from allowed networks, and nothing private in shared or browser caches.

Registered in ``settings.MIDDLEWARE``; each class says where it has to sit there and why.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponseNotAllowed
from django.http.response import HttpResponseBase
from django.urls import NoReverseMatch, URLResolver, get_resolver, get_script_prefix, get_urlconf, reverse

from isi.core import network

GetResponse = Callable[[HttpRequest], HttpResponseBase]

SERVER = "ISI"
REFUSED_METHODS = frozenset({"TRACE", "TRACK", "CONNECT"})
ALLOWED_METHODS = ("GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE")
PRIVATE = "private, no-store"


class ServerHeaderMiddleware:
    """`Server: ISI` on every response, without product versions.

    WSGI servers built on wsgiref (``runserver``, ``isi demo``, the live test server) add
    ``Server: WSGIServer/0.2 CPython/3.x.y`` unless the application names a server itself. Their
    own answers that never reach the application (static files of the development server,
    malformed requests) are given the same version-free name here, once, when the application
    is loaded. gunicorn (``isi serve``) sends its own version-free ``Server: gunicorn`` whatever
    the application says; there the header is left to it rather than sent twice.
    """

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response
        _hide_development_server_version()

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if not str(request.META.get("SERVER_SOFTWARE", "")).startswith("gunicorn"):
            response.headers["Server"] = SERVER
        return response


def _hide_development_server_version() -> None:
    from django.core.servers import basehttp

    basehttp.ServerHandler.server_software = SERVER
    basehttp.WSGIRequestHandler.server_version = SERVER
    basehttp.WSGIRequestHandler.sys_version = ""
    basehttp.WSGIRequestHandler.version_string = lambda self: SERVER  # type: ignore[method-assign]


class RefuseMethodsMiddleware:
    """TRACE, TRACK and CONNECT get 405 with an Allow header, for every URL (cross-site tracing).

    Sits right after SecurityMiddleware, before anything that could answer them.
    """

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if str(request.method).upper() in REFUSED_METHODS:
            return HttpResponseNotAllowed(ALLOWED_METHODS)
        return self.get_response(request)


class AdminAccessMiddleware:
    """The Django admin answers 404 unless ``ISI_ADMIN_ENABLED`` and the client address is in
    ``ISI_ADMIN_ALLOWED_NETWORKS`` (default: this machine only).

    The client address is ``REMOTE_ADDR``, or behind ``ISI_API_TRUSTED_PROXIES`` the forwarded
    one (isi.core.network). A request that names a forwarded client without coming through a
    trusted proxy is refused: behind a proxy ISI was not told about, REMOTE_ADDR is the proxy's
    (often 127.0.0.1) and would let the whole internet in. Sits before CommonMiddleware, so that
    "/admin" is not even redirected to "/admin/" from outside.
    """

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if self.is_admin(request.path_info) and not admin_allowed(request):
            raise Http404("admin")
        return self.get_response(request)

    @staticmethod
    def is_admin(path: str) -> bool:
        """Whether ``path`` (a ``path_info``: without the script prefix) is in the admin."""
        prefix = admin_prefix()
        if prefix is None:
            return False
        return path.startswith(prefix) or path == prefix.rstrip("/")


_admin_prefix: tuple[URLResolver, str | None] | None = None


def admin_prefix() -> str | None:
    """The admin's address below the script prefix ("/admin/"), None if it is not mounted
    (ISI_ADMIN_ENABLED=false).

    Found once per URLconf (a new one after ``clear_url_caches()``), not with a reverse() on every
    request. Without the script prefix, because it is compared with ``path_info``: deployed under
    a path (``SCRIPT_NAME=/isi``) reverse() says "/isi/admin/" while ``path_info`` is "/admin/",
    which would let every address into the admin.
    """
    global _admin_prefix
    resolver = get_resolver(get_urlconf())
    known = _admin_prefix
    if known is not None and known[0] is resolver:
        return known[1]
    try:
        full = reverse("admin:index", urlconf=get_urlconf())
    except NoReverseMatch:
        prefix = None
    else:
        script = get_script_prefix()
        prefix = "/" + full.removeprefix(script) if full.startswith(script) else full
    _admin_prefix = (resolver, prefix)
    return prefix


def admin_allowed(request: HttpRequest) -> bool:
    if not getattr(settings, "ISI_ADMIN_ENABLED", True):
        return False
    if network.forwarded_by_stranger(request):
        return False
    allowed = getattr(settings, "ISI_ADMIN_ALLOWED_NETWORKS", ("127.0.0.0/8", "::1/128"))
    return network.in_networks(network.client_address(request), allowed)


class PrivateCacheMiddleware:
    """``Cache-Control: private, no-store`` on every response to a signed-in user and on every
    response that sets a cookie (session, CSRF, language …), unless it already says no-store.

    Sits outside SessionMiddleware and CsrfViewMiddleware (before them in MIDDLEWARE), so that it
    sees the cookies they add on the way out; ``request.user`` is set by then.
    """

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if "no-store" not in response.get("Cache-Control", "").lower() and is_private(request, response):
            response.headers["Cache-Control"] = PRIVATE
        return response


def is_private(request: HttpRequest, response: HttpResponseBase) -> bool:
    if response.cookies:
        return True
    # Without a session cookie nobody is signed in; leave the session untouched then.
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    user = getattr(request, "user", None)
    return user is None or bool(user.is_authenticated)
