"""German notation and formula safety of the report tables (HTML/PDF text, CSV and XLSX cells)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from isi.reports.tables import Column, Kind, Table, csv_value, german, table_csv, xlsx_value


def test_german_numbers_dates_and_percentages() -> None:
    assert german(1234) == "1.234"
    assert german(Decimal("1234.5")) == "1.234,5"
    assert german(Decimal("1234567.5"), Kind.MONEY) == "1.234.567,50"
    assert german(0.8125, Kind.PERCENT) == "81,3 %"  # half up, as everywhere (isi.core.numbers)
    assert german(date(2026, 11, 26)) == "26.11.2026"
    assert german(None) == "–"


def test_german_datetime_is_shown_in_berlin_time() -> None:
    moment = datetime(2026, 11, 26, 12, 5, tzinfo=ZoneInfo("UTC"))
    assert german(moment, Kind.DATETIME) == "26.11.2026 13:05"


def test_csv_values_use_decimal_comma_and_neutralise_formulas() -> None:
    assert csv_value(Decimal("1235817.75"), Kind.MONEY) == "1235817,75"
    assert csv_value(3, Kind.INT) == "3"
    assert csv_value(date(2026, 1, 15), Kind.DATE) == "15.01.2026"
    for evil in ("=1+1", "+1", "-1", "@SUM(A1)"):
        assert csv_value(evil, Kind.TEXT) == "'" + evil


def test_xlsx_values_keep_numbers_and_neutralise_text() -> None:
    assert xlsx_value(Decimal("2.5"), Kind.MONEY) == Decimal("2.5")
    assert xlsx_value("=HYPERLINK(1)", Kind.TEXT) == "'=HYPERLINK(1)"
    assert xlsx_value("=1", Kind.INT) == "'=1"  # a non-number in a number column is still text
    moment = datetime(2026, 11, 26, 12, 5, tzinfo=ZoneInfo("UTC"))
    assert xlsx_value(moment, Kind.DATETIME) == datetime(2026, 11, 26, 13, 5)


def test_table_csv_has_bom_semicolons_and_safe_header() -> None:
    table = Table("x", [Column("=Name"), Column("Anzahl", Kind.INT)], [["Sprache", 2]])
    text = table_csv(table).decode("utf-8")
    assert text == "\ufeff'=Name;Anzahl\r\nSprache;2\r\n"


def test_display_rows_mark_numbers_for_right_alignment() -> None:
    table = Table("x", [Column("Name"), Column("Mittel", Kind.MONEY)], [["A", Decimal("10")]])
    cells = table.display_rows()[0]
    assert [(c.text, c.numeric) for c in cells] == [("A", False), ("10,00", True)]
