"""Plausibility checks beside the Leitfaden's rules: data that cannot be true, or hardly.

Not rules of the Leitfaden but of ISI itself: the Leitfaden asks for a reliable database, and a
budget of −5.000 € or a measure "abgeschlossen" that has not begun yet makes it unreliable.

Severity, decided per check (the caller blocks on "error", shows "warning"):

======================================  =========  ==============================================
check                                   severity   why
======================================  =========  ==============================================
budget below zero                       error      money cannot be negative
"abgeschlossen", start in the future    error      nothing can be finished before it began
"abgeschlossen", end in the future      error      a completed measure has ended: its end date is
                                                   the actual end (enter it when it ended early)
"laufend", end date in the past         warning    the status grows stale by itself as time
                                                   passes; it must not block an unrelated edit
"laufend", start in the future          warning    probably still "geplant"
"geplant", end date in the past         warning    probably "abgeschlossen" or "eingestellt"
released without a summary              error      the public page would be empty; only a
                                                   warning for a measure that was already public
                                                   before this change (the NAP-I import has no
                                                   summaries: confirming it must stay possible)
======================================  =========  ==============================================

"Today" is the caller's ``today`` (local date), like every other rule.
"""

from __future__ import annotations

from datetime import date

from isi.measures.rules.core import (
    ERROR,
    PUBLICATION_RELEASED,
    STATUS_COMPLETED,
    STATUS_PLANNED,
    STATUS_RUNNING,
    WARNING,
    MeasureFacts,
    Severity,
    Violation,
    is_blank,
)

REFERENCE_DE = "ISI-Plausibilitätsprüfung"
REFERENCE_EN = "ISI plausibility check"


def _found(rule: str, field: str, severity: Severity, message_de: str, message_en: str) -> Violation:
    return Violation(
        rule=rule,
        rule_number=0,
        field=field,
        severity=severity,
        message_de=f"{message_de} ({REFERENCE_DE}).",
        message_en=f"{message_en} ({REFERENCE_EN}).",
    )


def _de(day: date) -> str:
    return f"{day.day}.{day.month}.{day.year}"


def check_plausibility(facts: MeasureFacts, *, today: date) -> list[Violation]:
    """Budget not negative, status consistent with the dates, a released measure has a summary."""
    found: list[Violation] = []
    if facts.budget_eur is not None and facts.budget_eur < 0:
        found.append(
            _found(
                "R0-budget-negative",
                "budget_eur",
                ERROR,
                "Die Mittel können nicht negativ sein. Bitte geben Sie einen Betrag ab 0 € ein",
                "The budget cannot be negative. Please enter an amount of 0 € or more",
            )
        )
    found.extend(_status_against_dates(facts, today))
    if facts.publication == PUBLICATION_RELEASED and is_blank(facts.summary):
        found.append(
            _found(
                "R0-release-needs-summary",
                "summary",
                WARNING if facts.was_released else ERROR,
                "Eine freigegebene Maßnahme wird öffentlich gezeigt und braucht eine "
                "Kurzbeschreibung. Bitte beschreiben Sie in wenigen Sätzen, was die Maßnahme bietet",
                "A released measure is shown to the public and needs a summary. Please describe "
                "in a few sentences what the measure offers",
            )
        )
    return found


def _status_against_dates(facts: MeasureFacts, today: date) -> list[Violation]:
    start, end = facts.start_date, facts.end_date
    if facts.status == STATUS_COMPLETED:
        if start is not None and start > today:
            return [
                _found(
                    "R0-completed-not-started",
                    "status",
                    ERROR,
                    f"Die Maßnahme ist als „abgeschlossen“ eingetragen, beginnt aber erst am "
                    f"{_de(start)}. Bitte prüfen Sie Status und Beginn",
                    f"The measure is marked “completed” but starts only on {start.isoformat()}. "
                    "Please check the status and the start date",
                )
            ]
        if end is not None and end > today:
            return [
                _found(
                    "R0-completed-end-in-future",
                    "end_date",
                    ERROR,
                    f"Die Maßnahme ist als „abgeschlossen“ eingetragen, endet aber erst am "
                    f"{_de(end)}. Wenn sie vorzeitig beendet wurde, tragen Sie bitte das "
                    "tatsächliche Ende ein",
                    f"The measure is marked “completed” but ends only on {end.isoformat()}. If it "
                    "ended early, please enter the actual end date",
                )
            ]
    if facts.status == STATUS_RUNNING:
        if end is not None and end < today:
            return [
                _found(
                    "R0-running-after-end",
                    "status",
                    WARNING,
                    f"Die Maßnahme ist als „laufend“ eingetragen, ihr Ende ({_de(end)}) liegt aber "
                    "in der Vergangenheit. Ist sie abgeschlossen oder verlängert?",
                    f"The measure is marked “running” but its end date ({end.isoformat()}) has "
                    "passed. Has it been completed or extended?",
                )
            ]
        if start is not None and start > today:
            return [
                _found(
                    "R0-running-not-started",
                    "status",
                    WARNING,
                    f"Die Maßnahme ist als „laufend“ eingetragen, beginnt aber erst am {_de(start)}. "
                    "Ist sie noch „geplant“?",
                    f"The measure is marked “running” but starts only on {start.isoformat()}. "
                    "Is it still “planned”?",
                )
            ]
    if facts.status == STATUS_PLANNED and end is not None and end < today:
        return [
            _found(
                "R0-planned-after-end",
                "status",
                WARNING,
                f"Die Maßnahme ist als „geplant“ eingetragen, ihr Ende ({_de(end)}) liegt aber in "
                "der Vergangenheit. Ist sie abgeschlossen oder eingestellt?",
                f"The measure is marked “planned” but its end date ({end.isoformat()}) has passed. "
                "Has it been completed or discontinued?",
            )
        ]
    return []
