"""Uploads are hostile until proven otherwise: size, type, zip limits, safe XML, no macros/links.

`inspect_upload(name, data)` returns the kind ("xlsx" or "csv") or raises `UploadRejected` with a
German message. Nothing here writes a file; the file name is only used for its extension.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePath

from defusedxml import DefusedXmlException  # type: ignore[import-untyped]
from defusedxml.ElementTree import fromstring as safe_fromstring  # type: ignore[import-untyped]
from django.conf import settings

XLSX = "xlsx"
CSV = "csv"

MACRO_EXTENSIONS = {".xlsm", ".xltm", ".xlsb", ".xlam", ".xls"}
REQUIRED_ENTRIES = ("[Content_Types].xml", "xl/workbook.xml")
FORBIDDEN_PARTS = ("vbaproject.bin", "xl/externallinks/", "xl/activex/", "xl/embeddings/", "customui/")


def max_bytes() -> int:
    return int(getattr(settings, "ISI_UPLOAD_MAX_BYTES", 5 * 1024 * 1024))


def max_entries() -> int:
    return int(getattr(settings, "ISI_UPLOAD_MAX_ZIP_ENTRIES", 500))


def max_unpacked_bytes() -> int:
    return int(getattr(settings, "ISI_UPLOAD_MAX_UNPACKED_BYTES", 50 * 1024 * 1024))


def max_ratio() -> int:
    return int(getattr(settings, "ISI_UPLOAD_MAX_COMPRESSION_RATIO", 100))


class UploadRejected(ValueError):
    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


def inspect_upload(name: str, data: bytes) -> str:
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
        check_xlsx(data)
        return XLSX
    if extension == ".csv":
        check_csv(data)
        return CSV
    raise UploadRejected("extension", "Bitte eine Datei mit der Endung .xlsx oder .csv hochladen.")


def check_csv(data: bytes) -> None:
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


def check_xlsx(data: bytes) -> None:
    mismatch = UploadRejected("content_mismatch", "Die Datei ist keine gültige Excel-Datei (.xlsx).")
    if not data.startswith(b"PK\x03\x04") or not zipfile.is_zipfile(io.BytesIO(data)):
        raise mismatch
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise mismatch from exc
    with archive:
        entries = archive.infolist()
        if len(entries) > max_entries():
            raise UploadRejected("zip_entries", "Die Excel-Datei enthält ungewöhnlich viele Teile.")
        total = 0
        for entry in entries:
            lowered = entry.filename.lower()
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
        read_total = 0
        for entry in entries:
            if not entry.filename.lower().endswith((".xml", ".rels", ".vml")):
                continue
            try:
                with archive.open(entry) as handle:
                    content = handle.read(entry.file_size + 1)
            except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, NotImplementedError) as exc:
                raise mismatch from exc
            read_total += len(content)
            if len(content) > entry.file_size or read_total > max_unpacked_bytes():
                raise UploadRejected("zip_bomb", "Die Excel-Datei ist entpackt zu groß.")
            if entry.filename == "[Content_Types].xml" and b"macroEnabled" in content:
                raise UploadRejected("macro", "Die Datei ist eine Arbeitsmappe mit Makros.")
            try:
                safe_fromstring(content)
            except DefusedXmlException as exc:
                raise UploadRejected("unsafe_xml", "Die Datei enthält unzulässige XML-Konstrukte.") from exc
            except Exception as exc:  # ParseError and friends
                raise mismatch from exc
