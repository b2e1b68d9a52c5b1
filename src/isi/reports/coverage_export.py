"""The coverage matrix as tables: for the CSV/XLSX download and the IMAG report."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _

from isi.core.numbers import format_percent
from isi.reports.coverage import MIN_CLASSIFIED_SHARE, NONE, Gap, Matrix
from isi.reports.tables import Column, Kind, Table, table_csv, write_table


def gap_label(gap: Gap) -> str:
    return {
        Gap.EMPTY: _("keine Maßnahme"),
        Gap.THIN: _("nur eine Maßnahme"),
        Gap.COVERED: "",
        Gap.UNKNOWN: _("keine Aussage – zu viele Maßnahmen ohne Zuordnung"),
    }[gap]


def completeness_text(matrix: Matrix, row_name: str, column_name: str) -> str:
    """One sentence on what the matrix cannot know, with the threshold for naming gaps."""
    if not matrix.measure_count:
        return _("Keine Maßnahmen.")
    text = _(
        "Zuordnung: %(classified)s von %(total)s Maßnahmen (%(share)s) haben Angaben zu „%(rows)s“ "
        "und „%(columns)s“; ohne „%(rows)s“: %(no_rows)s, ohne „%(columns)s“: %(no_columns)s."
    ) % {
        "total": matrix.measure_count,
        "classified": matrix.classified,
        "share": format_percent(matrix.classified_share),
        "rows": row_name,
        "columns": column_name,
        "no_rows": matrix.without_rows,
        "no_columns": matrix.without_columns,
    }
    threshold = format_percent(MIN_CLASSIFIED_SHARE)
    if matrix.judges_gaps:
        return (
            text + " " + _("Lücken werden ab %(threshold)s Zuordnung ausgewiesen.") % {"threshold": threshold}
        )
    return (
        text
        + " "
        + _(
            "Unter %(threshold)s Zuordnung gibt es keine Aussage über Lücken: leere oder schwach "
            "besetzte Zellen heißen „keine Aussage – zu viele Maßnahmen ohne Zuordnung“."
        )
        % {"threshold": threshold}
    )


def count_table(matrix: Matrix, caption: str) -> Table:
    """Counts per cell, with the distinct total per row and a totals row at the bottom."""
    columns = [
        Column(_("Zielgruppe"), width=40),
        *(Column(entry.label, Kind.INT, 16) for entry in matrix.columns),
        Column(_("Maßnahmen insgesamt"), Kind.INT, 14),
        Column(_("Mittel insgesamt (EUR)"), Kind.MONEY, 18),
    ]
    rows: list[list[object]] = [
        [
            row.label,
            *(cell.count for cell in cells),
            total.count,
            total.budget_sum if total.budget_count else None,
        ]
        for row, cells, total in zip(matrix.rows, matrix.cells, matrix.row_totals, strict=True)
    ]
    rows.append(
        [
            _("Insgesamt"),
            *(cell.count for cell in matrix.column_totals),
            matrix.total.count,
            matrix.total.budget_sum if matrix.total.budget_count else None,
        ]
    )
    return Table(caption, columns, rows)


def budget_table(matrix: Matrix, caption: str) -> Table:
    columns = [
        Column(_("Zielgruppe"), width=40),
        *(Column(entry.label, Kind.MONEY, 16) for entry in matrix.columns),
        Column(_("Insgesamt"), Kind.MONEY, 18),
    ]
    rows: list[list[object]] = [
        [row.label, *(c.budget_sum if c.budget_count else None for c in [*cells, total])]
        for row, cells, total in zip(matrix.rows, matrix.cells, matrix.row_totals, strict=True)
    ]
    rows.append(
        [
            _("Insgesamt"),
            *(c.budget_sum if c.budget_count else None for c in [*matrix.column_totals, matrix.total]),
        ]
    )
    return Table(caption, columns, rows)


def gap_table(matrix: Matrix, caption: str, column_title: str = "") -> Table:
    """Empty and thin cells: gaps where the matrix is complete enough, else "keine Aussage"."""
    columns = [
        Column(_("Zielgruppe"), width=40),
        Column(column_title or _("Spalte"), width=40),
        Column(_("Maßnahmen"), Kind.INT, 12),
        Column(_("ohne Zuordnung, könnten dazugehören"), Kind.INT, 16),
        Column(_("Befund"), width=30),
    ]
    cells = matrix.gaps() if matrix.judges_gaps else matrix.unknown()
    rows: list[list[object]] = [
        [row.label, column.label, cell.count, cell.unclassified, gap_label(cell.gap)]
        for row, column, cell in cells
    ]
    return Table(caption, columns, rows, empty_text=_("Keine Lücken: jede Zelle hat mehr als eine Maßnahme."))


def unclassified_table(matrix: Matrix, caption: str) -> Table:
    """Per cell: the measures without a value on one of the axes that could belong to it."""
    data_columns = [entry for entry in matrix.columns if entry.key != NONE]
    columns = [
        Column(_("Zielgruppe"), width=40),
        *(Column(entry.label, Kind.INT, 16) for entry in data_columns),
    ]
    positions = [matrix.columns.index(entry) for entry in data_columns]
    rows: list[list[object]] = [
        [row.label, *(cells[p].unclassified for p in positions)]
        for row, cells in zip(matrix.rows, matrix.cells, strict=True)
        if row.key != NONE
    ]
    return Table(caption, columns, rows)


def matrix_csv(matrix: Matrix, caption: str) -> bytes:
    return table_csv(count_table(matrix, caption))


def matrix_xlsx(matrix: Matrix, caption: str, column_title: str = "") -> bytes:
    from openpyxl import Workbook  # type: ignore[import-untyped]

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _("Anzahl")
    write_table(sheet, count_table(matrix, caption))
    sheet.freeze_panes = "B3"
    write_table(workbook.create_sheet(_("Mittel")), budget_table(matrix, caption + " – " + _("Mittel (EUR)")))
    gaps = workbook.create_sheet(_("Lücken"))
    gaps.cell(row=1, column=1, value=completeness_text(matrix, _("Zielgruppe"), column_title or _("Spalte")))
    write_table(gaps, gap_table(matrix, caption + " – " + _("Lücken"), column_title), start_row=3)
    write_table(
        workbook.create_sheet(_("ohne Zuordnung")),
        unclassified_table(matrix, caption + " – " + _("Maßnahmen ohne Zuordnung, die dazugehören könnten")),
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
