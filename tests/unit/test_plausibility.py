"""Plausibility beside the Leitfaden's rules (isi.measures.rules.plausibility): one case per check."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from isi.measures.rules import RULES, MeasureFacts, check_measure, check_plausibility

TODAY = date(2026, 12, 7)


def rules_of(facts: MeasureFacts) -> list[tuple[str, str, str]]:
    return [(v.rule, v.field, v.severity) for v in check_plausibility(facts, today=TODAY)]


def test_plausibility_runs_with_every_rule() -> None:
    assert check_plausibility in RULES
    found = check_measure(MeasureFacts(budget_eur=Decimal("-5000")), today=TODAY)
    assert "R0-budget-negative" in {v.rule for v in found}


def test_negative_budget_is_an_error_on_the_budget_field() -> None:
    [found] = check_plausibility(MeasureFacts(budget_eur=Decimal("-5000")), today=TODAY)
    assert (found.rule, found.field, found.severity) == ("R0-budget-negative", "budget_eur", "error")
    assert "negativ" in found.message_de and "Plausibilitätsprüfung" in found.message_de
    assert "negative" in found.message_en


@pytest.mark.parametrize("budget", [None, Decimal("0"), Decimal("1500000.50")])
def test_zero_or_positive_or_unknown_budget_passes(budget: Decimal | None) -> None:
    assert rules_of(MeasureFacts(budget_eur=budget)) == []


def test_completed_measure_that_has_not_started_is_an_error() -> None:
    facts = MeasureFacts(status="completed", start_date=date(2027, 1, 1), end_date=date(2027, 12, 31))
    assert rules_of(facts) == [("R0-completed-not-started", "status", "error")]
    assert "1.1.2027" in check_plausibility(facts, today=TODAY)[0].message_de


def test_completed_measure_ending_in_the_future_is_an_error_on_the_end_date() -> None:
    facts = MeasureFacts(status="completed", start_date=date(2025, 1, 1), end_date=date(2027, 6, 30))
    assert rules_of(facts) == [("R0-completed-end-in-future", "end_date", "error")]


def test_completed_measure_ended_today_or_before_passes() -> None:
    assert rules_of(MeasureFacts(status="completed", start_date=date(2025, 1, 1), end_date=TODAY)) == []


def test_running_measure_past_its_end_is_a_warning() -> None:
    facts = MeasureFacts(status="running", start_date=date(2024, 1, 1), end_date=date(2026, 6, 30))
    assert rules_of(facts) == [("R0-running-after-end", "status", "warning")]


def test_running_measure_not_yet_started_is_a_warning() -> None:
    assert rules_of(MeasureFacts(status="running", start_date=date(2027, 1, 1))) == [
        ("R0-running-not-started", "status", "warning")
    ]


def test_planned_measure_past_its_end_is_a_warning() -> None:
    assert rules_of(MeasureFacts(status="planned", end_date=date(2026, 1, 1))) == [
        ("R0-planned-after-end", "status", "warning")
    ]


@pytest.mark.parametrize("status", ["unknown", "discontinued"])
def test_unknown_or_discontinued_status_is_not_judged_by_dates(status: str) -> None:
    assert rules_of(MeasureFacts(status=status, start_date=date(2027, 1, 1), end_date=date(2020, 1, 1))) == []


def test_releasing_without_a_summary_is_an_error() -> None:
    facts = MeasureFacts(publication="released", summary="   ")
    assert rules_of(facts) == [("R0-release-needs-summary", "summary", "error")]


def test_already_released_measure_without_summary_is_only_warned() -> None:
    # The NAP-I import released every measure without a summary; confirming one stays possible.
    facts = MeasureFacts(publication="released", was_released=True)
    assert rules_of(facts) == [("R0-release-needs-summary", "summary", "warning")]


def test_draft_without_summary_and_released_with_summary_pass() -> None:
    assert rules_of(MeasureFacts(publication="draft")) == []
    assert rules_of(MeasureFacts(publication="released", summary="Kurs für Eltern.")) == []
