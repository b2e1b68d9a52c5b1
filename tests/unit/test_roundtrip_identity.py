"""Export then import is the identity (issue #12, points 5 and 8).

Every text cell ISI writes goes through ``isi.core.spreadsheets.spreadsheet_safe``; the round-trip
import reads cells with ``normalise_text``. For every text – formula triggers, blanks, quotes,
line breaks, any Unicode – the guard must neutralise what a spreadsheet could run, and reading
the guarded cell back must give what reading the stored text gives, also after a real XLSX and
CSV write and read with the round-trip's own writers and readers.
"""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # type: ignore[import-untyped]

from isi.core.spreadsheets import needs_guard, spreadsheet_safe, unguard
from isi.imports.roundtrip import csvio, xlsx
from isi.imports.roundtrip.columns import normalise_text

# What spreadsheets treat specially at the start of a cell, and what they skip in front of it.
SPECIAL = ["=", "+", "-", "@", "\t", "\r", "\n", "\r\n", " ", "  ", "'", '"', "\u00a0", "\u3000", "＝", "|"]
texts = st.lists(
    st.one_of(st.sampled_from(SPECIAL), st.text(st.characters(exclude_categories=("Cs",)), max_size=6)),
    max_size=8,
).map("".join)
# XLSX cannot hold most C0 control characters (openpyxl refuses them); the open-data and
# success-control writers drop them, the round-trip download never has them in measure texts.
xlsx_texts = texts.map(lambda text: ILLEGAL_CHARACTERS_RE.sub("", text))

REGRESSIONS = ["\r=1", "\r\n=1+1", "   =1+1", " +1+1", '"=1', "'=1", "''=1", "\r", "\t", " \r x", "'Zitat'"]


def dangerous(cell: str) -> bool:
    """An oracle independent of the guard: would a spreadsheet read this cell as a formula?

    A cell starting with an apostrophe is text to every spreadsheet program. Otherwise leading
    blanks and quotes are skipped (LibreOffice "trim spaces", quoted fields), and a tab, carriage
    return or line feed among them, or =, +, -, @ after them, is a trigger.
    """
    if cell.startswith("'"):
        return False
    rest = cell.lstrip()
    while rest[:1] in ("'", '"') and rest:
        rest = rest[1:].lstrip()
    lead = cell[: len(cell) - len(rest)]
    return any(c in lead for c in "\t\r\n") or rest[:1] in ("=", "+", "-", "@", "＝", "＋", "－", "＠")


@pytest.mark.parametrize("text", ["   =1+1", " +1", '"=1', "\r=1", "\t=1", " @SUM(A1)", " -1", "\n=1"])
def test_formula_triggers_behind_blanks_and_quotes_are_guarded(text: str) -> None:
    assert spreadsheet_safe(text) == "'" + text


@pytest.mark.parametrize(
    "text", ["", "Integrationskurs", "1+1", "a=b", "E-Mail", "'Zitat'", " Text", '"Text"']
)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert spreadsheet_safe(text) == text
    assert unguard(text) == text


@given(texts)
@example("")
def test_guarded_cells_are_never_formulas(text: str) -> None:
    assert not dangerous(spreadsheet_safe(text))
    # Every dangerous text is guarded. The guard may also quote a text that starts with an
    # apostrophe before a trigger ("'=1"): harmless, and needed so that unguard stays exact.
    if dangerous(text):
        assert needs_guard(text)


@given(texts)
def test_unguard_is_the_exact_inverse(text: str) -> None:
    assert unguard(spreadsheet_safe(text)) == text


@pytest.mark.parametrize("text", REGRESSIONS)
def test_import_reads_a_guarded_cell_as_the_stored_text_examples(text: str) -> None:
    assert normalise_text(spreadsheet_safe(text)) == normalise_text(text)


def test_a_leading_carriage_return_does_not_turn_into_an_apostrophe() -> None:
    # The bug of issue #12, point 5: CR became LF before the apostrophe was removed.
    assert normalise_text(spreadsheet_safe("\r=Summe")) == "=Summe"
    assert normalise_text("'\n=Summe") == "=Summe"  # the same cell after an XLSX round trip


@given(texts)
def test_import_reads_a_guarded_cell_as_the_stored_text(text: str) -> None:
    assert normalise_text(spreadsheet_safe(text)) == normalise_text(text)


def _xlsx_round_trip(text: str) -> object:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = xlsx.SHEET_MEASURES
    sheet.append(["Titel"])
    sheet.append([xlsx._cell(text)])  # the round-trip download's own cell writer
    buffer = io.BytesIO()
    workbook.save(buffer)
    (header, rows), _evaluation = xlsx.read_workbook(buffer.getvalue())
    assert header == ["Titel"]
    return rows[0][1][0] if rows else None


def _csv_round_trip(text: str) -> object:
    buffer = io.StringIO()
    # The dialect of csvio.measures_csv, with its own cell writer.
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(["ID", "Titel"])
    writer.writerow(["1", csvio._text(text)])
    decoded, _encoding = csvio.decode_csv(("\ufeff" + buffer.getvalue()).encode("utf-8"))
    header, rows = csvio.read_csv(decoded)
    assert header == ["ID", "Titel"]
    return rows[0][1][1] if rows else None


@settings(max_examples=60, deadline=None)
@given(xlsx_texts)
@example("\r=1")
@example("'\r=1")
@example("   =1+1")
def test_xlsx_write_and_read_is_the_identity(text: str) -> None:
    assert normalise_text(_xlsx_round_trip(text)) == normalise_text(text)


@settings(deadline=None)
@given(texts.filter(lambda text: "\x00" not in text))
@example("\r=1")
@example('"=1;2"')
def test_csv_write_and_read_is_the_identity(text: str) -> None:
    assert normalise_text(_csv_round_trip(text)) == normalise_text(text)
