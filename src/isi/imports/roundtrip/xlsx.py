"""XLSX download and reading of uploaded workbooks (openpyxl; uploads checked by `uploads` first)."""

from __future__ import annotations

import io
import time
from collections.abc import Iterable
from datetime import date
from typing import Any

from isi.core.spreadsheets import spreadsheet_safe
from isi.imports.roundtrip.columns import (
    BOOL,
    CHOICE,
    COLUMNS,
    EVALUATION_COLUMNS,
    EVALUATION_HEADERS,
    HEADERS,
    MANY,
    NO,
    ONE,
    SHEET_CATALOGUES,
    SHEET_EVALUATION,
    SHEET_HELP,
    SHEET_MEASURES,
    YES,
    Column,
    current_evaluation_value,
    current_value,
    names,
)
from isi.measures.models import Measure

HELP_LINES = (
    "So bearbeiten Sie Ihre Maßnahmen offline",
    "",
    "1. Ändern Sie auf dem Blatt „Maßnahmen“ die Zellen, die Sie aktualisieren möchten.",
    "2. Die Spalten „ID“ und „Version“ nicht ändern: "
    "Sie bezeichnen die Maßnahme und den Stand beim Herunterladen.",
    "3. Katalogwerte (Status, Bereiche, Zielgruppen, Baustein …) aus der Auswahlliste wählen; "
    "mehrere Werte mit „; “ trennen.",
    "4. Daten als TT.MM.JJJJ eingeben; Ja/Nein-Felder mit „ja“ oder „nein“.",
    "5. Datei speichern (XLSX) und unter „Excel-Abgleich“ hochladen: Sie sehen zuerst eine Vorschau, "
    "erst „Übernehmen“ speichert – alles oder nichts.",
    "6. Auf dem Blatt „Erfolgskontrolle“ tragen Sie Stand, Methode, Aufwand, Fälligkeit und Ergebnis "
    "der Erfolgskontrolle je Maßnahme ein (Zuordnung über die ID).",
    "7. Hat jemand eine Maßnahme seit dem Herunterladen geändert, wird die Zeile abgelehnt; "
    "laden Sie dann eine neue Datei herunter.",
    "",
    "Spalten:",
)


def _cell(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, (int, date)) and not isinstance(value, bool):
        return value
    return spreadsheet_safe(str(value))


def _protect_keys(sheet: Any, count: int, *, first_editable: int, last: int) -> None:
    """ID and version identify the row: visible but locked (sheet protection without password –
    a guard against slips; the server checks every row anyway). Filtering and sorting stay allowed."""
    from openpyxl.styles import Protection  # type: ignore[import-untyped]

    for row in sheet.iter_rows(min_row=2, max_row=count + 1, min_col=first_editable, max_col=last):
        for cell in row:
            cell.protection = Protection(locked=False)
    protection = sheet.protection
    protection.sheet = True
    protection.autoFilter = False
    protection.sort = False
    protection.formatColumns = False
    protection.formatRows = False
    protection.formatCells = False


def measures_workbook(measures: Iterable[Measure]) -> bytes:
    """The round-trip workbook for `measures` as XLSX bytes."""
    # openpyxl is imported on first use, not at every process start (~0.4 s).
    from openpyxl import Workbook  # type: ignore[import-untyped]
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
    from openpyxl.worksheet.datavalidation import DataValidation  # type: ignore[import-untyped]

    wb = Workbook()
    sheet = wb.active
    sheet.title = SHEET_MEASURES
    bold = Font(bold=True)
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = bold
    listed = list(measures)
    count = len(listed)
    for measure in listed:
        sheet.append([_cell(current_value(measure, column)) for column in COLUMNS])
    last_row = max(count + 1, 2)
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        if column.kind == "date":
            for (cell,) in sheet.iter_rows(min_row=2, max_row=count + 1, min_col=index, max_col=index):
                cell.number_format = "DD.MM.YYYY"
    sheet.freeze_panes = "C2"
    _protect_keys(sheet, count, first_editable=3, last=len(COLUMNS))
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{count + 1}"

    evaluation_sheet = wb.create_sheet(SHEET_EVALUATION)
    evaluation_sheet.append(EVALUATION_HEADERS)
    for cell in evaluation_sheet[1]:
        cell.font = bold
    for measure in listed:
        evaluation_sheet.append(
            [measure.pk, spreadsheet_safe(measure.title)]
            + [_cell(current_evaluation_value(measure, column)) for column in EVALUATION_COLUMNS]
        )
    evaluation_sheet.freeze_panes = "C2"
    _protect_keys(evaluation_sheet, count, first_editable=3, last=len(EVALUATION_HEADERS))
    for index, width in enumerate([8, 40, *(column.width for column in EVALUATION_COLUMNS)], start=1):
        evaluation_sheet.column_dimensions[get_column_letter(index)].width = width
    offset = len(EVALUATION_HEADERS) - len(EVALUATION_COLUMNS)

    # Catalogue values on a hidden sheet, referenced by dropdowns.
    catalogues = wb.create_sheet(SHEET_CATALOGUES)
    catalogue_col = 0
    targets: list[tuple[Any, int, Column]] = [
        (sheet, index, column) for index, column in enumerate(COLUMNS, start=1)
    ]
    targets += [
        (evaluation_sheet, offset + index, column) for index, column in enumerate(EVALUATION_COLUMNS, start=1)
    ]
    for target_sheet, index, column in targets:
        values: list[str] = []
        if column.kind == CHOICE:
            assert column.choices is not None
            values = [str(label) for _, label in column.choices.choices]
        elif column.kind in (ONE, MANY):
            assert column.model is not None
            values = names(column.model)
        elif column.kind == BOOL:
            values = [YES, NO]
        if not values:
            continue
        catalogue_col += 1
        cat_letter = get_column_letter(catalogue_col)
        catalogues.cell(row=1, column=catalogue_col, value=column.header).font = bold
        for row_number, value in enumerate(values, start=2):
            catalogues.cell(row=row_number, column=catalogue_col, value=spreadsheet_safe(value))
        catalogues.column_dimensions[cat_letter].width = 40
        target = f"{get_column_letter(index)}2:{get_column_letter(index)}{last_row}"
        source = f"'{SHEET_CATALOGUES}'!${cat_letter}$2:${cat_letter}${len(values) + 1}"
        validation = DataValidation(
            type="list",
            formula1=source,
            allow_blank=True,
            # Several values joined with "; " are not in the list: warn, do not block.
            showErrorMessage=column.kind != MANY,
            errorStyle="stop" if column.kind != MANY else "information",
            errorTitle="Unbekannter Wert",
            error=f"Bitte einen Wert aus dem Katalog „{column.header}“ wählen.",
        )
        validation.add(target)
        target_sheet.add_data_validation(validation)
    catalogues.sheet_state = "hidden"

    help_sheet = wb.create_sheet(SHEET_HELP)
    help_sheet.column_dimensions["A"].width = 110
    for line in HELP_LINES:
        help_sheet.append([spreadsheet_safe(line)])
    for column in COLUMNS:
        help_sheet.append(
            [spreadsheet_safe(f"{column.header}: {column.help}" if column.help else column.header)]
        )
    help_sheet["A1"].font = bold

    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


class WorkbookError(ValueError):
    pass


Table = tuple[list[str], list[tuple[int, list[Any]]]]

EXCEL_MAX_ROWS = 1_048_576


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _read_sheet(sheet: Any, *, max_rows: int, max_columns: int, deadline: float | None) -> Table:
    """Streams the sheet with explicit bounds: openpyxl never pads rows to the declared
    <dimension>, only cells in the first `max_columns` columns are kept, and a value below the
    last allowed row is an error naming the row (the upload check has normally refused it)."""
    name = sheet.title
    limit = max_rows + 1  # with the header row
    rows = sheet.iter_rows(min_row=1, max_row=EXCEL_MAX_ROWS, max_col=max_columns, values_only=True)
    try:
        header_row = next(rows)
    except StopIteration:
        return [], []
    header = [str(value).strip() if value is not None else "" for value in header_row]
    while header and not header[-1]:
        header.pop()
    data_rows: list[tuple[int, list[Any]]] = []
    gap: Any = None  # openpyxl yields one and the same tuple for every missing row
    for number, row in enumerate(rows, start=2):
        if deadline is not None and number % 512 == 0 and time.monotonic() > deadline:
            raise WorkbookError(
                f"Das Blatt „{name}“ konnte nicht in der vorgesehenen Zeit gelesen werden "
                f"(bis Zeile {number})."
            )
        if row is gap:
            continue
        values = list(row[: len(header)])
        if all(_blank(value) for value in values):
            gap = row
            continue
        if number > limit:
            raise WorkbookError(
                f"Das Blatt „{name}“ hat Werte in Zeile {number}; erlaubt sind höchstens "
                f"{max_rows} Datenzeilen (bis Zeile {limit})."
            )
        data_rows.append((number, values))
    return header, data_rows


def read_workbook(
    data: bytes, *, max_rows: int = 20_000, max_columns: int = 100, deadline: float | None = None
) -> tuple[Table, Table | None]:
    """Header and data rows (with their sheet row numbers) of "Maßnahmen" and "Erfolgskontrolle".

    Read-only (streaming) openpyxl; `deadline` (time.monotonic()) bounds the time spent."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False, keep_vba=False)
    except Exception as exc:  # openpyxl raises many kinds on broken files
        raise WorkbookError("Die Datei ist keine lesbare Excel-Arbeitsmappe.") from exc
    bounds: dict[str, Any] = {"max_rows": max_rows, "max_columns": max_columns, "deadline": deadline}
    try:
        if SHEET_MEASURES not in wb.sheetnames:
            raise WorkbookError(f"Das Blatt „{SHEET_MEASURES}“ fehlt in der Arbeitsmappe.")
        main = _read_sheet(wb[SHEET_MEASURES], **bounds)
        if not main[0]:
            raise WorkbookError("Das Blatt „Maßnahmen“ ist leer.")
        evaluation = (
            _read_sheet(wb[SHEET_EVALUATION], **bounds) if SHEET_EVALUATION in wb.sheetnames else None
        )
        return main, evaluation
    except WorkbookError:
        raise
    except Exception as exc:
        raise WorkbookError("Die Datei ist keine lesbare Excel-Arbeitsmappe.") from exc
    finally:
        wb.close()
