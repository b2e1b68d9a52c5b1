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

Completeness (the matrix says what it cannot know):
- Every cell carries `unclassified`: the measures that could belong to it but lack a value on one
  of the two axes (no target group but the cell's column value, the cell's target group but no
  column value, or neither). They are not counted in the cell; the cell states them.
- The matrix is *complete enough* when at least `MIN_CLASSIFIED_SHARE` (80 %) of the measures have
  a value on both axes. Only then are empty or thin cells called gaps; otherwise such a cell is
  `unknown`: "keine Aussage – zu viele Maßnahmen ohne Zuordnung". 60 of 123 measures without a
  target group (51 % classified) therefore show no gaps at all, only counts and the unclassified.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

# A cell with this many measures or fewer is a thin spot worth a second look.
THIN_THRESHOLD = 1
# Gaps are named only when at least this share of the measures is classified on both axes.
MIN_CLASSIFIED_SHARE = Decimal("0.8")
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
    UNKNOWN = "unknown"  # empty or thin, but too many measures unclassified to call it a gap


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
    # Measures that could belong here but lack a value on one of the axes (not in `count`).
    unclassified: int = 0
    # False when the matrix is not complete enough to call an empty or thin cell a gap.
    judged: bool = True

    @property
    def count(self) -> int:
        return len(self.measure_ids)

    @property
    def gap(self) -> Gap:
        found = gap_of(self.count)
        if found != Gap.COVERED and not self.judged:
            return Gap.UNKNOWN
        return found

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
    measure_count: int = 0  # all measures given, classified or not
    without_rows: int = 0  # measures without a target group
    without_columns: int = 0  # measures without a value on the column axis
    classified: int = 0  # measures with a value on both axes

    @property
    def classified_share(self) -> Decimal | None:
        """Share of the measures classified on both axes; None without measures."""
        if not self.measure_count:
            return None
        return Decimal(self.classified) / Decimal(self.measure_count)

    @property
    def judges_gaps(self) -> bool:
        """Complete enough (``MIN_CLASSIFIED_SHARE``) to call an empty or thin cell a gap."""
        share = self.classified_share
        return share is None or share >= MIN_CLASSIFIED_SHARE  # no measures: none unclassified

    def unknown(self) -> list[tuple[AxisEntry, AxisEntry, Cell]]:
        """Empty and thin cells about which nothing can be said (too much unclassified)."""
        return [found for found in self._thin_cells() if found[2].gap == Gap.UNKNOWN]

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
        """Empty and thin cells, row by row; the "not assigned" row and column are not gaps.

        Only when the matrix `judges_gaps`; otherwise those cells are in `unknown()` instead.
        """
        return [found for found in self._thin_cells() if found[2].gap in (Gap.EMPTY, Gap.THIN)]

    def _thin_cells(self) -> list[tuple[AxisEntry, AxisEntry, Cell]]:
        found = []
        for r, row in enumerate(self.rows):
            if row.key == NONE:
                continue
            for c, column in enumerate(self.columns):
                cell = self.cells[r][c]
                if column.key != NONE and gap_of(cell.count) != Gap.COVERED:
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
    matrix = Matrix(dimension, row_entries, column_entries, cells, row_totals, column_totals, total)
    _state_completeness(matrix, facts, rows=row_entries, columns=column_entries)
    return matrix


def _state_completeness(
    matrix: Matrix, facts: list[MeasureFacts], *, rows: list[AxisEntry], columns: list[AxisEntry]
) -> None:
    """Count the unclassified per axis and per cell, and mark whether gaps may be named."""
    dimension = matrix.dimension
    no_row_by_column: Counter[str] = Counter()  # no target group, but this column value
    no_column_by_row: Counter[str] = Counter()  # this target group, but no column value
    neither = 0
    for measure in facts:
        has_row = bool(measure.target_groups)
        column_keys = [k for k in measure.keys(dimension) if k != NONE]
        if not has_row and not column_keys:
            neither += 1
        elif not has_row:
            no_row_by_column.update(set(column_keys))
        elif not column_keys:
            no_column_by_row.update(set(measure.target_groups))
        else:
            matrix.classified += 1
        matrix.without_rows += 0 if has_row else 1
        matrix.without_columns += 0 if column_keys else 1
    matrix.measure_count = len(facts)
    judged = matrix.judges_gaps
    for r, row in enumerate(rows):
        for c, column in enumerate(columns):
            cell = matrix.cells[r][c]
            cell.judged = judged
            if row.key == NONE or column.key == NONE:
                continue  # the "not assigned" row and column are the unclassified themselves
            cell.unclassified = no_row_by_column[column.key] + no_column_by_row[row.key] + neither
