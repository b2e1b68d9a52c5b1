"""CSV download (UTF-8 with BOM, ";") and reading of uploads (UTF-8 or Windows-1252, ";" or ",")."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from datetime import date
from typing import Any

from isi.core.spreadsheets import spreadsheet_safe
from isi.imports.roundtrip.columns import COLUMNS, HEADERS, current_value
from isi.measures.models import Measure


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, int):
        return str(value)
    return spreadsheet_safe(str(value))


def measures_csv(measures: Iterable[Measure]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADERS)
    for measure in measures:
        writer.writerow([_text(current_value(measure, column)) for column in COLUMNS])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


class CsvError(ValueError):
    """The CSV file cannot be read; the message is German and names the problem."""


# UTF-8 for the letters of Latin-1 (ä, ö, ü, ß, é …): in a file that is not valid UTF-8 these
# mean two encodings were mixed, and Windows-1252 would turn them into "Ã¤".
_UTF8_LATIN = re.compile(rb"\xc3[\x80-\xbf]")


def decode_csv(data: bytes) -> tuple[str, str]:
    """The text and the encoding name: UTF-8 (with or without BOM), else Windows-1252.
    Raises CsvError for mixed encodings and for bytes that are neither."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        if _UTF8_LATIN.search(data):
            raise CsvError(
                f"Die Datei mischt Zeichenkodierungen (UTF-8 und Windows-1252; erstmals in Zeile {line}). "
                "Bitte als „CSV UTF-8“ speichern."
            ) from exc
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise CsvError(
            f"Die Datei ist weder UTF-8 noch Windows-1252 (Zeile {line}). Bitte als „CSV UTF-8“ speichern."
        ) from exc


def detect_delimiter(text: str) -> str:
    first_line = text.split("\n", 1)[0]
    return ";" if first_line.count(";") >= first_line.count(",") else ","


def read_csv(
    text: str, *, max_rows: int | None = None, max_columns: int | None = None
) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    """Header and non-blank data rows (with their record numbers); raises CsvError beyond the
    limits, before keeping more than `max_rows` rows."""
    delimiter = detect_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[Any]]] = []
    number = 1
    try:
        try:
            header = [cell.strip() for cell in next(reader)]
        except StopIteration:
            return [], []
        if max_columns is not None and len(header) > max_columns:
            raise CsvError(f"Die Kopfzeile hat {len(header)} Spalten; erlaubt sind höchstens {max_columns}.")
        for number, values in enumerate(reader, start=2):
            if max_columns is not None and len(values) > max_columns:
                raise CsvError(
                    f"Zeile {number} hat {len(values)} Spalten; erlaubt sind höchstens {max_columns}."
                )
            if not any(cell.strip() for cell in values):
                continue
            if max_rows is not None and len(rows) >= max_rows:
                raise CsvError(
                    f"Die Datei hat mehr als {max_rows:,} Datenzeilen (Zeile {number:,} überschreitet "
                    "die Grenze). Bitte die Datei aufteilen.".replace(",", ".")
                )
            rows.append((number, list(values)))
    except csv.Error as exc:
        raise CsvError(f"Die Datei ist keine gültige CSV-Datei (Fehler nach Zeile {number}).") from exc
    return header, rows
