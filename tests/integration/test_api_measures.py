"""/api/v1/measures: the permission matrix, listing, optimistic locking, rules, creation."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from isi.core.changes import history_of
from isi.core.models import ChangeRecord
from isi.measures.models import Measure
from tests.api.support import API, ROLES, client_for, make_measure, make_user, make_world, valid_new_measure

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.api_urls")]


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()


@pytest.fixture
def world() -> dict[str, Measure]:
    return make_world()


def json_of(response: Any) -> Any:
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    return response.json()


# --- the permission matrix --------------------------------------------------------------------
# (user, measure kind) → (GET status, PATCH status). Written out, not derived from the code.
MATRIX: dict[str, dict[str, tuple[int, int]]] = {
    "anonymous": {
        "bmi_draft": (404, 401),
        "bmi_public": (200, 401),
        "bamf_own_draft": (404, 401),
        "bmas_draft": (404, 401),
        "bmas_public": (200, 401),
    },
    "bmi": {
        "bmi_draft": (200, 200),
        "bmi_public": (200, 200),
        "bamf_own_draft": (200, 200),
        "bmas_draft": (404, 404),
        "bmas_public": (200, 403),
    },
    "bmas": {
        "bmi_draft": (404, 404),
        "bmi_public": (200, 403),
        "bamf_own_draft": (404, 404),
        "bmas_draft": (200, 200),
        "bmas_public": (200, 200),
    },
    "bamf": {
        # BAMF implements BMI's draft: its change waits for BMI's release (202, pending revision).
        "bmi_draft": (200, 202),
        "bmi_public": (200, 403),
        "bamf_own_draft": (200, 200),
        "bmas_draft": (404, 404),
        "bmas_public": (200, 403),
    },
    "koordination": {
        "bmi_draft": (200, 403),
        "bmi_public": (200, 403),
        "bamf_own_draft": (200, 403),
        "bmas_draft": (200, 403),
        "bmas_public": (200, 403),
    },
    "leser": {
        "bmi_draft": (200, 403),
        "bmi_public": (200, 403),
        "bamf_own_draft": (200, 403),
        "bmas_draft": (200, 403),
        "bmas_public": (200, 403),
    },
}
# user → {owner of the new measure: POST status}
CREATE_MATRIX: dict[str, dict[str, int]] = {
    "anonymous": {"bmi": 401},
    "bmi": {"bmi": 201, "bmas": 403},
    "bmas": {"bmas": 201, "bmi": 403},
    # An agency may only create measures it owns itself, and a federal measure needs a ministry
    # as owner (rule 1): so none at federal level.
    "bamf": {"bmi": 403, "bamf": 422},
    "koordination": {"ib": 403, "bmi": 403},
    "leser": {"bmi": 403},
}

CASES = [(user, kind, *expected) for user, row in MATRIX.items() for kind, expected in row.items()]
CREATE_CASES = [(user, owner, status) for user, row in CREATE_MATRIX.items() for owner, status in row.items()]


def test_matrix_covers_every_role_and_kind() -> None:
    assert set(MATRIX) == set(ROLES)
    assert all(len(row) == 5 for row in MATRIX.values())
    assert set(CREATE_MATRIX) == set(ROLES)


@pytest.mark.parametrize(("user", "kind", "get_status", "patch_status"), CASES)
def test_get_and_patch_by_role(
    world: dict[str, Measure], user: str, kind: str, get_status: int, patch_status: int
) -> None:
    client = client_for(user)
    measure = world[kind]
    url = f"{API}/measures/{measure.pk}"

    got = client.get(url)
    assert got.status_code == get_status
    body = json_of(got)
    if get_status == 200:
        assert body["id"] == measure.pk
        assert body["version"] == 1
    else:
        assert body["detail"]

    patched = client.patch(url, {"version": 1, "summary": "Neu gefasst"}, content_type="application/json")
    assert patched.status_code == patch_status, patched.content
    body = json_of(patched)
    measure.refresh_from_db()
    if patch_status == 200:
        assert body["summary"] == "Neu gefasst"
        assert body["version"] == 2
        assert measure.version == 2
        assert history_of(measure).first().actor.username == user  # type: ignore[union-attr]
    elif patch_status == 202:
        assert body["proposed"] == {"summary": "Neu gefasst"}
        assert body["state"] == "pending" and body["base_version"] == 1
        assert measure.summary != "Neu gefasst"
        assert measure.version == 1
    else:
        assert body["detail"]
        assert measure.summary != "Neu gefasst"
        assert measure.version == 1


@pytest.mark.parametrize(("user", "owner", "status"), CREATE_CASES)
def test_create_by_role(world: dict[str, Measure], user: str, owner: str, status: int) -> None:
    client = client_for(user)
    before = Measure.objects.count()
    response = client.post(f"{API}/measures", valid_new_measure(owner), content_type="application/json")
    assert response.status_code == status, response.content
    body = json_of(response)
    if status == 201:
        created = Measure.objects.get(pk=body["id"])
        assert response["Location"].endswith(f"{API}/measures/{created.pk}")
        assert created.owner.key == owner
        assert created.evaluation.method == "Befragung der Teilnehmenden"
        assert body["version"] == 1
        assert body["area_keys"] == ["sprache"]
        assert client.get(response["Location"]).status_code == 200
    else:
        assert body["detail"]
        assert Measure.objects.count() == before


# --- listing --------------------------------------------------------------------------------


def listed(client: Client, query: str = "") -> dict[str, Any]:
    response = client.get(f"{API}/measures{query}")
    assert response.status_code == 200, response.content
    result: dict[str, Any] = json_of(response)
    return result


@pytest.mark.parametrize("user", list(ROLES))
def test_list_shows_exactly_what_the_detail_shows(world: dict[str, Measure], user: str) -> None:
    result = listed(client_for(user), "?limit=100")
    titles = {item["title"] for item in result["items"]}
    expected = {f"Maßnahme {kind}" for kind, (get_status, _) in MATRIX[user].items() if get_status == 200}
    assert titles == expected
    assert result["count"] == len(expected)


def test_anonymous_items_lack_internal_fields(world: dict[str, Measure]) -> None:
    (item, *_) = listed(Client())["items"]
    for internal in ("owner_basis", "owner_explanation", "suggested_fields", "source_key", "budget_eur"):
        assert internal not in item
    for public in (
        "id",
        "title",
        "owner",
        "owner_key",
        "organisations",
        "nap_i",
        "areas",
        "area_keys",
        "target_groups",
        "level",
        "status",
        "public",
        "version",
        "updated_at",
    ):
        assert public in item
    assert item["public"] is True


def test_staff_items_carry_internal_fields(world: dict[str, Measure]) -> None:
    (item, *_) = listed(client_for("bmi"))["items"]
    assert item["owner_basis"] == "manual"
    assert "suggested_fields" in item
    assert "source_key" in item
    assert "version" in item


def test_list_filters_paging_and_sort(world: dict[str, Measure]) -> None:
    make_measure("Gesellschaftlicher Zusammenhalt", "bmas", released=True, areas=[])
    client = Client()
    assert listed(client)["count"] == 3
    assert listed(client, "?area=sprache")["count"] == 2
    assert listed(client, "?area=sprache&area=gesellschaft")["count"] == 2
    assert listed(client, "?owner=bmas")["count"] == 2
    assert listed(client, "?owner=bmas&area=sprache")["count"] == 1
    assert listed(client, "?q=Zusammenhalt")["count"] == 1
    page = listed(client, "?sort=title&limit=1&offset=1")
    assert page["count"] == 3
    assert page["limit"] == 1 and page["offset"] == 1
    assert [item["title"] for item in page["items"]] == ["Maßnahme bmas_public"]


def test_staff_list_filters_their_drafts_too(world: dict[str, Measure]) -> None:
    client = client_for("bmi")
    assert {i["title"] for i in listed(client, "?q=bmi_draft")["items"]} == {"Maßnahme bmi_draft"}
    assert listed(client, "?owner=bamf")["count"] == 1
    assert listed(client, "?owner=bmas")["count"] == 1  # only the public one


@pytest.mark.parametrize("query", ["?limit=0", "?limit=101", "?offset=-1", "?sort=bogus", "?limit=x"])
def test_bad_paging_is_422_json(world: dict[str, Measure], query: str) -> None:
    response = Client().get(f"{API}/measures{query}")
    assert response.status_code == 422
    body = json_of(response)
    assert body["detail"]
    assert body["errors"][0]["field"] in {"limit", "offset", "sort"}


# --- optimistic locking ---------------------------------------------------------------------


def test_stale_version_is_409_and_writes_nothing(world: dict[str, Measure]) -> None:
    client = client_for("bmi")
    measure = world["bmi_draft"]
    url = f"{API}/measures/{measure.pk}"
    first = client.patch(url, {"version": 1, "title": "Von jemand anderem"}, content_type="application/json")
    assert first.status_code == 200
    records = ChangeRecord.objects.count()

    stale = client.patch(url, {"version": 1, "summary": "Meine Fassung"}, content_type="application/json")
    assert stale.status_code == 409
    body = json_of(stale)
    assert body["current_version"] == 2
    assert body["your_version"] == 1
    assert "Version 2" in body["detail"]
    (change,) = body["changes"]
    assert change["fields"] == ["title"]
    assert change["after"] == {"title": "Von jemand anderem"}

    measure.refresh_from_db()
    assert measure.version == 2
    assert measure.summary == "Zusammenfassung von Maßnahme bmi_draft"
    assert ChangeRecord.objects.count() == records


def test_patch_needs_a_version(world: dict[str, Measure]) -> None:
    response = client_for("bmi").patch(
        f"{API}/measures/{world['bmi_draft'].pk}", {"summary": "x"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert json_of(response)["errors"][0]["field"] == "version"


def test_unchanged_patch_keeps_the_version(world: dict[str, Measure]) -> None:
    measure = world["bmi_draft"]
    response = client_for("bmi").patch(
        f"{API}/measures/{measure.pk}",
        {"version": 1, "title": measure.title},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert json_of(response)["version"] == 1


# --- rules ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "rule", "field"),
    [
        ({"title": "  "}, "R0-title-required", "title"),
        ({"start_date": "2026-05-01", "end_date": "2026-01-01"}, "R0-end-before-start", "end_date"),
        (
            {"target_groups": ["frauen-maedchen"]},
            "R4-status-independence-reason",
            "status_independence_reason",
        ),
        ({"imposes_obligation": True}, "R5-obligation-control", "obligation_control"),
        ({"offer_type": "component"}, "R6-component-missing", "component"),
        ({"funding_note": "Gefördert aus dem AMIF"}, "R11-eu-funding-programme", "funding_programmes"),
    ],
)
def test_rule_errors_are_422_and_write_nothing(
    world: dict[str, Measure], change: dict[str, Any], rule: str, field: str
) -> None:
    measure = world["bmi_draft"]
    records = ChangeRecord.objects.count()
    response = client_for("bmi").patch(
        f"{API}/measures/{measure.pk}", {"version": 1, **change}, content_type="application/json"
    )
    assert response.status_code == 422, response.content
    body = json_of(response)
    assert {"field": field, "rule": rule} in [
        {"field": e["field"], "rule": e["rule"]} for e in body["errors"]
    ]
    assert all(e["message"] for e in body["errors"])
    assert "Leitfaden" in body["errors"][0]["message"] or "ISI-Grundprüfung" in body["errors"][0]["message"]
    measure.refresh_from_db()
    assert measure.version == 1
    assert ChangeRecord.objects.count() == records


def test_rule_messages_in_english_on_request(world: dict[str, Measure]) -> None:
    response = client_for("bmi").patch(
        f"{API}/measures/{world['bmi_draft'].pk}",
        {"version": 1, "title": ""},
        content_type="application/json",
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 422
    body = json_of(response)
    assert body["errors"][0]["message"].startswith("Please give the measure a title")
    assert "nothing was saved" in body["detail"]


def test_existing_errors_on_untouched_facts_do_not_block(world: dict[str, Measure]) -> None:
    # The measure has no Erfolgskontrolle and no classification (rules 6 and 7): that does
    # not stop a change of its summary, and the response says what is still open.
    response = client_for("bmi").patch(
        f"{API}/measures/{world['bmi_draft'].pk}",
        {"version": 1, "summary": "Neu"},
        content_type="application/json",
    )
    assert response.status_code == 200
    rules = {warning["rule"] for warning in json_of(response)["warnings"]}
    assert {"R6-offer-type-missing", "R7-evaluation-missing"} <= rules


def test_fixing_a_rule_in_one_patch_is_accepted(world: dict[str, Measure]) -> None:
    response = client_for("bmi").patch(
        f"{API}/measures/{world['bmi_draft'].pk}",
        {
            "version": 1,
            "target_groups": ["frauen-maedchen", "kinder-jugendliche"],
            "status_independence_reason": "Schutzraum für Frauen und Kinder",
            "funding_note": "Gefördert aus dem AMIF",
            "funding_programmes": ["amif"],
            "areas": ["sprache", "gesellschaft"],
            "start_date": "2026-01-01",
            "end_date": "2027-12-31",
            "status": "running",
            "publication": "released",
            "legal_basis": "§ 45a AufenthG",
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = json_of(response)
    assert body["target_group_keys"] == ["frauen-maedchen", "kinder-jugendliche"]
    assert body["funding_programme_keys"] == ["amif"]
    assert body["public"] is True
    assert body["version"] == 2
    assert body["end_date"] == "2027-12-31"
    # …and the public now sees it.
    assert Client().get(f"{API}/measures/{body['id']}").status_code == 200


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"areas": ["gibt-es-nicht"]}, "areas"),
        ({"level": "mond"}, "level"),
        ({"colour": "blau"}, "colour"),
        ({"status": "vielleicht"}, "status"),
        ({"title": None}, "title"),
        ({"summary": "mit \x00 NUL"}, "summary"),
    ],
)
def test_invalid_fields_are_422(world: dict[str, Measure], body: dict[str, Any], field: str) -> None:
    measure = world["bmi_draft"]
    response = client_for("bmi").patch(
        f"{API}/measures/{measure.pk}", {"version": 1, **body}, content_type="application/json"
    )
    assert response.status_code == 422, response.content
    assert field in [error["field"] for error in json_of(response)["errors"]]
    measure.refresh_from_db()
    assert measure.version == 1


# --- creating -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        ({"regular_system_reason": ""}, "R3-regular-system-reason"),
        ({"offer_type": ""}, "R6-offer-type-missing"),
        ({"evaluation": None}, "R7-evaluation-missing"),
        ({"evaluation": {"state": "not_proportionate"}}, "R7-effort-note-missing"),
        ({"owner": "alle-ressorts"}, "R1-owner-not-ressort"),
    ],
)
def test_create_enforces_every_rule(world: dict[str, Measure], change: dict[str, Any], rule: str) -> None:
    admin = make_user("bmi")  # an admin may create for any owner, so rule 1 can be reached
    admin.role = "admin"
    admin.save()
    before = Measure.objects.count()
    response = client_for("bmi").post(
        f"{API}/measures", valid_new_measure(**change), content_type="application/json"
    )
    assert response.status_code == 422, response.content
    assert rule in [error["rule"] for error in json_of(response)["errors"]]
    assert Measure.objects.count() == before


def test_create_with_unknown_owner_is_422(world: dict[str, Measure]) -> None:
    response = client_for("bmi").post(
        f"{API}/measures", valid_new_measure("niemand"), content_type="application/json"
    )
    assert response.status_code == 422
    assert json_of(response)["errors"][0]["field"] == "owner"


def test_create_records_a_change_by_the_caller(world: dict[str, Measure]) -> None:
    response = client_for("bmas").post(
        f"{API}/measures", valid_new_measure("bmas", publication="released"), content_type="application/json"
    )
    assert response.status_code == 201
    created = Measure.objects.get(pk=json_of(response)["id"])
    (record,) = history_of(created)
    assert record.action == "create"
    assert record.source == "api"
    assert record.actor is not None and record.actor.username == "bmas"
    assert Client().get(f"{API}/measures/{created.pk}").status_code == 200
