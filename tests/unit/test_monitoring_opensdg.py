"""Open SDG CSV: parsing, all-or-nothing validation with row/column errors, round-trip export."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from isi.monitoring import opensdg
from isi.opendata.exports import spreadsheet_safe

LANDS = {f"{i:02d}" for i in range(1, 17)}
DATA_DIR = Path(__file__).resolve().parents[2] / "src" / "isi" / "monitoring" / "data"

GOOD = """Year,Migrationshintergrund,Geschlecht,GeoCode,Value
2022,,,,51.3
2022,mit,,,44.0
2022,mit,weiblich,,40.5
2022,,,09,53.1
2023,,,,52
"""


def problems(result: opensdg.ParseResult) -> list[tuple[int | None, str | None]]:
    return [(p.row, p.column) for p in result.errors]


def test_good_file_parses_categories_regions_and_values() -> None:
    result = opensdg.parse(GOOD, LANDS)
    assert result.ok, result.errors
    assert result.categories == ["Migrationshintergrund", "Geschlecht"]
    assert len(result.rows) == 5
    assert result.years == [2022, 2023]
    assert result.geo_codes == ["", "09"]
    bayern = next(r for r in result.rows if r.geo_code == "09")
    assert bayern.value == Decimal("53.1") and bayern.line == 5


def test_blank_category_means_total() -> None:
    rows = opensdg.parse(GOOD, LANDS).rows
    assert rows[0].disaggregation == {}
    assert opensdg.disaggregation_key(rows[0].disaggregation) == ""
    assert rows[1].disaggregation == {"Migrationshintergrund": "mit"}
    assert rows[2].disaggregation == {"Migrationshintergrund": "mit", "Geschlecht": "weiblich"}


def test_geocode_is_optional() -> None:
    result = opensdg.parse("Year,Value\n2020,1.5\n2021,2\n", LANDS)
    assert result.ok
    assert {r.geo_code for r in result.rows} == {""}


def test_every_error_names_row_and_column_and_nothing_is_returned() -> None:
    text = (
        "Year,Sex,GeoCode,Value\n"
        "2020,,,1.0\n"
        "20x0,,,2.0\n"  # line 3: year
        "2021,,99,3.0\n"  # line 4: region
        "2022,,,viel\n"  # line 5: value
        "2023,,,\n"  # line 6: missing value
        "2020,,,7\n"  # line 7: duplicate of line 2
        "2024,,\n"  # line 8: column count
    )
    result = opensdg.parse(text, LANDS)
    assert not result.ok
    assert result.rows == []  # all or nothing: the good row 2 is not returned either
    assert problems(result) == [
        (3, "Year"),
        (4, "GeoCode"),
        (5, "Value"),
        (6, "Value"),
        (7, None),
        (8, None),
    ]
    assert "Zeile 2" in result.errors[4].message
    assert "„viel“" in result.errors[2].message


def test_missing_required_columns_are_reported_on_the_header() -> None:
    result = opensdg.parse("Jahr,Wert\n2020,1\n", LANDS)
    assert problems(result) == [(1, "Year"), (1, "Value")]


def test_wrong_case_of_reserved_column_is_reported() -> None:
    result = opensdg.parse("year,Value\n2020,1\n", LANDS)
    assert (1, "year") in problems(result)


def test_duplicate_and_empty_header_names_are_reported() -> None:
    result = opensdg.parse("Year,Sex,Sex,,Value\n2020,a,b,c,1\n", LANDS)
    assert (1, "Sex") in problems(result)
    assert any(p.row == 1 and "Spalte 4" in p.message for p in result.errors)


def test_empty_file_and_header_only_are_refused() -> None:
    assert not opensdg.parse("", LANDS).ok
    header_only = opensdg.parse("Year,Value\n", LANDS)
    assert not header_only.ok and header_only.errors[0].message == "Die Datei enthält keine Werte."


def test_semicolon_and_decimal_comma_as_written_by_german_excel() -> None:
    result = opensdg.parse("Year;GeoCode;Value\r\n2020;1;12,5\r\n", LANDS)
    assert result.ok, result.errors
    assert result.rows[0].value == Decimal("12.5")
    assert result.rows[0].geo_code == "01"  # Excel dropped the leading zero


def test_thousands_separators_are_not_guessed() -> None:
    result = opensdg.parse('Year,Value\n2020,"1,234,5"\n', LANDS)
    assert problems(result) == [(2, "Value")]


def test_values_beyond_storage_precision_are_refused() -> None:
    result = opensdg.parse("Year,Value\n2020,0.1234567\n2021,1e20\n2022,NaN\n", LANDS)
    assert problems(result) == [(2, "Value"), (3, "Value"), (4, "Value")]


def test_byte_order_mark_is_accepted() -> None:
    text = opensdg.decode("\ufeffYear,Value\n2020,1\n".encode())
    assert opensdg.parse(text, LANDS).ok


def test_non_utf8_is_refused_by_decode() -> None:
    with pytest.raises(UnicodeDecodeError):
        opensdg.decode("Year,Geschlecht,Value\n2020,männlich,1\n".encode("cp1252"))


def test_error_list_is_capped() -> None:
    text = "Year,Value\n" + "".join(f"{2000 + i % 50},x\n" for i in range(500))
    result = opensdg.parse(text, LANDS)
    assert len(result.errors) == opensdg.MAX_ERRORS
    assert result.truncated


def test_blank_lines_are_ignored() -> None:
    result = opensdg.parse("Year,Value\n2020,1\n\n2021,2\n\n", LANDS)
    assert result.ok and len(result.rows) == 2


def test_round_trip_export_parses_to_the_same_rows() -> None:
    rows = opensdg.parse(GOOD, LANDS).rows
    text = opensdg.serialise(rows)
    assert text.splitlines()[0] == "Year,Geschlecht,Migrationshintergrund,GeoCode,Value"
    again = opensdg.parse(text, LANDS)
    assert again.ok
    assert {(r.key, r.value) for r in again.rows} == {(r.key, r.value) for r in rows}


def test_export_writes_plain_decimal_values() -> None:
    row = opensdg.Row(year=2020, geo_code="", disaggregation={}, value=Decimal("52.000000"))
    assert opensdg.serialise([row]).splitlines()[1] == "2020,,52"
    small = opensdg.Row(year=2020, geo_code="", disaggregation={}, value=Decimal("1E-6"))
    assert opensdg.serialise([small]).splitlines()[1] == "2020,,0.000001"


def test_export_neutralises_formulas_in_text_cells() -> None:
    row = opensdg.Row(year=2020, geo_code="", disaggregation={"Gruppe": "=HYPERLINK(1)"}, value=Decimal(1))
    text = opensdg.serialise([row], safe=spreadsheet_safe)
    assert "'=HYPERLINK(1)" in text
    assert ",=HYPERLINK" not in text


@pytest.mark.parametrize("path", sorted(DATA_DIR.glob("*.csv")), ids=lambda p: p.name)
def test_shipped_demo_files_are_valid(path: Path) -> None:
    result = opensdg.parse(path.read_text(encoding="utf-8"), LANDS)
    assert result.ok, result.errors
    assert any(r.geo_code == "" and not r.disaggregation for r in result.rows)
