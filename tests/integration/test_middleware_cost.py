"""The middleware stack's cost per request (issue #13) and the admin allow-list it keeps: no database
query for an anonymous visitor, the admin's address found once, and found right when ISI is
deployed under a path (SCRIPT_NAME)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import clear_url_caches, set_script_prefix

from isi.core import middleware


def _wsgi_get(path: str, *, script_name: str, address: str) -> tuple[str, str | None]:
    """A GET through Django's real WSGI handler, which sets the script prefix (the test client does not)."""
    environ = RequestFactory(HTTP_HOST="localhost", REMOTE_ADDR=address).get(path).environ
    environ.update(PATH_INFO=path, SCRIPT_NAME=script_name)
    answer: list[tuple[str, str | None]] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        answer.append((status, dict(headers).get("Location")))

    try:
        response = WSGIHandler()(environ, start_response)
        response.close()
    finally:
        set_script_prefix("/")  # the handler leaves it set for this thread
    return answer[0]


@pytest.mark.django_db
@pytest.mark.parametrize("script_name", ["", "/isi"])
def test_admin_stays_closed_to_other_addresses_when_deployed_under_a_path(script_name: str) -> None:
    status, _ = _wsgi_get("/admin/", script_name=script_name, address="203.0.113.9")
    assert status.startswith("404")
    status, _ = _wsgi_get("/admin/login/", script_name=script_name, address="203.0.113.9")
    assert status.startswith("404")
    status, location = _wsgi_get("/admin/", script_name=script_name, address="127.0.0.1")
    assert status.startswith("302") and location == f"{script_name}/admin/login/?next={script_name}/admin/"


def test_the_admin_address_is_found_once_per_url_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_url_caches()
    assert middleware.admin_prefix() == "/admin/"
    calls: list[str] = []

    def reverse(*args: Any, **kwargs: Any) -> str:
        calls.append("reverse")
        return "/x/"

    monkeypatch.setattr(middleware, "reverse", reverse)
    assert middleware.AdminAccessMiddleware.is_admin("/admin/accounts/")
    assert middleware.AdminAccessMiddleware.is_admin("/admin")
    assert not middleware.AdminAccessMiddleware.is_admin("/massnahmen/")
    assert calls == []
    clear_url_caches()  # a new URLconf (override_settings(ROOT_URLCONF=…), a reload): looked up again
    assert middleware.admin_prefix() == "/x/"
    assert calls == ["reverse"]
    monkeypatch.undo()
    clear_url_caches()
    assert middleware.admin_prefix() == "/admin/"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/impressum/", "/barrierefreiheit/", "/gibt-es-nicht/"])
def test_no_middleware_queries_the_database_for_an_anonymous_visitor(path: str) -> None:
    client = Client()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code in (200, 404)
    # Those pages read nothing themselves: every query would be the stack's (session, user, axes …).
    assert [q["sql"] for q in queries.captured_queries] == []
