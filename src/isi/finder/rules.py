"""The offer finder's eligibility engine (DESIGN §5): pure Python, rules as data.

Who may attend the integration course (Leitfaden, endnote 5) and the job-related German courses
(endnote 8) is written down in ``data/eligibility.json``; this module only reads that file and
evaluates it. Nothing here touches the database or a request.

Public interface
----------------
``validate_answers(raw) -> (Answers, [AnswerError])``  check raw answers, never raises
``evaluate(answers, *, today=None) -> [OfferResult]``   one result per offer, in file order
``result_to_json(result, lang="de") -> dict``           the contract shape of one result
``finder_payload(raw, *, lang="de") -> dict``           ``{"results": […], "errors": […]}``

The rule data
-------------
Each offer has *preconditions* and *paths*. A path is one clause of an endnote (its ``clause``
names it, e.g. "Endnote 5, Spiegelstrich 5"): a conjunction of the conditions in ``applies_to``
(who the clause is about) and ``requires`` (what else must hold). Conditions are leaves over one
answer key – ``eq``, ``in``, ``not_in`` (choices), ``is`` (yes/no), ``date_before`` (dates),
``int_at_least`` (months) – or ``{"all": […]}`` / ``{"any": […]}``. ``{"$ref": NAME}`` stands for
an entry of ``definitions``.

Three-valued logic: a missing answer makes its leaf *unknown*. ``all`` is false if any part is
false, true if all are true, else unknown; ``any`` the other way round. An offer is

- **eligible** (``True``) if a path is true and no precondition is false,
- **not eligible** (``False``) if a precondition is false or every path is false,
- **undecided** (``None``) otherwise – and ``missing`` names the answer keys still needed.

A precondition that is still unknown does not block an eligible path; its ``if_unknown`` text
is added to the reasons so the person knows the condition (e.g. the need for better German in
endnote 8).

Reasons are plain-language sentences in German and English and always name the clause.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal, cast

from isi.finder.answers import (
    ANSWER_KEYS,
    SPECS,
    AnswerError,
    Answers,
    AnswerValue,
    Lang,
    Text,
    to_lang,
    validate_answers,
)

__all__ = [
    "AnswerError",
    "Answers",
    "OfferResult",
    "RuleDataError",
    "RuleSet",
    "error_to_json",
    "evaluate",
    "finder_payload",
    "load_rules",
    "parse_condition",
    "result_to_json",
    "results_to_json",
    "validate_answers",
]

Truth = bool | None
Op = Literal["eq", "in", "not_in", "is", "date_before", "int_at_least"]

OPS_BY_KIND: Mapping[str, frozenset[str]] = {
    "choice": frozenset({"eq", "in", "not_in"}),
    "bool": frozenset({"is"}),
    "date": frozenset({"date_before"}),
    "int": frozenset({"int_at_least"}),
}

ELIGIBLE_PREFIX = Text("Berechtigt, weil ", "Eligible because ")
NOT_ELIGIBLE_PREFIX = Text("Nicht berechtigt: ", "Not eligible: ")
OPEN_PREFIX = Text("Noch offen: ", "Not decided yet: ")
CONDITION_PREFIX = Text("Voraussetzung: ", "Condition: ")
MISSING_PREFIX = Text("Wir müssen noch wissen: ", "We still need to know: ")
AND_WORD = Text("und", "and")

MONTHS_DE = (
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
)
MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


class RuleDataError(ValueError):
    """The rule file is malformed (a developer error, found when the file is loaded)."""


# --- conditions ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Leaf:
    """One test on one answer key; unknown when the answer is missing."""

    key: str
    op: Op
    expected: str | bool | int | date | tuple[str, ...]
    if_false: Text | None = None

    def test(self, value: AnswerValue) -> bool:
        expected = self.expected
        match self.op:
            case "eq" | "is":
                return value == expected and type(value) is type(expected)
            case "in":
                return isinstance(expected, tuple) and value in expected
            case "not_in":
                return isinstance(expected, tuple) and value not in expected
            case "date_before":
                return isinstance(value, date) and isinstance(expected, date) and value < expected
            case "int_at_least":
                return (
                    isinstance(value, int)
                    and not isinstance(value, bool)
                    and isinstance(expected, int)
                    and value >= expected
                )

    def to_data(self) -> dict[str, Any]:
        expected = self.expected
        if isinstance(expected, tuple):
            return {"key": self.key, "op": self.op, "values": list(expected)}
        if isinstance(expected, date):
            return {"key": self.key, "op": self.op, "value": expected.isoformat()}
        return {"key": self.key, "op": self.op, "value": expected}


@dataclass(frozen=True)
class AllOf:
    children: tuple[Condition, ...]

    def to_data(self) -> dict[str, Any]:
        return {"all": [child.to_data() for child in self.children]}


@dataclass(frozen=True)
class AnyOf:
    children: tuple[Condition, ...]

    def to_data(self) -> dict[str, Any]:
        return {"any": [child.to_data() for child in self.children]}


Condition = Leaf | AllOf | AnyOf


@dataclass(frozen=True)
class Outcome:
    """The value of a condition, what is still missing to decide it, and which leaves failed."""

    value: Truth
    missing: tuple[str, ...] = ()
    failed: tuple[tuple[Leaf, AnswerValue], ...] = ()


def evaluate_condition(condition: Condition, answers: Mapping[str, AnswerValue]) -> Outcome:
    """Evaluate a condition in three-valued logic.

    ``missing`` is only filled when the value is unknown. For ``all`` it holds the keys of the
    first unknown part only (ask one thing at a time: "are you German?" before "migration
    background?"); for ``any`` the keys of every unknown part.
    """
    if isinstance(condition, Leaf):
        value = answers.get(condition.key)
        if value is None:
            return Outcome(None, (condition.key,))
        if condition.test(value):
            return Outcome(True)
        return Outcome(False, failed=((condition, value),))
    outcomes = [evaluate_condition(child, answers) for child in condition.children]
    if isinstance(condition, AllOf):
        if any(o.value is False for o in outcomes):
            return Outcome(False, failed=_failed(outcomes))
        unknown = [o for o in outcomes if o.value is None]
        return Outcome(None, unknown[0].missing) if unknown else Outcome(True)
    if any(o.value is True for o in outcomes):
        return Outcome(True)
    unknown = [o for o in outcomes if o.value is None]
    if unknown:
        return Outcome(None, _unique(key for o in unknown for key in o.missing))
    return Outcome(False, failed=_failed(outcomes))


def _failed(outcomes: Iterable[Outcome]) -> tuple[tuple[Leaf, AnswerValue], ...]:
    return tuple(item for o in outcomes if o.value is False for item in o.failed)


def _unique(keys: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(keys))


# --- rule data -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Precondition:
    id: str
    clause: Text
    condition: Condition
    if_false: Text
    if_unknown: Text | None = None


@dataclass(frozen=True)
class EligibilityPath:
    """One clause of an endnote: who it is about (``applies_to``) and what else must hold."""

    id: str
    clause: Text
    applies_to: AllOf
    requires: tuple[Condition, ...]
    because: Text
    requirement: Text | None = None


@dataclass(frozen=True)
class Note:
    """An explanation shown when the offer is not available and ``when`` holds."""

    id: str
    when: Condition
    text: Text


@dataclass(frozen=True)
class Offer:
    id: str
    title: Text
    preconditions: tuple[Precondition, ...]
    paths: tuple[EligibilityPath, ...]
    notes: tuple[Note, ...]
    none_apply: Text


@dataclass(frozen=True)
class RuleSet:
    version: int
    source: Text
    offers: tuple[Offer, ...]
    definitions: Mapping[str, Any] = field(default_factory=dict)

    def offer(self, offer_id: str) -> Offer:
        for offer in self.offers:
            if offer.id == offer_id:
                return offer
        raise KeyError(offer_id)


DEFAULT_RULES = "eligibility.json"


@cache
def _default_rules() -> RuleSet:
    text = resources.files("isi.finder").joinpath("data", DEFAULT_RULES).read_text(encoding="utf-8")
    return parse_rules(json.loads(text))


def load_rules(path: Path | None = None) -> RuleSet:
    """The rules shipped in ``data/eligibility.json`` (cached), or those of another file."""
    if path is None:
        return _default_rules()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RuleDataError(f"{path}: {exc}") from exc
    return parse_rules(data)


def parse_rules(data: object) -> RuleSet:
    """Build a ``RuleSet`` from parsed JSON; every problem is a ``RuleDataError`` naming where."""
    root = _obj(data, "$", {"version", "source", "offers", "definitions"})
    definitions = _obj(root.get("definitions", {}), "$.definitions", None)
    parser = _Parser(definitions)
    version = root.get("version")
    if not isinstance(version, int):
        raise RuleDataError("$.version: must be an integer")
    offers = tuple(
        parser.offer(item, f"$.offers[{i}]") for i, item in enumerate(_list(root.get("offers"), "$.offers"))
    )
    ids = [offer.id for offer in offers]
    if len(set(ids)) != len(ids):
        raise RuleDataError("$.offers: offer ids must be unique")
    return RuleSet(version, parser.text(root.get("source"), "$.source"), offers, definitions)


def parse_condition(data: object, definitions: Mapping[str, Any] | None = None) -> Condition:
    """One condition from its JSON form (as in the rule file); ``RuleDataError`` if malformed."""
    return _Parser(dict(definitions or {})).condition(data, "$")


def _obj(data: object, where: str, allowed: set[str] | None) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise RuleDataError(f"{where}: must be an object")
    if allowed is not None and (extra := set(data) - allowed):
        raise RuleDataError(f"{where}: unknown fields {sorted(extra)}")
    return data


def _list(data: object, where: str) -> list[Any]:
    if not isinstance(data, list):
        raise RuleDataError(f"{where}: must be a list")
    return data


def _str(data: object, where: str) -> str:
    if not isinstance(data, str) or not data:
        raise RuleDataError(f"{where}: must be a non-empty string")
    return data


@dataclass
class _Parser:
    definitions: dict[str, Any]

    def resolve(self, data: object, where: str) -> object:
        if isinstance(data, dict) and set(data) == {"$ref"}:
            name = data["$ref"]
            if not isinstance(name, str) or name not in self.definitions:
                raise RuleDataError(f"{where}: unknown $ref {name!r}")
            return self.definitions[name]
        return data

    def text(self, data: object, where: str) -> Text:
        item = _obj(self.resolve(data, where), where, {"de", "en"})
        return Text(_str(item.get("de"), f"{where}.de"), _str(item.get("en"), f"{where}.en"))

    def optional_text(self, data: object, where: str) -> Text | None:
        return None if data is None else self.text(data, where)

    def condition(self, data: object, where: str) -> Condition:
        item = _obj(self.resolve(data, where), where, None)
        for name, cls in (("all", AllOf), ("any", AnyOf)):
            if name in item:
                _obj(item, where, {name})
                children = _list(item[name], f"{where}.{name}")
                if not children:
                    raise RuleDataError(f"{where}.{name}: must not be empty")
                return cls(tuple(self.condition(c, f"{where}.{name}[{i}]") for i, c in enumerate(children)))
        return self.leaf(item, where)

    def leaf(self, item: dict[str, Any], where: str) -> Leaf:
        _obj(item, where, {"key", "op", "value", "values", "if_false"})
        key = _str(item.get("key"), f"{where}.key")
        spec = SPECS.get(key)
        if spec is None:
            raise RuleDataError(f"{where}.key: unknown answer key {key!r}")
        op = _str(item.get("op"), f"{where}.op")
        if op not in OPS_BY_KIND[spec.kind]:
            raise RuleDataError(f"{where}.op: {op!r} does not fit {key!r} ({spec.kind})")
        if_false = self.optional_text(item.get("if_false"), f"{where}.if_false")
        raw = item.get("value")
        expected: str | bool | int | date | tuple[str, ...]
        if op in ("in", "not_in"):
            values = _list(item.get("values"), f"{where}.values")
            if not values or any(v not in spec.choices for v in values):
                raise RuleDataError(f"{where}.values: must be a non-empty list of {list(spec.choices)}")
            expected = tuple(values)
        elif op == "eq":
            if raw not in spec.choices:
                raise RuleDataError(f"{where}.value: must be one of {list(spec.choices)}")
            expected = _str(raw, f"{where}.value")
        elif op == "is":
            if not isinstance(raw, bool):
                raise RuleDataError(f"{where}.value: must be true or false")
            expected = raw
        elif op == "date_before":
            try:
                expected = date.fromisoformat(_str(raw, f"{where}.value"))
            except ValueError:
                raise RuleDataError(f"{where}.value: must be an ISO date") from None
        else:  # int_at_least
            if not isinstance(raw, int) or isinstance(raw, bool) or raw < 0:
                raise RuleDataError(f"{where}.value: must be an integer >= 0")
            expected = raw
        return Leaf(key, cast(Op, op), expected, if_false)

    def conditions(self, data: object, where: str) -> tuple[Condition, ...]:
        return tuple(self.condition(c, f"{where}[{i}]") for i, c in enumerate(_list(data, where)))

    def path(self, data: object, where: str) -> EligibilityPath:
        item = _obj(data, where, {"id", "clause", "applies_to", "requires", "because", "requirement"})
        applies_to = self.conditions(item.get("applies_to"), f"{where}.applies_to")
        if not applies_to:
            raise RuleDataError(f"{where}.applies_to: must not be empty")
        requires = self.conditions(item.get("requires", []), f"{where}.requires")
        requirement = self.optional_text(item.get("requirement"), f"{where}.requirement")
        if requires and requirement is None:
            raise RuleDataError(f"{where}.requirement: needed when the path has requirements")
        return EligibilityPath(
            id=_str(item.get("id"), f"{where}.id"),
            clause=self.text(item.get("clause"), f"{where}.clause"),
            applies_to=AllOf(applies_to),
            requires=requires,
            because=self.text(item.get("because"), f"{where}.because"),
            requirement=requirement,
        )

    def precondition(self, data: object, where: str) -> Precondition:
        item = _obj(data, where, {"id", "clause", "condition", "if_false", "if_unknown"})
        return Precondition(
            id=_str(item.get("id"), f"{where}.id"),
            clause=self.text(item.get("clause"), f"{where}.clause"),
            condition=self.condition(item.get("condition"), f"{where}.condition"),
            if_false=self.text(item.get("if_false"), f"{where}.if_false"),
            if_unknown=self.optional_text(item.get("if_unknown"), f"{where}.if_unknown"),
        )

    def note(self, data: object, where: str) -> Note:
        item = _obj(data, where, {"id", "when", "text"})
        return Note(
            id=_str(item.get("id"), f"{where}.id"),
            when=self.condition(item.get("when"), f"{where}.when"),
            text=self.text(item.get("text"), f"{where}.text"),
        )

    def offer(self, data: object, where: str) -> Offer:
        item = _obj(data, where, {"id", "title", "preconditions", "paths", "notes", "none_apply"})
        paths = tuple(
            self.path(p, f"{where}.paths[{i}]")
            for i, p in enumerate(_list(item.get("paths"), f"{where}.paths"))
        )
        if not paths:
            raise RuleDataError(f"{where}.paths: must not be empty")
        if len({p.id for p in paths}) != len(paths):
            raise RuleDataError(f"{where}.paths: path ids must be unique")
        return Offer(
            id=_str(item.get("id"), f"{where}.id"),
            title=self.text(item.get("title"), f"{where}.title"),
            preconditions=tuple(
                self.precondition(p, f"{where}.preconditions[{i}]")
                for i, p in enumerate(_list(item.get("preconditions", []), f"{where}.preconditions"))
            ),
            paths=paths,
            notes=tuple(
                self.note(n, f"{where}.notes[{i}]")
                for i, n in enumerate(_list(item.get("notes", []), f"{where}.notes"))
            ),
            none_apply=self.text(item.get("none_apply"), f"{where}.none_apply"),
        )


# --- evaluation ------------------------------------------------------------------------------


@dataclass(frozen=True)
class OfferResult:
    """The finder's answer for one offer.

    ``eligible`` is ``True``, ``False`` or ``None`` (not enough answers); ``missing`` names the
    answer keys still needed when it is ``None`` (empty otherwise); ``paths`` the ids of the
    clauses that make the person eligible.
    """

    offer: str
    title: Text
    eligible: bool | None
    reasons_de: tuple[str, ...]
    reasons_en: tuple[str, ...]
    missing: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()

    def reasons(self, lang: Lang = "de") -> tuple[str, ...]:
        return self.reasons_en if lang == "en" else self.reasons_de


@dataclass(frozen=True)
class _PathOutcome:
    path: EligibilityPath
    value: Truth
    applies: Truth
    missing: tuple[str, ...]
    failed: tuple[tuple[Leaf, AnswerValue], ...]


def _evaluate_path(path: EligibilityPath, answers: Mapping[str, AnswerValue]) -> _PathOutcome:
    applies = evaluate_condition(path.applies_to, answers)
    required = [evaluate_condition(c, answers) for c in path.requires]
    values = [applies.value, *(o.value for o in required)]
    value: Truth = False if False in values else (True if all(v is True for v in values) else None)
    missing: tuple[str, ...] = ()
    if value is None:
        # Ask who the clause is about first; only then what else it requires (all of it).
        missing = (
            applies.missing if applies.value is None else _unique(k for o in required for k in o.missing)
        )
    return _PathOutcome(path, value, applies.value, missing, _failed(required))


def evaluate_offer(offer: Offer, answers: Mapping[str, AnswerValue]) -> OfferResult:
    """Evaluate one offer against validated answers."""
    pre = [(p, evaluate_condition(p.condition, answers)) for p in offer.preconditions]
    outcomes = [_evaluate_path(path, answers) for path in offer.paths]
    reasons: list[Text] = []

    blocking = [p for p, o in pre if o.value is False]
    if blocking:
        reasons = [_prefixed(NOT_ELIGIBLE_PREFIX, _fill(p.if_false, p.clause)) for p in blocking]
        return _result(offer, False, reasons)

    holding = [o for o in outcomes if o.value is True]
    if holding:
        reasons = [_prefixed(ELIGIBLE_PREFIX, _fill(o.path.because, o.path.clause)) for o in holding]
        reasons += [
            _prefixed(CONDITION_PREFIX, _fill(p.if_unknown, p.clause))
            for p, o in pre
            if o.value is None and p.if_unknown is not None
        ]
        return _result(offer, True, reasons, paths=tuple(o.path.id for o in holding))

    if all(o.value is False for o in outcomes):
        for o in outcomes:
            if o.applies is True and o.path.requirement is not None:
                details = [
                    _fill(leaf.if_false, o.path.clause, value) for leaf, value in o.failed if leaf.if_false
                ]
                reasons.append(
                    _prefixed(NOT_ELIGIBLE_PREFIX, _join(_fill(o.path.requirement, o.path.clause), details))
                )
        reasons += [
            _prefixed(NOT_ELIGIBLE_PREFIX, note.text)
            for note in offer.notes
            if evaluate_condition(note.when, answers).value is True
        ]
        if not reasons:
            reasons = [_prefixed(NOT_ELIGIBLE_PREFIX, offer.none_apply)]
        return _result(offer, False, reasons)

    wanted = {key for o in outcomes if o.value is None for key in o.missing}
    wanted |= {key for _, o in pre if o.value is None for key in o.missing}
    missing = tuple(key for key in ANSWER_KEYS if key in wanted)
    reasons = [_missing_text(missing)]
    reasons += [
        _prefixed(OPEN_PREFIX, _fill(o.path.requirement, o.path.clause))
        for o in outcomes
        if o.value is None and o.applies is True and o.path.requirement is not None
    ]
    return _result(offer, None, reasons, missing=missing)


def evaluate(
    answers: Mapping[str, Any], *, today: date | None = None, rules: RuleSet | None = None
) -> list[OfferResult]:
    """One ``OfferResult`` per offer of the rules, in their order. Never raises on bad answers.

    ``answers`` may be validated ``Answers`` or raw values (e.g. parsed JSON); raw values are
    validated first (``today`` decides what "in the future" means) and invalid ones count as
    not known. Call ``validate_answers`` yourself to show the errors.
    """
    if not isinstance(answers, Answers):
        answers, _errors = validate_answers(answers, today=today)
    rules = rules or load_rules()
    return [evaluate_offer(offer, answers) for offer in rules.offers]


def _result(
    offer: Offer,
    eligible: bool | None,
    reasons: Sequence[Text],
    *,
    missing: tuple[str, ...] = (),
    paths: tuple[str, ...] = (),
) -> OfferResult:
    unique = list(dict.fromkeys(reasons))
    return OfferResult(
        offer=offer.id,
        title=offer.title,
        eligible=eligible,
        reasons_de=tuple(t.de for t in unique),
        reasons_en=tuple(t.en for t in unique),
        missing=missing,
        paths=paths,
    )


def _fill(template: Text, clause: Text, value: AnswerValue | None = None) -> Text:
    def one(lang: Lang) -> str:
        text = template.get(lang).replace("{clause}", clause.get(lang))
        if value is not None:
            text = text.replace("{value}", format_value(value, lang))
        return text

    return Text(one("de"), one("en"))


def _prefixed(prefix: Text, text: Text) -> Text:
    return Text(prefix.de + text.de, prefix.en + text.en)


def _join(first: Text, rest: Sequence[Text]) -> Text:
    return Text(" ".join([first.de, *(t.de for t in rest)]), " ".join([first.en, *(t.en for t in rest)]))


def _missing_text(keys: Sequence[str]) -> Text:
    def one(lang: Lang) -> str:
        names = [f"{SPECS[key].name.get(lang)} ({key})" for key in keys]
        if len(names) > 1:
            names = [*names[:-2], f"{names[-2]} {AND_WORD.get(lang)} {names[-1]}"]
        return MISSING_PREFIX.get(lang) + ", ".join(names) + "."

    return Text(one("de"), one("en"))


def format_value(value: AnswerValue, lang: Lang) -> str:
    """An answer as a person reads it: dates spelled out, months with their unit."""
    if isinstance(value, date):
        if lang == "en":
            return f"{value.day} {MONTHS_EN[value.month - 1]} {value.year}"
        return f"{value.day}. {MONTHS_DE[value.month - 1]} {value.year}"
    if isinstance(value, int) and not isinstance(value, bool):
        if lang == "en":
            return f"{value} month" if value == 1 else f"{value} months"
        return f"{value} Monat" if value == 1 else f"{value} Monaten"
    return str(value)


# --- JSON shapes (the contract: offer, eligible, reasons) ------------------------------------


def result_to_json(result: OfferResult, lang: Lang | str = "de") -> dict[str, Any]:
    """``{"offer", "eligible", "reasons", "missing", "title"}`` – reasons in German by default."""
    language = to_lang(lang)
    return {
        "offer": result.offer,
        "eligible": result.eligible,
        "reasons": list(result.reasons(language)),
        "missing": list(result.missing),
        "title": result.title.get(language),
    }


def error_to_json(error: AnswerError, lang: Lang | str = "de") -> dict[str, str]:
    return {"key": error.key, "message": error.message(to_lang(lang))}


def results_to_json(
    results: Iterable[OfferResult], errors: Iterable[AnswerError] = (), lang: Lang | str = "de"
) -> dict[str, Any]:
    """``{"results": […], "errors": […]}`` as the CLI and the API print it."""
    return {
        "results": [result_to_json(r, lang) for r in results],
        "errors": [error_to_json(e, lang) for e in errors],
    }


def finder_payload(raw: object, *, lang: Lang | str = "de", today: date | None = None) -> dict[str, Any]:
    """Validate raw answers and evaluate them: ``{"results": […], "errors": […]}``.

    With errors, ``results`` is empty: the caller shows the errors (API: 422, CLI: exit 2)
    instead of a result built on answers the person did not mean.
    """
    answers, errors = validate_answers(raw, today=today)
    if errors:
        return results_to_json([], errors, lang)
    return results_to_json(evaluate(answers, today=today), (), lang)
