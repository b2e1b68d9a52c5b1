"""Coverage matrix: which target groups the measures reach, by area, phase, component, level or Land.

Pure computation, no database: `build_matrix` takes one `MeasureFacts` per measure and the two axes
and returns counts, budget sums and the measure ids of every cell, with row and column totals.

Counting rules (written down because readers of the matrix ask):
- A measure counts in every cell it belongs to. A measure for two target groups and two areas is
  in four cells, so cells do not add up to the totals.
- Row, column and grand totals count *distinct* measures; the budget of a measure is never split
  and never counted twice within one total.
- Measures without a value on an axis land in the "not assigned" entry of that axis (key `NONE`).
- Gap levels: a cell with no measure is `empty`; a cell with at most `THIN_THRESHOLD` measures is
  `thin`; everything else is `covered`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

# A cell with this many measures or fewer is a thin spot worth a second look.
THIN_THRESHOLD = 1
# Axis key for "no value recorded" (no target group, no area, not in the NAP-I …).
NONE = "-"
# Axis key for a total row or column in drill-down links.
TOTAL = "*"


class Dimension(StrEnum):
    """What the columns of the matrix show; the rows are always the target groups."""

    AREAS = "areas"
    PHASE = "phase"
    COMPONENT = "component"
    LEVEL = "level"
    REGION = "region"


class Gap(StrEnum):
    EMPTY = "empty"
    THIN = "thin"
    COVERED = "covered"


def gap_of(count: int, thin_threshold: int = THIN_THRESHOLD) -> Gap:
    if count == 0:
        return Gap.EMPTY
    if count <= thin_threshold:
        return Gap.THIN
    return Gap.COVERED


@dataclass(frozen=True)
class MeasureFacts:
    """What the matrix needs to know about one measure. Keys are catalogue keys (or NONE)."""

    id: int
    target_groups: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()
    phase: str = NONE
    component: str = NONE
    level: str = NONE
    region: str = NONE
    budget: Decimal | None = None

    def keys(self, dimension: Dimension) -> tuple[str, ...]:
        """This measure's keys on an axis; NONE when nothing is recorded."""
        if dimension == Dimension.AREAS:
            return self.areas or (NONE,)
        value = getattr(self, dimension.value)
        return (value or NONE,)

    def row_keys(self) -> tuple[str, ...]:
        return self.target_groups or (NONE,)


@dataclass(frozen=True)
class AxisEntry:
    key: str
    label: str


@dataclass
class Cell:
    measure_ids: list[int] = field(default_factory=list)
    budget_sum: Decimal = Decimal(0)
    budget_count: int = 0  # how many of the measures recorded a budget

    @property
    def count(self) -> int:
        return len(self.measure_ids)

    @property
    def gap(self) -> Gap:
        return gap_of(self.count)

    def add(self, facts: MeasureFacts) -> None:
        self.measure_ids.append(facts.id)
        if facts.budget is not None:
            self.budget_sum += facts.budget
            self.budget_count += 1


@dataclass
class Matrix:
    dimension: Dimension
    rows: list[AxisEntry]
    columns: list[AxisEntry]
    cells: list[list[Cell]]
    row_totals: list[Cell]
    column_totals: list[Cell]
    total: Cell

    def cell(self, row_key: str, column_key: str) -> Cell | None:
        """A cell by its keys; TOTAL as either key selects a total. None for unknown keys."""
        row = _index(self.rows, row_key)
        column = _index(self.columns, column_key)
        if row_key == TOTAL and column_key == TOTAL:
            return self.total
        if row_key == TOTAL:
            return self.column_totals[column] if column is not None else None
        if column_key == TOTAL:
            return self.row_totals[row] if row is not None else None
        if row is None or column is None:
            return None
        return self.cells[row][column]

    def gaps(self) -> list[tuple[AxisEntry, AxisEntry, Cell]]:
        """Empty and thin cells, row by row; the "not assigned" row and column are not gaps."""
        found = []
        for r, row in enumerate(self.rows):
            if row.key == NONE:
                continue
            for c, column in enumerate(self.columns):
                cell = self.cells[r][c]
                if column.key != NONE and cell.gap != Gap.COVERED:
                    found.append((row, column, cell))
        return found


def _index(entries: Sequence[AxisEntry], key: str) -> int | None:
    for position, entry in enumerate(entries):
        if entry.key == key:
            return position
    return None


def build_matrix(
    facts: Iterable[MeasureFacts],
    *,
    dimension: Dimension,
    rows: Sequence[AxisEntry],
    columns: Sequence[AxisEntry],
    unassigned_label: str = "",
) -> Matrix:
    """Count measures per (target group, column value) cell, with distinct totals.

    `rows` and `columns` are the catalogue entries in display order; keys a measure carries that are
    not among them are ignored. When `unassigned_label` is given, a "not assigned" row and column
    (key NONE) are appended if any measure lacks a value there.
    """
    facts = list(facts)
    row_entries = list(rows)
    column_entries = list(columns)
    if unassigned_label:
        if any(not f.target_groups for f in facts):
            row_entries.append(AxisEntry(NONE, unassigned_label))
        if any(NONE in f.keys(dimension) for f in facts):
            column_entries.append(AxisEntry(NONE, unassigned_label))
    row_pos = {entry.key: i for i, entry in enumerate(row_entries)}
    column_pos = {entry.key: i for i, entry in enumerate(column_entries)}
    cells = [[Cell() for _ in column_entries] for _ in row_entries]
    row_totals = [Cell() for _ in row_entries]
    column_totals = [Cell() for _ in column_entries]
    total = Cell()
    for measure in sorted(facts, key=lambda f: f.id):
        rs = sorted({row_pos[k] for k in measure.row_keys() if k in row_pos})
        cs = sorted({column_pos[k] for k in measure.keys(dimension) if k in column_pos})
        for r in rs:
            for c in cs:
                cells[r][c].add(measure)
        for r in rs:
            if cs:
                row_totals[r].add(measure)
        for c in cs:
            if rs:
                column_totals[c].add(measure)
        if rs and cs:
            total.add(measure)
    return Matrix(dimension, row_entries, column_entries, cells, row_totals, column_totals, total)
