"""POST /api/v1/similar: visibility per caller, validation (422), the top limit, reasons."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from django.core.cache import cache
from django.urls import clear_url_caches
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from isi.api.api import api
from isi.coordination.similar import reset_index
from isi.measures.models import Measure
from tests.api.support import API, client_for, make_measure

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.api_urls")]


@pytest.fixture(autouse=True)
def _fresh() -> None:
    cache.clear()
    reset_index()


@pytest.fixture
def sprachkurse() -> dict[str, Measure]:
    return {
        "public": make_measure("Berufssprachkurse für Eltern", "bmas", released=True),
        "bmi_draft": make_measure("Sprachkurse für Eltern mit Kinderbetreuung", "bmi", released=False),
        "bmas_draft": make_measure("Sprachkurs für Eltern am Abend", "bmas", released=False),
        "other": make_measure("Radwege für Pendler", "bmi", released=True),
    }


def post(who: str, body: dict[str, Any]) -> Any:
    return client_for(who).post(f"{API}/similar", body, content_type="application/json")


def ids(response: Any) -> set[int]:
    return {item["id"] for item in response.json()["items"]}


def test_anonymous_sees_only_public_measures(sprachkurse: dict[str, Measure]) -> None:
    response = post("anonymous", {"title": "Sprachkurs für Eltern"})
    assert response.status_code == 200
    assert ids(response) == {sprachkurse["public"].pk}


def test_signed_in_callers_see_what_they_may(sprachkurse: dict[str, Measure]) -> None:
    body = {"title": "Sprachkurs für Eltern"}
    assert ids(post("bmi", body)) == {sprachkurse["public"].pk, sprachkurse["bmi_draft"].pk}
    assert ids(post("bmas", body)) == {sprachkurse["public"].pk, sprachkurse["bmas_draft"].pk}
    assert ids(post("koordination", body)) == {
        sprachkurse["public"].pk,
        sprachkurse["bmi_draft"].pk,
        sprachkurse["bmas_draft"].pk,
    }


def test_items_carry_scores_and_reasons(sprachkurse: dict[str, Measure]) -> None:
    response = post(
        "koordination", {"title": "Sprachkurse für Eltern", "areas": ["sprache"], "level": "bund"}
    )
    items = response.json()["items"]
    assert [i["score"] for i in items] == sorted((i["score"] for i in items), reverse=True)
    best = items[0]
    assert best["id"] in {sprachkurse["bmi_draft"].pk, sprachkurse["bmas_draft"].pk}
    assert set(best) == {"id", "title", "owner", "score", "text_score", "close", "reasons"}
    assert 0 < best["text_score"] <= best["score"] <= 1
    kinds = {r["kind"] for r in best["reasons"]}
    assert {"terms", "areas", "level"} <= kinds
    terms = next(r for r in best["reasons"] if r["kind"] == "terms")
    assert terms["label"].startswith("gemeinsame Wörter: ")


def test_reason_labels_follow_accept_language(sprachkurse: dict[str, Measure]) -> None:
    response = client_for("koordination").post(
        f"{API}/similar",
        {"title": "Sprachkurse für Eltern"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    labels = [r["label"] for item in response.json()["items"] for r in item["reasons"]]
    assert labels and all(not label.startswith("gemeinsame") for label in labels)
    assert any(label.startswith("shared words: ") for label in labels)


def test_top_limits_the_items(sprachkurse: dict[str, Measure]) -> None:
    assert len(post("koordination", {"title": "Sprachkurs für Eltern", "top": 1}).json()["items"]) == 1
    assert post("koordination", {"title": "Sprachkurs", "top": 51}).status_code == 422
    assert post("koordination", {"title": "Sprachkurs", "top": 0}).status_code == 422


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"title": "   "},
        {"title": "Sprachkurs", "unknown": 1},
        {"title": "Sprachkurs", "areas": ["gibt-es-nicht"]},
        {"title": "Sprachkurs", "level": "mond"},
        {"title": 5},
    ],
)
def test_bad_input_is_422_with_json_detail(body: dict[str, Any], sprachkurse: dict[str, Measure]) -> None:
    response = post("anonymous", body)
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]


def test_new_and_archived_measures_are_picked_up(sprachkurse: dict[str, Measure]) -> None:
    from isi.measures.services import measure_archive

    assert ids(post("koordination", {"title": "Sprachkurs für Eltern"}))
    fresh = make_measure("Sprachkurs für Großeltern", "bmas", released=True)
    assert fresh.pk in ids(post("anonymous", {"title": "Sprachkurs für Großeltern"}))
    public = sprachkurse["public"]
    measure_archive(measure_id=public.pk, expected_version=public.version)
    assert public.pk not in ids(post("anonymous", {"title": "Berufssprachkurse für Eltern"}))


# --- the schema: generated requests never cause a server error and answers match the schema ---

SIMILAR_SCHEMA = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1/")).include(
    method="POST", path="/api/v1/similar"
)


@pytest.fixture
def live_api(live_server: Any, reference_data: None, settings: Any) -> str:
    settings.ROOT_URLCONF = "tests.api_urls"
    settings.ISI_API_RATE = ""
    clear_url_caches()
    make_measure("Berufssprachkurse für Zugewanderte", "bmas", released=True)
    make_measure("Entwurf Integrationslotsen", "bmi", released=False)
    return str(live_server.url)


@SIMILAR_SCHEMA.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_similar_conforms_to_its_schema(case: Any, live_api: str) -> None:
    case.call_and_validate(base_url=live_api, checks=[not_a_server_error, response_schema_conformance])
