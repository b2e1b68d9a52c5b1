"""The definition of "has an evaluation plan" and the share arithmetic (no database)."""

from __future__ import annotations

from datetime import date

import pytest

from isi.measures.rules import MeasureFacts, check_evaluation
from isi.monitoring.evaluation.overview import Coverage
from isi.monitoring.evaluation.plan import has_evaluation_plan


@pytest.mark.parametrize(
    ("state", "method", "effort_note", "expected"),
    [
        (None, "", "", False),
        ("planned", "Befragung", "", True),
        ("planned", "", "", False),
        ("planned", "   \n", "", False),
        ("running", "Vergleichsgruppe", "", True),
        ("done", "Abschlussbericht", "", True),
        ("done", "", "", False),
        ("not_proportionate", "", "Kleines Projekt, Aufwand zu hoch", True),
        ("not_proportionate", "", "  ", False),
        ("not_proportionate", "Befragung", "", False),
        ("unknown-state", "Befragung", "", False),
    ],
)
def test_plan_definition(state: str | None, method: str, effort_note: str, expected: bool) -> None:
    assert has_evaluation_plan(state, method, effort_note) is expected


@pytest.mark.parametrize("state", [None, "planned", "running", "done", "not_proportionate"])
@pytest.mark.parametrize("method", ["", "Befragung"])
@pytest.mark.parametrize("effort_note", ["", "begründet"])
def test_plan_agrees_with_rule_r7(state: str | None, method: str, effort_note: str) -> None:
    facts = MeasureFacts(evaluation_state=state, evaluation_method=method, evaluation_effort_note=effort_note)
    r7_satisfied = not check_evaluation(facts, today=date(2026, 1, 1))
    assert has_evaluation_plan(state, method, effort_note) is r7_satisfied


def test_share_is_zero_without_measures_and_sums_add_up() -> None:
    assert Coverage().share == 0.0
    a = Coverage(total=4, with_plan=1, overdue=1, planned=1, no_entry=3)
    b = Coverage(total=1, with_plan=1, done=1)
    total = a + b
    assert (total.total, total.with_plan, total.without_plan, total.overdue) == (5, 2, 3, 1)
    assert total.share == pytest.approx(0.4)
    assert total.bar_width == 40
    assert Coverage(total=3, with_plan=2).percent == pytest.approx(66.666, rel=1e-3)
