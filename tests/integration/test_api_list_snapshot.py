"""GET /measures from the search snapshot: the same list as the SQL search, the text matched once.

Anonymous callers are answered by the search page's evaluator (isi.search.evaluate via
``public_page_ids``); the result must equal ``filtered_public_measures`` (the SQL twin) in
ids, order and count for every filter, sort and offset. Last-Modified must move whenever any
measure of the list changes, also one that is not on the page and one that leaves the list.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.utils import timezone
from django.utils.http import http_date

from isi.api import measures as api_measures
from isi.catalog.models import Area
from isi.measures.models import Measure
from isi.measures.services import measure_archive, measure_update
from isi.search import snapshot
from isi.search.filters import MeasureFilter
from isi.search.selectors import filtered_public_measures
from tests.api.support import API, client_for, make_measure, make_world

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.api_urls")]

# The stem the text engine looks for when asked for "Sprachkurs" (it appears in the text SQL only).
STEM = "sprachkur"


@pytest.fixture(autouse=True)
def _fresh() -> Iterator[None]:
    cache.clear()  # rate limits
    api_measures.clear_list_changed()
    yield
    api_measures.clear_list_changed()


@pytest.fixture
def world() -> dict[str, Measure]:
    measures = make_world()
    gesellschaft = [Area.objects.get(key="gesellschaft")]
    make_measure("Sprachkurs für Eltern", "bmas", released=True)
    make_measure("Sprachkurs im Quartier", "bmi", released=True, areas=gesellschaft)
    make_measure("Berufssprachkurse für Pflegekräfte", "bmas", released=True)
    make_measure("Sprachkurs (Entwurf)", "bmi", released=False)
    make_measure("Zusammenhalt im Quartier", "bmi", released=True, areas=gesellschaft)
    return measures


def _listed(query: str, client: Client | None = None) -> dict[str, Any]:
    response = (client or Client()).get(f"{API}/measures{query}")
    assert response.status_code == 200, response.content
    body: dict[str, Any] = response.json()
    return body


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "Sprachkurs"},
        {"q": "Sprachkurs", "area": "sprache"},
        {"q": "Sprachkurs", "owner": "bmas", "sort": "title"},
        {"q": "Sprachkurs", "sort": "-updated", "limit": "2", "offset": "1"},
        {"area": "gesellschaft", "sort": "nap_i"},
        {"sort": "title", "limit": "3", "offset": "2"},
        {"q": "Quartier -Zusammenhalt"},
        {"q": "Sprachkurs", "offset": "50"},
        {"owner": "gibt-es-nicht"},
        {"q": "***"},
        {"level": "bund", "phase": "2", "status": "running"},
        {"land": "09", "sort": "-updated"},
    ],
)
def test_anonymous_list_equals_the_sql_search(world: dict[str, Measure], params: dict[str, str]) -> None:
    query = "?" + "&".join(f"{name}={value}" for name, value in params.items())
    body = _listed(query)
    limit, offset = int(params.get("limit", 20)), int(params.get("offset", 0))
    f = MeasureFilter.from_params(
        {name: value for name, value in params.items() if name not in ("limit", "offset")}
    )
    expected = list(filtered_public_measures(f).values_list("pk", flat=True))
    assert body["count"] == len(expected)
    assert [item["id"] for item in body["items"]] == expected[offset : offset + limit]
    assert body["limit"] == limit and body["offset"] == offset


@contextmanager
def _statements() -> Iterator[list[str]]:
    """Every SQL statement run meanwhile, with its parameters (survives reset_queries)."""
    seen: list[str] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        seen.append(f"{sql} {params!r}".lower())
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield seen


def _text_statements(statements: list[str]) -> int:
    """Statements matching the text (PostgreSQL's look-ups in the stem vocabulary do not count)."""
    return sum(1 for sql in statements if STEM in sql and "search_stem" not in sql)


@pytest.mark.parametrize(
    "extra", ["", "&sort=title", "&area=sprache&sort=title", "&owner=bmas&sort=-updated"]
)
def test_anonymous_list_matches_the_text_once(world: dict[str, Measure], extra: str) -> None:
    with _statements() as statements:
        body = _listed(f"?q=Sprachkurs{extra}")
    assert body["count"] >= 1
    assert _text_statements(statements) == 1


def test_staff_list_matches_the_public_text_once(world: dict[str, Measure]) -> None:
    client = client_for("bmi")
    with _statements() as statements:
        body = _listed("?q=Sprachkurs&limit=2", client)
    titles = {item["title"] for item in _listed("?q=Sprachkurs&limit=100", client)["items"]}
    assert "Sprachkurs (Entwurf)" in titles  # the draft of the caller's ministry
    assert body["count"] == len(titles) == 4
    assert len(body["items"]) == 2
    assert _text_statements(statements) == 1


def test_staff_list_counts_an_offset_past_the_end(world: dict[str, Measure]) -> None:
    client = client_for("bmi")
    full = _listed("?q=Sprachkurs", client)
    past = _listed("?q=Sprachkurs&offset=40", client)
    assert past["items"] == []
    assert past["count"] == full["count"] == 4
    assert client.get(f"{API}/measures?q=Sprachkurs&offset=40").has_header("Last-Modified")
    assert not client.get(f"{API}/measures?q=gibtsnicht").has_header("Last-Modified")


def test_staff_last_modified_is_the_newest_of_its_results(world: dict[str, Measure]) -> None:
    Measure.objects.update(updated_at=timezone.now() - timedelta(days=10))
    draft = Measure.objects.get(title="Sprachkurs (Entwurf)")
    newest = timezone.now() - timedelta(days=2)
    Measure.objects.filter(pk=draft.pk).update(updated_at=newest)
    response = client_for("bmi").get(f"{API}/measures?q=Sprachkurs&limit=1&sort=title")
    assert response["Last-Modified"] == http_date(newest.timestamp())


def _aged(world: dict[str, Measure]) -> str:
    """Every measure last changed ten days ago; the list's Last-Modified then."""
    ten_days_ago = timezone.now() - timedelta(days=10)
    Measure.objects.update(updated_at=ten_days_ago)
    response = Client().get(f"{API}/measures?q=Sprachkurs&sort=title&limit=1")
    assert response.status_code == 200
    assert response["Last-Modified"] == http_date(ten_days_ago.timestamp())
    assert (
        Client()
        .get(
            f"{API}/measures?q=Sprachkurs&sort=title&limit=1",
            headers={"If-Modified-Since": response["Last-Modified"]},
        )
        .status_code
        == 304
    )
    return str(response["Last-Modified"])


def _still_current(validator: str) -> bool:
    response = Client().get(
        f"{API}/measures?q=Sprachkurs&sort=title&limit=1", headers={"If-Modified-Since": validator}
    )
    assert response.status_code in (200, 304)
    return response.status_code == 304


def test_a_change_beyond_the_page_moves_last_modified(world: dict[str, Measure]) -> None:
    validator = _aged(world)
    last = Measure.objects.get(title="Sprachkurs im Quartier")  # third by title: not on the page
    measure_update(
        measure_id=last.pk, expected_version=last.version, changes={"summary": "Neu"}, source="test"
    )
    assert not _still_current(validator)


def test_a_measure_leaving_the_list_moves_last_modified(world: dict[str, Measure]) -> None:
    validator = _aged(world)
    leaving = Measure.objects.get(title="Sprachkurs im Quartier")
    measure_archive(measure_id=leaving.pk, expected_version=leaving.version, source="test")
    assert not _still_current(validator)
    assert _listed("?q=Sprachkurs")["count"] == 2


def test_a_withdrawn_measure_moves_last_modified(world: dict[str, Measure]) -> None:
    validator = _aged(world)
    leaving = Measure.objects.get(title="Sprachkurs für Eltern")
    measure_update(
        measure_id=leaving.pk,
        expected_version=leaving.version,
        changes={"publication": Measure.Publication.DRAFT},
        source="test",
    )
    assert not _still_current(validator)


def test_a_draft_edit_does_not_move_the_public_validator(world: dict[str, Measure]) -> None:
    validator = _aged(world)
    draft = Measure.objects.get(title="Sprachkurs (Entwurf)")
    measure_update(
        measure_id=draft.pk, expected_version=draft.version, changes={"summary": "Neu"}, source="test"
    )
    assert _still_current(validator)


def test_list_validator_is_kept_per_snapshot(
    world: dict[str, Measure], settings: Any, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    """With snapshots kept, the aggregate runs once per snapshot (per change), not per request."""
    settings.ISI_SEARCH_SNAPSHOT_SECONDS = 60
    monkeypatch.setattr(snapshot, "keepable", lambda: True)
    snapshot.clear()
    request.addfinalizer(snapshot.clear)
    first = api_measures.public_list_changed_at()
    with _statements() as statements:
        assert api_measures.public_list_changed_at() == first
    assert statements  # the token was read
    assert not any("updated_at" in sql for sql in statements)
    measure = Measure.objects.get(title="Sprachkurs für Eltern")
    measure_update(
        measure_id=measure.pk, expected_version=measure.version, changes={"summary": "Neu"}, source="test"
    )
    changed = api_measures.public_list_changed_at()
    assert first is not None and changed is not None and changed > first
