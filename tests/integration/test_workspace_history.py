"""Pure parts of the work tool: the German history diff and the text similarity."""

from __future__ import annotations

from isi.coordination.check import CLOSE_MATCH_THRESHOLD, score_texts, significant_words
from isi.measures.history import EMPTY, diff_snapshots, diff_text, format_value

LABELS = {"title": "Titel", "areas": "Bereiche", "start_date": "Beginn"}


def test_diff_of_plain_field_uses_label_and_quotes() -> None:
    assert diff_text({"title": "A"}, {"title": "B"}, labels=LABELS) == ["Titel: „A“ → „B“"]


def test_diff_lists_added_and_removed() -> None:
    (change,) = diff_snapshots(
        {"areas": ["sprache", "bildung"]}, {"areas": ["bildung", "gesellschaft"]}, labels=LABELS
    )
    assert change.added == ("gesellschaft",)
    assert change.removed == ("sprache",)
    assert change.text() == "Bereiche: hinzugefügt gesellschaft; entfernt sprache"


def test_diff_uses_namer_for_keys() -> None:
    names = {"sprache": "Sprache"}
    lines = [
        c.text()
        for c in diff_snapshots(
            {"areas": []}, {"areas": ["sprache"]}, labels=LABELS, namer=lambda f, v: names.get(v)
        )
    ]
    assert lines == ["Bereiche: hinzugefügt Sprache"]


def test_diff_dates_booleans_and_empty_values() -> None:
    assert diff_text({"start_date": None}, {"start_date": "2025-03-01"}, labels=LABELS) == [
        f"Beginn: {EMPTY} → 01.03.2025"
    ]
    assert format_value("imposes_obligation", True) == "ja"


def test_diff_evaluation_per_field_and_unchanged_is_empty() -> None:
    before = {"evaluation": {"state": "planned", "method": ""}}
    after = {"evaluation": {"state": "planned", "method": "Befragung"}}
    assert diff_text(before, after) == ["Erfolgskontrolle: Methode: — → „Befragung“"]
    assert diff_text(after, after) == []


def test_diff_of_creation_lists_everything_set() -> None:
    assert diff_text(None, {"title": "Neu"}, labels=LABELS) == ["Titel: — → „Neu“"]


def test_similarity_prefers_shared_stems_and_compounds() -> None:
    candidates = [
        (1, "Berufssprachkurse für Zugewanderte"),
        (2, "Förderung von Sportvereinen"),
        (3, "Sprachkurs für Eltern mit Kinderbetreuung"),
    ]
    matches = score_texts("Sprachkurse für Eltern", candidates)
    assert [m.id for m in matches][:2] == [3, 1]
    assert matches[0].score >= CLOSE_MATCH_THRESHOLD
    assert "Sprachkurse" in matches[0].shared_words
    assert all(m.id != 2 for m in matches) or matches[-1].id == 2


def test_similarity_ignores_stopwords_and_empty_queries() -> None:
    assert significant_words("für die und Sprachkurs") == ["Sprachkurs"]
    assert score_texts("und oder", [(1, "und oder")]) == []
