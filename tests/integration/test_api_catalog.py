"""Catalogues, NAP-I themes, organisations and the offer finder through the API."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from isi.catalog.models import Area, Phase, Theme
from isi.measures.models import Measure
from tests.api.support import API, ROLES, client_for, make_world

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.api_urls")]


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()


def get_json(client: Client, path: str, status: int = 200, **headers: str) -> Any:
    response = client.get(API + path, headers=headers)
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    return response.json()


# Public reference data: the same answer for every role.
@pytest.mark.parametrize("user", list(ROLES))
@pytest.mark.parametrize("path", ["/catalogues", "/themes", "/organisations", "/organisations/bmi"])
def test_reference_data_is_open_to_every_role(user: str, path: str) -> None:
    get_json(client_for(user), path)


def test_catalogues() -> None:
    body = get_json(Client(), "/catalogues")
    assert set(body) == {"areas", "basic_offers", "target_groups", "levels", "funding_programmes", "regions"}
    assert [area["key"] for area in body["areas"]] == list(Area.objects.values_list("key", flat=True))
    einstieg = next(offer for offer in body["basic_offers"] if offer["key"] == "einstieg")
    assert einstieg["components"]
    assert {"key", "name", "name_en", "description"} <= set(einstieg["components"][0])
    assert {group["kind"] for group in body["target_groups"]} == {"primary", "specific", "host_society"}
    assert [level["key"] for level in body["levels"]] == ["bund", "land", "kommune"]
    amif = next(p for p in body["funding_programmes"] if p["key"] == "amif")
    assert amif["is_eu"] is True
    assert len([r for r in body["regions"] if r["kind"] == "land"]) == 16


def test_themes() -> None:
    body = get_json(Client(), "/themes")
    assert [phase["number"] for phase in body["phases"]] == list(
        Phase.objects.values_list("number", flat=True)
    )
    themes = [theme for phase in body["phases"] for theme in phase["themes"]]
    assert len(themes) == Theme.objects.count()
    assert themes[0]["number"] == "1.1"
    assert isinstance(themes[0]["leads"], list)


def test_organisation_list_and_filters() -> None:
    body = get_json(Client(), "/organisations")
    assert body["count"] == len(body["items"]) > 10
    bamf = next(item for item in body["items"] if item["key"] == "bamf")
    assert bamf["parent"] == "bmi"
    assert bamf["is_ressort"] is False
    ressorts = get_json(Client(), "/organisations?ressorts=true")["items"]
    assert ressorts and all(item["is_ressort"] for item in ressorts)
    agencies = get_json(Client(), "/organisations?kind=federal_agency")["items"]
    assert {item["kind"] for item in agencies} == {"federal_agency"}
    get_json(Client(), "/organisations?kind=planet", status=422)


def test_organisation_detail_counts_only_visible_measures() -> None:
    make_world()
    bmi_public = get_json(Client(), "/organisations/bmi")
    assert bmi_public["owned_measures"] == 1
    assert "bamf" in {child["key"] for child in bmi_public["children"]}
    assert bmi_public["aliases"]
    assert get_json(client_for("bmi"), "/organisations/bmi")["owned_measures"] == 2
    assert Measure.objects.filter(owner__key="bmi").count() == 2


# --- offer finder ---------------------------------------------------------------------------


def post_finder(body: Any, **headers: str) -> Any:
    return Client().post(f"{API}/finder", body, content_type="application/json", headers=headers)


def test_finder_answers_with_reasons() -> None:
    response = post_finder({"nationality": "eu", "status": "eu_free_movement", "employed": True})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["errors"] == []
    offers = {result["offer"]: result for result in body["results"]}
    assert {"integration_course", "job_language_course"} <= set(offers)
    for result in offers.values():
        assert result["eligible"] in (True, False, None)
        assert result["reasons"] and all(isinstance(reason, str) for reason in result["reasons"])


def test_finder_with_no_answers_names_what_is_missing() -> None:
    body = post_finder({}).json()
    assert all(result["eligible"] is None for result in body["results"])
    assert all(result["missing"] for result in body["results"])


def test_finder_in_english() -> None:
    german = post_finder({}).json()["results"][0]["reasons"][0]
    english = post_finder({}, **{"Accept-Language": "en"}).json()["results"][0]["reasons"][0]
    assert german != english


@pytest.mark.parametrize(
    "body",
    [
        {"nationality": "mars"},
        {"unbekannt": True},
        {"months_tolerated": -3},
        ["nationality", "eu"],
        "{kein json",
    ],
)
def test_invalid_answers_are_422(body: Any) -> None:
    response = post_finder(body)
    assert response.status_code == 422, response.content
    result = response.json()
    assert result["detail"]
    assert result["results"] == []
    assert result["errors"] and all(error["message"] for error in result["errors"])
