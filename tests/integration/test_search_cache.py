"""isi.search.cache: searches without a text query are remembered until the data changes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache

from isi.catalog.models import Level
from isi.measures.models import Measure
from isi.measures.services import measure_update
from isi.organisations.models import Organisation
from isi.search import engine
from isi.search.filters import MeasureFilter
from isi.search.selectors import facet_counts, search_public_measures

pytestmark = pytest.mark.django_db


@pytest.fixture
def computed(monkeypatch: pytest.MonkeyPatch, settings: Any) -> Iterator[list[object]]:
    """The cache switched on (tests run with it off); every statement actually run is listed."""
    settings.ISI_SEARCH_CACHE_SECONDS = 60
    cache.clear()
    runs: list[object] = []
    real_run = engine.run

    def counting(statement: engine.Statement, **kwargs: Any) -> engine.Result:
        runs.append(statement.f)
        return real_run(statement, **kwargs)

    monkeypatch.setattr(engine, "run", counting)
    yield runs
    cache.clear()


def _measure(title: str, level: str = "bund") -> Measure:
    return Measure.objects.create(
        title=title,
        owner=Organisation.objects.get(key="bmi"),
        level=Level.objects.get(key=level),
        publication=Measure.Publication.RELEASED,
    )


def test_the_page_without_a_query_is_computed_once(computed: list[object]) -> None:
    _measure("Sprachkurs für Eltern")
    first = search_public_measures(MeasureFilter())
    again = search_public_measures(MeasureFilter())
    assert len(computed) == 1
    assert again.count == first.count >= 1
    assert [m.pk for m in again.items] == [m.pk for m in first.items]
    assert again.facets == first.facets


def test_each_selection_and_page_has_its_own_entry(computed: list[object]) -> None:
    _measure("Sprachkurs für Eltern", level="bund")
    _measure("Beratung in Kommunen", level="kommune")
    everything = search_public_measures(MeasureFilter())
    bund = search_public_measures(MeasureFilter(levels=("bund",)))
    assert bund.count == everything.count - 1
    search_public_measures(MeasureFilter(), page=2, page_size=1)
    facet_counts(MeasureFilter())
    assert len(computed) == 4


def test_a_new_measure_or_a_recorded_change_is_seen_at_once(computed: list[object]) -> None:
    measure = _measure("Sprachkurs für Eltern")
    before = search_public_measures(MeasureFilter()).count
    _measure("Beratung in Kommunen")  # a new id
    assert search_public_measures(MeasureFilter()).count == before + 1
    measure_update(
        measure_id=measure.pk,
        expected_version=measure.version,
        changes={"publication": Measure.Publication.DRAFT},
    )  # no new id, but a change record
    assert search_public_measures(MeasureFilter()).count == before
    assert len(computed) == 3


def test_text_queries_are_never_cached(computed: list[object]) -> None:
    _measure("Sprachkurs für Eltern")
    search_public_measures(MeasureFilter(q="Sprachkurs"))
    search_public_measures(MeasureFilter(q="Sprachkurs"))
    assert len(computed) == 2


def test_a_stale_entry_never_shows_a_measure_that_is_no_longer_public(computed: list[object]) -> None:
    hidden = _measure("Sprachkurs für Eltern")
    assert hidden.pk in [m.pk for m in search_public_measures(MeasureFilter()).items]
    # A write past the services: no change record, no new id – the cached entry stays …
    Measure.objects.filter(pk=hidden.pk).update(publication=Measure.Publication.DRAFT)
    page = search_public_measures(MeasureFilter())
    assert len(computed) == 1
    # … but its measures are read as public ones again.
    assert hidden.pk not in [m.pk for m in page.items]


def test_switched_off_every_search_is_computed(computed: list[object], settings: Any) -> None:
    settings.ISI_SEARCH_CACHE_SECONDS = 0
    search_public_measures(MeasureFilter())
    search_public_measures(MeasureFilter())
    assert len(computed) == 2
