"""The Erfolgskontrolle overview as an Excel workbook (German headers, formula-safe text cells).

Sheets: Übersicht, Ressorts, Bereiche, Überfällig, Modellprojekte, Ergebnisse. Every text cell
goes through ``spreadsheet_safe`` and is stored as a string, never as a formula.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from isi.core.numbers import rounded_share
from isi.core.spreadsheets import spreadsheet_safe
from isi.monitoring.evaluation.overview import Coverage, EvaluationOverview

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CELL_LIMIT = 32_767  # Excel's maximum characters per cell
PLAN_DEFINITION = (
    "Als Plan zählt eine Erfolgskontrolle, die geplant ist, läuft oder abgeschlossen ist und deren "
    "Methode beschrieben ist, oder die begründete Feststellung, dass der Aufwand unverhältnismäßig "
    "wäre (§ 7 Abs. 2 BHO, Regel 7). Archivierte Maßnahmen zählen nicht."
)
COVERAGE_HEADERS = [
    "Maßnahmen",
    "mit Plan",
    "ohne Plan",
    "Anteil mit Plan",
    "überfällig",
    "geplant",
    "läuft",
    "abgeschlossen",
    "Aufwand unverhältnismäßig",
    "ohne Eintrag",
    "Modellprojekte ohne Entscheidung",
]


class Percent(float):
    """A share 0..1, shown as a percentage in Excel."""


Value = str | int | float | date | None


def _text(value: str) -> str:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # type: ignore[import-untyped]

    text = spreadsheet_safe(ILLEGAL_CHARACTERS_RE.sub("", value))
    return text if len(text) <= CELL_LIMIT else text[: CELL_LIMIT - 1] + "…"


def _cell(sheet: Any, value: Value, *, bold: bool = False) -> Any:
    # openpyxl is imported on first use (~0.4 s at every process start otherwise); a repeated
    # import is a dictionary lookup, small against writing the cell.
    from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]
    from openpyxl.styles import Font  # type: ignore[import-untyped]

    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=_text(value))
        cell.data_type = "s"  # never a formula, whatever the text
    else:
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, date):
            cell.number_format = "DD.MM.YYYY"
        elif isinstance(value, Percent):
            cell.value = float(rounded_share(value))  # rounded as the dashboard and the PDF round
            cell.number_format = "0.0%"
    if bold:
        cell.font = Font(bold=True)
    return cell


def _sheet(workbook: Any, title: str, headers: Sequence[str], widths: Sequence[int]) -> Any:
    from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

    sheet = workbook.create_sheet(title)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append([_cell(sheet, header, bold=True) for header in headers])
    return sheet


def _rows(sheet: Any, rows: Iterable[Sequence[Value]]) -> None:
    for row in rows:
        sheet.append([_cell(sheet, value) for value in row])


def _coverage_values(c: Coverage) -> list[Value]:
    return [
        c.total,
        c.with_plan,
        c.without_plan,
        Percent(c.share) if c.total else None,
        c.overdue,
        c.planned,
        c.running,
        c.done,
        c.not_proportionate,
        c.no_entry,
        c.undecided_model_projects,
    ]


def _german_int(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def _truncation_notes(overview: EvaluationOverview) -> list[tuple[str, str]]:
    """Say which sheets hold only the first entries (the export cuts very long lists)."""
    notes = []
    for sheet, shown, total in (
        ("Überfällig", len(overview.overdue), overview.overdue_count),
        ("Modellprojekte", len(overview.undecided_model_projects), overview.undecided_count),
        ("Ergebnisse", len(overview.results), overview.results_count),
    ):
        if shown < total:
            notes.append(
                (
                    f"Blatt „{sheet}“ gekürzt",
                    f"{_german_int(shown)} von {_german_int(total)} Einträgen; für vollständige Listen "
                    "nach Ressort oder Bereich filtern.",
                )
            )
    return notes


def write_overview(overview: EvaluationOverview, filters: Sequence[tuple[str, str]], target: Any) -> None:
    """Write the workbook to `target` (a binary file)."""
    from openpyxl import Workbook  # type: ignore[import-untyped]

    workbook = Workbook(write_only=True)
    c = overview.coverage
    summary = _sheet(workbook, "Übersicht", ["Angabe", "Wert"], [42, 90])
    _rows(
        summary,
        [
            ("Stand", overview.today),
            *filters,
            ("Maßnahmen", c.total),
            ("mit Plan für die Erfolgskontrolle", c.with_plan),
            ("ohne Plan", c.without_plan),
            ("Anteil mit Plan", Percent(c.share) if c.total else None),
            ("überfällige Erfolgskontrollen", c.overdue),
            ("abgeschlossene Erfolgskontrollen", c.done),
            ("Modellprojekte ohne Entscheidung nach der Testphase", c.undecided_model_projects),
            ("Ressorts mit Maßnahmen ohne Plan", len(overview.ministries_lacking_plans)),
            ("Was als Plan zählt", PLAN_DEFINITION),
            *_truncation_notes(overview),
        ],
    )
    widths = [60, *[14] * len(COVERAGE_HEADERS)]
    ministries = _sheet(workbook, "Ressorts", ["Ressort", *COVERAGE_HEADERS], widths)
    _rows(
        ministries,
        ([row.name, *_coverage_values(row.coverage)] for row in overview.by_ministry),
    )
    areas = _sheet(workbook, "Bereiche", ["Bereich", *COVERAGE_HEADERS], widths)
    _rows(
        areas,
        ([row.name or "ohne Bereich", *_coverage_values(row.coverage)] for row in overview.by_area),
    )
    entry_headers = ["ID", "Maßnahme", "federführend", "Ressort", "Stand", "fällig am"]
    overdue = _sheet(
        workbook,
        "Überfällig",
        [*entry_headers, "Tage überfällig", "Methode"],
        [8, 60, 40, 40, 14, 12, 10, 60],
    )
    _rows(
        overdue,
        (
            [e.measure_id, e.title, e.owner, e.ministry, e.state_label, e.due_date, e.days_overdue, e.method]
            for e in overview.overdue
        ),
    )
    projects = _sheet(
        workbook,
        "Modellprojekte",
        ["ID", "Maßnahme", "federführend", "Ressort", "Testphase von", "Testphase bis", "Erfolgskontrolle"],
        [8, 60, 40, 40, 12, 12, 24],
    )
    _rows(
        projects,
        (
            [
                p.measure_id,
                p.title,
                p.owner,
                p.ministry,
                p.test_phase_start,
                p.test_phase_end,
                p.evaluation_state_label or "kein Eintrag",
            ]
            for p in overview.undecided_model_projects
        ),
    )
    results = _sheet(
        workbook, "Ergebnisse", [*entry_headers, "Methode", "Ergebnis"], [8, 60, 40, 40, 14, 12, 60, 90]
    )
    _rows(
        results,
        (
            [
                e.measure_id,
                e.title,
                e.owner,
                e.ministry,
                e.state_label,
                e.due_date,
                e.method,
                e.result_summary,
            ]
            for e in overview.results
        ),
    )
    workbook.save(target)


def overview_xlsx(overview: EvaluationOverview, filters: Sequence[tuple[str, str]] = ()) -> bytes:
    buffer = io.BytesIO()
    write_overview(overview, filters, buffer)
    return buffer.getvalue()
