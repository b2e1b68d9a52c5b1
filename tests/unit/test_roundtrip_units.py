"""Pure parts of the round-trip: upload checks, CSV detection, cell normalisation."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

import pytest

from isi.imports.roundtrip.columns import BY_FIELD, CellError, comparable, normalise_text, parse_cell
from isi.imports.roundtrip.csvio import decode_csv, detect_delimiter, read_csv
from isi.imports.roundtrip.uploads import CSV, XLSX, UploadRejected, inspect_upload


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


MINIMAL = {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}


def test_minimal_xlsx_and_text_csv_pass() -> None:
    assert inspect_upload("a.XLSX", _zip(MINIMAL)) == XLSX
    assert inspect_upload("a.csv", "ID;Titel\n1;Größe".encode("cp1252")) == CSV


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("a.xlsx", b"plain text", "content_mismatch"),
        ("a.xlsm", _zip(MINIMAL), "macro"),
        ("a.xlsx", _zip({**MINIMAL, "xl/vbaProject.bin": b""}), "macro"),
        (
            "a.xlsx",
            _zip({"[Content_Types].xml": b"<Types>macroEnabled</Types>", "xl/workbook.xml": b"<w/>"}),
            "macro",
        ),
        (
            "a.xlsx",
            _zip({**MINIMAL, "x.xml": b'<!DOCTYPE a [<!ENTITY b SYSTEM "file:///etc/passwd">]><a>&b;</a>'}),
            "unsafe_xml",
        ),
        ("a.xlsx", _zip({**MINIMAL, **{f"f{i}.bin": b"" for i in range(600)}}), "zip_entries"),
        ("a.csv", b"a\x00b", "content_mismatch"),
        ("a.csv", b"a\x07b", "content_mismatch"),
        ("a.txt", b"a", "extension"),
        ("a.csv", b"", "empty"),
    ],
)
def test_hostile_files(name: str, data: bytes, reason: str) -> None:
    with pytest.raises(UploadRejected) as caught:
        inspect_upload(name, data)
    assert caught.value.reason == reason


def test_size_limit(settings: object) -> None:
    settings.ISI_UPLOAD_MAX_BYTES = 10  # type: ignore[attr-defined]
    with pytest.raises(UploadRejected) as caught:
        inspect_upload("a.csv", b"x" * 11)
    assert caught.value.reason == "too_large"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [("Ä".encode(), "utf-8"), ("\ufeffÄ".encode(), "utf-8"), ("Ä".encode("cp1252"), "cp1252")],
)
def test_decode(data: bytes, encoding: str) -> None:
    assert decode_csv(data) == ("Ä", encoding)


def test_delimiter_and_rows() -> None:
    assert detect_delimiter("ID;Titel, mit Komma\n") == ";"
    assert detect_delimiter("ID,Titel\n") == ","
    header, rows = read_csv('ID,Titel\n1,"a, b"\n\n2,c\n')
    assert header == ["ID", "Titel"] and rows == [(2, ["1", "a, b"]), (4, ["2", "c"])]


def test_normalise_undoes_formula_guard_only() -> None:
    assert normalise_text("'=SUM(1)") == "=SUM(1)"
    assert normalise_text("'Zitat'") == "'Zitat'"
    assert normalise_text(datetime(2025, 1, 2)) == "02.01.2025"
    assert normalise_text(3.0) == "3"
    assert comparable(BY_FIELD["areas"], "b; a") == comparable(BY_FIELD["areas"], "A;B")


def test_parse_cells() -> None:
    assert parse_cell(BY_FIELD["start_date"], "02.01.2025", {}) == date(2025, 1, 2)
    assert parse_cell(BY_FIELD["start_date"], "2025-01-02", {}) == date(2025, 1, 2)
    assert parse_cell(BY_FIELD["imposes_obligation"], "Ja", {}) is True
    assert parse_cell(BY_FIELD["status"], "laufend", {}) == "running"
    with pytest.raises(CellError):
        parse_cell(BY_FIELD["start_date"], "morgen", {})
    with pytest.raises(CellError):
        parse_cell(BY_FIELD["status"], "fast", {})


def test_header_errors_name_unknown_duplicate_and_missing_columns() -> None:
    from isi.imports.roundtrip.validation import header_errors

    positions, errors = header_errors(["ID", "Version", "Titel", "Status"])
    assert errors == [] and [c.field for c in positions.values()] == ["id", "version", "title", "status"]
    _, errors = header_errors(["id", "Status", "Status", "Farbe", ""])
    messages = [(e["column"], e["message"]) for e in errors]
    assert ("Status", "Die Spalte „Status“ kommt doppelt vor.") in messages
    assert any(column == "Farbe" and "Unbekannte Spalte" in m for column, m in messages)
    assert any(column == "Version" and "Pflichtspalte" in m for column, m in messages)
    assert any(column == "Titel" and "Pflichtspalte" in m for column, m in messages)
    assert any(column == "Spalte 5" for column, _ in messages)
