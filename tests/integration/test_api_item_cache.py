"""The anonymous GET /measures keeps each measure's item per process (isi.api.measures.public_items):
a page of kept items reads only the versions; an edit, a rename or the end of public visibility
shows at once; the answer equals the one built without the cache."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from isi.core.changes import record_change
from isi.core.models import ChangeRecord
from isi.measures.models import Measure
from isi.measures.services import measure_archive, measure_update
from isi.organisations.models import Organisation
from isi.search import snapshot
from tests.api.support import API, make_measure, make_world

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.api_urls")]

QUERIES = ["?q=Sprachkurs", "?sort=title&limit=3", "?q=Sprachkurs&owner=bmas", "?sort=-updated&offset=1"]


@pytest.fixture
def kept(caches_on: None) -> None:
    """Snapshots kept as outside a transaction, items kept for the page-cache time."""
    make_world()
    make_measure("Sprachkurs für Eltern", "bmas", released=True)
    make_measure("Sprachkurs im Quartier", "bmi", released=True)
    make_measure("Sprachkurs (Entwurf)", "bmi", released=False)


@contextmanager
def _statements() -> Iterator[list[str]]:
    seen: list[str] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        seen.append(sql.lower())
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield seen


def _listed(query: str) -> dict[str, Any]:
    response = Client().get(f"{API}/measures{query}")
    assert response.status_code == 200, response.content
    body: dict[str, Any] = response.json()
    return body


def _uncached(settings: Any, query: str) -> dict[str, Any]:
    settings.ISI_PAGE_CACHE_SECONDS = 0
    try:
        return _listed(query)
    finally:
        settings.ISI_PAGE_CACHE_SECONDS = 300


def test_kept_items_are_not_loaded_again_and_equal_fresh_ones(kept: None, settings: Any) -> None:
    first = {query: _listed(query) for query in QUERIES}
    with _statements() as statements:
        again = {query: _listed(query) for query in QUERIES}
    assert again == first
    assert not any("measures_measure_areas" in sql for sql in statements)  # no measure loaded
    assert first == {query: _uncached(settings, query) for query in QUERIES}


def test_an_edit_shows_at_once(kept: None, settings: Any) -> None:
    _listed("?q=Sprachkurs")
    measure = Measure.objects.get(title="Sprachkurs für Eltern")
    measure_update(
        measure_id=measure.pk, expected_version=measure.version, changes={"summary": "Neu: Abendkurse"}
    )
    items = {item["id"]: item for item in _listed("?q=Sprachkurs")["items"]}
    assert items[measure.pk]["summary"] == "Neu: Abendkurse"
    assert _listed("?q=Sprachkurs") == _uncached(settings, "?q=Sprachkurs")


def test_a_measure_no_longer_public_leaves_at_once(kept: None) -> None:
    _listed("?q=Sprachkurs")
    measure = Measure.objects.get(title="Sprachkurs im Quartier")
    measure_archive(measure_id=measure.pk, expected_version=measure.version)
    assert measure.pk not in [item["id"] for item in _listed("?q=Sprachkurs")["items"]]


def test_a_renamed_organisation_shows_at_once(kept: None, settings: Any) -> None:
    _listed("?q=Sprachkurs&owner=bmas")
    bmas = Organisation.objects.get(key="bmas")
    Organisation.objects.filter(pk=bmas.pk).update(name="Bundesministerium für Arbeit (neu)")
    record_change(bmas, action=ChangeRecord.Action.UPDATE, before={"name": bmas.name}, after={"name": "neu"})
    body = _listed("?q=Sprachkurs&owner=bmas")
    assert body == _uncached(settings, "?q=Sprachkurs&owner=bmas")
    assert "Bundesministerium für Arbeit (neu)" in str(body["items"])


def test_nothing_is_kept_without_a_kept_snapshot(kept: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(snapshot, "keepable", lambda: False)
    _listed("?q=Sprachkurs")
    with _statements() as statements:
        _listed("?q=Sprachkurs")
    assert any("measures_measure_areas" in sql for sql in statements)


def test_listed_items_are_rendered_as_validated_answers(kept: None) -> None:
    """The list renders its items without django-ninja validating them again: each equals the
    answer for the single measure (validated and rendered by django-ninja), kept or not."""
    for _ in range(2):  # built, then kept
        listed = _listed("?q=Sprachkurs")
        assert listed["items"]
        for item in listed["items"]:
            single = Client().get(f"{API}/measures/{item['id']}")
            assert single.status_code == 200
            assert item == single.json()
