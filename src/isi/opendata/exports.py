"""Open-data downloads of public measures: CSV, JSON and XLSX from the one search selector.

Only public measures, never internal fields. CSV and XLSX share the columns and the formula guard
(`isi.core.spreadsheets.spreadsheet_safe`); JSON reuses the records of `isi export json`
(`measure_to_export`) without the internal fields. Everything is written row by row so a million
measures never sit in memory.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any

from django.conf import settings
from django.utils import timezone, translation

from isi.core.spreadsheets import spreadsheet_safe
from isi.measures.export import measure_to_export
from isi.measures.models import Measure, MeasureOrganisation
from isi.measures.provenance import SUGGESTION_MARK, is_unconfirmed, unconfirmed_fields
from isi.opendata.geocoding import LEVEL_URIS, Geocoding, geocode
from isi.search.filters import MeasureFilter

DEFAULT_LICENSE = "http://dcat-ap.de/def/licenses/dl-by-de/2.0"
# Names of the licences a federal open-data publisher is likely to pick (DCAT-AP.de licence list).
LICENSE_NAMES = {
    "http://dcat-ap.de/def/licenses/dl-by-de/2.0": "Datenlizenz Deutschland – Namensnennung – Version 2.0",
    "http://dcat-ap.de/def/licenses/dl-zero-de/2.0": "Datenlizenz Deutschland – Zero – Version 2.0",
    "http://dcat-ap.de/def/licenses/cc-by/4.0": "Creative Commons Namensnennung 4.0 International",
    "http://dcat-ap.de/def/licenses/cc-zero": "Creative Commons Zero (CC0 1.0)",
}
SOURCE_NAME = "Informationssystem Integration (ISI) der Bundesregierung"
MULTI_VALUE_SEPARATOR = " | "
CSV_DELIMITER = ";"
UTF8_BOM = "\ufeff"
XLSX_CELL_LIMIT = 32767  # characters Excel keeps in one cell
XLSX_MAX_ROWS = 1_048_575  # data rows of one Excel sheet (1,048,576 rows less the header)
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK_SIZE = 500  # measures fetched (with their prefetches) per database round trip

# Fields of `isi export json` that public exports carry. Anything else measure_to_export returns
# stays out (internal: how the owner was derived, machine suggestions, provenance, lock version);
# a test fails when measure_to_export grows a field that is in neither list, so each new field is
# a decision.
PUBLIC_EXPORT_FIELDS = (
    "id",
    "title",
    "owner",
    "organisations",
    "nap_i",
    "funding_note",
    "areas",
    "target_groups",
    "level",
    "status",
    "public",
    "summary",
    "goals",
    "region",
    "offer_type",
    "component",
    "complementary_need",
    "funding_programmes",
    "start_date",
    "end_date",
    "nap_i_theme_title",
    "url",
    "contact",
    "last_reviewed_at",
)
INTERNAL_EXPORT_FIELDS = frozenset(
    {"owner_basis", "owner_explanation", "suggested_fields", "source_key", "version"}
)


def license_uri() -> str:
    configured = getattr(settings, "ISI_OPEN_DATA_LICENSE", None)
    return str(configured) if configured else DEFAULT_LICENSE


def license_name(uri: str) -> str:
    return LICENSE_NAMES.get(uri, uri)


def attribution_text() -> str:
    """The attribution the licence asks reusers to give (Datenlizenz Deutschland: source + licence)."""
    return f"{SOURCE_NAME}, {license_name(license_uri())}"


# --- filter and meta -----------------------------------------------------------------------------


def filter_as_dict(f: MeasureFilter) -> dict[str, Any]:
    """The filter as URL parameters: {"q": "…", "area": ["…"]}; empty for "everything"."""
    result: dict[str, Any] = {}
    for param, value in f.to_params():
        if param in ("q", "sort"):
            result[param] = value
        else:
            result.setdefault(param, []).append(value)
    return result


def filter_as_text(f: MeasureFilter) -> str:
    """The filter for people (German): "alle öffentlichen Maßnahmen" or "q=Sprache; area=sprache"."""
    described = filter_as_dict(f)
    if not described:
        return "keiner (alle öffentlichen Maßnahmen)"
    parts = []
    for param, value in described.items():
        parts.append(f"{param}={', '.join(value) if isinstance(value, list) else value}")
    return "; ".join(parts)


def export_meta(f: MeasureFilter, *, count: int, generated_at: datetime, source_url: str) -> dict[str, Any]:
    uri = license_uri()
    return {
        "license": uri,
        "license_name": license_name(uri),
        "attribution": attribution_text(),
        "source": SOURCE_NAME,
        "source_url": source_url,
        "generated_at": generated_at.isoformat(),
        "filter": filter_as_dict(f),
        "count": count,
    }


# --- one measure -------------------------------------------------------------------------------


def public_record(measure: Measure, geo: Geocoding) -> dict[str, Any]:
    """A public measure as in `isi export json`, without internal fields, with political geocoding."""
    full = measure_to_export(measure)
    record = {key: full[key] for key in PUBLIC_EXPORT_FIELDS if key in full}
    record["public"] = True
    record["land"] = {"key": geo.land_key, "name": geo.land_name} if geo.land_key else None
    record["ars"] = geo.ars
    record["ags"] = geo.ags
    record["political_geocoding_uri"] = geo.uri
    record["political_geocoding_level_uri"] = LEVEL_URIS.get(measure.level.key)
    record["legal_basis"] = measure.legal_basis or None
    record["budget_eur"] = str(measure.budget_eur) if measure.budget_eur is not None else None
    record["last_modified"] = measure.updated_at.isoformat() if measure.updated_at else None
    # Machine suggestions are marked, never presented as facts (isi.measures.provenance).
    unconfirmed = unconfirmed_fields(measure)
    record["unconfirmed_fields"] = unconfirmed
    record["areas_suggested"] = "areas" in unconfirmed
    record["target_groups_suggested"] = "target_groups" in unconfirmed
    record["classification_suggested"] = is_unconfirmed(measure, "classification")
    return record


@dataclass(frozen=True)
class GermanLabels:
    """Choice labels in German, resolved once: downloads are German whatever the page language."""

    status: dict[str, str]
    offer_type: dict[str, str]
    role: dict[str, str]

    @classmethod
    def load(cls) -> GermanLabels:
        with translation.override("de"):
            return cls(
                status={value: str(label) for value, label in Measure.Status.choices},
                offer_type={value: str(label) for value, label in Measure.OfferType.choices if value},
                role={value: str(label) for value, label in MeasureOrganisation.Role.choices},
            )


Cell = str | bool | int | date | Decimal | None
SUGGESTED_SUFFIX = f" ({SUGGESTION_MARK})"


@dataclass(frozen=True)
class Column:
    header: str
    width: int  # XLSX column width in characters
    value: Callable[[Measure, Geocoding, GermanLabels], Cell]


def _joined(values: Iterable[str]) -> str:
    return MULTI_VALUE_SEPARATOR.join(values)


def _organisations(m: Measure, labels: GermanLabels) -> str:
    links = sorted(m.organisation_links.all(), key=lambda link: (link.position, link.pk or 0))
    return _joined(f"{link.organisation.name} ({labels.role.get(link.role, link.role)})" for link in links)


def _modified(m: Measure) -> date | None:
    return timezone.localtime(m.updated_at).date() if m.updated_at else None


def _reviewed(m: Measure) -> date | None:
    """The last human review (a round confirmation or an edit), never the import date."""
    return timezone.localtime(m.last_reviewed_at).date() if m.last_reviewed_at else None


COLUMNS: tuple[Column, ...] = (
    Column("ID", 8, lambda m, g, lb: m.pk),
    Column("Titel", 50, lambda m, g, lb: m.title),
    Column("Kurzbeschreibung", 60, lambda m, g, lb: m.summary),
    Column("Ziele", 50, lambda m, g, lb: m.goals),
    Column("Status", 14, lambda m, g, lb: lb.status.get(m.status, m.status)),
    Column("Beginn", 12, lambda m, g, lb: m.start_date),
    Column("Ende", 12, lambda m, g, lb: m.end_date),
    Column("Federführendes Ressort", 40, lambda m, g, lb: m.owner.name),
    Column("Beteiligte Organisationen", 50, lambda m, g, lb: _organisations(m, lb)),
    Column("Ebene", 10, lambda m, g, lb: m.level.name),
    Column("Landesschlüssel", 10, lambda m, g, lb: g.land_key),
    Column("Land", 22, lambda m, g, lb: g.land_name),
    Column("Regionalschlüssel (ARS)", 16, lambda m, g, lb: g.ars),
    Column("Gemeindeschlüssel (AGS)", 14, lambda m, g, lb: g.ags),
    Column("Region", 24, lambda m, g, lb: m.region.name if m.region else None),
    Column("Bereiche", 30, lambda m, g, lb: _joined(a.name for a in m.areas.all())),
    Column("Bereiche" + SUGGESTED_SUFFIX, 14, lambda m, g, lb: is_unconfirmed(m, "areas")),
    Column("Zielgruppen", 40, lambda m, g, lb: _joined(t.name for t in m.target_groups.all())),
    Column("Zielgruppen" + SUGGESTED_SUFFIX, 14, lambda m, g, lb: is_unconfirmed(m, "target_groups")),
    Column("Einordnung", 30, lambda m, g, lb: lb.offer_type.get(m.offer_type) if m.offer_type else None),
    Column("Baustein", 30, lambda m, g, lb: m.component.name if m.component else None),
    Column(
        "Einordnung und Baustein" + SUGGESTED_SUFFIX,
        14,
        lambda m, g, lb: is_unconfirmed(m, "classification"),
    ),
    Column("Bedarf (komplementäre Maßnahme)", 30, lambda m, g, lb: m.complementary_need),
    Column("NAP-I-Phase", 10, lambda m, g, lb: m.nap_i_theme.phase.number if m.nap_i_theme else None),
    Column(
        "NAP-I-Themenforum (Nr. in der Phase)",
        12,
        lambda m, g, lb: m.nap_i_theme.position if m.nap_i_theme else None,
    ),
    Column("NAP-I-Themenforum", 40, lambda m, g, lb: m.nap_i_theme.title if m.nap_i_theme else None),
    Column("NAP-I-Nummer im Themenforum", 10, lambda m, g, lb: m.nap_i_number),
    Column("Rechtsgrundlage", 30, lambda m, g, lb: m.legal_basis),
    Column("Förderprogramme", 30, lambda m, g, lb: _joined(p.name for p in m.funding_programmes.all())),
    Column("Hinweis zur Förderung", 30, lambda m, g, lb: m.funding_note),
    Column("Mittel (EUR)", 16, lambda m, g, lb: m.budget_eur),
    Column("Zuletzt geändert", 14, lambda m, g, lb: _modified(m)),
    Column("Zuletzt geprüft", 14, lambda m, g, lb: _reviewed(m)),
    Column("Ansprechperson oder Stelle", 30, lambda m, g, lb: m.contact_name),
    Column("E-Mail", 30, lambda m, g, lb: m.contact_email),
    Column("Telefon", 20, lambda m, g, lb: m.contact_phone),
    Column("Internetseite", 40, lambda m, g, lb: m.url),
)
HEADERS = tuple(column.header for column in COLUMNS)


def row_values(measure: Measure, geo: Geocoding, labels: GermanLabels) -> list[Cell]:
    return [column.value(measure, geo, labels) for column in COLUMNS]


def iter_measures(measures: Iterable[Measure]) -> Iterator[Measure]:
    """Chunked iteration that keeps the selector's prefetches (Django prefetches per chunk)."""
    iterator = getattr(measures, "iterator", None)
    if callable(iterator):
        yield from iterator(chunk_size=CHUNK_SIZE)
    else:
        yield from measures


# --- CSV -----------------------------------------------------------------------------------------


def csv_text(value: Cell) -> str:
    """German Excel conventions: DD.MM.YYYY, decimal comma; then the formula guard."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, Decimal):
        return spreadsheet_safe(format(value, "f").replace(".", ","))
    if isinstance(value, int):
        return str(value)
    return spreadsheet_safe(value)


class _Line:
    """A write-only buffer: csv.writer hands back each formatted line."""

    def write(self, value: str) -> str:
        return value


def iter_csv(measures: Iterable[Measure], lands: dict[str, str]) -> Iterator[bytes]:
    labels = GermanLabels.load()
    writer = csv.writer(_Line(), delimiter=CSV_DELIMITER, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    line: str = writer.writerow([csv_text(header) for header in HEADERS])
    yield (UTF8_BOM + line).encode("utf-8")
    for measure in iter_measures(measures):
        cells = row_values(measure, geocode(measure.region, lands), labels)
        yield str(writer.writerow([csv_text(cell) for cell in cells])).encode("utf-8")


# --- JSON ----------------------------------------------------------------------------------------


def iter_json(measures: Iterable[Measure], lands: dict[str, str], meta: dict[str, Any]) -> Iterator[bytes]:
    """{"meta": {…}, "measures": [{…}, …]}, one measure per line."""
    yield ('{"meta": ' + json.dumps(meta, ensure_ascii=False) + ',\n"measures": [').encode("utf-8")
    separator = "\n"
    for measure in iter_measures(measures):
        record = public_record(measure, geocode(measure.region, lands))
        yield (separator + json.dumps(record, ensure_ascii=False)).encode("utf-8")
        separator = ",\n"
    yield b"\n]}\n"


# --- XLSX ----------------------------------------------------------------------------------------


def _xlsx_text(value: str) -> str:
    # Control characters are not allowed in the XML of a workbook; Excel keeps 32,767 per cell.
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # type: ignore[import-untyped]

    text = spreadsheet_safe(ILLEGAL_CHARACTERS_RE.sub("", value))
    return text if len(text) <= XLSX_CELL_LIMIT else text[: XLSX_CELL_LIMIT - 1] + "…"


def _xlsx_cell(sheet: Any, value: Cell, *, bold: bool = False) -> Any:
    # openpyxl is imported on first use (~0.4 s at every process start otherwise); a repeated
    # import is a dictionary lookup, small against writing the cell.
    from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]
    from openpyxl.styles import Font  # type: ignore[import-untyped]

    if isinstance(value, bool):
        value = "ja" if value else "nein"
    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=_xlsx_text(value))
        cell.data_type = "s"  # never a formula, whatever the text
    else:
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, date):
            cell.number_format = "DD.MM.YYYY"
        elif isinstance(value, Decimal):
            cell.number_format = "#,##0.00"
    if bold:
        cell.font = Font(bold=True)
    return cell


def write_xlsx(
    measures: Iterable[Measure], lands: dict[str, str], notes: list[tuple[str, str]], target: IO[bytes]
) -> int:
    """Write the workbook (sheet "Maßnahmen", sheet "Hinweise") to target; returns the row count.

    openpyxl's write-only mode streams rows to temporary files, so memory stays flat.
    """
    from openpyxl import Workbook  # type: ignore[import-untyped]
    from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

    labels = GermanLabels.load()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Maßnahmen")
    # Column widths and the frozen header must be set before the first row is written.
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    sheet.append([_xlsx_cell(sheet, header, bold=True) for header in HEADERS])
    count = 0
    truncated = False
    for measure in iter_measures(measures):
        if count >= XLSX_MAX_ROWS:
            truncated = True
            break
        cells = row_values(measure, geocode(measure.region, lands), labels)
        sheet.append([_xlsx_cell(sheet, value) for value in cells])
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{count + 1}"
    if truncated:
        limit = f"{XLSX_MAX_ROWS:_}".replace("_", ".")
        message = f"Excel fasst höchstens {limit} Zeilen; die vollständigen Daten gibt es als CSV oder JSON."
        notes = [*notes, ("Unvollständig", message)]

    hints = workbook.create_sheet("Hinweise")
    hints.column_dimensions["A"].width = 28
    hints.column_dimensions["B"].width = 90
    hints.append([_xlsx_cell(hints, "Angabe", bold=True), _xlsx_cell(hints, "Wert", bold=True)])
    for label, value in [*notes, ("Anzahl Maßnahmen", str(count))]:
        hints.append([_xlsx_cell(hints, label), _xlsx_cell(hints, value)])
    workbook.save(target)
    return count


def xlsx_notes(
    f: MeasureFilter, *, generated_at: datetime, source_url: str, request_url: str
) -> list[tuple[str, str]]:
    """The rows of the sheet "Hinweise": licence, source, date of export, filter."""
    uri = license_uri()
    return [
        ("Lizenz", license_name(uri)),
        ("Lizenz (URI)", uri),
        ("Namensnennung", attribution_text()),
        ("Quelle", SOURCE_NAME),
        ("Quelle (URL)", source_url),
        ("Stand (Zeitpunkt des Exports)", timezone.localtime(generated_at).strftime("%d.%m.%Y %H:%M Uhr")),
        ("Filter", filter_as_text(f)),
        ("Abruf-URL", request_url),
        ("Umfang", "nur freigegebene (öffentliche) Maßnahmen"),
    ]


def xlsx_bytes(measures: Iterable[Measure], lands: dict[str, str], notes: list[tuple[str, str]]) -> bytes:
    """The workbook in memory: for tests and small exports."""
    buffer = io.BytesIO()
    write_xlsx(measures, lands, notes, buffer)
    return buffer.getvalue()
