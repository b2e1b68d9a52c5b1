"""The search page keeps each result line per measure (isi.portal.views.search._result_lines): after
an edit only the edited measure's line is rendered again, a renamed organisation renders them all
again, and the page equals one rendered without the cache, in German and in English."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from django.test import Client

from isi.core.changes import record_change
from isi.core.models import ChangeRecord
from isi.measures.models import Measure
from isi.measures.services import measure_update
from isi.organisations.models import Organisation
from isi.portal.views import search as search_view
from tests.api.support import make_measure

pytestmark = pytest.mark.django_db


@pytest.fixture
def lines(monkeypatch: pytest.MonkeyPatch, caches_on: None) -> list[list[int]]:
    """Snapshot and caches on as in production; the ids of the measures loaded per page listed."""
    for n in range(4):
        make_measure(f"Sprachkurs Nummer {n}", "bmas" if n % 2 else "bmi", released=True)
    loaded: list[list[int]] = []
    real = search_view.page_items  # type: ignore[attr-defined]

    def page_items(found: Any, ids: Sequence[int], details: Any) -> list[Measure]:
        loaded.append(sorted(ids))
        return real(found, ids, details)

    monkeypatch.setattr(search_view, "page_items", page_items)
    return loaded


def _page(query: str, language: str = "de") -> str:
    prefix = "" if language == "de" else f"/{language}"
    response = Client().get(f"{prefix}/massnahmen/{query}")
    assert response.status_code == 200
    return response.content.decode()


def _uncached(settings: Any, query: str, language: str = "de") -> str:
    settings.ISI_PAGE_CACHE_SECONDS = 0
    settings.ISI_SEARCH_SNAPSHOT_SECONDS = 0  # the fragment cache, too
    try:
        return _page(query, language)
    finally:
        settings.ISI_PAGE_CACHE_SECONDS = 300
        settings.ISI_SEARCH_SNAPSHOT_SECONDS = 60


def test_an_edit_renders_only_the_edited_line_again(lines: list[list[int]], settings: Any) -> None:
    first = _page("?q=Sprachkurs")
    assert len(lines[-1]) == 4  # nothing kept yet
    measure = Measure.objects.get(title="Sprachkurs Nummer 2")
    measure_update(
        measure_id=measure.pk, expected_version=measure.version, changes={"summary": "Neu: Abendkurse"}
    )
    second = _page("?q=Sprachkurs")
    assert lines[-1] == [measure.pk]  # the other three lines were kept
    assert "Neu: Abendkurse" in second and "Neu: Abendkurse" not in first
    assert second == _uncached(settings, "?q=Sprachkurs")


def test_a_renamed_organisation_renders_every_line_again(lines: list[list[int]], settings: Any) -> None:
    _page("?q=Sprachkurs")
    bmi = Organisation.objects.get(key="bmi")
    Organisation.objects.filter(pk=bmi.pk).update(name="Bundesministerium des Innern (neu)")
    record_change(bmi, action=ChangeRecord.Action.UPDATE, before={"name": bmi.name}, after={"name": "neu"})
    page = _page("?q=Sprachkurs")
    assert len(lines[-1]) == 4
    assert "Bundesministerium des Innern (neu)" in page
    assert page == _uncached(settings, "?q=Sprachkurs")


def test_lines_are_kept_per_language_and_query(lines: list[list[int]], settings: Any) -> None:
    _page("?q=Sprachkurs")
    english = _page("?q=Sprachkurs", "en")
    assert len(lines[-1]) == 4  # the German lines are not used for English
    assert english == _uncached(settings, "?q=Sprachkurs", "en")
    other = _page("?q=Nummer")
    assert len(lines[-1]) == 4  # another query highlights other words
    assert "<mark>Nummer</mark>" in other
