"""The eligibility rules as data: the shipped file covers every clause; malformed data is refused."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from isi.finder.rules import RuleDataError, evaluate, load_rules, parse_rules

RULE_FILE = Path(__file__).resolve().parents[2] / "src" / "isi" / "finder" / "data" / "eligibility.json"


HISTORY = date(2021, 1, 1)


def shipped() -> dict[str, Any]:
    """The history rule set (Leitfaden 2020) alone, as one rule set of the old shape."""
    data: dict[str, Any] = json.loads(RULE_FILE.read_text(encoding="utf-8"))
    history: dict[str, Any] = data["rule_sets"][1]
    assert history["version"] == 1
    return history


def test_shipped_rules_have_both_offers() -> None:
    rules = load_rules(on=HISTORY)
    assert [offer.id for offer in rules.offers] == ["integration_course", "job_language_course"]
    assert "Endnoten 1, 2, 5 und 8" in rules.source.de


def test_every_clause_of_endnotes_5_and_8_has_a_path() -> None:
    clauses = {path.clause.de for offer in load_rules(on=HISTORY).offers for path in offer.paths}
    expected = {f"Endnote 5, Spiegelstrich {i}" for i in range(1, 6)}
    expected |= {f"Endnote 8, Spiegelstrich 1, Unterpunkt {i}" for i in range(1, 7)}
    expected |= {f"Endnote 8, Spiegelstrich 2, Unterpunkt {i}" for i in range(1, 5)}
    assert clauses == expected


@pytest.mark.parametrize("on", [HISTORY, date(2026, 12, 1)])
def test_every_text_is_in_german_and_english(on: date) -> None:
    for offer in load_rules(on=on).offers:
        for path in offer.paths:
            assert path.because.de and path.because.en
            assert "{clause}" in path.because.de and "{clause}" in path.because.en
        for pre in offer.preconditions:
            assert pre.if_false.de and pre.if_false.en


def test_rules_from_another_file(tmp_path: Path) -> None:
    data = shipped()
    data["offers"] = data["offers"][:1]
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    rules = load_rules(path)
    assert [r.offer for r in evaluate({"nationality": "eu"}, rules=rules)] == ["integration_course"]


def test_unreadable_rule_file_is_a_rule_data_error(tmp_path: Path) -> None:
    with pytest.raises(RuleDataError):
        load_rules(tmp_path / "missing.json")
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    with pytest.raises(RuleDataError):
        load_rules(broken)


def first_leaf(data: dict[str, Any]) -> dict[str, Any]:
    leaf: dict[str, Any] = data["offers"][0]["paths"][0]["applies_to"][0]
    return leaf


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: first_leaf(d).update(key="age"), "unknown answer key"),
        (lambda d: first_leaf(d).update(op="int_at_least"), "does not fit"),
        (lambda d: first_leaf(d).update(value="martian"), "must be one of"),
        (lambda d: first_leaf(d).update(extra=1), "unknown fields"),
        (lambda d: d["offers"][0]["paths"][0].update(applies_to=[]), "must not be empty"),
        (lambda d: d["offers"][0]["paths"][0]["clause"].pop("en"), "non-empty string"),
        (lambda d: d["offers"][0]["paths"][8].pop("requirement"), "needed when the path has requirements"),
        (lambda d: d["offers"][1]["paths"][0]["applies_to"][0].update({"$ref": "nothing"}), "unknown $ref"),
        (lambda d: d["offers"][0]["paths"][8]["requires"][1].update(value="1.8.2019"), "ISO date"),
        (lambda d: d["offers"][0]["paths"][8]["requires"][2].update(value=-3), "integer >= 0"),
        (lambda d: d["offers"][0]["paths"][0].update(id="eu_citizen"), "unique"),
        (lambda d: d["offers"].append(copy.deepcopy(d["offers"][0])), "unique"),
        (lambda d: d.update(version="1"), "version"),
    ],
)
def test_malformed_rules_are_refused_with_the_place(change: Any, message: str) -> None:
    data = shipped()
    change(data)
    with pytest.raises(RuleDataError, match=message.replace("$", r"\$")):
        parse_rules(data)
