"""The coverage matrix as pure computation: cells, gaps, distinct totals, budgets, drill-down ids."""

from __future__ import annotations

from decimal import Decimal

from isi.reports import coverage
from isi.reports.coverage import (
    MIN_CLASSIFIED_SHARE,
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


def complete_matrix(**kwargs: object):  # type: ignore[no-untyped-def]
    """facts() plus one classified measure: 4 of 5 classified on both axes, the 80 % that judges gaps."""
    more = [*facts(), MeasureFacts(5, ("frauen",), ("sprache",))]
    return build_matrix(more, dimension=Dimension.AREAS, rows=GROUPS, columns=AREAS, **kwargs)  # type: ignore[arg-type]


def test_gap_levels_use_the_documented_threshold() -> None:
    assert THIN_THRESHOLD == 1
    assert gap_of(0) == Gap.EMPTY
    assert gap_of(1) == Gap.THIN
    assert gap_of(2) == Gap.COVERED
    m = complete_matrix()
    assert m.cells[0][2].gap == Gap.EMPTY
    assert m.cells[1][0].gap == Gap.THIN
    assert m.cells[0][0].gap == Gap.COVERED


def test_gaps_list_empty_and_thin_cells_but_not_unassigned_ones() -> None:
    m = complete_matrix(unassigned_label="nicht zugeordnet")
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


# --- completeness: a gap only where classification is complete enough ---------------------------


def test_threshold_is_documented_at_eighty_percent() -> None:
    assert Decimal("0.8") == MIN_CLASSIFIED_SHARE
    assert "MIN_CLASSIFIED_SHARE" in (coverage.__doc__ or "") and "80 %" in (coverage.__doc__ or "")


def test_too_many_unclassified_measures_give_no_gaps_only_unknown_cells() -> None:
    m = matrix()  # 3 of 4 classified on both axes: 75 % < 80 %
    assert (m.measure_count, m.classified, m.without_rows, m.without_columns) == (4, 3, 1, 0)
    assert m.classified_share == Decimal("0.75") and not m.judges_gaps
    assert m.gaps() == []
    unknown = {(row.key, column.key) for row, column, _cell in m.unknown()}
    assert ("frauen", "gesellschaft") in unknown and ("kinder", "bildung") in unknown
    assert m.cell("frauen", "gesellschaft").gap == Gap.UNKNOWN  # type: ignore[union-attr]
    assert m.cell("frauen", "sprache").gap == Gap.COVERED  # a covered cell is covered regardless


def test_every_cell_states_the_unclassified_measures_that_could_belong_to_it() -> None:
    extra = [
        *facts(),
        MeasureFacts(5, ("kinder",), ()),  # a target group, no area: could be in any kinder cell
        MeasureFacts(6, (), ()),  # nothing: could be anywhere
    ]
    m = build_matrix(extra, dimension=Dimension.AREAS, rows=GROUPS, columns=AREAS)
    # Measure 4 (no target group, area gesellschaft) could be in both gesellschaft cells.
    assert [[c.unclassified for c in row] for row in m.cells] == [[1, 1, 2], [2, 2, 3]]
    assert (m.without_rows, m.without_columns, m.classified) == (2, 2, 3)


def test_eighty_percent_classified_is_enough() -> None:
    m = complete_matrix()
    assert m.classified_share == Decimal("0.8") and m.judges_gaps
    assert m.unknown() == []
