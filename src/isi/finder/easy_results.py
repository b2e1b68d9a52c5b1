"""The finder's answers in Leichte Sprache (Easy German): reasons, who decides, next steps, notice.

The engine (``isi.finder.rules``) is not changed and not copied: the rule book is rewritten with
the Easy version of every text a person reads (``data/easy_results.json``, keyed by the standard
German text) and evaluated by the same ``evaluate``. So an Easy answer has the same verdict, basis
and missing answers as the standard one (``easy_results`` checks that) and only the words differ.
The JSON/API/CLI contract stays standard German: Easy German is a presentation on the pages.

The legal citations are written out (``easy_clause``): "§ 44 Abs. 4 AufenthG" becomes
"Aufenthalts·gesetz, Paragraf 44 Absatz 4" – no abbreviations, the word "Paragraf" instead of "§".
A text without an Easy version stays standard German (``missing_easy_texts`` names them; a test
fails on any of the rule set in force).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from isi.finder.answers import Text
from isi.finder.rules import (
    CONDITION_PREFIX,
    ELIGIBLE_PREFIX,
    MISSING_PREFIX,
    NOT_BINDING,
    NOT_ELIGIBLE_PREFIX,
    NOT_ELIGIBLE_STEPS,
    OPEN_PREFIX,
    OPEN_STEPS,
    AllOf,
    AnyOf,
    Condition,
    EligibilityPath,
    Leaf,
    Note,
    Offer,
    OfferResult,
    Precondition,
    RuleBook,
    RuleSet,
    evaluate,
    load_rule_book,
)

EASY_FILE = "easy_results.json"

logger = logging.getLogger(__name__)

# The engine's own words before a reason, in Easy German. The Easy reasons are whole sentences
# (the verdict above them already says "eligible" or not), so most prefixes fall away.
EASY_PREFIXES: Mapping[str, str] = {
    ELIGIBLE_PREFIX.de: "",
    NOT_ELIGIBLE_PREFIX.de: "",
    OPEN_PREFIX.de: "",
    CONDITION_PREFIX.de: "Wichtig: ",
}
# Instead of "Wir müssen noch wissen: ob …": the open questions are listed (and linked) below it.
EASY_MISSING = "Wir brauchen noch mehr Antworten von Ihnen. Die offenen Fragen stehen unten."

# The page's own words around the Easy answer (German only: Easy German is no gettext language).
EASY_LABELS: Mapping[str, str] = {
    "why": "Warum?",
    "open": "Diese Fragen sind noch offen:",
    "decides": "Wer entscheidet?",
    "next": "Das können Sie jetzt tun:",
    # followed by the date of the legal state ("31. Dezember 2022.")
    "legal_state": "Die Regeln in diesem Angebots·finder sind vom",
}

LAWS: Mapping[str, str] = {
    "AufenthG": "Aufenthalts·gesetz",
    "DeuFöV": "Deutsch·sprach·förder·verordnung",
    "IntV": "Integrations·kurs·verordnung",
    "BVFG": "Bundes·vertriebenen·gesetz",
    "FreizügG/EU": "Frei·zügigkeits·gesetz für die Europäische Union",
    "AsylG": "Asyl·gesetz",
}
PARTS: Mapping[str, str] = {"Abs.": "Absatz", "Satz": "Satz", "Nr.": "Nummer", "Buchst.": "Buchstabe"}
_CITATION = re.compile(
    r"^§\s*(?P<number>\d+[a-z]?)(?P<parts>(?:\s+(?:Abs\.|Satz|Nr\.|Buchst\.)\s+\w+)*)\s+(?P<law>\S+)$"
)
_PART = re.compile(r"(Abs\.|Satz|Nr\.|Buchst\.)\s+(\w+)")
# Citations of the 2020 history rule set ("Endnote 5, Spiegelstrich 1").
_WORDS: Mapping[str, str] = {
    "Spiegelstrich": "Spiegel·strich",
    "Unterpunkt": "Unter·punkt",
    "Einleitungssatz": "Einleitungs·satz",
    "Kapitel III": "Kapitel 3",
}


def easy_clause(clause: str) -> str:
    """A legal citation without abbreviations: "§ 44 Abs. 4 Satz 2 Nr. 1 AufenthG" is
    "Aufenthalts·gesetz, Paragraf 44 Absatz 4 Satz 2 Nummer 1"; several citations are joined
    with ". Und: "."""
    clause = re.sub(r"\s*\([^)]*\)", "", clause).strip()  # "(Aufenthaltserlaubnis nach § 24 AufenthG)"
    easy = []
    for part in re.split(r";\s*|\s+mit\s+", clause):
        match = _CITATION.match(part.strip())
        if match is None:
            text = part.strip()
            for word, plain in _WORDS.items():
                text = text.replace(word, plain)
            if text.startswith("Endnote"):
                text = f"Leit·faden von 2020, {text}"
            easy.append(text)
            continue
        law = LAWS.get(match["law"], match["law"])
        numbers = " ".join(f"{PARTS[name]} {value}" for name, value in _PART.findall(match["parts"]))
        easy.append(f"{law}, Paragraf {match['number']}" + (f" {numbers}" if numbers else ""))
    return ". Und: ".join(easy)


@cache
def easy_texts() -> Mapping[str, str]:
    """Standard German text → its Easy German version (``data/easy_results.json``)."""
    raw = resources.files("isi.finder").joinpath("data", EASY_FILE).read_text(encoding="utf-8")
    return {item["de"]: item["easy"] for item in json.loads(raw)["texts"]}


def easy_text(text: Text) -> Text:
    """The Easy version of one text (English unchanged); the text itself when there is none."""
    easy = easy_texts().get(text.de)
    return text if easy is None else Text(easy, text.en)


def _optional(text: Text | None) -> Text | None:
    return None if text is None else easy_text(text)


def _clause(clause: Text) -> Text:
    return Text(easy_clause(clause.de), clause.en)


def _condition(condition: Condition) -> Condition:
    if isinstance(condition, Leaf):
        return replace(condition, if_false=_optional(condition.if_false))
    children = tuple(_condition(child) for child in condition.children)
    return AllOf(children) if isinstance(condition, AllOf) else AnyOf(children)


def _note(note: Note) -> Note:
    return replace(note, text=easy_text(note.text))


def _precondition(pre: Precondition) -> Precondition:
    return replace(
        pre,
        clause=_clause(pre.clause),
        if_false=easy_text(pre.if_false),
        if_unknown=_optional(pre.if_unknown),
    )


def _path(path: EligibilityPath) -> EligibilityPath:
    applies_to = _condition(path.applies_to)
    assert isinstance(applies_to, AllOf)
    return replace(
        path,
        clause=_clause(path.clause),
        applies_to=applies_to,
        requires=tuple(_condition(c) for c in path.requires),
        because=easy_text(path.because),
        requirement=_optional(path.requirement),
        decided_by=_optional(path.decided_by),
        apply=_optional(path.apply),
    )


def _offer(offer: Offer) -> Offer:
    return replace(
        offer,
        title=easy_text(offer.title),
        preconditions=tuple(_precondition(p) for p in offer.preconditions),
        paths=tuple(_path(p) for p in offer.paths),
        notes=tuple(_note(n) for n in offer.notes),
        none_apply=easy_text(offer.none_apply),
        decided_by=_optional(offer.decided_by),
        costs=tuple(_note(n) for n in offer.costs),
        next_steps=tuple(_note(n) for n in offer.next_steps),
    )


def easy_rule_book(book: RuleBook) -> RuleBook:
    """The same rule book with every text a person reads in Easy German (conditions unchanged)."""
    return replace(
        book,
        rule_sets=tuple(replace(s, offers=tuple(_offer(o) for o in s.offers)) for s in book.rule_sets),
        counselling=tuple(_note(n) for n in book.counselling),
    )


@cache
def _default_easy_book() -> RuleBook:
    return easy_rule_book(load_rule_book())


def _reason(text: str) -> str:
    if text.startswith(MISSING_PREFIX.de):
        return EASY_MISSING
    for prefix, easy in EASY_PREFIXES.items():
        if text.startswith(prefix):
            return easy + text[len(prefix) :]
    return text


def _step(text: Text) -> str:
    # The engine's own next steps (not in the rule file) come as they are; look them up.
    return easy_text(text).de


@dataclass(frozen=True)
class EasyResult:
    """One offer's answer in Easy German, for the pages (never for the JSON contract)."""

    offer: str
    title: str
    eligible: bool | None
    basis: str | None
    reasons: tuple[str, ...]
    decided_by: str | None
    next_steps: tuple[str, ...]


class EasyMismatch(RuntimeError):
    """The Easy evaluation did not give the same answer as the standard one (a developer error)."""


def easy_results(
    answers: Mapping[str, Any], standard: Sequence[OfferResult], *, today: date | None = None
) -> list[EasyResult]:
    """The answers evaluated with the Easy rule book; ``standard`` is the usual result for the same
    answers and day – the Easy one must agree with it on everything but the words."""
    results = evaluate(answers, today=today, rules=_default_easy_book())
    if [_shape(r) for r in results] != [_shape(r) for r in standard]:
        raise EasyMismatch("Easy German result differs from the standard result")
    return [
        EasyResult(
            offer=r.offer,
            title=r.title.de,
            eligible=r.eligible,
            basis=r.basis,
            reasons=tuple(dict.fromkeys(_reason(t) for t in r.reasons_de)),
            decided_by=r.decided_by.de if r.decided_by else None,
            next_steps=tuple(dict.fromkeys(_step(t) for t in r.next_steps_texts)),
        )
        for r in results
    ]


def _shape(result: OfferResult) -> tuple[Any, ...]:
    return (
        result.offer,
        result.eligible,
        result.basis,
        result.paths,
        result.missing,
        result.open_conditions,
        len(result.reasons_de),
        len(result.next_steps_texts),
    )


def easy_notice() -> str:
    """The notice "this is not a binding decision" in Easy German."""
    return easy_text(NOT_BINDING).de


# A sentence ends with . ? or ! – or with an address (the Easy texts end a sentence with a link
# instead of a full stop, so the link is not read as "…de/.").
_SENTENCE_END = re.compile(r"(?<=[.?!/])\s+(?=[A-ZÄÖÜ0-9])")


def sentences(text: str) -> list[str]:
    """An Easy text as its sentences: the page shows each on its own line."""
    return [s for s in _SENTENCE_END.split(text.strip()) if s]


def for_pages(
    data: Sequence[dict[str, Any]],
    answers: Mapping[str, Any],
    standard: Sequence[OfferResult],
    *,
    today: date | None = None,
) -> bool:
    """Add ``easy`` (title, reasons, who decides, next steps – each as its sentences) to the page
    data of each result (``result_for_page``); ``False`` (and nothing added) if that fails, so the
    page shows the standard German answer instead of none."""
    try:
        easy = easy_results(answers, standard, today=today)
    except EasyMismatch:
        logger.exception("finder: no Easy German answer")
        return False
    for item, result in zip(data, easy, strict=True):
        item["easy"] = {
            "title": result.title,
            "reasons": [sentences(t) for t in result.reasons],
            "decided_by": sentences(result.decided_by) if result.decided_by else [],
            "next_steps": [sentences(t) for t in result.next_steps],
        }
    return True


def reason_and_step_texts(rule_set: RuleSet, counselling: Sequence[Note] = ()) -> list[Text]:
    """Every text of a rule set that a person reads in a reason, as who decides or as a next step
    (and the offer titles and the notice) – each needs an Easy version. Not here: the legal
    citations (written out by ``easy_clause``), country names (the same in Easy German) and the
    names of answer keys (the Easy page lists the open questions instead)."""
    texts: list[Text] = [NOT_BINDING, *NOT_ELIGIBLE_STEPS, *OPEN_STEPS]

    def leaves(condition: Condition) -> list[Leaf]:
        if isinstance(condition, Leaf):
            return [condition]
        return [leaf for child in condition.children for leaf in leaves(child)]

    for offer in rule_set.offers:
        texts += [offer.title, offer.none_apply, *(t for t in (offer.decided_by,) if t is not None)]
        for pre in offer.preconditions:
            texts += [t for t in (pre.if_false, pre.if_unknown) if t is not None]
        for path in offer.paths:
            texts += [
                t for t in (path.because, path.requirement, path.decided_by, path.apply) if t is not None
            ]
            for condition in (path.applies_to, *path.requires):
                texts += [leaf.if_false for leaf in leaves(condition) if leaf.if_false is not None]
        texts += [note.text for note in (*offer.notes, *offer.costs, *offer.next_steps)]
    texts += [note.text for note in counselling]
    return list(dict.fromkeys(texts))


def missing_easy_texts(rule_set: RuleSet, counselling: Sequence[Note] = ()) -> list[str]:
    """The standard German texts of a rule set that have no Easy version (should be none)."""
    return [t.de for t in reason_and_step_texts(rule_set, counselling) if t.de not in easy_texts()]


__all__ = [
    "EASY_LABELS",
    "EASY_MISSING",
    "EasyMismatch",
    "EasyResult",
    "easy_clause",
    "easy_notice",
    "easy_results",
    "easy_rule_book",
    "easy_text",
    "easy_texts",
    "for_pages",
    "missing_easy_texts",
    "reason_and_step_texts",
    "sentences",
]
