"""isi.search.textcache: a kept text match, updated by measure id after service writes, gives
the same search results as matching anew; a new epoch or the age bound matches anew."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection

from isi.catalog.models import Area, Level
from isi.core.changes import record_change
from isi.core.models import ChangeRecord
from isi.measures.models import Measure
from isi.measures.services import measure_archive, measure_change, measure_create
from isi.organisations.models import Organisation
from isi.search import snapshot, textcache
from isi.search.filters import MeasureFilter
from isi.search.indexing import reindex_measures
from isi.search.selectors import public_page_ids, search_public_measures
from tests.integration.at_once import at_once

pytestmark = pytest.mark.django_db

WORDS = ["Beratung", "Sprachkurs", "Frauen", "Jugendliche", "Anerkennung", "Kita", "Sport", "Netzwerk"]
QUERIES = ["Beratung", "Sprachkurs Frauen", "Jugendliche", "Kita", "Netzwerk -Sport", "Anerkennung"]


@pytest.fixture
def cached(monkeypatch: pytest.MonkeyPatch, settings: Any) -> Iterator[list[str]]:
    """Snapshots and text matches kept as outside a transaction; each full match and update listed."""
    settings.ISI_SEARCH_SNAPSHOT_SECONDS = 60
    settings.ISI_SEARCH_TEXT_CACHE_SECONDS = 300
    monkeypatch.setattr(snapshot, "keepable", lambda: True)
    snapshot.clear()
    textcache.clear()
    made: list[str] = []
    real_full, real_updated = textcache.full, textcache.updated

    def full(*args: Any) -> textcache.Match:
        made.append("full")
        return real_full(*args)

    def updated(*args: Any) -> textcache.Match:
        made.append("updated")
        return real_updated(*args)

    monkeypatch.setattr(textcache, "full", full)
    monkeypatch.setattr(textcache, "updated", updated)
    yield made
    snapshot.clear()
    textcache.clear()


def _text(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 4)))


def _measure(rng: random.Random, areas: list[Area]) -> Measure:
    return measure_create(
        fields={
            "title": f"Maßnahme {_text(rng)}",
            "summary": _text(rng),
            "owner": rng.choice(list(Organisation.objects.filter(key__in=["bmi", "bmas"]))),
            "level": Level.objects.get(key="bund"),
            "publication": Measure.Publication.RELEASED,
            "areas": rng.sample(areas, 2),
        },
        source="test",
    )


def _answers(settings: Any, *, cache: bool) -> list[Any]:
    """Every query's count, facets and pages (relevance on PostgreSQL, by title everywhere)."""
    settings.ISI_SEARCH_TEXT_CACHE_SECONDS = 300 if cache else 0
    sorts = ["title", "relevance"] if connection.vendor == "postgresql" else ["title"]
    answers: list[Any] = []
    for q in QUERIES:
        for sort in sorts:
            page = search_public_measures(MeasureFilter(q=q, sort=sort), page_size=3)
            facets = {p: [(v.value, v.count) for v in values] for p, values in page.facets.items()}
            answers.append((q, sort, page.count, [m.pk for m in page.items], facets))
        narrowed = search_public_measures(MeasureFilter(q=q, levels=("bund",)), page_size=50)
        answers.append((q, "level", sorted(m.pk for m in narrowed.items)))
        listed = public_page_ids(MeasureFilter(q=q, sort="title"), offset=1, limit=2)
        answers.append((q, "api", listed.count, listed.page_ids))
    settings.ISI_SEARCH_TEXT_CACHE_SECONDS = 300
    return answers


def test_edits_update_the_kept_matches_and_the_answers_equal_a_fresh_match(
    cached: list[str], settings: Any
) -> None:
    rng = random.Random(7)
    areas = list(Area.objects.all()[:4])
    for _ in range(12):
        _measure(rng, areas)
    first = _answers(settings, cache=True)
    assert cached.count("full") == len(QUERIES)  # one match per query, then reused
    assert first == _answers(settings, cache=False)
    for step in range(10):
        cached.clear()
        records = ChangeRecord.objects.count()
        measure = rng.choice(list(Measure.objects.all()))
        action = step % 4
        if action == 0:
            measure_change(
                measure_id=measure.pk,
                expected_version=measure.version,
                changes={"title": f"Maßnahme {_text(rng)}", "summary": _text(rng)},
                source="test",
            )
        elif action == 1:
            _measure(rng, areas)
        elif action == 2:
            measure_archive(measure_id=measure.pk, expected_version=measure.version)
        else:
            measure_change(
                measure_id=measure.pk,
                expected_version=measure.version,
                changes={"publication": rng.choice(Measure.Publication.values)},
                source="test",
            )
        answers = _answers(settings, cache=True)
        assert "full" not in cached, step  # updated by id, not matched anew
        written = ChangeRecord.objects.count() > records  # a change to the same value writes nothing
        assert cached.count("updated") == (len(QUERIES) if written else 0), step
        assert answers == _answers(settings, cache=False), step


def test_a_change_not_known_by_measure_starts_a_new_epoch(cached: list[str], settings: Any) -> None:
    rng = random.Random(3)
    areas = list(Area.objects.all()[:4])
    for _ in range(5):
        _measure(rng, areas)
    search_public_measures(MeasureFilter(q="Beratung"))
    search_public_measures(MeasureFilter(q="Beratung"))
    assert cached == ["full"]
    organisation = Organisation.objects.get(key="bmi")
    record_change(organisation, action=ChangeRecord.Action.UPDATE, before={"name": "a"}, after={"name": "b"})
    search_public_measures(MeasureFilter(q="Beratung"))
    assert cached == ["full", "full"]


def test_after_the_bound_the_text_is_matched_anew(cached: list[str], settings: Any) -> None:
    """A write that bypasses the services leaves no record: the age bound makes it seen."""
    rng = random.Random(5)
    areas = list(Area.objects.all()[:4])
    hidden = _measure(rng, areas)
    other = _measure(rng, areas)
    measure_change(
        measure_id=other.pk, expected_version=other.version, changes={"title": "Zuwanderungsrecht"}
    )
    assert search_public_measures(MeasureFilter(q="Zuwanderungsrecht")).count == 1
    Measure.objects.filter(pk=hidden.pk).update(title="Zuwanderungsrecht")
    reindex_measures([hidden.pk])  # the index knows, the change records do not
    assert search_public_measures(MeasureFilter(q="Zuwanderungsrecht")).count == 1  # kept, stale
    before = len(cached)
    for key, match in list(textcache._kept.matches.items()):
        textcache._kept.matches[key] = textcache.Match(
            match.ranked, match.scores, match.epoch, match.seen, match.made - 301
        )
    assert search_public_measures(MeasureFilter(q="Zuwanderungsrecht")).count == 2
    assert cached[before:] == ["full"]


def test_the_cache_keeps_at_most_the_configured_number_of_ids(cached: list[str], settings: Any) -> None:
    rng = random.Random(9)
    areas = list(Area.objects.all()[:4])
    for _ in range(10):
        _measure(rng, areas)
    settings.ISI_SEARCH_TEXT_CACHE_IDS = 6
    for q in WORDS:
        search_public_measures(MeasureFilter(q=q))
    assert 0 < textcache._kept.size <= 6
    assert textcache._kept.size == sum(m.size for m in textcache._kept.matches.values())


def test_no_cache_inside_a_transaction(cached: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(snapshot, "keepable", lambda: False)
    search_public_measures(MeasureFilter(q="Beratung"))
    assert cached == []
    assert not textcache._kept.matches


def test_many_changes_since_a_match_match_anew(
    cached: list[str], settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(textcache, "MAX_UPDATE_IDS", 1)
    rng = random.Random(11)
    areas = list(Area.objects.all()[:4])
    first = _measure(rng, areas)
    # Every word in the vocabulary from the start: on PostgreSQL a new word can change the plan.
    measure_change(measure_id=first.pk, expected_version=first.version, changes={"summary": " ".join(WORDS)})
    search_public_measures(MeasureFilter(q="Beratung"))
    _measure(rng, areas)
    search_public_measures(MeasureFilter(q="Beratung"))  # one changed measure: updated
    _measure(rng, areas)
    _measure(rng, areas)
    before = len(cached)
    found = search_public_measures(MeasureFilter(q="Beratung"))  # two: matched anew
    assert cached[:before] == ["full", "updated"] and cached[before:] == ["full"]
    settings.ISI_SEARCH_TEXT_CACHE_SECONDS = 0
    assert [m.pk for m in search_public_measures(MeasureFilter(q="Beratung")).items] == [
        m.pk for m in found.items
    ]


def test_threads_asking_one_cold_query_at_once_match_it_once(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Single flight: the other threads wait for the first thread's match instead of repeating it."""
    import threading
    import time
    from types import SimpleNamespace

    import numpy as np

    settings.ISI_SEARCH_TEXT_CACHE_SECONDS = 300
    monkeypatch.setattr(snapshot, "keepable", lambda: True)
    textcache.clear()
    snap = SimpleNamespace(kept=True, epoch=7, log=())
    plan = SimpleNamespace(sql=lambda ranked: ("SELECT 1 WHERE ? = ?", ("single", "flight")))
    calls: list[int] = []

    def slow_full(plan: Any, snap: Any) -> textcache.Match:
        calls.append(threading.get_ident())
        time.sleep(0.3)  # long enough for every thread to arrive meanwhile
        return textcache.Match(np.array([3, 1]), np.array([2.0, 1.0]), snap.epoch, 0, time.monotonic())

    monkeypatch.setattr(textcache, "full", slow_full)
    found = at_once(lambda: textcache.lookup(plan, snap))  # type: ignore[arg-type]
    textcache.clear()
    assert len(calls) == 1
    assert len(found) == 6 and all(match is found[0] for match in found)
