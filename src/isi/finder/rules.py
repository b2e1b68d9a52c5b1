"""The offer finder's eligibility engine (DESIGN §5): pure Python, rules as data.

Who may attend the integration course (§§ 44, 44a AufenthG, IntV) and the job-related German
courses (§ 45a AufenthG, DeuFöV) is written down in ``data/eligibility.json`` as dated rule sets:
the law in force since 31 December 2022 and, as history, the Leitfaden's endnotes 5 and 8 (2020).
The rule set in force on the reference date (``today``) decides. This module only reads that file
and evaluates it. Nothing here touches the database or a request.

Public interface
----------------
``validate_answers(raw) -> (Answers, [AnswerError])``  check raw answers, never raises
``evaluate(answers, *, today=None) -> [OfferResult]``   one result per offer, in file order
``result_to_json(result, lang="de") -> dict``           the contract shape of one result
``finder_payload(raw, *, lang="de") -> dict``           ``{"results": […], "errors": […]}``

The rule data
-------------
The file holds ``rule_sets`` (each with ``version``, ``valid_from``, ``legal_state``, ``source``)
and dated ``lists`` (the safe countries of origin, each with ``since``).
Each offer has *preconditions* and *paths*. A path is one clause of the law (its ``clause``
names it, e.g. "§ 44 Abs. 4 Satz 2 Nr. 1 AufenthG", ``since`` when it applies; in the history set
"Endnote 5, Spiegelstrich 5"), with its ``basis`` (``claim``: Anspruch, ``admission``: Zulassung
within available places), who decides (``decided_by``) and where to apply (``apply``); it is
a conjunction of the conditions in ``applies_to``
(who the clause is about) and ``requires`` (what else must hold). Conditions are leaves over one
answer key – ``eq``, ``in``, ``not_in`` (choices), ``is`` (yes/no), ``date_before`` (dates),
``int_at_least`` (months), ``in_list`` / ``not_in_list`` (a country on a dated list, as of the
reference date) – or ``{"all": […]}`` / ``{"any": […]}``. ``{"$ref": NAME}`` stands for an entry
of ``definitions``. ``costs`` and ``next_steps`` of an offer are texts shown with an answer
``when`` their condition holds and ``unless`` theirs holds.

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
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache, partial
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
    "RuleBook",
    "RuleDataError",
    "RuleSet",
    "error_to_json",
    "evaluate",
    "evaluate_offer",
    "finder_payload",
    "load_rule_book",
    "load_rules",
    "parse_condition",
    "result_to_json",
    "results_to_json",
    "validate_answers",
]

Truth = bool | None
Op = Literal["eq", "in", "not_in", "is", "date_before", "int_at_least", "in_list", "not_in_list"]
Basis = Literal["claim", "admission"]

OPS_BY_KIND: Mapping[str, frozenset[str]] = {
    "choice": frozenset({"eq", "in", "not_in"}),
    "bool": frozenset({"is"}),
    "date": frozenset({"date_before"}),
    "int": frozenset({"int_at_least"}),
    "country": frozenset({"in_list", "not_in_list"}),
}

ELIGIBLE_PREFIX = Text("Berechtigt, weil ", "Eligible because ")
NOT_ELIGIBLE_PREFIX = Text("Nicht berechtigt: ", "Not eligible: ")
OPEN_PREFIX = Text("Noch offen: ", "Not decided yet: ")
CONDITION_PREFIX = Text("Voraussetzung: ", "Condition: ")
MISSING_PREFIX = Text("Wir müssen noch wissen: ", "We still need to know: ")
NOT_BINDING = Text(
    "Das ist eine erste Einschätzung nach dem geltenden Recht, keine verbindliche Entscheidung. "
    "Verbindlich entscheidet die zuständige Stelle.",
    "This is a first assessment under the law in force, not a binding decision. "
    "The responsible office decides.",
)
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
class ListEntry:
    """One entry of a dated list: a country code, the day it was put on the list, its name."""

    code: str
    since: date
    name: Text


@dataclass(frozen=True)
class Leaf:
    """One test on one answer key; unknown when the answer is missing."""

    key: str
    op: Op
    expected: str | bool | int | date | tuple[str, ...]
    if_false: Text | None = None
    # For in_list/not_in_list: the list's entries (code, on the list since, name).
    entries: tuple[ListEntry, ...] = ()

    def listed(self, code: str, on: date | None) -> bool:
        return any(e.code == code and (on is None or e.since <= on) for e in self.entries)

    def test(self, value: AnswerValue, on: date | None = None) -> bool:
        expected = self.expected
        match self.op:
            case "in_list":
                return isinstance(value, str) and self.listed(value, on)
            case "not_in_list":
                return isinstance(value, str) and not self.listed(value, on)
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
        if self.op in ("in_list", "not_in_list"):
            return {"key": self.key, "op": self.op, "list": expected}
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


def evaluate_condition(
    condition: Condition, answers: Mapping[str, AnswerValue], on: date | None = None
) -> Outcome:
    """Evaluate a condition in three-valued logic; ``on`` is the reference date of dated lists.

    ``missing`` is only filled when the value is unknown. For ``all`` it holds the keys of the
    first unknown part only (ask one thing at a time: "are you German?" before "migration
    background?"); for ``any`` the keys of every unknown part.
    """
    if isinstance(condition, Leaf):
        value = answers.get(condition.key)
        if value is None:
            return Outcome(None, (condition.key,))
        if condition.test(value, on):
            return Outcome(True)
        return Outcome(False, failed=((condition, value),))
    outcomes = [evaluate_condition(child, answers, on) for child in condition.children]
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
    since: date | None = None


@dataclass(frozen=True)
class EligibilityPath:
    """One clause of an endnote: who it is about (``applies_to``) and what else must hold."""

    id: str
    clause: Text
    applies_to: AllOf
    requires: tuple[Condition, ...]
    because: Text
    requirement: Text | None = None
    since: date | None = None
    basis: Basis | None = None
    decided_by: Text | None = None
    apply: Text | None = None


@dataclass(frozen=True)
class Note:
    """A text shown when ``when`` holds (always, without it) and ``unless`` does not hold.

    Notes explain why an offer is not available; costs and next steps use the same shape.
    """

    id: str
    when: Condition | None
    text: Text
    unless: Condition | None = None

    def shows(self, answers: Mapping[str, AnswerValue], on: date | None) -> bool:
        if self.when is not None and evaluate_condition(self.when, answers, on).value is not True:
            return False
        return self.unless is None or evaluate_condition(self.unless, answers, on).value is not True


@dataclass(frozen=True)
class Offer:
    id: str
    title: Text
    preconditions: tuple[Precondition, ...]
    paths: tuple[EligibilityPath, ...]
    notes: tuple[Note, ...]
    none_apply: Text
    valid_from: date | None = None
    decided_by: Text | None = None
    costs: tuple[Note, ...] = ()
    next_steps: tuple[Note, ...] = ()


@dataclass(frozen=True)
class RuleSet:
    """The rules of all offers as they stand from ``valid_from`` on (until the next set)."""

    version: int
    source: Text
    offers: tuple[Offer, ...]
    definitions: Mapping[str, Any] = field(default_factory=dict)
    valid_from: date = date.min
    legal_state: date | None = None
    # Old answer keys still understood but never asked for (not named as missing).
    not_asked: frozenset[str] = frozenset()

    def offer(self, offer_id: str) -> Offer:
        for offer in self.offers:
            if offer.id == offer_id:
                return offer
        raise KeyError(offer_id)


@dataclass(frozen=True)
class RuleBook:
    """All rule sets of the file, newest first, and the dated lists they use."""

    rule_sets: tuple[RuleSet, ...]
    lists: Mapping[str, tuple[ListEntry, ...]] = field(default_factory=dict)
    counselling: tuple[Note, ...] = ()
    counselling_as_of: date | None = None

    def in_force(self, on: date | None = None) -> RuleSet:
        """The newest rule set whose ``valid_from`` is not after ``on`` (default: today)."""
        on = on or date.today()
        for rule_set in self.rule_sets:
            if rule_set.valid_from <= on:
                return rule_set
        return self.rule_sets[-1]

    @property
    def current(self) -> RuleSet:
        return self.rule_sets[0]

    def version(self, number: int) -> RuleSet:
        for rule_set in self.rule_sets:
            if rule_set.version == number:
                return rule_set
        raise KeyError(number)


DEFAULT_RULES = "eligibility.json"


@cache
def _default_book() -> RuleBook:
    text = resources.files("isi.finder").joinpath("data", DEFAULT_RULES).read_text(encoding="utf-8")
    return parse_rule_book(json.loads(text))


def load_rule_book(path: Path | None = None) -> RuleBook:
    """All rule sets of ``data/eligibility.json`` (cached), or of another file."""
    if path is None:
        return _default_book()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RuleDataError(f"{path}: {exc}") from exc
    return parse_rule_book(data)


def load_rules(path: Path | None = None, *, on: date | None = None) -> RuleSet:
    """The rule set in force on ``on`` (default: today) of the shipped file or of another file."""
    return load_rule_book(path).in_force(on)


def safe_countries_of_origin(on: date | None = None) -> tuple[ListEntry, ...]:
    """The safe countries of origin (§ 29a AsylG, Annex II) on that day (default: today)."""
    on = on or date.today()
    return tuple(e for e in load_rule_book().lists.get("safe_countries_of_origin", ()) if e.since <= on)


def parse_rule_book(data: object) -> RuleBook:
    """Build a ``RuleBook`` from parsed JSON: ``{"rule_sets": […], "lists": {…}}``, or one rule set
    alone (``{"version", "source", "offers"}``, in force from the start of time)."""
    root = _obj(data, "$", None)
    if "rule_sets" not in root:
        return RuleBook((parse_rules(root),))
    _obj(root, "$", {"format", "about", "lists", "rule_sets", "counselling"})
    lists = _parse_lists(root.get("lists", {}))
    counselling: tuple[Note, ...] = ()
    counselling_as_of = None
    if "counselling" in root:
        body = _obj(root["counselling"], "$.counselling", {"as_of", "source", "entries"})
        counselling_as_of = _date(body.get("as_of"), "$.counselling.as_of")
        _Parser({}).text(body.get("source"), "$.counselling.source")
        counselling = _Parser({}, lists).notes(body.get("entries"), "$.counselling.entries", conditional=True)
    sets = tuple(
        parse_rules(item, lists=lists, where=f"$.rule_sets[{i}]")
        for i, item in enumerate(_list(root.get("rule_sets"), "$.rule_sets"))
    )
    if not sets:
        raise RuleDataError("$.rule_sets: must not be empty")
    starts = [s.valid_from for s in sets]
    if len(set(starts)) != len(starts):
        raise RuleDataError("$.rule_sets: two rule sets start on the same day")
    versions = [s.version for s in sets]
    if len(set(versions)) != len(versions):
        raise RuleDataError("$.rule_sets: versions must be unique")
    newest_first = tuple(sorted(sets, key=lambda s: s.valid_from, reverse=True))
    return RuleBook(newest_first, lists, counselling, counselling_as_of)


def _parse_lists(data: object) -> dict[str, tuple[ListEntry, ...]]:
    lists: dict[str, tuple[ListEntry, ...]] = {}
    for name, item in _obj(data, "$.lists", None).items():
        where = f"$.lists.{name}"
        body = _obj(item, where, {"source", "entries"})
        _Parser({}).text(body.get("source"), f"{where}.source")
        entries = []
        for i, raw in enumerate(_list(body.get("entries"), f"{where}.entries")):
            at = f"{where}.entries[{i}]"
            entry = _obj(raw, at, {"code", "since", "name"})
            code = _str(entry.get("code"), f"{at}.code")
            if len(code) != 2 or not code.isupper():
                raise RuleDataError(f"{at}.code: must be an ISO 3166-1 alpha-2 code")
            since = _date(entry.get("since"), f"{at}.since")
            entries.append(ListEntry(code, since, _Parser({}).text(entry.get("name"), f"{at}.name")))
        lists[name] = tuple(entries)
    return lists


def parse_rules(
    data: object, *, lists: Mapping[str, tuple[ListEntry, ...]] | None = None, where: str = "$"
) -> RuleSet:
    """Build one ``RuleSet`` from parsed JSON; every problem is a ``RuleDataError`` naming where.

    A whole rule file (``{"rule_sets": …}``) gives its newest set (see ``parse_rule_book``).
    """
    if isinstance(data, dict) and "rule_sets" in data and where == "$":
        return parse_rule_book(data).current
    root = _obj(
        data, where, {"version", "source", "offers", "definitions", "valid_from", "legal_state", "not_asked"}
    )
    not_asked = frozenset(_list(root.get("not_asked", []), f"{where}.not_asked"))
    if unknown_keys := not_asked - set(SPECS):
        raise RuleDataError(f"{where}.not_asked: unknown answer keys {sorted(unknown_keys)}")
    definitions = _obj(root.get("definitions", {}), f"{where}.definitions", None)
    parser = _Parser(definitions, dict(lists or {}))
    version = root.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise RuleDataError(f"{where}.version: must be an integer")
    offers = tuple(
        parser.offer(item, f"{where}.offers[{i}]")
        for i, item in enumerate(_list(root.get("offers"), f"{where}.offers"))
    )
    ids = [offer.id for offer in offers]
    if len(set(ids)) != len(ids):
        raise RuleDataError(f"{where}.offers: offer ids must be unique")
    valid_from = date.min if "valid_from" not in root else _date(root["valid_from"], f"{where}.valid_from")
    legal_state = None if "legal_state" not in root else _date(root["legal_state"], f"{where}.legal_state")
    return RuleSet(
        version,
        parser.text(root.get("source"), f"{where}.source"),
        offers,
        definitions,
        valid_from,
        legal_state,
        not_asked,
    )


def parse_condition(
    data: object,
    definitions: Mapping[str, Any] | None = None,
    lists: Mapping[str, tuple[ListEntry, ...]] | None = None,
) -> Condition:
    """One condition from its JSON form (as in the rule file); ``RuleDataError`` if malformed."""
    return _Parser(dict(definitions or {}), dict(lists or {})).condition(data, "$")


def _date(data: object, where: str) -> date:
    try:
        return date.fromisoformat(_str(data, where))
    except ValueError:
        raise RuleDataError(f"{where}: must be an ISO date") from None


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
    lists: dict[str, tuple[ListEntry, ...]] = field(default_factory=dict)

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
        _obj(item, where, {"key", "op", "value", "values", "if_false", "list"})
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
        if op in ("in_list", "not_in_list"):
            name = _str(item.get("list"), f"{where}.list")
            if name not in self.lists:
                raise RuleDataError(f"{where}.list: unknown list {name!r}")
            return Leaf(key, cast(Op, op), name, if_false, self.lists[name])
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

    def optional_date(self, data: object, where: str) -> date | None:
        return None if data is None else _date(data, where)

    def path(self, data: object, where: str) -> EligibilityPath:
        item = _obj(
            data,
            where,
            {
                "id",
                "clause",
                "applies_to",
                "requires",
                "because",
                "requirement",
                "since",
                "basis",
                "decided_by",
                "apply",
            },
        )
        basis = item.get("basis")
        if basis not in (None, "claim", "admission"):
            raise RuleDataError(f"{where}.basis: must be 'claim' or 'admission'")
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
            since=self.optional_date(item.get("since"), f"{where}.since"),
            basis=cast("Basis | None", basis),
            decided_by=self.optional_text(item.get("decided_by"), f"{where}.decided_by"),
            apply=self.optional_text(item.get("apply"), f"{where}.apply"),
        )

    def precondition(self, data: object, where: str) -> Precondition:
        item = _obj(data, where, {"id", "clause", "condition", "if_false", "if_unknown", "since"})
        return Precondition(
            id=_str(item.get("id"), f"{where}.id"),
            clause=self.text(item.get("clause"), f"{where}.clause"),
            condition=self.condition(item.get("condition"), f"{where}.condition"),
            if_false=self.text(item.get("if_false"), f"{where}.if_false"),
            if_unknown=self.optional_text(item.get("if_unknown"), f"{where}.if_unknown"),
            since=self.optional_date(item.get("since"), f"{where}.since"),
        )

    def note(self, data: object, where: str, *, conditional: bool = False) -> Note:
        item = _obj(data, where, {"id", "when", "text", "unless"})
        if not conditional and "when" not in item:
            raise RuleDataError(f"{where}.when: a note needs a condition")
        return Note(
            id=_str(item.get("id"), f"{where}.id"),
            when=None if "when" not in item else self.condition(item["when"], f"{where}.when"),
            text=self.text(item.get("text"), f"{where}.text"),
            unless=None if "unless" not in item else self.condition(item["unless"], f"{where}.unless"),
        )

    def notes(self, data: object, where: str, *, conditional: bool = False) -> tuple[Note, ...]:
        return tuple(
            self.note(n, f"{where}[{i}]", conditional=conditional) for i, n in enumerate(_list(data, where))
        )

    def offer(self, data: object, where: str) -> Offer:
        item = _obj(
            data,
            where,
            {
                "id",
                "title",
                "preconditions",
                "paths",
                "notes",
                "none_apply",
                "valid_from",
                "costs",
                "next_steps",
                "decided_by",
            },
        )
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
            notes=self.notes(item.get("notes", []), f"{where}.notes"),
            none_apply=self.text(item.get("none_apply"), f"{where}.none_apply"),
            valid_from=self.optional_date(item.get("valid_from"), f"{where}.valid_from"),
            decided_by=self.optional_text(item.get("decided_by"), f"{where}.decided_by"),
            costs=self.notes(item.get("costs", []), f"{where}.costs", conditional=True),
            next_steps=self.notes(item.get("next_steps", []), f"{where}.next_steps", conditional=True),
        )


# --- evaluation ------------------------------------------------------------------------------


@dataclass(frozen=True)
class OfferResult:
    """The finder's answer for one offer.

    ``eligible`` is ``True``, ``False`` or ``None`` (not enough answers); ``missing`` names the
    answer keys still needed when it is ``None`` (empty otherwise); ``paths`` the ids of the
    clauses that make the person eligible; ``basis`` whether that is a claim (Anspruch) or an
    admission within available places (Zulassung); ``decided_by`` the office that decides;
    ``legal_state`` the date of the legal state of the rule set; ``next_steps`` what to do now.
    """

    offer: str
    title: Text
    eligible: bool | None
    reasons_de: tuple[str, ...]
    reasons_en: tuple[str, ...]
    missing: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()
    basis: Basis | None = None
    decided_by: Text | None = None
    legal_state: date | None = None
    next_steps_texts: tuple[Text, ...] = ()
    rule_version: int | None = None
    reason_texts: tuple[Text, ...] = ()
    # Answer keys of conditions still open on an eligible answer (asked to make it sure).
    open_conditions: tuple[str, ...] = ()

    def reasons(self, lang: str = "de") -> tuple[str, ...]:
        if lang in ("de", "en") or not self.reason_texts:
            return self.reasons_en if lang == "en" else self.reasons_de
        return tuple(t.get(lang) for t in self.reason_texts)

    def next_steps(self, lang: str = "de") -> tuple[str, ...]:
        return tuple(t.get(lang) for t in self.next_steps_texts)

    def missing_questions(self, lang: str = "de") -> tuple[str, ...]:
        """The missing answers in words ("whether you go to school in Germany"), never as keys."""
        return tuple(SPECS[key].name.get(lang) for key in self.missing)


@dataclass(frozen=True)
class _PathOutcome:
    path: EligibilityPath
    value: Truth
    applies: Truth
    missing: tuple[str, ...]
    failed: tuple[tuple[Leaf, AnswerValue], ...]


def _evaluate_path(
    path: EligibilityPath, answers: Mapping[str, AnswerValue], on: date | None
) -> _PathOutcome:
    applies = evaluate_condition(path.applies_to, answers, on)
    required = [evaluate_condition(c, answers, on) for c in path.requires]
    values = [applies.value, *(o.value for o in required)]
    value: Truth = False if False in values else (True if all(v is True for v in values) else None)
    missing: tuple[str, ...] = ()
    if value is None:
        # Ask who the clause is about first; only then what else it requires (all of it).
        missing = (
            applies.missing if applies.value is None else _unique(k for o in required for k in o.missing)
        )
    return _PathOutcome(path, value, applies.value, missing, _failed(required))


NOT_ELIGIBLE_STEPS = (
    Text(
        "Lassen Sie sich beraten: Eine Beratungsstelle prüft mit Ihnen, ob es andere Wege zu einem "
        "Deutschkurs gibt.",
        "Get advice: a counselling service checks with you whether there are other ways to a German course.",
    ),
)
OPEN_STEPS = (
    Text(
        "Beantworten Sie die noch offenen Fragen. Wenn Sie etwas nicht wissen, fragen Sie eine "
        "Beratungsstelle oder schauen Sie auf Ihr Aufenthaltspapier.",
        "Answer the questions still open. If you do not know something, ask a counselling service or look at "
        "your residence document.",
    ),
)


def evaluate_offer(
    offer: Offer,
    answers: Mapping[str, AnswerValue],
    *,
    on: date | None = None,
    legal_state: date | None = None,
    counselling: Sequence[Note] = (),
    rule_version: int | None = None,
    not_asked: frozenset[str] = frozenset(),
) -> OfferResult:
    """Evaluate one offer against validated answers on the reference date ``on``."""
    pre = [(p, evaluate_condition(p.condition, answers, on)) for p in offer.preconditions]
    outcomes = [_evaluate_path(path, answers, on) for path in offer.paths]
    reasons: list[Text] = []
    advice = [n.text for n in counselling if n.shows(answers, on)]
    result = partial(_result, offer, legal_state=legal_state, rule_version=rule_version)

    blocking = [p for p, o in pre if o.value is False]
    if blocking:
        reasons = [_prefixed(NOT_ELIGIBLE_PREFIX, _fill(p.if_false, p.clause)) for p in blocking]
        return result(False, reasons, steps=[*NOT_ELIGIBLE_STEPS, *advice])

    holding = [o for o in outcomes if o.value is True]
    if holding:
        reasons = [_prefixed(ELIGIBLE_PREFIX, _fill(o.path.because, o.path.clause)) for o in holding]
        reasons += [
            _prefixed(CONDITION_PREFIX, _fill(p.if_unknown, p.clause))
            for p, o in pre
            if o.value is None and p.if_unknown is not None
        ]
        # A claim is the stronger footing: name it (and its office) when one clause gives it.
        first = next((o.path for o in holding if o.path.basis == "claim"), holding[0].path)
        steps = [t for t in (first.apply,) if t is not None]
        steps += [n.text for n in offer.costs if n.shows(answers, on)]
        steps += [n.text for n in offer.next_steps if n.shows(answers, on)]
        return result(
            True,
            reasons,
            open_conditions=tuple(k for _, o in pre if o.value is None for k in o.missing),
            paths=tuple(o.path.id for o in holding),
            basis=first.basis,
            decided_by=first.decided_by,
            steps=[*steps, *advice],
        )

    if all(o.value is False for o in outcomes):
        for o in outcomes:
            if o.applies is True and o.path.requirement is not None:
                details = [
                    _fill(leaf.if_false, o.path.clause, _shown(leaf, value))
                    for leaf, value in o.failed
                    if leaf.if_false
                ]
                reasons.append(
                    _prefixed(NOT_ELIGIBLE_PREFIX, _join(_fill(o.path.requirement, o.path.clause), details))
                )
        reasons += [
            _prefixed(NOT_ELIGIBLE_PREFIX, note.text) for note in offer.notes if note.shows(answers, on)
        ]
        if not reasons:
            reasons = [_prefixed(NOT_ELIGIBLE_PREFIX, offer.none_apply)]
        return result(False, reasons, steps=[*NOT_ELIGIBLE_STEPS, *advice])

    wanted = {key for o in outcomes if o.value is None for key in o.missing}
    wanted |= {key for _, o in pre if o.value is None for key in o.missing}
    missing = tuple(key for key in ANSWER_KEYS if key in wanted and key not in not_asked)
    reasons = [_missing_text(missing)]
    reasons += [
        _prefixed(OPEN_PREFIX, _fill(o.path.requirement, o.path.clause))
        for o in outcomes
        if o.value is None and o.applies is True and o.path.requirement is not None
    ]
    return result(None, reasons, missing=missing, steps=[*OPEN_STEPS, *advice])


def evaluate(
    answers: Mapping[str, Any], *, today: date | None = None, rules: RuleSet | RuleBook | None = None
) -> list[OfferResult]:
    """One ``OfferResult`` per offer of the rules in force on ``today``, in their order.

    Never raises on bad answers. ``answers`` may be validated ``Answers`` or raw values (e.g.
    parsed JSON); raw values are validated first (``today`` decides what "in the future" means)
    and invalid ones count as not known. Call ``validate_answers`` yourself to show the errors.
    ``today`` also picks the rule set (the law in force that day) and the dated lists.
    """
    if not isinstance(answers, Answers):
        answers, _errors = validate_answers(answers, today=today)
    book = load_rule_book() if rules is None else rules if isinstance(rules, RuleBook) else None
    rule_set = book.in_force(today) if book is not None else cast(RuleSet, rules)
    counselling = book.counselling if book is not None else ()
    # A yes/no key the rules no longer ask about counts as "no" when not given.
    silent = {k: False for k in rule_set.not_asked if k not in answers and SPECS[k].kind == "bool"}
    if silent:
        answers = Answers({**answers, **silent})
    return [
        evaluate_offer(
            offer,
            answers,
            on=today or date.today(),
            legal_state=rule_set.legal_state,
            counselling=counselling,
            rule_version=rule_set.version,
            not_asked=rule_set.not_asked,
        )
        for offer in rule_set.offers
    ]


def _result(
    offer: Offer,
    eligible: bool | None,
    reasons: Sequence[Text],
    *,
    missing: tuple[str, ...] = (),
    paths: tuple[str, ...] = (),
    basis: Basis | None = None,
    decided_by: Text | None = None,
    legal_state: date | None = None,
    steps: Sequence[Text] = (),
    rule_version: int | None = None,
    open_conditions: tuple[str, ...] = (),
) -> OfferResult:
    unique = list(dict.fromkeys(reasons))
    return OfferResult(
        offer=offer.id,
        title=offer.title,
        eligible=eligible,
        reasons_de=tuple(t.de for t in unique),
        reasons_en=tuple(t.en for t in unique),
        reason_texts=tuple(unique),
        missing=missing,
        paths=paths,
        basis=basis,
        decided_by=decided_by or offer_office(offer),
        legal_state=legal_state,
        next_steps_texts=tuple(dict.fromkeys(steps)),
        rule_version=rule_version,
        open_conditions=open_conditions,
    )


def offer_office(offer: Offer) -> Text | None:
    """Who decides about an offer when no clause applies (yet): the offer's office, else its clauses'."""
    if offer.decided_by is not None:
        return offer.decided_by
    offices = list(dict.fromkeys(p.decided_by for p in offer.paths if p.decided_by is not None))
    if not offices:
        return None
    return Text(" / ".join(t.de for t in offices), " / ".join(t.en for t in offices))


def _shown(leaf: Leaf, value: AnswerValue) -> AnswerValue | Text:
    """A failed answer as the person reads it: a listed country by its name."""
    for entry in leaf.entries:
        if entry.code == value:
            return entry.name
    return value


def _composed(one: Callable[[str], str]) -> Text:
    return Text(one("de"), one("en"), one)


def _fill(template: Text, clause: Text, value: AnswerValue | Text | None = None) -> Text:
    def one(lang: str) -> str:
        text = template.get(lang).replace("{clause}", clause.get(lang))
        if isinstance(value, Text):
            text = text.replace("{value}", value.get(lang))
        elif value is not None:
            text = text.replace("{value}", format_value(value, "en" if lang == "en" else "de"))
        return text

    return _composed(one)


def _prefixed(prefix: Text, text: Text) -> Text:
    return _composed(lambda lang: prefix.get(lang) + text.get(lang))


def _join(first: Text, rest: Sequence[Text]) -> Text:
    return _composed(lambda lang: " ".join([first.get(lang), *(t.get(lang) for t in rest)]))


def _missing_text(keys: Sequence[str]) -> Text:
    def one(lang: str) -> str:
        names = [SPECS[key].name.get(lang) for key in keys]
        if len(names) > 1:
            names = [*names[:-2], f"{names[-2]} {AND_WORD.get(lang)} {names[-1]}"]
        return MISSING_PREFIX.get(lang) + ", ".join(names) + "."

    return _composed(one)


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


# --- JSON shapes (the contract: offer, eligible, reasons, basis, decided_by, legal_state, next_steps)


def result_to_json(result: OfferResult, lang: Lang | str = "de") -> dict[str, Any]:
    """The contract shape of DESIGN §5 – reasons in German by default.

    ``{"offer", "eligible", "reasons", "basis", "decided_by", "legal_state", "next_steps",
    "binding", "notice", "missing", "missing_questions", "title"}``; ``missing`` keeps the keys
    for programs, ``missing_questions`` names them in words.
    """
    language = to_lang(lang)
    return {
        "offer": result.offer,
        "eligible": result.eligible,
        "reasons": list(result.reasons(language)),
        "basis": result.basis,
        "decided_by": result.decided_by.get(language) if result.decided_by else None,
        "legal_state": result.legal_state.isoformat() if result.legal_state else None,
        "next_steps": list(result.next_steps(language)),
        "binding": False,
        "notice": NOT_BINDING.get(language),
        "missing": list(result.missing),
        "missing_questions": list(result.missing_questions(language)),
        "title": result.title.get(language),
    }


def result_for_page(result: OfferResult, lang: str) -> dict[str, Any]:
    """The result as ``result_to_json`` gives it, in any language of the pages (``uk``, ``ar`` …):
    texts of the rule file come from the gettext catalogues, legal citations stay German."""
    data = result_to_json(result, "en" if lang == "en" else "de")
    data.update(
        reasons=list(result.reasons(lang)),
        decided_by=result.decided_by.get(lang) if result.decided_by else None,
        next_steps=list(result.next_steps(lang)),
        notice=NOT_BINDING.get(lang),
        missing_questions=list(result.missing_questions(lang)),
        title=result.title.get(lang),
    )
    return data


def translatable_texts(rule_set: RuleSet, counselling: Sequence[Note] = ()) -> list[Text]:
    """Every text of a rule set a person reads, and the engine's own words – but not the legal
    citations (``clause``), which stay German. A test checks each has a translation."""
    texts: list[Text] = [
        ELIGIBLE_PREFIX,
        NOT_ELIGIBLE_PREFIX,
        OPEN_PREFIX,
        CONDITION_PREFIX,
        MISSING_PREFIX,
        AND_WORD,
        NOT_BINDING,
        *NOT_ELIGIBLE_STEPS,
        *OPEN_STEPS,
        *(spec.name for spec in SPECS.values()),
    ]

    def leaves(condition: Condition) -> list[Leaf]:
        if isinstance(condition, Leaf):
            return [condition]
        return [leaf for child in condition.children for leaf in leaves(child)]

    for offer in rule_set.offers:
        texts += [offer.title, offer.none_apply]
        texts += [t for t in (offer.decided_by,) if t is not None]
        for pre in offer.preconditions:
            texts += [t for t in (pre.if_false, pre.if_unknown) if t is not None]
        for path in offer.paths:
            texts += [
                t for t in (path.because, path.requirement, path.decided_by, path.apply) if t is not None
            ]
            for condition in (path.applies_to, *path.requires):
                texts += [leaf.if_false for leaf in leaves(condition) if leaf.if_false is not None]
                texts += [entry.name for leaf in leaves(condition) for entry in leaf.entries]
        texts += [note.text for note in (*offer.notes, *offer.costs, *offer.next_steps)]
    texts += [note.text for note in counselling]
    return list(dict.fromkeys(texts))


def error_to_json(error: AnswerError, lang: Lang | str = "de") -> dict[str, str]:
    return {"key": error.key, "message": error.message(to_lang(lang))}


def results_to_json(
    results: Iterable[OfferResult], errors: Iterable[AnswerError] = (), lang: Lang | str = "de"
) -> dict[str, Any]:
    """``{"results": […], "errors": […], "notice": …}`` as the CLI and the API print it."""
    return {
        "results": [result_to_json(r, lang) for r in results],
        "errors": [error_to_json(e, lang) for e in errors],
        "notice": NOT_BINDING.get(to_lang(lang)),
    }


def finder_payload(raw: object, *, lang: Lang | str = "de", today: date | None = None) -> dict[str, Any]:
    """Validate raw answers and evaluate them: ``{"results": […], "errors": […], "notice": …}``.

    With errors, ``results`` is empty: the caller shows the errors (API: 422, CLI: exit 2)
    instead of a result built on answers the person did not mean.
    """
    answers, errors = validate_answers(raw, today=today)
    if errors:
        return results_to_json([], errors, lang)
    return results_to_json(evaluate(answers, today=today), (), lang)
