"""The round comparison is a pure diff over snapshot dicts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation

from isi.rounds.compare import SnapshotEntry, diff_rounds, diff_snapshot, field_label, format_value


@pytest.fixture(autouse=True)
def german() -> Iterator[None]:
    """Labels are checked in German, whatever language an earlier test left active."""
    with translation.override("de"):
        yield


def entry(measure_id: int, ministry: str, **snapshot: Any) -> SnapshotEntry:
    return SnapshotEntry(measure_id, str(snapshot.get("title", f"M{measure_id}")), ministry, snapshot)


def test_diff_snapshot_names_only_changed_fields_with_german_labels() -> None:
    changes = diff_snapshot(
        {"title": "A", "status": "planned", "areas": ["sprache"], "nap_i": None},
        {
            "title": "A",
            "status": "running",
            "areas": ["sprache", "bildung"],
            "nap_i": {"phase": 1, "theme": 2, "number": 3},
        },
    )
    assert [(c.name, c.label) for c in changes] == [
        ("areas", "Bereiche"),
        ("nap_i", "Platz im NAP-I"),
        ("status", "Status"),
    ]
    by_name = {c.name: c for c in changes}
    assert (by_name["status"].before_text, by_name["status"].after_text) == ("geplant", "laufend")
    assert by_name["nap_i"].after_text == "1.2.3"
    assert by_name["nap_i"].before_text == "–"
    assert by_name["areas"].after_text == "sprache, bildung"


def test_labels_and_values() -> None:
    assert field_label("publication") == "Veröffentlichung"
    assert field_label("last_reviewed_at") == "Zuletzt geprüft"
    assert field_label("unknown_key") == "unknown_key"
    assert format_value("imposes_obligation", True) == "ja"
    assert format_value("organisations", [{"name": "BAMF", "role": "responsible"}]) == "BAMF (responsible)"


def test_diff_rounds_groups_per_ministry_and_overall() -> None:
    earlier = [entry(1, "BMI", title="A"), entry(2, "BMI", title="B"), entry(3, "BMAS", title="C")]
    later = [entry(1, "BMI", title="A"), entry(2, "BMI", title="B2"), entry(4, "BMAS", title="D")]
    result = diff_rounds(earlier, later)
    assert [d.measure_id for d in result.overall.added] == [4]
    assert [d.measure_id for d in result.overall.removed] == [3]
    assert [d.measure_id for d in result.overall.changed] == [2]
    assert result.overall.unchanged == 1
    assert [g.ministry for g in result.ministries] == ["BMAS", "BMI"]
    bmas, bmi = result.ministries
    assert [d.kind for d in bmas.measures] == ["added", "removed"]
    assert [d.kind_label for d in bmi.measures] == ["geändert"]
    assert bmi.unchanged == 1
    assert bmi.changed[0].changes[0].before == "B" and bmi.changed[0].changes[0].after == "B2"


def test_identical_rounds_have_no_changes() -> None:
    same = [entry(1, "BMI", title="A")]
    result = diff_rounds(same, same)
    assert result.overall.measures == [] and result.overall.unchanged == 1
