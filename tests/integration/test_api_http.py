"""HTTP behaviour of the API: conditional GET, CORS, rate limits, JSON errors, schema and docs."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

from isi.api import measures as measures_module
from isi.measures.models import Measure
from tests.api.support import API, client_for, make_user, make_world

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.api_urls")]


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()


@pytest.fixture
def world() -> dict[str, Measure]:
    return make_world()


# --- ETag and Last-Modified -----------------------------------------------------------------


@pytest.mark.parametrize("path", ["/measures", "/measures/{id}", "/catalogues", "/organisations", "/themes"])
def test_etag_and_304(world: dict[str, Measure], path: str) -> None:
    url = API + path.format(id=world["bmi_public"].pk)
    client = Client()
    first = client.get(url)
    assert first.status_code == 200
    etag = first["ETag"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag)
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert client.get(url, headers={"If-None-Match": '"anders"'}).status_code == 200


@pytest.mark.parametrize("path", ["/measures", "/measures/{id}"])
def test_last_modified_and_if_modified_since(world: dict[str, Measure], path: str) -> None:
    url = API + path.format(id=world["bmi_public"].pk)
    client = Client()
    first = client.get(url)
    last_modified = first["Last-Modified"]
    assert last_modified.endswith("GMT")
    assert client.get(url, headers={"If-Modified-Since": last_modified}).status_code == 304
    assert client.get(url, headers={"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}).status_code == 200


def test_a_change_changes_the_etag(world: dict[str, Measure]) -> None:
    measure = world["bmi_public"]
    url = f"{API}/measures/{measure.pk}"
    etag = Client().get(url)["ETag"]
    response = client_for("bmi").patch(url, {"version": 1, "summary": "Neu"}, content_type="application/json")
    assert response.status_code == 200
    fresh = Client().get(url, headers={"If-None-Match": etag})
    assert fresh.status_code == 200
    assert fresh["ETag"] != etag


def test_responses_vary_by_caller(world: dict[str, Measure]) -> None:
    response = Client().get(f"{API}/measures")
    vary = {part.strip() for part in response["Vary"].split(",")}
    assert {"Accept-Language", "Authorization", "Cookie"} <= vary
    assert response["Cache-Control"].startswith("public")
    assert client_for("bmi").get(f"{API}/measures")["Cache-Control"].startswith("private")


def test_head_is_get_without_body(world: dict[str, Measure]) -> None:
    response = Client().head(f"{API}/measures")
    assert response.status_code == 200
    assert response.content == b""
    assert response["ETag"]


# --- CORS -----------------------------------------------------------------------------------


def test_cors_for_anonymous_get(world: dict[str, Measure]) -> None:
    response = Client().get(f"{API}/measures", headers={"Origin": "https://example.org"})
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]


def test_no_cors_for_token_callers(world: dict[str, Measure]) -> None:
    response = client_for("bmi").get(f"{API}/measures", headers={"Origin": "https://example.org"})
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response


def test_no_cors_for_cookie_callers(world: dict[str, Measure]) -> None:
    client = Client()
    client.force_login(make_user("bmi"))
    response = client.get(f"{API}/measures", headers={"Origin": "https://example.org"})
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response


def test_no_cors_for_unsafe_methods(world: dict[str, Measure]) -> None:
    response = Client().post(
        f"{API}/finder",
        {"nationality": "eu"},
        content_type="application/json",
        headers={"Origin": "https://x.org"},
    )
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response
    patched = Client().patch(
        f"{API}/measures/{world['bmi_public'].pk}", {"version": 1}, content_type="application/json"
    )
    assert patched.status_code == 401
    assert "Access-Control-Allow-Origin" not in patched


def preflight(path: str, method: str, headers: str = "") -> Any:
    extra = {"Origin": "https://example.org", "Access-Control-Request-Method": method}
    if headers:
        extra["Access-Control-Request-Headers"] = headers
    return Client().options(f"{API}{path}", headers=extra)


def test_preflight_for_get_is_allowed(world: dict[str, Measure]) -> None:
    response = preflight("/measures", "GET", "if-none-match")
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response["Access-Control-Allow-Methods"]
    assert "PATCH" not in response["Access-Control-Allow-Methods"]
    assert "if-none-match" in response["Access-Control-Allow-Headers"]


@pytest.mark.parametrize(
    ("path", "method", "headers"),
    [
        ("/measures/1", "PATCH", "content-type"),
        ("/measures", "POST", "content-type"),
        ("/finder", "POST", "content-type"),
        ("/measures", "GET", "authorization"),
    ],
)
def test_preflight_for_anything_else_is_not_approved(path: str, method: str, headers: str) -> None:
    response = preflight(path, method, headers)
    assert response.status_code == 204
    assert "Access-Control-Allow-Origin" not in response


def test_options_lists_the_methods(world: dict[str, Measure]) -> None:
    response = Client().options(f"{API}/measures/{world['bmi_public'].pk}")
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "HEAD", "PATCH", "OPTIONS"}


# --- rate limits ----------------------------------------------------------------------------


@override_settings(ISI_API_RATE="3/min")
def test_rate_limit_gives_429_with_retry_after(world: dict[str, Measure]) -> None:
    client = Client()
    statuses = [client.get(f"{API}/measures").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = client.get(f"{API}/catalogues")
    assert limited.status_code == 429
    assert limited["Content-Type"].startswith("application/json")
    assert "Zu viele Anfragen" in limited.json()["detail"]
    assert 1 <= int(limited["Retry-After"]) <= 60


@override_settings(ISI_API_RATE="2/min")
def test_rate_limit_is_per_caller(world: dict[str, Measure]) -> None:
    anonymous, bmi, bmas = Client(), client_for("bmi"), client_for("bmas")
    for _ in range(2):
        assert anonymous.get(f"{API}/measures").status_code == 200
    assert anonymous.get(f"{API}/measures").status_code == 429
    assert bmi.get(f"{API}/measures").status_code == 200
    assert bmas.get(f"{API}/measures").status_code == 200
    other_ip = Client(REMOTE_ADDR="10.1.2.3")
    assert other_ip.get(f"{API}/measures").status_code == 200


@override_settings(ISI_API_RATE="2/min")
def test_forwarded_for_is_not_believed_without_trusted_proxies(world: dict[str, Measure]) -> None:
    for index in range(2):
        assert (
            Client().get(f"{API}/measures", headers={"X-Forwarded-For": f"10.0.0.{index}"}).status_code == 200
        )
    assert Client().get(f"{API}/measures", headers={"X-Forwarded-For": "10.0.0.9"}).status_code == 429


@override_settings(ISI_API_RATE="")
def test_rate_limit_can_be_switched_off(world: dict[str, Measure]) -> None:
    client = Client()
    assert all(client.get(f"{API}/themes").status_code == 200 for _ in range(5))


# --- JSON errors ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/gibt-es-nicht",
        "/measures/abc",
        "/measures/99999999",
        "/measures/",
        "/organisations/%00",
        "/organisations/gibt-es-nicht",
    ],
)
def test_not_found_is_json(world: dict[str, Measure], path: str) -> None:
    response = Client().get(API + path)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "Nicht gefunden."}


def test_not_found_in_english() -> None:
    response = Client().get(f"{API}/nope", headers={"Accept-Language": "en"})
    assert response.json() == {"detail": "Not found."}


def test_huge_ids_are_404(world: dict[str, Measure]) -> None:
    assert Client().get(f"{API}/measures/{2**70}").status_code == 404


@pytest.mark.parametrize(
    ("method", "path"),
    [("delete", "/measures/1"), ("put", "/measures"), ("get", "/finder"), ("post", "/openapi.json")],
)
def test_wrong_method_is_405_json(world: dict[str, Measure], method: str, path: str) -> None:
    response = getattr(Client(), method)(API + path)
    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]
    assert response["Allow"]


def test_server_error_is_json(world: dict[str, Measure], monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("kaputt")

    monkeypatch.setattr(measures_module, "measure_item", broken)
    response = Client(raise_request_exception=False).get(f"{API}/measures")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    assert "kaputt" not in response.json()["detail"]


def test_malformed_json_body_is_json_error(world: dict[str, Measure]) -> None:
    response = client_for("bmi").patch(
        f"{API}/measures/{world['bmi_draft'].pk}", "{kein json", content_type="application/json"
    )
    assert response.status_code in (400, 422)
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]


# --- schema and docs ------------------------------------------------------------------------


def test_openapi_schema_lists_the_operations() -> None:
    response = Client().get(f"{API}/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    paths = schema["paths"]
    assert set(paths["/api/v1/measures"]) == {"get", "post"}
    assert set(paths["/api/v1/measures/{measure_id}"]) == {"get", "patch"}
    for path in (
        "/api/v1/organisations",
        "/api/v1/organisations/{key}",
        "/api/v1/catalogues",
        "/api/v1/themes",
        "/api/v1/finder",
    ):
        assert path in paths
    assert set(paths["/api/v1/similar"]) == {"post"}
    security = schema["components"]["securitySchemes"]
    assert security["BearerToken"] == {"type": "http", "scheme": "bearer"}
    assert {} in paths["/api/v1/measures"]["get"]["security"]


def test_docs_page_needs_no_other_host() -> None:
    client = Client()
    response = client.get(f"{API}/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/api/v1/openapi.json" in html
    assert "GET" in html and "/api/v1/measures" in html  # the server-rendered list
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources
    for source in sources:
        assert source.startswith("/"), source
        if "/docs/assets/" in source:
            asset = client.get(source)
            assert asset.status_code == 200, source
            assert asset.content
    assert '"validatorUrl": null' in html


def test_index_points_to_schema_and_docs() -> None:
    body = Client().get(f"{API}/").json()
    assert body["openapi"] == "/api/v1/openapi.json"
    assert body["docs"] == "/api/v1/docs"
