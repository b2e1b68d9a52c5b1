"""The coverage matrix as tables: for the CSV/XLSX download and the IMAG report."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook  # type: ignore[import-untyped]

from isi.reports.coverage import Gap, Matrix
from isi.reports.tables import Column, Kind, Table, table_csv, write_table


def gap_label(gap: Gap) -> str:
    return {Gap.EMPTY: _("keine Maßnahme"), Gap.THIN: _("nur eine Maßnahme"), Gap.COVERED: ""}[gap]


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
    columns = [
        Column(_("Zielgruppe"), width=40),
        Column(column_title or _("Spalte"), width=40),
        Column(_("Maßnahmen"), Kind.INT, 12),
        Column(_("Befund"), width=22),
    ]
    rows: list[list[object]] = [
        [row.label, column.label, cell.count, gap_label(cell.gap)] for row, column, cell in matrix.gaps()
    ]
    return Table(caption, columns, rows, empty_text=_("Keine Lücken: jede Zelle hat mehr als eine Maßnahme."))


def matrix_csv(matrix: Matrix, caption: str) -> bytes:
    return table_csv(count_table(matrix, caption))


def matrix_xlsx(matrix: Matrix, caption: str, column_title: str = "") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _("Anzahl")
    write_table(sheet, count_table(matrix, caption))
    sheet.freeze_panes = "B3"
    write_table(workbook.create_sheet(_("Mittel")), budget_table(matrix, caption + " – " + _("Mittel (EUR)")))
    write_table(
        workbook.create_sheet(_("Lücken")), gap_table(matrix, caption + " – " + _("Lücken"), column_title)
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
