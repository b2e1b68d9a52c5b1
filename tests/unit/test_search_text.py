"""German normalisation and query parsing of the search (no database)."""

from __future__ import annotations

import pytest

from isi.search.engine import fts_expression, pg_rank_query
from isi.search.text import MAX_CLAUSES, parse_query, stem, stemmed_text


@pytest.mark.parametrize(
    ("query", "texts"),
    [
        ("Sprachkurs", ["Berufssprachkurse", "Sprachkurse", "Deutschsprachkurs", "Sprachkursen"]),
        ("Sprachkurse", ["Berufssprachkurse", "Deutschsprachkurs", "Sprachkurs"]),
        ("Beratung", ["Migrationsberatung", "Beratungen", "Beratungsstelle"]),
        ("Frauen", ["Frau", "Frauen", "Frauenhaus"]),
        ("Frau", ["Frauen"]),
        ("Ausländer", ["Auslaender", "Ausländerinnen", "Ausländerbehörde"]),
        ("Auslaender", ["Ausländer"]),
        ("Straße", ["Strasse", "Straßensozialarbeit"]),
        ("Integrationskurs", ["Integrationskurse", "Jugendintegrationskurses"]),
        ("Kinder", ["Kind", "Kindertagesstätte"]),
    ],
)
def test_query_stem_occurs_in_stemmed_compounds_and_inflections(query: str, texts: list[str]) -> None:
    needle = stem(query)
    for text in texts:
        assert needle in stemmed_text(text), (query, needle, text, stemmed_text(text))


def test_stems_are_plain_lower_case_ascii_for_german() -> None:
    assert stem("Ärztinnen") == stem("ärztinnen")
    assert stem("Ausländer").isascii()
    assert stem("Café") == "cafe"


def test_stemmed_text_is_space_padded_for_whole_word_matches() -> None:
    assert stemmed_text("EU-Bürger") == " eu burg "
    assert stemmed_text("") == " "


def test_words_are_anded_and_stop_words_dropped() -> None:
    parsed = parse_query("Sprachkurse für Frauen")
    assert [c.needle for c in parsed.positive] == ["sprachkur", "frau"]
    # Each word is one clause: its needles (isi.textmodel alternatives) and, for a word that could
    # be a short name, the organisation key, ORed; the word as typed twice (bm25 weighs it double).
    needles = parsed.positive[0].needles
    sprach = "(" + " OR ".join(f'"{n}"' for n in (needles[0], *needles)) + ")"
    assert fts_expression(parsed) == f'{sprach} AND ("frau" OR " org_frauen ")'
    assert '"integrationskur"' in sprach


def test_a_word_without_alternatives_or_keys_is_one_fts_string() -> None:
    assert fts_expression(parse_query("Begegnungen")) == '"begegn"'


def test_only_stop_words_are_searched_as_they_are() -> None:
    assert [c.needle for c in parse_query("für").positive] == ["fur"]


def test_short_words_match_whole_words_only() -> None:
    (clause,) = parse_query("EU").clauses
    assert clause.needle == " eu "


def test_quoted_phrases_and_hyphenated_words_are_sequences() -> None:
    parsed = parse_query('"Integration durch Sport" Kita-Einstieg')
    assert [c.needle for c in parsed.clauses] == ["integration durch sport", "kita einstieg"]
    assert all(c.is_phrase for c in parsed.clauses)
    assert pg_rank_query(parsed) == '"integration durch sport" or "kita einstieg"'


def test_minus_excludes() -> None:
    parsed = parse_query("Beratung -Jugend")
    assert [c.needle for c in parsed.positive] == ["berat"]
    assert [c.needle for c in parsed.negative] == ["jugend"]
    assert (
        fts_expression(parsed) == '(("berat" OR "berat" OR "sprechstund" OR "beratungsstell")) NOT ("jugend")'
    )
    assert fts_expression(parse_query("-Jugend"), negative_only=True) == '"jugend"'


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '""',
        '"unbalanced quote',
        "*",
        "Sprach*",
        "NEAR",
        "NEAR(a b, 3)",
        "a OR b",
        "-",
        "--",
        "- -",
        "(",
        ")",
        "((a)",
        "{title}: x",
        "title:Sprachkurs",
        "^Sprache",
        "'; DROP TABLE measures_measure; --",
        "1' OR '1'='1",
        "%_\\",
        "😀",
        "👩‍👩‍👧 Sprachkurs",
        "\x00",
        "x" * 10_000,
        " ".join(["wort"] * 5_000),
    ],
)
def test_hostile_queries_parse_to_safe_clauses(query: str) -> None:
    parsed = parse_query(query)
    assert len(parsed.clauses) <= MAX_CLAUSES
    for clause in parsed.clauses:
        assert '"' not in clause.needle
        assert "%" not in clause.needle and "_" not in clause.needle
        assert clause.needle.replace(" ", "").isalnum()
    expression = fts_expression(parsed)
    assert expression.count('"') % 2 == 0


def test_nothing_searchable_gives_no_clauses() -> None:
    assert parse_query("*** 😀 ()").is_empty
    assert parse_query("").is_empty
