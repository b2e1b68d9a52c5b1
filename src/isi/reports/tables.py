"""Plain tables shared by the HTML/PDF and spreadsheet output, and their German formatting.

A `Table` holds raw values (int, Decimal, date …) and says per column what they are; the HTML and
PDF show them in German notation ("1.234,5", "26.11.2026"), the spreadsheets keep them as numbers
and dates with a German-looking number format, and every text cell is made formula-safe.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import override

from isi.core.numbers import format_percent, rounded_share
from isi.core.spreadsheets import spreadsheet_safe


class Kind(StrEnum):
    TEXT = "text"
    INT = "int"
    MONEY = "money"
    PERCENT = "percent"  # a share between 0 and 1
    DATE = "date"
    DATETIME = "datetime"


# Excel shows these with the reader's separators: "1.234" and "1.234,50" on a German system.
XLSX_FORMATS = {
    Kind.INT: "#,##0",
    Kind.MONEY: "#,##0.00",
    Kind.PERCENT: "0.0%",
    Kind.DATE: "DD.MM.YYYY",
    Kind.DATETIME: "DD.MM.YYYY HH:MM",
}


@dataclass(frozen=True)
class Column:
    label: str
    kind: Kind = Kind.TEXT
    width: int = 18


@dataclass
class Table:
    caption: str
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)
    empty_text: str = ""
    # The first column names the row (rendered as <th scope="row">).
    row_headers: bool = True

    def display_rows(self) -> list[list[DisplayCell]]:
        """The rows as German text, for HTML and PDF."""
        return [
            [
                DisplayCell(german(value, column.kind), column.kind != Kind.TEXT)
                for column, value in zip(self.columns, row, strict=True)
            ]
            for row in self.rows
        ]


@dataclass(frozen=True)
class DisplayCell:
    text: str
    numeric: bool


def _local(value: datetime) -> datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def german(value: Any, kind: Kind = Kind.TEXT) -> str:
    """A value as a German reader expects it: 1.234 · 1.234,50 · 12,5 % · 26.11.2026."""
    if value is None or value == "":
        return "–"
    with override("de"):
        if kind == Kind.PERCENT:
            return format_percent(value)  # the one rounding of every percentage (half up)
        if kind == Kind.MONEY:
            return formats.number_format(value, 2, use_l10n=True, force_grouping=True)
        if kind == Kind.INT or (isinstance(value, int) and not isinstance(value, bool)):
            return formats.number_format(value, 0, use_l10n=True, force_grouping=True)
        if isinstance(value, datetime):
            return _local(value).strftime("%d.%m.%Y %H:%M")
        if isinstance(value, date):
            return value.strftime("%d.%m.%Y")
        if isinstance(value, Decimal | float):
            return formats.number_format(value, 1, use_l10n=True, force_grouping=True)
    return str(value)


def xlsx_value(value: Any, kind: Kind) -> Any:
    """Numbers stay numbers, dates stay dates; text is neutralised against formula injection."""
    if value is None:
        return None
    if kind == Kind.PERCENT and isinstance(value, int | float | Decimal):
        return rounded_share(value)  # rounded as the PDF rounds it; Excel shows it as "0.0%"
    if kind in (Kind.INT, Kind.MONEY, Kind.PERCENT):
        return value if isinstance(value, int | float | Decimal) else spreadsheet_safe(str(value))
    if kind == Kind.DATETIME and isinstance(value, datetime):
        return _local(value).replace(tzinfo=None)
    if kind in (Kind.DATE, Kind.DATETIME) and isinstance(value, date):
        return value
    return spreadsheet_safe(str(value))


def write_table(sheet: Any, table: Table, start_row: int = 1, *, caption: bool = True) -> int:
    """Write caption (bold), header row (bold) and rows; returns the next free row."""
    # openpyxl is imported on first use, not at every process start (~0.4 s).
    from openpyxl.styles import Alignment, Font  # type: ignore[import-untyped]
    from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

    row_number = start_row
    if caption:
        sheet.cell(row=row_number, column=1, value=spreadsheet_safe(table.caption)).font = Font(
            bold=True, size=12
        )
        row_number += 1
    for index, column in enumerate(table.columns, start=1):
        cell = sheet.cell(row=row_number, column=index, value=spreadsheet_safe(column.label))
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        letter = get_column_letter(index)
        current = sheet.column_dimensions[letter].width or 0
        sheet.column_dimensions[letter].width = max(current, column.width)
    row_number += 1
    if not table.rows and table.empty_text:
        sheet.cell(row=row_number, column=1, value=spreadsheet_safe(table.empty_text))
        row_number += 1
    for row in table.rows:
        for index, (column, value) in enumerate(zip(table.columns, row, strict=True), start=1):
            cell = sheet.cell(row=row_number, column=index, value=xlsx_value(value, column.kind))
            if column.kind in XLSX_FORMATS and value is not None and not isinstance(cell.value, str):
                cell.number_format = XLSX_FORMATS[column.kind]
        row_number += 1
    return row_number + 1


def csv_value(value: Any, kind: Kind) -> str:
    """CSV for German spreadsheets: decimal comma, no thousands separator, dates as 26.11.2026."""
    if value is None:
        return ""
    if kind == Kind.MONEY and isinstance(value, int | float | Decimal):
        return f"{Decimal(str(value)):.2f}".replace(".", ",")
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, datetime):
        return _local(value).strftime("%d.%m.%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    return spreadsheet_safe(str(value))


def table_csv(table: Table) -> bytes:
    """UTF-8 with BOM and ";" – what Excel on a German system opens correctly by double-click."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([spreadsheet_safe(column.label) for column in table.columns])
    for row in table.rows:
        writer.writerow(
            [csv_value(value, column.kind) for column, value in zip(table.columns, row, strict=True)]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
