"""Every API error is JSON in the ErrorOut shape, German by default (issue #12, points 7 and 10).

Odd digits in query parameters, oversize bodies, bodies that are not JSON, deep JSON, a
Content-Length that is no number, unknown paths, wrong methods and too many requests.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import clear_url_caches

from isi.api.api import api
from isi.measures.models import Measure
from tests.api.support import API, client_for, make_world, valid_new_measure

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.api_urls")]

ODD_DIGITS = ["²", "١٢", "１２", "1²", "٣", "9" * 5000]
BIG = 2_700_000  # above Django's DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MiB) and the API's 1 MiB


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()


@pytest.fixture
def world() -> dict[str, Measure]:
    return make_world()


def assert_error(response: Any, status: int, *, german: bool = True) -> dict[str, Any]:
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    assert isinstance(body["detail"], str) and body["detail"]
    assert set(body) <= {"detail", "errors", "results", "current_version", "your_version", "changes"}
    for error in body.get("errors", []):
        assert set(error) >= {"message"}
    if german:
        assert "Cannot parse" not in body["detail"]
    return body


# --- point 7: digits ----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["anonymous", "bmi"])
@pytest.mark.parametrize("digits", ODD_DIGITS)
@pytest.mark.parametrize("template", ["phase={}", "theme=1.{}", "theme={}.1", "theme={}"])
def test_odd_digits_in_filters_are_no_server_error(
    world: dict[str, Measure], who: str, digits: str, template: str
) -> None:
    response = client_for(who).get(f"{API}/measures", {"x": ""} | dict([template.format(digits).split("=")]))
    assert response.status_code == 200, response.content[:300]
    assert response.json()["count"] == 0


@pytest.mark.parametrize("digits", ["²", "١٢", "１２"])
@pytest.mark.parametrize("param", ["limit", "offset"])
def test_odd_digits_in_paging_are_a_german_422(world: dict[str, Measure], digits: str, param: str) -> None:
    body = assert_error(client_for("bmi").get(f"{API}/measures", {param: digits}), 422)
    assert body["errors"][0]["field"] == param
    assert body["errors"][0]["message"] == "Bitte eine ganze Zahl angeben."


def test_ascii_digits_still_filter(world: dict[str, Measure]) -> None:
    assert client_for("bmi").get(f"{API}/measures", {"phase": "1", "theme": "1.1"}).status_code == 200


# --- point 10: body size ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [("post", "/similar"), ("post", "/measures"), ("patch", "/measures/{id}"), ("post", "/finder")],
)
@pytest.mark.parametrize("who", ["anonymous", "bmi"])
def test_oversize_body_is_413_json(world: dict[str, Measure], method: str, path: str, who: str) -> None:
    url = API + path.format(id=world["bmi_draft"].pk)
    body = b'{"title": "' + b"x" * BIG + b'"}'
    response = getattr(client_for(who), method)(url, data=body, content_type="application/json")
    detail = assert_error(response, 413)["detail"]
    assert "zu groß" in detail and "höchstens" in detail


def test_body_just_above_the_api_limit_is_413(world: dict[str, Measure]) -> None:
    body = b'{"title": "' + b"x" * (1024 * 1024) + b'"}'
    response = client_for("bmi").post(f"{API}/similar", data=body, content_type="application/json")
    assert "1 MiB" in assert_error(response, 413)["detail"]


@override_settings(ISI_API_MAX_BODY_BYTES=100)
def test_the_limit_is_a_setting(world: dict[str, Measure]) -> None:
    body = b'{"title": "' + b"x" * 200 + b'"}'
    response = client_for("bmi").post(f"{API}/similar", data=body, content_type="application/json")
    assert "100 Bytes" in assert_error(response, 413)["detail"]


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=50)
def test_djangos_own_limit_is_413_too(world: dict[str, Measure]) -> None:
    body = b'{"title": "' + b"x" * 200 + b'"}'
    response = client_for("bmi").post(f"{API}/similar", data=body, content_type="application/json")
    assert_error(response, 413)


def test_a_content_length_that_is_no_number_is_400(world: dict[str, Measure]) -> None:
    response = client_for("bmi").generic(
        "POST", f"{API}/similar", b'{"title": "x"}', content_type="application/json", CONTENT_LENGTH="²"
    )
    assert_error(response, 400)


def test_the_limit_is_documented() -> None:
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    assert "höchstens 1 MiB" in schema["info"]["description"]
    for path, item in schema["paths"].items():
        for method, spec in item.items():
            if "requestBody" in spec:
                assert {400, 413, 415} <= set(spec["responses"]), (method, path)


# --- point 7: every error is JSON in the ErrorOut shape ---------------------------------------


@pytest.mark.parametrize(
    "body",
    [b"{not json", b'{"title": "\xff"}', b"[" * 100_000, b"[" * 500 + b"]" * 500, b'{"title": ' * 200 + b"1"],
)
@pytest.mark.parametrize("path", ["/similar", "/measures"])
def test_malformed_json_is_a_german_400(world: dict[str, Measure], body: bytes, path: str) -> None:
    response = client_for("bmi").post(API + path, data=body, content_type="application/json")
    detail = assert_error(response, 400)["detail"]
    assert "kein gültiges JSON" in detail


def test_malformed_json_in_english_on_request(world: dict[str, Measure]) -> None:
    response = client_for("bmi").post(
        f"{API}/similar", data=b"{", content_type="application/json", headers={"Accept-Language": "en"}
    )
    assert "not valid JSON" in assert_error(response, 400, german=False)["detail"]


@pytest.mark.parametrize("body", [b"[" * 60_000, b"[" * 50 + b"]" * 50])
def test_deep_json_to_the_finder_is_no_server_error(body: bytes) -> None:
    response = Client().post(f"{API}/finder", data=body, content_type="application/json")
    assert response.status_code in (413, 422)
    assert_error(response, response.status_code)


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]
)
def test_a_body_that_is_not_json_is_415(world: dict[str, Measure], content_type: str) -> None:
    response = client_for("bmi").generic(
        "POST", f"{API}/similar", b'{"title": "x"}', content_type=content_type
    )
    assert "JSON" in assert_error(response, 415)["detail"]


def test_json_media_types_are_accepted(world: dict[str, Measure]) -> None:
    for content_type in [
        "application/json",
        "application/json; charset=utf-8",
        "application/merge-patch+json",
    ]:
        response = client_for("bmi").generic(
            "POST", f"{API}/similar", b'{"title": "Sprachkurs"}', content_type=content_type
        )
        assert response.status_code == 200, (content_type, response.content[:200])


def test_validation_errors_are_german(world: dict[str, Measure]) -> None:
    response = client_for("bmi").post(
        f"{API}/similar", data={"title": "x" * 600, "unbekannt": 1, "top": 0}, content_type="application/json"
    )
    body = assert_error(response, 422)
    messages = {error["field"]: error["message"] for error in body["errors"]}
    assert messages == {
        "title": "Höchstens 500 Zeichen.",
        "unbekannt": "Unbekanntes Feld.",
        "top": "Der Wert muss mindestens 1 sein.",
    }
    assert body["detail"] == "Die Anfrage ist ungültig."


def test_validation_errors_in_english_on_request(world: dict[str, Measure]) -> None:
    response = client_for("bmi").post(
        f"{API}/similar",
        data={"top": 0, "title": "x"},
        content_type="application/json",
        headers={"Accept-Language": "en"},
    )
    assert "greater than or equal" in assert_error(response, 422, german=False)["errors"][0]["message"]


def test_not_null_fields_refuse_null_and_say_so(world: dict[str, Measure]) -> None:
    measure = world["bmi_draft"]
    response = client_for("bmi").patch(
        f"{API}/measures/{measure.pk}",
        data={"version": measure.version, "title": None},
        content_type="application/json",
    )
    body = assert_error(response, 422)
    assert body["errors"][0]["message"].startswith("null ist hier nicht erlaubt")


def test_openapi_does_not_offer_null_where_it_is_refused() -> None:
    from isi.api.schemas import NOT_NULL

    schemas = api.get_openapi_schema(path_prefix="/api/v1/")["components"]["schemas"]
    for name in ("MeasurePatchIn", "MeasureCreateIn"):
        properties = schemas[name]["properties"]
        for field in NOT_NULL:
            assert "null" not in str(properties[field]).replace("null: leeren", ""), (name, field)
            assert properties[field].get("default", "absent") is not None
        assert {"type": "null"} in properties["start_date"]["anyOf"]  # "null: leeren" stays nullable


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("get", "/gibt-es-nicht", 404),
        ("get", "/measures/999999", 404),
        ("get", "/measures/99999999999999999999", 404),
        ("delete", "/measures", 405),
        ("put", "/similar", 405),
        ("post", "/openapi.json", 405),
    ],
)
def test_404_and_405_are_json(world: dict[str, Measure], method: str, path: str, status: int) -> None:
    assert_error(getattr(client_for("bmi"), method)(API + path), status)


def test_429_is_json(world: dict[str, Measure]) -> None:
    with override_settings(ISI_API_RATE="2/min"):
        client = Client()
        for _ in range(2):
            client.get(f"{API}/catalogues")
        body = assert_error(client.get(f"{API}/catalogues"), 429)
    assert "Zu viele Anfragen" in body["detail"]


def test_unauthenticated_write_is_json(world: dict[str, Measure]) -> None:
    response = Client().post(f"{API}/measures", data=valid_new_measure(), content_type="application/json")
    assert_error(response, 401)


def test_api_index_still_answers() -> None:
    clear_url_caches()
    assert Client().get(f"{API}/").status_code == 200
