"""The engine's domain synonyms (isi.similarity.text, data/synonyms.json) and their reasons."""

from __future__ import annotations

import json

from isi.similarity import Doc, SimilarityIndex
from isi.similarity.text import (
    SYNONYM_MARK,
    SYNONYMS_PATH,
    analyse,
    stem_grams,
    synonym_groups,
    synonym_table,
    word_stem,
)


def test_every_word_of_the_table_is_in_one_group_only() -> None:
    groups = json.loads(SYNONYMS_PATH.read_text(encoding="utf-8"))["groups"]
    seen: dict[str, int] = {}
    for number, group in enumerate(groups):
        assert len(group) >= 2, group
        for word in group:
            stemmed = word_stem(word)
            assert stemmed is not None, word  # no stop words or short words in the table
            assert seen.setdefault(stemmed, number) == number, f"{word} is in two groups"
    assert len(synonym_groups()) == len(groups)


def test_members_of_a_group_become_one_feature_in_documents_and_queries() -> None:
    table = synonym_table()
    canonical = table[word_stem("Geflüchtete") or ""]
    assert canonical == table[word_stem("Flüchtlinge") or ""] == table[word_stem("Schutzsuchende") or ""]
    surfaces: dict[str, str] = {}
    counts = analyse("Beratung für Geflüchtete und Schutzsuchende", surfaces)
    feature = SYNONYM_MARK + canonical
    assert counts[feature] == 2
    assert word_stem("Geflüchtete") not in counts  # replaced, not counted twice
    assert surfaces[feature] == "Geflüchtete"  # the first word as written, for reasons
    # The group feature has the canonical stem's grams (compounds of it still meet it).
    assert set(stem_grams(feature)) == set(stem_grams(canonical))


def test_a_synonym_pair_meets_and_the_reason_names_it() -> None:
    index = SimilarityIndex.build(
        [
            Doc(1, "Vielfalt im öffentlichen Dienst fördern", "Erklärung der Bundesbehörden"),
            Doc(2, "Sportvereine öffnen sich", "Fußball und Schwimmen für Jugendliche"),
            Doc(3, "Wohnsitzauflage evaluieren", "Studie zur Wohnortwahl"),
        ]
    )
    matches = index.query(Doc(99, "Diversität in der Verwaltung", "Selbstverpflichtung"), top=3)
    assert matches and matches[0].id == 1
    synonyms = [r for r in matches[0].reasons if r.kind == "synonyms"]
    assert synonyms, matches[0].reasons
    value = synonyms[0].values[0]
    assert value.startswith("Diversität (≈ ")
    assert "Vielfalt" in value and "Diversität" not in value.split(" (≈ ")[1]
    assert all(r.kind != "terms" for r in matches[0].reasons)  # not passed off as the same word


def test_all_pairs_reasons_name_the_group_not_the_mark() -> None:
    index = SimilarityIndex.build(
        [
            Doc(1, "Einbürgerung erleichtern", "Verfahren digitalisieren", owner="BMI"),
            Doc(2, "Staatsangehörigkeit erwerben", "Verfahren beschleunigen", owner="BMJ"),
        ]
    )
    reasons = index.explain_pair(1, 2)
    synonyms = [r for r in reasons if r.kind == "synonyms"]
    assert synonyms and "Einbürgerung" in synonyms[0].values[0]
    assert not any(SYNONYM_MARK in v for r in reasons for v in r.values)


def test_a_group_word_of_the_query_is_still_found_inside_a_compound() -> None:
    index = SimilarityIndex.build(
        [Doc(1, "Einbürgerungsfeiern in Kommunen"), Doc(2, "Sportvereine öffnen sich für Jugendliche")]
    )
    matches = index.query(Doc(0, "Einbürgerung feiern"), top=2)
    assert matches[0].id == 1
    parts = [r for r in matches[0].reasons if r.kind == "word_parts"]
    assert parts and "Einbürgerung ~ Einbürgerungsfeiern" in parts[0].values
