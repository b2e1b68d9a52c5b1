"""The finder's answers in Leichte Sprache: every reason and next step of the rules in force has an
Easy German version, the Easy answer agrees with the standard one, and the Easy texts keep the
rules of the Netzwerk Leichte Sprache that a program can check (short sentences, no
abbreviations, "§" explained, numbers as digits, no genitive articles, long words split).

A reviewer who changes a text in ``src/isi/finder/data/eligibility.json`` writes its Easy version
in ``src/isi/finder/data/easy_results.json``; this file fails until then.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from isi.finder.answers import NATIONALITIES, STATUSES
from isi.finder.easy import EASY_STEPS, EASY_VERDICTS
from isi.finder.easy_results import (
    EASY_LABELS,
    EASY_MISSING,
    easy_clause,
    easy_notice,
    easy_results,
    easy_texts,
    missing_easy_texts,
    reason_and_step_texts,
    sentences,
)
from isi.finder.rules import evaluate, finder_payload, load_rule_book
from tests.unit.test_finder_law import PERSONAS

TODAY = date(2026, 12, 1)
MAX_WORDS = 15
# Only a word this long may stand without the middle dot (Ausländer·behörde, Einschätzung).
MAX_WORD_LETTERS = 14

ABBREVIATIONS = re.compile(
    r"\bAbs\.|\bNr\.|\bBuchst\.|\bz\.\s?B\.|\bbzw\.|\bggf\.|\busw\.|\bca\.|\bd\.\s?h\.|\bu\.\s?a\.|"
    r"AufenthG|DeuFöV|IntV|AsylG|BVFG|FreizügG|\bSGB\b"
)
NUMBER_WORDS = re.compile(
    r"\b(eins|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf|zwanzig|dreißig|hundert|tausend)\b",
    re.IGNORECASE,
)
GENITIVE_ARTICLES = re.compile(r"\b(des|eines)\b", re.IGNORECASE)
URL = re.compile(r"https?://\S+")
CAPITALS = re.compile(r"\b[A-ZÄÖÜ]{2,}\b")


def problems(text: str, nearby: str = "") -> list[str]:
    """What breaks the checkable rules of Leichte Sprache in one text (empty: nothing); ``nearby``
    is the text around it on the page (a question's hint explains "§" for its options)."""
    found = []
    for sentence in sentences(text):
        words = sentence.split()
        if len(words) > MAX_WORDS:
            found.append(f"{len(words)} words: {sentence}")
    prose = URL.sub("", text)
    if "§" in prose and "Paragraf" not in prose + nearby:
        found.append("§ without the word Paragraf")
    found += [f"abbreviation {m.group(0)!r}" for m in ABBREVIATIONS.finditer(prose)]
    for token in set(CAPITALS.findall(prose)):
        if f"Kurz: {token}" not in prose:
            found.append(f"abbreviation {token!r} not explained (Kurz: {token})")
    found += [f"number as a word {m.group(0)!r}" for m in NUMBER_WORDS.finditer(prose)]
    found += [f"genitive {m.group(0)!r}" for m in GENITIVE_ARTICLES.finditer(prose)]
    for word in re.findall(r"[A-Za-zÄÖÜäöüß·-]+", prose):
        if any(len(part) > MAX_WORD_LETTERS for part in re.split(r"[·-]", word)):
            found.append(f"long word {word!r}")
    return found


BOOK = load_rule_book()
CURRENT = BOOK.in_force(TODAY)


def filled(template: str) -> str:
    """An Easy template as a person reads it: the longest citation, a long country name."""
    longest = max((easy_clause(p.clause.de) for o in CURRENT.offers for p in o.paths), key=len)
    return template.replace("{clause}", longest).replace("{value}", "Bosnien und Herzegowina")


# --- every text has an Easy version ------------------------------------------------------------


def test_every_reason_and_next_step_of_the_rules_in_force_has_an_easy_version() -> None:
    texts = reason_and_step_texts(CURRENT, BOOK.counselling)
    # Every clause's reason, requirement, office and where to apply; costs, next steps, counselling.
    assert len(texts) >= 50
    for offer in CURRENT.offers:
        for path in offer.paths:
            assert path.because in texts and (path.apply is None or path.apply in texts), path.id
        for note in (*offer.costs, *offer.next_steps, *offer.notes):
            assert note.text in texts, note.id
    assert missing_easy_texts(CURRENT, BOOK.counselling) == []


def test_a_changed_rule_text_is_reported_without_an_easy_version() -> None:
    offer = CURRENT.offers[0]
    path = replace(offer.paths[0], because=replace(offer.paths[0].because, de="Sie sind neu ({clause})."))
    changed = replace(CURRENT, offers=(replace(offer, paths=(path, *offer.paths[1:])), *CURRENT.offers[1:]))
    assert missing_easy_texts(changed) == ["Sie sind neu ({clause})."]


def test_no_easy_text_is_left_over_from_an_old_rule_text() -> None:
    used = {t.de for t in reason_and_step_texts(CURRENT, BOOK.counselling)}
    assert set(easy_texts()) - used == set()


# --- the Easy texts follow the rules -----------------------------------------------------------


def test_the_checks_find_the_problems_of_the_standard_texts() -> None:
    """The checks can fail: most standard German texts break at least one of them."""
    standard = [t.de for t in reason_and_step_texts(CURRENT, BOOK.counselling)]
    flagged = [t for t in standard if problems(filled(t))]
    assert len(flagged) > len(standard) / 2
    assert problems("Sie haben eine Duldung nach § 60a Abs. 2 AufenthG.") != []
    assert problems("Das gilt für zwei Jahre.") and problems("Das Recht des Kindes.")
    assert problems("Fragen Sie das BAMF.") and not problems("Das Bundes·amt. Kurz: BAMF.")
    assert problems("Die Staatsangehörigkeit.") and not problems("Die Staats·angehörigkeit.")
    assert problems("(§ 24)") and not problems("(§ 24)", nearby="Auf Ihrer Karte steht ein Paragraf.")
    assert problems(" ".join(["Wort"] * 16) + ".") and not problems(" ".join(["Wort"] * 15) + ".")


@pytest.mark.parametrize("standard", sorted(easy_texts()), ids=lambda t: t[:40])
def test_each_easy_text_is_easy(standard: str) -> None:
    easy = easy_texts()[standard]
    assert easy != standard
    assert problems(filled(easy)) == []
    assert ("{clause}" in standard) == ("{clause}" in easy) and ("{value}" in standard) == ("{value}" in easy)


@pytest.mark.parametrize("step_id", sorted(EASY_STEPS))
def test_the_easy_questions_are_easy(step_id: str) -> None:
    step = EASY_STEPS[step_id]
    texts = [
        step.question,
        *(t for t in (step.hint,) if t),
        *step.options.values(),
        *step.option_hints.values(),
    ]
    assert [
        (t, problems(t, nearby=step.hint or "")) for t in texts if problems(t, nearby=step.hint or "")
    ] == []


def test_the_notice_and_the_page_words_are_easy() -> None:
    assert "keine feste Entscheidung" in easy_notice() and "Das Amt" in easy_notice()
    for text in (easy_notice(), EASY_MISSING, *EASY_LABELS.values(), *EASY_VERDICTS.values()):
        assert problems(text) == [], text


@pytest.mark.parametrize(
    ("clause", "easy"),
    [
        ("§ 44 Abs. 1 Satz 1 Nr. 1 Buchst. c AufenthG",
         "Aufenthalts·gesetz, Paragraf 44 Absatz 1 Satz 1 Nummer 1 Buchstabe c"),
        ("§ 45a Abs. 2 AufenthG; § 4 Abs. 1 Satz 2 DeuFöV",
         "Aufenthalts·gesetz, Paragraf 45a Absatz 2. "
         "Und: Deutsch·sprach·förder·verordnung, Paragraf 4 Absatz 1 Satz 2"),
        ("§ 44 Abs. 4 AufenthG (Aufenthaltserlaubnis nach § 24 AufenthG)",
         "Aufenthalts·gesetz, Paragraf 44 Absatz 4"),
        ("Endnote 5, Spiegelstrich 1", "Leit·faden von 2020, Endnote 5, Spiegel·strich 1"),
    ],
)  # fmt: skip
def test_legal_citations_are_written_out(clause: str, easy: str) -> None:
    assert easy_clause(clause) == easy


def test_every_citation_of_every_rule_set_is_written_out() -> None:
    for rule_set in BOOK.rule_sets:
        for offer in rule_set.offers:
            for clause in (*(p.clause for p in offer.paths), *(p.clause for p in offer.preconditions)):
                easy = easy_clause(clause.de)
                assert "§" not in easy and problems(f"Das steht im Gesetz: {easy}.") == [], easy


# --- the Easy answer is the standard answer in other words --------------------------------------


def _answer_sets() -> list[dict[str, Any]]:
    """Many people: every nationality and status with work, school and German answers (or not)."""
    people: list[dict[str, Any]] = [answers for _who, answers, _before, _now in PERSONAS]
    flags = ("in_school", "sufficient_german", "receives_sgb2", "employed", "needs_language_qualification")
    for nationality, status in itertools.product(NATIONALITIES, (*STATUSES, None)):
        for values in itertools.product((True, False, None), repeat=2):
            for chosen in (("in_school", "sufficient_german"), ("employed", "needs_language_qualification")):
                answers: dict[str, Any] = {"nationality": nationality, "status": status}
                answers.update(dict(zip(chosen, values, strict=True)))
                rest = [f for f in flags if f not in chosen]
                answers.update(dict.fromkeys(rest[:1], False))
                people.append(answers)
    people += [
        {"nationality": "third_country", "status": "asylum_unclear_prospects", "country_of_origin": code,
         "in_school": False, "sufficient_german": False, "employed": True,
         "needs_language_qualification": True}
        for code in ("RS", "AF", "GE", None)
    ]  # fmt: skip
    people += [
        {"nationality": "third_country", "status": "tolerated_other", "months_tolerated": months,
         "registered_with_employment_agency": True, "needs_language_qualification": True}
        for months in (0, 6)
    ]  # fmt: skip
    people += [{"nationality": "german", "status": "german_citizen", "migration_background": mb,
                "particularly_integration_needy": need, "in_school": False, "sufficient_german": False}
               for mb in (True, False) for need in (True, False, None)]  # fmt: skip
    return people


STANDARD_MARKERS = (
    "Berechtigt, weil", "Nicht berechtigt:", "Noch offen:", "Voraussetzung:", "Wir müssen noch wissen",
    "Kursträger", "Kurssuche des BAMF", "keine verbindliche Entscheidung",
)  # fmt: skip


def test_easy_answers_agree_with_the_standard_ones_and_are_easy() -> None:
    seen_reasons: set[str] = set()
    seen_steps: set[str] = set()
    checked: set[str] = set()
    for answers in _answer_sets():
        standard = evaluate(answers, today=TODAY)
        easy = easy_results(answers, standard, today=TODAY)  # raises if the answers differ
        for plain, result in zip(standard, easy, strict=True):
            assert (result.offer, result.eligible, result.basis) == (plain.offer, plain.eligible, plain.basis)
            texts = [*result.reasons, *result.next_steps, result.decided_by or "", result.title]
            for text in set(texts) - checked:
                assert problems(text) == [], (answers, text)
                assert not any(marker in text for marker in STANDARD_MARKERS), text
                checked.add(text)
            assert not set(result.reasons) & set(plain.reasons_de)
            assert not set(result.next_steps) & set(plain.next_steps())
            seen_reasons |= set(result.reasons)
            seen_steps |= set(result.next_steps)
    # The people above meet many of the texts, not a handful.
    assert len(seen_reasons) >= 25 and len(seen_steps) >= 12


def test_the_contract_stays_standard_german() -> None:
    payload = finder_payload({"nationality": "eu", "employed": True, "needs_language_qualification": True,
                              "in_school": False, "sufficient_german": False}, today=TODAY)  # fmt: skip
    text = str(payload)
    assert "Berechtigt, weil" in text and "keine verbindliche Entscheidung" in text
    assert "·" not in text and "Das steht im Gesetz" not in text


def test_an_easy_answer_that_differs_falls_back_to_the_standard_one(monkeypatch: pytest.MonkeyPatch) -> None:
    from isi.finder import easy_results as module

    answers = {"nationality": "eu", "employed": True, "needs_language_qualification": True}
    standard = evaluate(answers, today=TODAY)
    data: list[dict[str, Any]] = [{"offer": r.offer} for r in standard]
    assert module.for_pages(data, answers, standard, today=TODAY) is True
    assert all("easy" in item for item in data)
    # An Easy rule book that no longer agrees (a clause lost): the page keeps the standard answer.
    monkeypatch.setattr(module, "evaluate", lambda *args, **kwargs: standard[:1])
    fresh: list[dict[str, Any]] = [{"offer": r.offer} for r in standard]
    assert module.for_pages(fresh, answers, standard, today=TODAY) is False
    assert all("easy" not in item for item in fresh)
