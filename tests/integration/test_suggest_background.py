"""isi.search.suggest: with many public measures the vocabulary is built in a background thread,
so a search that finds nothing never waits seconds for it (bench/load.py saw 12–16 s under load
at 100,000); it goes without a suggestion until the vocabulary is there, then gets one."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from isi.search import suggest
from tests.api.support import make_measure


@pytest.fixture
def large(monkeypatch: pytest.MonkeyPatch, reference_data: None) -> Iterator[None]:
    """Every database counts as large; no vocabulary kept yet."""
    monkeypatch.setattr(suggest, "BACKGROUND_FROM", 0)
    monkeypatch.setattr(suggest, "_cached", None)
    make_measure("Sprachkurs für Eltern", "bmas", released=True)
    yield
    if suggest._building is not None:
        suggest._building.join(60)


def test_the_first_vocabulary_is_built_in_the_background(large: None) -> None:
    assert suggest.suggest_query("Sprahkurs") is None  # no vocabulary yet: no waiting either
    building = suggest._building
    assert building is not None
    building.join(60)
    assert not building.is_alive()
    assert suggest.suggest_query("Sprahkurs") == "Sprachkurs"


def test_a_stale_vocabulary_answers_while_the_next_is_built(
    large: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    suggest.suggest_query("Sprahkurs")
    assert suggest._building is not None
    suggest._building.join(60)
    make_measure("Integrationskurs für Frauen", "bmi", released=True)  # the token moves
    monkeypatch.setattr(suggest, "MAX_AGE_SECONDS", 0)  # and the vocabulary is due
    before = suggest._cached
    assert suggest.suggest_query("Sprahkurs") == "Sprachkurs"  # from the old one, at once
    assert suggest._building is not None
    suggest._building.join(60)
    assert suggest._cached is not before
    assert suggest.suggest_query("Integrationskurz") == "Integrationskurs"


def test_a_small_database_builds_at_once(reference_data: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(suggest, "_cached", None)
    make_measure("Sprachkurs für Eltern", "bmas", released=True)
    assert suggest.suggest_query("Sprahkurs") == "Sprachkurs"
