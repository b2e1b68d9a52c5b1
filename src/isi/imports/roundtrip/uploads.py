"""Uploads are hostile until proven otherwise: size, type, zip limits, safe XML, no macros/links,
and sheets no larger than the limits (rows, columns, used range, distinct texts).

`scan_upload(name, data)` returns the kind ("xlsx" or "csv") and the number of data rows, or raises
`UploadRejected` with a German message; `inspect_upload` returns only the kind. Everything is
streamed with a time budget, so the check itself stays cheap for any file of the allowed size.
Nothing here writes a file; the file name is only used for its extension.
"""

from __future__ import annotations

import csv
import io
import re
import time
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from defusedxml import DefusedXmlException  # type: ignore[import-untyped]
from defusedxml.ElementTree import DefusedXMLParser  # type: ignore[import-untyped]
from django.conf import settings

from isi.imports.roundtrip.columns import SHEET_MEASURES
from isi.imports.roundtrip.csvio import CsvError, decode_csv, detect_delimiter

XLSX = "xlsx"
CSV = "csv"

MACRO_EXTENSIONS = {".xlsm", ".xltm", ".xlsb", ".xlam", ".xls"}
REQUIRED_ENTRIES = ("[Content_Types].xml", "xl/workbook.xml")
FORBIDDEN_PARTS = ("vbaproject.bin", "xl/externallinks/", "xl/activex/", "xl/embeddings/", "customui/")
CHUNK = 64 * 1024


def max_bytes() -> int:
    return int(getattr(settings, "ISI_UPLOAD_MAX_BYTES", 5 * 1024 * 1024))


def max_entries() -> int:
    return int(getattr(settings, "ISI_UPLOAD_MAX_ZIP_ENTRIES", 500))


def max_unpacked_bytes() -> int:
    return int(getattr(settings, "ISI_UPLOAD_MAX_UNPACKED_BYTES", 50 * 1024 * 1024))


def max_ratio() -> int:
    return int(getattr(settings, "ISI_UPLOAD_MAX_COMPRESSION_RATIO", 100))


def max_rows() -> int:
    """Data rows per sheet or CSV file (the header row comes on top)."""
    return int(getattr(settings, "ISI_UPLOAD_MAX_ROWS", 20_000))


def max_columns() -> int:
    return int(getattr(settings, "ISI_UPLOAD_MAX_COLUMNS", 100))


def max_shared_strings() -> int:
    return int(getattr(settings, "ISI_UPLOAD_MAX_SHARED_STRINGS", 500_000))


def check_seconds() -> float:
    """Time budget of the checks in the request."""
    return float(getattr(settings, "ISI_UPLOAD_CHECK_SECONDS", 10))


@dataclass(frozen=True)
class Inspection:
    kind: str
    rows: int  # data rows of "Maßnahmen" (XLSX) or of the file (CSV), as far as the check counts


class UploadRejected(ValueError):
    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


def inspect_upload(name: str, data: bytes) -> str:
    return scan_upload(name, data).kind


def scan_upload(name: str, data: bytes) -> Inspection:
    if len(data) > max_bytes():
        raise UploadRejected(
            "too_large", f"Die Datei ist zu groß (höchstens {max_bytes() // (1024 * 1024)} MB)."
        )
    if not data:
        raise UploadRejected("empty", "Die Datei ist leer.")
    extension = PurePath(name or "").suffix.lower()
    if extension in MACRO_EXTENSIONS:
        raise UploadRejected(
            "macro",
            "Dateien mit Makros oder im alten Excel-Format werden nicht angenommen; "
            "bitte als .xlsx speichern.",
        )
    if extension == ".xlsx":
        return check_xlsx(data)
    if extension == ".csv":
        return check_csv(data)
    raise UploadRejected("extension", "Bitte eine Datei mit der Endung .xlsx oder .csv hochladen.")


def check_csv(data: bytes) -> Inspection:
    if data.startswith(b"PK\x03\x04"):
        raise UploadRejected("content_mismatch", "Die Datei ist eine ZIP-/Excel-Datei, aber heißt .csv.")
    if b"\x00" in data:
        raise UploadRejected("content_mismatch", "Die Datei ist keine Textdatei (CSV), obwohl sie so heißt.")
    sample = data[:65536]
    controls = sum(1 for byte in sample if byte < 32 and byte not in (9, 10, 13))
    if controls:
        raise UploadRejected(
            "content_mismatch", "Die Datei enthält Steuerzeichen und ist keine CSV-Textdatei."
        )
    try:
        text, _ = decode_csv(data)
    except CsvError as exc:
        raise UploadRejected("encoding", str(exc)) from exc
    return Inspection(CSV, count_csv_rows(text))


def count_csv_rows(text: str) -> int:
    """Non-blank data rows; refuses more than `max_rows()` rows or `max_columns()` columns, naming
    the row. Streams the text and stops at the first row over a limit."""
    limit_rows, limit_columns = max_rows(), max_columns()
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=detect_delimiter(text))
    deadline = time.monotonic() + check_seconds()
    count = 0
    try:
        for record in reader:
            if len(record) > limit_columns:
                raise UploadRejected(
                    "too_many_columns",
                    f"Zeile {reader.line_num} hat {len(record):,} Spalten; erlaubt sind höchstens "
                    f"{limit_columns} Spalten.".replace(",", "."),
                )
            if reader.line_num == 1 or not any(cell.strip() for cell in record):
                continue
            count += 1
            if count > limit_rows:
                raise UploadRejected(
                    "too_many_rows",
                    f"Die Datei hat mehr als {limit_rows:,} Datenzeilen (Zeile {reader.line_num:,} "
                    "überschreitet die Grenze). Bitte die Datei aufteilen.".replace(",", "."),
                )
            if count % 1000 == 0 and time.monotonic() > deadline:
                raise UploadRejected("too_slow", "Die CSV-Datei ist zu aufwendig zu prüfen.")
    except csv.Error as exc:
        raise UploadRejected(
            "content_mismatch",
            f"Die Datei ist keine gültige CSV-Datei (Fehler in Zeile {reader.line_num}): "
            "z. B. ein Anführungszeichen ohne Gegenstück oder ein zu langes Feld.",
        ) from exc
    return count


def check_xlsx(data: bytes) -> Inspection:
    """Zip limits, part names, safe XML and the size of every sheet, all streamed: nothing is
    unpacked whole and no tree is built, so a hostile file costs at most a few seconds and
    a few megabytes here. Returns the number of data rows of the sheet "Maßnahmen"."""
    mismatch = UploadRejected("content_mismatch", "Die Datei ist keine gültige Excel-Datei (.xlsx).")
    if not data.startswith(b"PK\x03\x04") or not zipfile.is_zipfile(io.BytesIO(data)):
        raise mismatch
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise mismatch from exc
    deadline = time.monotonic() + check_seconds()
    with archive:
        entries = archive.infolist()
        if len(entries) > max_entries():
            raise UploadRejected("zip_entries", "Die Excel-Datei enthält ungewöhnlich viele Teile.")
        total = 0
        for entry in entries:
            lowered = entry.filename.lower()
            if _unsafe_name(entry.filename):
                raise UploadRejected("zip_names", "Die Excel-Datei enthält Teile mit unzulässigen Namen.")
            if any(part in lowered for part in FORBIDDEN_PARTS):
                raise UploadRejected(
                    "macro", "Die Datei enthält Makros, externe Verknüpfungen oder eingebettete Objekte."
                )
            total += entry.file_size
            if total > max_unpacked_bytes():
                raise UploadRejected("zip_bomb", "Die Excel-Datei ist entpackt zu groß.")
            if entry.file_size > 1024 * 1024 and entry.file_size > max_ratio() * max(entry.compress_size, 1):
                raise UploadRejected("zip_bomb", "Die Excel-Datei ist auffällig stark komprimiert.")
        names = {entry.filename for entry in entries}
        if any(required not in names for required in REQUIRED_ENTRIES):
            raise mismatch
        reader = _PartReader(archive, deadline, mismatch)
        # Sheet names first (small parts), so that limits name the sheet, not "sheet1.xml".
        sheet_names = _sheet_names(reader, names)
        counted: dict[str, int] = {}
        for entry in entries:
            if not entry.filename.lower().endswith((".xml", ".rels", ".vml")):
                continue
            target: _Target
            if entry.filename.startswith("xl/worksheets/") and entry.filename.count("/") == 2:
                sheet = sheet_names.get(entry.filename, entry.filename.rsplit("/", 1)[-1])
                target = _SheetScan(sheet)
            elif entry.filename == "xl/sharedStrings.xml":
                target = _SharedStringsScan()
            else:
                target = _Target()
            content_types = reader.parse(entry, target)
            if entry.filename == "[Content_Types].xml" and content_types:
                raise UploadRejected("macro", "Die Datei ist eine Arbeitsmappe mit Makros.")
            if isinstance(target, _SheetScan):
                counted[target.sheet] = target.value_rows
    return Inspection(XLSX, max(counted.get(SHEET_MEASURES, 1) - 1, 0))


def _unsafe_name(name: str) -> bool:
    """Path traversal and absolute or drive-letter names: nothing is extracted, but such a file
    is not what Excel writes."""
    if not name or name.startswith(("/", "\\")) or "\\" in name or ":" in name or "\x00" in name:
        return True
    return any(segment in ("..", ".") for segment in name.split("/"))


class _Target:
    """An XMLParser target that keeps nothing (checks the XML is well-formed and safe)."""

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        pass

    def end(self, tag: str) -> None:
        pass

    def close(self) -> None:
        pass


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


class _Collect(_Target):
    """Collects the attributes of elements with one local name (sheets, relationships)."""

    def __init__(self, local: str, limit: int = 10_000) -> None:
        self.local = local
        self.limit = limit
        self.found: list[dict[str, str]] = []

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        if _local(tag) == self.local and len(self.found) < self.limit:
            self.found.append(dict(attrs))


_CELL_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]{1,7})$")


def column_letters(index: int) -> str:
    letters = ""
    while index > 0:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _cell_ref(ref: str) -> tuple[int, int] | None:
    """(row, column) of "XFD1048576"; None when it is not a cell reference."""
    match = _CELL_REF.match(ref.strip())
    if match is None:
        return None
    column = 0
    for char in match.group(1).upper():
        column = column * 26 + ord(char) - 64
    return int(match.group(2)), column


def _too_large(sheet: str, row: int, column: int, *, what: str) -> UploadRejected:
    limit_rows = max_rows()
    limit_columns = max_columns()
    place = f"{column_letters(column)}{row}"
    details = []
    if row > limit_rows + 1:
        details.append(
            f"Zeile {row:,} liegt jenseits der Grenze von {limit_rows:,} Datenzeilen "
            f"(Zeile {limit_rows + 1:,} mit Überschrift)".replace(",", ".")
        )
    if column > limit_columns:
        details.append(
            f"Spalte {column_letters(column)} (Spalte {column:,}) liegt jenseits der Grenze von "
            f"{limit_columns} Spalten (bis Spalte {column_letters(limit_columns)})".replace(",", ".")
        )
    return UploadRejected(
        "sheet_too_large",
        f"Das Blatt „{sheet}“ ist zu groß: {what} {place} – {'; '.join(details)}. "
        "Bitte überzählige Zeilen und Spalten löschen oder die Datei aufteilen.",
    )


class _SheetScan(_Target):
    """Checks a worksheet as it streams by: the declared used range (<dimension ref>) and the
    position of every cell that holds a value. Empty cells are never materialised."""

    def __init__(self, sheet: str) -> None:
        self.sheet = sheet
        self.limit_rows = max_rows() + 1  # with the header row
        self.limit_columns = max_columns()
        self.row = 0
        self.column = 0
        self.cell: tuple[int, int] | None = None
        self.last_value_row = 0
        self.value_rows = 0

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        local = _local(tag)
        if local == "c":
            ref = _cell_ref(attrs.get("r", ""))
            if ref is not None:
                self.row, self.column = ref
            else:
                self.column += 1
            self.cell = (self.row, self.column)
        elif local == "row":
            number = attrs.get("r", "")
            self.row = int(number) if number.isdigit() and len(number) <= 9 else self.row + 1
            self.column = 0
        elif local in ("v", "is", "f") and self.cell is not None:
            row, column = self.cell
            if row > self.limit_rows or column > self.limit_columns:
                raise _too_large(self.sheet, row, column, what="die Zelle")
            if row != self.last_value_row:
                self.last_value_row = row
                self.value_rows += 1
        elif local == "dimension":
            last = attrs.get("ref", "").split(":")[-1]
            ref = _cell_ref(last)
            if ref is not None and (ref[0] > self.limit_rows or ref[1] > self.limit_columns):
                raise _too_large(self.sheet, ref[0], ref[1], what="der benutzte Bereich reicht bis")

    def end(self, tag: str) -> None:
        if _local(tag) == "c":
            self.cell = None


class _SharedStringsScan(_Target):
    def __init__(self) -> None:
        self.count = 0
        self.limit = max_shared_strings()

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        if _local(tag) == "si":
            self.count += 1
            if self.count > self.limit:
                raise UploadRejected(
                    "shared_strings",
                    f"Die Excel-Datei enthält mehr als {self.limit:,} verschiedene Texte.".replace(",", "."),
                )


class _PartReader:
    """Streams one part of the archive through a defused expat parser (no DTD, no entities)."""

    def __init__(self, archive: zipfile.ZipFile, deadline: float, mismatch: UploadRejected) -> None:
        self.archive = archive
        self.deadline = deadline
        self.mismatch = mismatch
        self.read_total = 0

    def parse(self, entry: zipfile.ZipInfo, target: _Target) -> bool:
        """Parse `entry` into `target`; True if the part mentions macros ("macroEnabled")."""
        parser = DefusedXMLParser(target=target, forbid_dtd=True, forbid_entities=True, forbid_external=True)
        macro = False
        read = 0
        tail = b""
        try:
            with self.archive.open(entry) as handle:
                while chunk := handle.read(CHUNK):
                    read += len(chunk)
                    self.read_total += len(chunk)
                    if read > entry.file_size or self.read_total > max_unpacked_bytes():
                        raise UploadRejected("zip_bomb", "Die Excel-Datei ist entpackt zu groß.")
                    if time.monotonic() > self.deadline:
                        raise UploadRejected(
                            "too_slow",
                            "Die Excel-Datei ist zu aufwendig zu prüfen. "
                            "Bitte nur das Blatt „Maßnahmen“ mit den benötigten Zeilen hochladen.",
                        )
                    macro = macro or b"macroEnabled" in tail + chunk
                    tail = chunk[-16:]
                    parser.feed(chunk)
                parser.close()
        except UploadRejected:
            raise
        except DefusedXmlException as exc:
            raise UploadRejected("unsafe_xml", "Die Datei enthält unzulässige XML-Konstrukte.") from exc
        except Exception as exc:  # ParseError, BadZipFile, CRC errors, encrypted parts and friends
            raise self.mismatch from exc
        return macro


def _sheet_names(reader: _PartReader, names: set[str]) -> dict[str, str]:
    """Worksheet part → sheet name, from the workbook and its relationships."""
    rels_name = "xl/_rels/workbook.xml.rels"
    if rels_name not in names:
        return {}
    sheets = _Collect("sheet")
    reader.parse(reader.archive.getinfo("xl/workbook.xml"), sheets)
    relationships = _Collect("Relationship")
    reader.parse(reader.archive.getinfo(rels_name), relationships)
    targets = {}
    for relation in relationships.found:
        target = relation.get("Target", "")
        part = target.lstrip("/") if target.startswith("/") else "xl/" + target
        targets[relation.get("Id", "")] = part
    result: dict[str, str] = {}
    for sheet in sheets.found:
        rel_id = next((value for key, value in sheet.items() if _local(key) == "id"), "")
        if rel_id in targets:
            result[targets[rel_id]] = sheet.get("name", "")
    return result
