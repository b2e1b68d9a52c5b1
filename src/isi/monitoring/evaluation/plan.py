"""The one definition of "has an evaluation plan" (Erfolgskontrolle), in Python and in SQL.

Leitfaden ch. V: "Sowohl neue als auch bestehende Maßnahmen sind einer Erfolgskontrolle zu
unterziehen. Dabei müssen Aufwand und Erkenntnisgewinn in einem angemessenen Verhältnis
zueinanderstehen" (§ 7 (2) BHO). A measure therefore counts as planned for exactly when rule R7
(``isi.measures.rules.check_evaluation``) is satisfied:

- its Erfolgskontrolle is planned, running or done *and* the method is described (a state without
  a method is no plan), or
- the entry records that an evaluation would be disproportionate *and* gives the reason (the
  weighing of effort against insight that the Leitfaden asks for is itself the decision).

A measure without an entry, or with an entry R7 rejects, has no plan. ``has_evaluation_plan``
asks R7 itself; ``has_plan_q`` is the same condition for the database (tests check they agree).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import F, Func, Q, Value
from django.db.models.functions import Length
from django.db.models.lookups import GreaterThan
from django.db.models.sql.compiler import SQLCompiler

from isi.measures.models import Evaluation, Measure
from isi.measures.rules import MeasureFacts, check_evaluation

PLANNING_STATES = (Evaluation.State.PLANNED, Evaluation.State.RUNNING, Evaluation.State.DONE)
# Evaluations that still have to deliver: overdue once their due date has passed.
OPEN_STATES = (Evaluation.State.PLANNED, Evaluation.State.RUNNING)
# What `str.strip()` removes in practice; the database twin trims the same characters.
WHITESPACE = " \t\n\r\x0b\x0c\xa0"


class _Stripped(Func):
    """The text without leading and trailing whitespace (TRIM with a character set)."""

    function = "TRIM"
    arity = 2

    def as_postgresql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any) -> Any:
        return super().as_sql(compiler, connection, function="BTRIM", **extra)


def _not_blank(field: str) -> GreaterThan:
    # A trimmed length instead of a regex: cheap on both databases (no Python callback on SQLite).
    return GreaterThan(Length(_Stripped(F(field), Value(WHITESPACE))), 0)


def has_evaluation_plan(state: str | None, method: str = "", effort_note: str = "") -> bool:
    """True when rule R7 is satisfied by an Erfolgskontrolle entry with these values."""
    if state not in Evaluation.State.values:
        return False  # no entry (None) or a state R7 does not know
    facts = MeasureFacts(
        evaluation_state=state, evaluation_method=method or "", evaluation_effort_note=effort_note or ""
    )
    return not check_evaluation(facts, today=date.min)


def has_plan_q(prefix: str = "evaluation__") -> Q:
    """Condition on measures (or, with prefix "", on evaluations) that have an evaluation plan."""
    planned = Q(**{f"{prefix}state__in": PLANNING_STATES}) & Q(_not_blank(f"{prefix}method"))
    reasoned = Q(**{f"{prefix}state": Evaluation.State.NOT_PROPORTIONATE}) & Q(
        _not_blank(f"{prefix}effort_note")
    )
    return planned | reasoned


def overdue_q(today: date, prefix: str = "evaluation__") -> Q:
    """Planned or running evaluations whose due date has passed."""
    return Q(**{f"{prefix}state__in": OPEN_STATES, f"{prefix}due_date__lt": today})


def undecided_model_project_q(today: date) -> Q:
    """Model projects whose test phase has ended without a decision to scale, transfer or end (R8)."""
    return Q(
        is_model_project=True,
        test_phase_end__lt=today,
        scale_decision=Measure.ScaleDecision.PENDING,
    )
