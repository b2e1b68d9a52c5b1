"""The NAP-I parser on small hand-written fragments: structure, tolerance, rejection."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from isi.imports.napi.document import NapIDocument, NapIParseError
from isi.imports.napi.facts import (
    FactsError,
    check_document,
    document_to_facts,
    facts_to_document,
)
from isi.imports.napi.parser import parse_nap_i
from isi.imports.napi.text import clean_title, collapse, indent_width

FRAGMENT = Path(__file__).resolve().parent.parent / "fixtures" / "napi" / "fragment.txt"
NBSP = "\u00a0"
BRAILLE = "\u2800"


@pytest.fixture
def fragment() -> str:
    return FRAGMENT.read_text(encoding="utf-8")


@pytest.fixture
def base(fragment: str) -> NapIDocument:
    return parse_nap_i(fragment)


def parse_error(data: bytes | str) -> NapIParseError:
    with pytest.raises(NapIParseError) as info:
        parse_nap_i(data)
    return info.value


# -- structure ------------------------------------------------------------------------------


def test_fragment_phases_and_split_heading(base: NapIDocument) -> None:
    assert [(p.number, p.title) for p in base.phases] == [
        (1, "Erwartungen steuern – Orientierung geben"),
        (2, "Ankommen erleichtern – Werte vermitteln"),
        (3, "Eingliederung: Teilhabe ermöglichen – Leistung fordern und fördern"),
    ]
    assert [p.line for p in base.phases] == [5, 31, 42]


def test_fragment_themes_positions_leads_and_intro(base: NapIDocument) -> None:
    assert [(t.phase, t.position) for t in base.themes] == [(1, 1), (1, 2), (2, 1), (3, 1)]
    first, second = base.phases[0].themes
    assert first.introduction == (
        "Erster Absatz der Einführung zum ersten Themenforum.\n\n• Ein Aufzählungspunkt der Einführung?"
    )
    assert first.leads == ("Auswärtiges Amt",)
    assert second.leads == (
        "Bundesministerium für Wirtschaft und Energie",
        "Bundesministerium für Arbeit und Soziales",
    )
    # The Phase III continuation line is part of the title, not of the introduction.
    assert base.phases[2].themes[0].introduction == ("Die Einführung zu Phase III besteht aus ganzen Sätzen.")


def test_fragment_measures_titles_and_organisation_lines(base: NapIDocument) -> None:
    measures = [(t.phase, t.position, m.number, m.title) for t, m in base.iter_measures()]
    assert measures == [
        (1, 1, 1, "Vernetzung der Angebote und Akteure - Handbook Germany und Rumors about Germany"),
        (1, 1, 2, "Evaluierung der Plattform „Mein Weg nach Deutschland“"),
        (1, 2, 1, "Zentrale Servicestelle Berufsanerkennung"),
        (2, 1, 1, "Einführung eines Kurses unter andrem zur Identifizierung von Langsamlernenden"),
        (3, 1, 1, "Pilotprojekt zur Stärkung von Beratungsangeboten"),
        (3, 1, 2, "Projekt „BePart – Teilhabe beginnt vor Ort“"),
    ]
    last = base.phases[2].themes[0].measures[1]
    assert last.organisation_lines == (
        "Minor e.V.",
        "(Förderung durch die Integrationsbeauftragte und die Bundeszentrale für politische Bildung)",
    )
    assert last.line == 56
    assert base.measure_count == 6


def test_measure_number_is_kept_as_printed() -> None:
    doc = parse_nap_i(
        "Phase I: A – B\nIntro.\nFederführung:\nAuswärtiges Amt\nMaßnahmen\n"
        "  3. Drei\n    Auswärtiges Amt\n  7. Sieben\n    Goethe-Institut\n"
    )
    assert [m.number for _t, m in doc.iter_measures()] == [3, 7]


def test_theme_without_intro_and_lead_on_the_marker_line() -> None:
    doc = parse_nap_i(
        "Phase I: A – B\nFederführung: Auswärtiges Amt\nMaßnahmen\n  1. Eins\n    Goethe-Institut\n"
        "Federführung:\nBundesministerium für Gesundheit\nMaßnahmen\n  1. Zwei\n    Goethe-Institut\n"
    )
    assert [(t.position, t.introduction, t.leads) for t in doc.themes] == [
        (1, "", ("Auswärtiges Amt",)),
        (2, "", ("Bundesministerium für Gesundheit",)),
    ]


def test_heading_is_not_continued_by_prose() -> None:
    doc = parse_nap_i(
        "Phase I: Eingliederung\n\nDas ist ein ganzer Satz der Einführung.\n"
        "Federführung:\nAuswärtiges Amt\nMaßnahmen\n  1. Eins\n    Goethe-Institut\n"
    )
    assert doc.phases[0].title == "Eingliederung"
    assert doc.themes[0].introduction == "Das ist ein ganzer Satz der Einführung."


def test_heading_with_dash_is_complete() -> None:
    doc = parse_nap_i(
        "Phase I: Vielfalt gestalten – Einheit sichern\nKurzer Satz ohne Punkt\n"
        "Federführung:\nAuswärtiges Amt\nMaßnahmen\n  1. Eins\n    Goethe-Institut\n"
    )
    assert doc.phases[0].title == "Vielfalt gestalten – Einheit sichern"
    assert doc.themes[0].introduction == "Kurzer Satz ohne Punkt"


def test_split_heading_on_one_line_gives_the_same_title(fragment: str, base: NapIDocument) -> None:
    joined = fragment.replace(
        "Phase III: Eingliederung\n\nTeilhabe",
        "Phase III: Eingliederung: Teilhabe",
    )
    assert parse_nap_i(joined) == base


# -- text clean-up --------------------------------------------------------------------------


def test_clean_title_keeps_plain_spaces_and_collapses_created_runs() -> None:
    assert clean_title(f"  A{NBSP} B{BRAILLE}C  D{NBSP}") == "A BC  D"
    assert clean_title(f"{NBSP}„Bericht“{BRAILLE}{BRAILLE}") == "„Bericht“"
    assert clean_title(f"x {BRAILLE} y") == "x y"


def test_collapse_and_indent() -> None:
    assert collapse(f"  a{NBSP}{NBSP}b {BRAILLE}\t") == "a b"
    assert indent_width(f"{NBSP}{NBSP}  x") == 4
    assert indent_width(f"{BRAILLE}x") == 0


# -- tolerance: each variant gives the same document ---------------------------------------


def _nbsp_everywhere(text: str) -> str:
    """Indentation, some inner spaces and line ends get non-breaking spaces."""
    lines = []
    for line in text.split("\n"):
        indent = len(line) - len(line.lstrip(" "))
        body = line[indent:].replace("für ", f"für{NBSP}", 1)
        lines.append(NBSP * indent + body + NBSP)
    return "\n".join(lines)


def _more_braille(text: str) -> str:
    return "\n".join(
        BRAILLE + line.replace(" der ", f" der{BRAILLE} ") + BRAILLE for line in text.split("\n")
    )


VARIANTS: dict[str, Callable[[str], str | bytes]] = {
    "crlf": lambda t: t.replace("\n", "\r\n"),
    "cr": lambda t: t.replace("\n", "\r"),
    "bom": lambda t: "\ufeff" + t,
    "bom-bytes": lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"),
    "no-braille": lambda t: t.replace(BRAILLE, ""),
    "more-braille": _more_braille,
    "nbsp": _nbsp_everywhere,
    "doubled-blank-lines": lambda t: t.replace("\n\n", "\n\n\n\n"),
    "blank-lines-everywhere": lambda t: t.replace("\n", "\n\n"),
    "blank-line-between-title-and-organisations": lambda t: re.sub(r"(\n  \d+\. [^\n]*)\n", r"\1\n\n", t),
    "final-newline": lambda t: t + "\n",
    "no-final-newline": lambda t: t.rstrip(),
    "trailing-blank-lines": lambda t: t + "\n\n  \n\n",
    "crlf-bom-no-braille": lambda t: "\ufeff" + t.replace(BRAILLE, "").replace("\n", "\r\n"),
}


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_harmless_variant_gives_same_document(name: str, fragment: str, base: NapIDocument) -> None:
    assert parse_nap_i(VARIANTS[name](fragment)) == base


def test_bytes_and_text_give_the_same_document(fragment: str, base: NapIDocument) -> None:
    assert parse_nap_i(fragment.encode("utf-8")) == base


# -- rejection, each with its line number ---------------------------------------------------

OK_THEME = "Federführung:\nAuswärtiges Amt\nMaßnahmen\n  1. Eins\n    Goethe-Institut\n"


@pytest.mark.parametrize("data", ["", b"", "   \n\n \t\n", f"{BRAILLE}\n{NBSP}\n"])
def test_empty_file_is_rejected_on_line_1(data: str | bytes) -> None:
    error = parse_error(data)
    assert error.line == 1
    assert "leer" in error.message and "empty" in error.message


def test_nul_byte_is_rejected_with_its_line() -> None:
    error = parse_error(b"Phase I: A \xe2\x80\x93 B\nIntro\nab\x00cd\n")
    assert error.line == 3
    assert error.message.startswith("Zeile 3: Binärdatei")


def test_invalid_utf8_is_rejected_with_its_line() -> None:
    error = parse_error(b"Phase I: A - B\n\xff\xfe broken\n")
    assert error.line == 2
    assert "UTF-8" in error.message


def test_latin1_file_is_rejected() -> None:
    error = parse_error("Phase I: A – B\n\nFederführung:\n".encode("cp1252", errors="replace"))
    assert error.line == 1


def test_no_phase_heading_at_all_is_rejected() -> None:
    error = parse_error("Nur Text.\n\nNoch mehr Text.\n")
    assert error.line == 1
    assert "Phasenüberschrift" in error.message


def test_theme_content_before_any_phase_heading_is_rejected_at_that_line() -> None:
    error = parse_error("Vorrede.\n\nEinführung.\n" + OK_THEME)
    assert error.line == 4
    assert "keine Phasenüberschrift" in error.message


def test_theme_without_lead_block_is_rejected_at_massnahmen() -> None:
    error = parse_error("Phase I: A – B\n\nIntro.\n\nMaßnahmen\n  1. Eins\n    Goethe-Institut\n")
    assert error.line == 5
    assert "ohne „Federführung:“" in error.message
    assert "without “Federführung:”" in error.message


def test_removed_federfuehrung_line_is_rejected(fragment: str) -> None:
    lines = fragment.split("\n")
    assert lines[22] == "Federführung:"
    del lines[22]
    error = parse_error("\n".join(lines))
    # The leads become prose of the introduction; "Maßnahmen" (now line 26) has no lead block.
    assert error.line == 26


def test_lead_marker_without_names_is_rejected() -> None:
    error = parse_error("Phase I: A – B\nIntro.\nFederführung:\n\nMaßnahmen\n  1. X\n    Y\n")
    assert error.line == 5
    assert "keine Organisation" in error.message


def test_measure_without_organisation_line_is_rejected_at_its_title() -> None:
    error = parse_error(
        "Phase I: A – B\nIntro.\nFederführung:\nAuswärtiges Amt\nMaßnahmen\n"
        "  1. Erste Maßnahme\n  2. Zweite\n    Goethe-Institut\n"
    )
    assert error.line == 6
    assert error.message == (
        "Zeile 6: Maßnahme „Erste Maßnahme“ hat keine Zeile mit Organisationen "
        "/ line 6: measure “Erste Maßnahme” has no organisation line"
    )


def test_last_measure_without_organisation_line_is_rejected() -> None:
    error = parse_error("Phase I: A – B\nIntro.\nFederführung:\nAuswärtiges Amt\nMaßnahmen\n  1. Letzte\n\n")
    assert error.line == 6
    assert "„Letzte“ hat keine Zeile mit Organisationen" in error.message


def test_measure_followed_by_next_intro_without_organisations_is_rejected() -> None:
    error = parse_error(
        "Phase I: A – B\nIntro.\n" + OK_THEME + "  2. Ohne\n\nNächste Einführung.\n" + OK_THEME
    )
    assert error.line == 8
    assert "„Ohne“" in error.message


def test_removed_organisation_line_in_fragment_is_rejected(fragment: str) -> None:
    lines = fragment.split("\n")
    assert lines[18] == "    Goethe Institut"
    del lines[18]
    assert parse_error("\n".join(lines)).line == 18


def test_federfuehrung_without_massnahmen_is_rejected() -> None:
    error = parse_error("Phase I: A – B\nIntro.\nFederführung:\nAuswärtiges Amt\n")
    assert error.line == 3


def test_massnahmen_without_items_is_rejected() -> None:
    error = parse_error("Phase I: A – B\nIntro.\nFederführung:\nAuswärtiges Amt\nMaßnahmen\n\n")
    assert error.line == 5


def test_text_after_massnahmen_that_is_no_item_is_rejected() -> None:
    error = parse_error("Phase I: A – B\nIntro.\nFederführung:\nAuswärtiges Amt\nMaßnahmen\nProsa\n")
    assert error.line == 6


def test_item_before_massnahmen_is_rejected() -> None:
    error = parse_error("Phase I: A – B\nIntro.\nFederführung:\nAuswärtiges Amt\n  1. X\n    Y\n")
    assert error.line == 5


def test_intro_without_structure_at_end_of_file_is_rejected() -> None:
    error = parse_error("Phase I: A – B\nIntro.\n" + OK_THEME + "\nNoch ein Text.\n")
    assert error.line == 9


def test_phase_out_of_order_is_rejected() -> None:
    error = parse_error("Phase I: A – B\nIntro.\n" + OK_THEME + "Phase III: C – D\n")
    assert error.line == 8
    assert "erwartet wird Phase Nr. 2" in error.message


def test_phase_without_themes_is_rejected() -> None:
    error = parse_error("Phase I: A – B\n\nPhase II: C – D\nIntro.\n" + OK_THEME)
    assert error.line == 1


def test_duplicate_measure_number_is_rejected() -> None:
    error = parse_error("Phase I: A – B\nIntro.\n" + OK_THEME + "  1. Nochmal\n    Goethe-Institut\n")
    assert error.line == 8


def test_error_carries_line_and_plain_message() -> None:
    error = parse_error("")
    assert isinstance(error, ValueError)
    assert str(error) == error.message == "Zeile 1: die Datei ist leer / line 1: the file is empty"


# -- facts round trip (pure) ----------------------------------------------------------------


def test_facts_round_trip(base: NapIDocument) -> None:
    facts = document_to_facts(base)
    assert facts_to_document(facts) == base
    assert document_to_facts(facts_to_document(facts)) == facts


def test_malformed_facts_are_rejected(base: NapIDocument) -> None:
    facts = document_to_facts(base)
    facts["phases"][0]["themes"][0]["measures"][0]["organisation_lines"] = []
    with pytest.raises(FactsError):
        facts_to_document(facts)
    with pytest.raises(FactsError):
        facts_to_document({"version": 1})
    with pytest.raises(FactsError):
        facts_to_document({"version": 99, "phases": []})


def test_check_document_accepts_parsed_fragment(base: NapIDocument) -> None:
    check_document(base)


# -- the real seed --------------------------------------------------------------------------


def test_seed_has_5_phases_24_themes_114_measures(nap_i_seed_path: Path) -> None:
    doc = parse_nap_i(nap_i_seed_path.read_bytes())
    assert len(doc.phases) == 5
    assert [len(p.themes) for p in doc.phases] == [5, 4, 5, 5, 5]
    assert doc.measure_count == 114
    assert doc.phases[2].title == "Eingliederung: Teilhabe ermöglichen – Leistung fordern und fördern"
    assert all(BRAILLE not in p.title and NBSP not in p.title for p in doc.phases)
    for _theme, measure in doc.iter_measures():
        assert measure.title == measure.title.strip()
        assert NBSP not in measure.title and BRAILLE not in measure.title
