"""HTTP hardening (issue #12, point 10): no versions in headers, no TRACE, the admin only from
allowed networks, private pages never cached; and the client address behind trusted proxies."""

from __future__ import annotations

import io
import re
from http.client import HTTPConnection
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from pytest_django.live_server_helper import LiveServer

from isi.accounts.models import User
from isi.api.throttling import client_ip
from isi.core import network
from isi.core.middleware import PRIVATE

VERSION = re.compile(r"\d+\.\d+|python|django|wsgiserver", re.IGNORECASE)
PAGES = ["/", "/massnahmen/", "/daten/", "/konto/anmelden/", "/api/v1/measures", "/gibt-es-nicht/"]


# --- Server header ---------------------------------------------------------------------------


def wsgi_headers(path: str, method: str = "GET", **environ: str) -> tuple[str, list[tuple[str, str]]]:
    from isi.wsgi import application

    captured: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        captured["status"], captured["headers"] = status, headers
        return lambda data: None

    env = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": io.StringIO(),
        "wsgi.url_scheme": "http",
        **environ,
    }
    result = application(env, start_response)
    try:
        b"".join(result)
    finally:
        getattr(result, "close", lambda: None)()
    return captured["status"], captured["headers"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_the_wsgi_application_names_no_versions(path: str) -> None:
    _status, headers = wsgi_headers(path)
    names = {name.lower(): value for name, value in headers}
    assert names.get("server") == "ISI"
    assert "x-powered-by" not in names
    for name in ("server", "x-powered-by", "via"):
        assert not VERSION.search(names.get(name, "")), (name, names.get(name))


@pytest.mark.django_db
def test_under_gunicorn_its_own_version_free_header_is_not_doubled() -> None:
    _status, headers = wsgi_headers("/gibt-es-nicht/", SERVER_SOFTWARE="gunicorn/27.0.1")
    assert "server" not in {name.lower() for name, _value in headers}


@pytest.mark.django_db(transaction=True)
def test_the_development_server_names_no_python_version(live_server: LiveServer) -> None:
    # runserver, `isi demo` and the live test server are wsgiref: also its own answers (static
    # files) and the application's must not say "WSGIServer/0.2 CPython/3.x".
    url = urlsplit(live_server.url)
    for method, path in (("GET", "/gibt-es-nicht/"), ("GET", "/static/isi/isi.css"), ("TRACE", "/")):
        connection = HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=30)
        try:
            connection.request(method, path)
            response = connection.getresponse()
            response.read()
            server = response.headers.get_all("Server")
        finally:
            connection.close()
        assert server == ["ISI"], (path, server)


# --- TRACE and friends -----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["TRACE", "TRACK", "CONNECT"])
@pytest.mark.parametrize("path", [*PAGES, "/admin/", "/static/isi/isi.css"])
def test_trace_track_and_connect_are_refused_everywhere(method: str, path: str) -> None:
    response = Client().generic(method, path)
    assert response.status_code == 405
    allowed = {m.strip() for m in response["Allow"].split(",")}
    assert "GET" in allowed and not allowed & {"TRACE", "TRACK", "CONNECT"}


@pytest.mark.django_db
def test_ordinary_methods_still_work() -> None:
    assert Client().get("/").status_code == 200
    assert Client().head("/").status_code == 200
    assert Client().options("/api/v1/measures").status_code in (200, 204, 405)


# --- the admin allow-list --------------------------------------------------------------------


@pytest.fixture
def admin_user(db: None) -> User:
    return User.objects.create_superuser(username="chefin", password="x", role=User.Role.ADMIN)


def admin_client(user: User, address: str, **headers: str) -> Client:
    client = Client(REMOTE_ADDR=address, headers=headers)
    client.force_login(user)
    return client


@pytest.mark.parametrize("address", ["127.0.0.1", "127.0.0.5", "::1"])
def test_admin_answers_on_this_machine(admin_user: User, address: str) -> None:
    assert admin_client(admin_user, address).get("/admin/").status_code == 200


@pytest.mark.parametrize("address", ["203.0.113.7", "10.1.2.3", "2001:db8::1", "unknown", ""])
def test_admin_is_not_found_from_elsewhere(admin_user: User, address: str) -> None:
    client = admin_client(admin_user, address)
    assert client.get("/admin/").status_code == 404
    assert client.get("/admin/accounts/user/").status_code == 404
    assert client.get("/admin").status_code == 404  # not even the slash redirect
    assert client.post("/admin/login/", {"username": "chefin", "password": "x"}).status_code == 404
    assert Client(REMOTE_ADDR=address).get("/admin/login/").status_code == 404


@override_settings(ISI_ADMIN_ALLOWED_NETWORKS=["10.0.0.0/8", "2001:db8::/32"])
def test_admin_networks_are_configurable(admin_user: User) -> None:
    assert admin_client(admin_user, "10.1.2.3").get("/admin/").status_code == 200
    assert admin_client(admin_user, "2001:db8::1").get("/admin/").status_code == 200
    assert admin_client(admin_user, "127.0.0.1").get("/admin/").status_code == 404


@override_settings(ISI_ADMIN_ENABLED=False)
def test_admin_can_be_switched_off(admin_user: User) -> None:
    assert admin_client(admin_user, "127.0.0.1").get("/admin/").status_code == 404


def test_admin_behind_a_proxy_uses_the_forwarded_address_only_from_trusted_proxies(admin_user: User) -> None:
    # A proxy on this machine that ISI was not told about: the real client is unknown, so no admin.
    assert (
        admin_client(admin_user, "127.0.0.1", X_FORWARDED_FOR="203.0.113.7").get("/admin/").status_code == 404
    )
    with override_settings(ISI_API_TRUSTED_PROXIES=["127.0.0.1"], ISI_ADMIN_ALLOWED_NETWORKS=["10.0.0.0/8"]):
        inside = admin_client(admin_user, "127.0.0.1", X_FORWARDED_FOR="10.9.9.9")
        assert inside.get("/admin/").status_code == 200
        outside = admin_client(admin_user, "127.0.0.1", X_FORWARDED_FOR="10.9.9.9, 203.0.113.7")
        assert outside.get("/admin/").status_code == 404  # the client wrote 10.9.9.9 itself
        direct = admin_client(admin_user, "203.0.113.8", X_FORWARDED_FOR="10.9.9.9")
        assert direct.get("/admin/").status_code == 404  # not from the proxy: no belief


# --- Cache-Control -----------------------------------------------------------------------------


@pytest.fixture
def signed_in(db: None) -> Client:
    user = User.objects.create_user(username="leser", password="x", role="reader")
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "path", ["/", "/massnahmen/", "/arbeitsbereich/", "/daten/massnahmen.csv", "/gibt-es-nicht/"]
)
def test_every_response_to_a_signed_in_user_is_private(signed_in: Client, path: str) -> None:
    response = signed_in.get(path)
    assert "no-store" in response["Cache-Control"] and "public" not in response["Cache-Control"]


@pytest.mark.django_db
def test_responses_setting_a_csrf_cookie_are_private() -> None:
    response = Client().get("/feedback/")
    assert "csrftoken" in response.cookies  # the feedback form sets the CSRF cookie
    assert response["Cache-Control"] == PRIVATE


@pytest.mark.django_db
def test_sign_in_response_is_private() -> None:
    User.objects.create_user(username="leser", password="richtig-langes-passwort", role="reader")
    response = Client().post(
        reverse("accounts:login"), {"username": "leser", "password": "richtig-langes-passwort"}
    )
    assert response.status_code == 302 and "sessionid" in response.cookies
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives  # never_cache of the sign-in view says more


@pytest.mark.django_db
def test_anonymous_public_pages_stay_cacheable() -> None:
    response = Client().get("/daten/katalog.ttl")
    assert response["Cache-Control"] == "public, max-age=300"
    assert not response.cookies


@pytest.mark.django_db
def test_an_existing_no_store_is_kept() -> None:
    from django.http import HttpResponse

    from isi.core.middleware import PrivateCacheMiddleware

    request = RequestFactory().get("/")
    response = HttpResponse()
    response["Cache-Control"] = "no-store, max-age=0"
    response.set_cookie("csrftoken", "x")
    assert PrivateCacheMiddleware(lambda r: response)(request)["Cache-Control"] == "no-store, max-age=0"


# --- client address behind proxies -----------------------------------------------------------


def request_from(remote: str, forwarded: str = "") -> Any:
    meta = {"REMOTE_ADDR": remote}
    if forwarded:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


def test_forwarded_for_is_ignored_without_trusted_proxies() -> None:
    with override_settings(ISI_API_TRUSTED_PROXIES=[]):
        assert client_ip(request_from("192.0.2.1", "203.0.113.9")) == "192.0.2.1"


@override_settings(ISI_API_TRUSTED_PROXIES=["192.0.2.0/24", "::1"])
def test_forwarded_for_is_believed_only_from_trusted_proxies() -> None:
    assert client_ip(request_from("192.0.2.1", "203.0.113.9")) == "203.0.113.9"
    # What the client wrote itself stands left of what the proxy added.
    assert client_ip(request_from("192.0.2.1", "1.1.1.1, 203.0.113.9")) == "203.0.113.9"
    # Chained trusted proxies are skipped from the right.
    assert client_ip(request_from("192.0.2.1", "203.0.113.9, 192.0.2.7")) == "203.0.113.9"
    assert client_ip(request_from("::1", "[2001:db8::5]:4711")) == "2001:db8::5"
    # From anyone else the header is a lie the caller could pick freely.
    assert client_ip(request_from("198.51.100.4", "203.0.113.9")) == "198.51.100.4"
    # Two anonymous callers behind the proxy count separately.
    assert client_ip(request_from("192.0.2.1", "203.0.113.1")) != client_ip(
        request_from("192.0.2.1", "203.0.113.2")
    )


def test_addresses_are_parsed_strictly() -> None:
    assert network.parse_address("::ffff:10.0.0.1") == network.parse_address("10.0.0.1")
    assert network.parse_address("10.0.0.1:8080") == network.parse_address("10.0.0.1")
    assert network.parse_address("unknown") is None
    assert not network.in_networks("", ["0.0.0.0/0"])
