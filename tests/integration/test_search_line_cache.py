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


def _fragment(query: str) -> str:
    """The results and facets alone (the htmx request): the same for every visitor."""
    response = Client().get(f"/massnahmen/{query}", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def area_renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every rendering of the search fragment's template, listed."""
    rendered: list[str] = []
    real = search_view.render_to_string

    def render(template: str, context: Any = None, *args: Any, **kwargs: Any) -> str:
        if template == "portal/_search_area.html":
            rendered.append(template)
        return real(template, context, *args, **kwargs)

    monkeypatch.setattr(search_view, "render_to_string", render)
    return rendered


def test_an_edit_that_changes_nothing_a_search_shows_renders_nothing_again(
    lines: list[list[int]], area_renders: list[str], settings: Any
) -> None:
    """Every edit moves the snapshot token, the fragment's first key; its second key names what it
    shows, so an edit elsewhere finds it kept (the search itself runs again)."""
    elsewhere = make_measure("Gartenprojekt im Quartier", "bmi", released=True)
    first = _fragment("?q=Sprachkurs")
    assert len(area_renders) == 1
    measure_update(
        measure_id=elsewhere.pk, expected_version=elsewhere.version, changes={"summary": "Neu: Beete"}
    )
    assert _fragment("?q=Sprachkurs") == first
    assert len(area_renders) == 1  # not rendered again
    assert len(lines) == 1  # and no line loaded again


def test_an_edit_that_changes_a_count_renders_the_fragment_again(
    lines: list[list[int]], area_renders: list[str], settings: Any
) -> None:
    """A measure that matches but is not listed (another owner is chosen) still counts in the owner
    facet: when it stops matching, the counts change and the fragment is rendered again."""
    query = "?q=Sprachkurs&owner=bmas"
    first = _fragment(query)
    hidden = Measure.objects.get(title="Sprachkurs Nummer 0")  # bmi's: counted, not listed
    assert f"/massnahmen/{hidden.pk}/" not in first
    measure_update(
        measure_id=hidden.pk,
        expected_version=hidden.version,
        changes={"title": "Gartenkurs Nummer 0", "summary": "Beete im Hof"},
    )
    second = _fragment(query)
    assert len(area_renders) == 2
    assert second != first
    settings.ISI_PAGE_CACHE_SECONDS = 0
    settings.ISI_SEARCH_SNAPSHOT_SECONDS = 0
    assert second == _fragment(query)  # as rendered without any cache


def test_an_edit_of_a_listed_measure_renders_the_fragment_again(
    lines: list[list[int]], area_renders: list[str], settings: Any
) -> None:
    _fragment("?q=Sprachkurs")
    listed = Measure.objects.get(title="Sprachkurs Nummer 3")
    measure_update(
        measure_id=listed.pk, expected_version=listed.version, changes={"summary": "Neu: Samstags"}
    )
    second = _fragment("?q=Sprachkurs")
    assert len(area_renders) == 2
    assert "Neu: Samstags" in second
