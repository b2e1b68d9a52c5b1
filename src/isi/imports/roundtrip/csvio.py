"""CSV download (UTF-8 with BOM, ";") and reading of uploads (UTF-8 or Windows-1252, ";" or ",")."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date
from typing import Any

from isi.imports.roundtrip.columns import COLUMNS, HEADERS, current_value
from isi.measures.models import Measure
from isi.opendata.exports import spreadsheet_safe


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


def decode_csv(data: bytes) -> tuple[str, str]:
    """The text and the encoding name: UTF-8 (with or without BOM), else Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252"), "cp1252"


def detect_delimiter(text: str) -> str:
    first_line = text.split("\n", 1)[0]
    return ";" if first_line.count(";") >= first_line.count(",") else ","


def read_csv(text: str) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    delimiter = detect_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [cell.strip() for cell in next(reader)]
    except StopIteration:
        return [], []
    rows: list[tuple[int, list[Any]]] = []
    for number, values in enumerate(reader, start=2):
        if not any(cell.strip() for cell in values):
            continue
        rows.append((number, list(values)))
    return header, rows
