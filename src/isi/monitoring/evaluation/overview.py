"""What the Erfolgskontrolle dashboard, its XLSX export and the IMAG report show: plain values."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Coverage:
    """How many measures have an evaluation plan, and where their Erfolgskontrolle stands."""

    total: int = 0
    with_plan: int = 0
    overdue: int = 0
    planned: int = 0
    running: int = 0
    done: int = 0
    not_proportionate: int = 0
    no_entry: int = 0
    undecided_model_projects: int = 0

    @property
    def without_plan(self) -> int:
        return self.total - self.with_plan

    @property
    def share(self) -> float:
        """Share with a plan, 0..1; 0 when there are no measures (nothing is planned for)."""
        return self.with_plan / self.total if self.total else 0.0

    @property
    def percent(self) -> float:
        return 100 * self.share

    @property
    def bar_width(self) -> int:
        """Whole percent for the bar graphic (the exact figure is shown as text)."""
        return round(self.percent)

    def __add__(self, other: Coverage) -> Coverage:
        return Coverage(
            total=self.total + other.total,
            with_plan=self.with_plan + other.with_plan,
            overdue=self.overdue + other.overdue,
            planned=self.planned + other.planned,
            running=self.running + other.running,
            done=self.done + other.done,
            not_proportionate=self.not_proportionate + other.not_proportionate,
            no_entry=self.no_entry + other.no_entry,
            undecided_model_projects=self.undecided_model_projects + other.undecided_model_projects,
        )


@dataclass(frozen=True)
class MinistryRow:
    """One ministry (Ressort) with the measures of its agencies; or another owner without a Ressort."""

    organisation_id: int
    name: str
    short_name: str
    coverage: Coverage


@dataclass(frozen=True)
class AreaRow:
    """One area (Bereich); ``area_id`` None collects the measures without an area."""

    area_id: int | None
    key: str
    name: str
    coverage: Coverage


@dataclass(frozen=True)
class EvaluationEntry:
    """One Erfolgskontrolle with its measure: for the overdue list and the results."""

    measure_id: int
    title: str
    owner: str  # the owning organisation (may be an agency)
    ministry: str  # the responsible Ressort
    state: str
    state_label: str
    method: str
    due_date: date | None
    result_summary: str
    days_overdue: int = 0


@dataclass(frozen=True)
class ModelProjectEntry:
    """A model project whose test phase ended without a decision to scale, transfer or end it."""

    measure_id: int
    title: str
    owner: str
    ministry: str
    test_phase_start: date | None
    test_phase_end: date
    evaluation_state: str | None  # None: no Erfolgskontrolle entry
    evaluation_state_label: str


@dataclass(frozen=True)
class EvaluationOverview:
    """All figures of the dashboard for one set of measures (not archived), as of ``today``.

    ``overdue``, ``results`` and ``undecided_model_projects`` may be cut to a limit; the
    ``*_count`` properties always give the full numbers.
    """

    today: date
    coverage: Coverage
    by_ministry: list[MinistryRow]
    by_area: list[AreaRow]
    overdue: list[EvaluationEntry] = field(default_factory=list)
    results: list[EvaluationEntry] = field(default_factory=list)
    undecided_model_projects: list[ModelProjectEntry] = field(default_factory=list)

    @property
    def overdue_count(self) -> int:
        return self.coverage.overdue

    @property
    def results_count(self) -> int:
        return self.coverage.done

    @property
    def undecided_count(self) -> int:
        return self.coverage.undecided_model_projects

    @property
    def total_measures(self) -> int:
        return self.coverage.total

    @property
    def with_plan(self) -> int:
        return self.coverage.with_plan

    @property
    def share_with_plan(self) -> float:
        return self.coverage.share

    @property
    def ministries_lacking_plans(self) -> list[MinistryRow]:
        """Ministries with at least one measure without a plan, fewest plans (by share) first."""
        return [row for row in self.by_ministry if row.coverage.without_plan]
