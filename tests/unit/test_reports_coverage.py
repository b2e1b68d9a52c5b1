"""The coverage matrix as pure computation: cells, gaps, distinct totals, budgets, drill-down ids."""

from __future__ import annotations

from decimal import Decimal

from isi.reports.coverage import (
    NONE,
    THIN_THRESHOLD,
    TOTAL,
    AxisEntry,
    Dimension,
    Gap,
    MeasureFacts,
    build_matrix,
    gap_of,
)

GROUPS = [AxisEntry("frauen", "Frauen und Mädchen"), AxisEntry("kinder", "Kinder und Jugendliche")]
AREAS = [
    AxisEntry("sprache", "Sprache"),
    AxisEntry("bildung", "Bildung"),
    AxisEntry("gesellschaft", "Gesellschaft"),
]


def facts() -> list[MeasureFacts]:
    return [
        MeasureFacts(1, ("frauen",), ("sprache",), budget=Decimal("1000.50")),
        MeasureFacts(2, ("frauen", "kinder"), ("sprache", "bildung"), budget=Decimal("200")),
        MeasureFacts(3, ("frauen",), ("sprache",)),
        MeasureFacts(4, (), ("gesellschaft",), level="bund"),
    ]


def matrix(**kwargs: object):  # type: ignore[no-untyped-def]
    return build_matrix(facts(), dimension=Dimension.AREAS, rows=GROUPS, columns=AREAS, **kwargs)  # type: ignore[arg-type]


def test_cells_count_every_measure_in_every_cell_it_belongs_to() -> None:
    m = matrix()
    assert [[cell.count for cell in row] for row in m.cells] == [[3, 1, 0], [1, 1, 0]]
    assert m.cell("frauen", "sprache") is not None
    assert m.cell("frauen", "sprache").measure_ids == [1, 2, 3]  # type: ignore[union-attr]


def test_gap_levels_use_the_documented_threshold() -> None:
    assert THIN_THRESHOLD == 1
    assert gap_of(0) == Gap.EMPTY
    assert gap_of(1) == Gap.THIN
    assert gap_of(2) == Gap.COVERED
    m = matrix()
    assert m.cells[0][2].gap == Gap.EMPTY
    assert m.cells[1][0].gap == Gap.THIN
    assert m.cells[0][0].gap == Gap.COVERED


def test_gaps_list_empty_and_thin_cells_but_not_unassigned_ones() -> None:
    m = matrix(unassigned_label="nicht zugeordnet")
    found = {(row.key, column.key, cell.gap) for row, column, cell in m.gaps()}
    assert found == {
        ("frauen", "bildung", Gap.THIN),
        ("frauen", "gesellschaft", Gap.EMPTY),
        ("kinder", "sprache", Gap.THIN),
        ("kinder", "bildung", Gap.THIN),
        ("kinder", "gesellschaft", Gap.EMPTY),
    }
    assert all(NONE not in (row.key, column.key) for row, column, _cell in m.gaps())


def test_totals_count_distinct_measures_and_budgets_once() -> None:
    m = matrix()
    frauen = m.row_totals[0]
    assert frauen.count == 3  # measure 2 sits in two cells of the row but counts once
    assert frauen.budget_sum == Decimal("1200.50")
    assert frauen.budget_count == 2
    assert [c.count for c in m.column_totals] == [3, 1, 0]
    assert m.total.count == 3  # measure 4 has no target group: outside the rows
    assert m.total.budget_sum == Decimal("1200.50")


def test_cell_budget_sums_only_recorded_budgets() -> None:
    m = matrix()
    cell = m.cell("frauen", "sprache")
    assert cell is not None
    assert cell.budget_sum == Decimal("1200.50")
    assert cell.budget_count == 2
    assert m.cell("frauen", "gesellschaft").budget_count == 0  # type: ignore[union-attr]


def test_unassigned_row_and_column_appear_only_when_needed() -> None:
    m = matrix(unassigned_label="nicht zugeordnet")
    assert m.rows[-1] == AxisEntry(NONE, "nicht zugeordnet")
    assert [c.key for c in m.columns] == ["sprache", "bildung", "gesellschaft"]  # every measure has an area
    assert m.cell(NONE, "gesellschaft").measure_ids == [4]  # type: ignore[union-attr]
    assert m.total.count == 4


def test_total_keys_select_totals_and_unknown_keys_none() -> None:
    m = matrix()
    assert m.cell(TOTAL, TOTAL) is m.total
    assert m.cell("frauen", TOTAL) is m.row_totals[0]
    assert m.cell(TOTAL, "bildung") is m.column_totals[1]
    assert m.cell("unbekannt", "sprache") is None
    assert m.cell("frauen", "unbekannt") is None


def test_other_dimensions_read_single_values() -> None:
    levels = [AxisEntry("bund", "Bund"), AxisEntry("land", "Land")]
    m = build_matrix(
        facts(), dimension=Dimension.LEVEL, rows=GROUPS, columns=levels, unassigned_label="nicht zugeordnet"
    )
    assert [c.key for c in m.columns] == ["bund", "land", NONE]
    assert m.cell("frauen", NONE).measure_ids == [1, 2, 3]  # type: ignore[union-attr]
    assert m.cell("frauen", "land").count == 0  # type: ignore[union-attr]


def test_empty_input_gives_an_all_empty_matrix() -> None:
    m = build_matrix([], dimension=Dimension.AREAS, rows=GROUPS, columns=AREAS, unassigned_label="x")
    assert len(m.rows) == 2 and len(m.columns) == 3
    assert len(m.gaps()) == 6
    assert m.total.count == 0
