"""The open data as a Frictionless Data Package: `datapackage.json` with a Table Schema per CSV file.

For programs, beside the Excel-ready German CSV and XLSX for people: comma-separated UTF-8 without
BOM, ISO dates (YYYY-MM-DD), decimal point, booleans `true`/`false`, keys as strings with patterns
(Land "05", ARS and AGS with their leading zeros), no formula guard (values are data, not cells),
and foreign keys from the measures to the catalogue files. Multi-valued fields (areas, target
groups, organisations) are link tables, so every key can be checked. `frictionless validate` on
the package gives no error (tests/integration/test_opendata_package.py).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from isi.catalog.models import Area, Component, Level, Region, TargetGroup
from isi.core.spreadsheets import spreadsheet_safe
from isi.measures.models import Measure, MeasureOrganisation
from isi.measures.provenance import is_unconfirmed
from isi.opendata.exports import SOURCE_NAME, attribution_text, iter_measures, license_name, license_uri
from isi.opendata.geocoding import geocode, land_names
from isi.organisations.models import Organisation
from isi.search.filters import MeasureFilter
from isi.search.selectors import filtered_public_measures

KEY_PATTERN = "^[a-z0-9][a-z0-9-]*$"
LAND_PATTERN = "^(0[1-9]|1[0-6])$"
ARS_PATTERN = "^[0-9]{12}$"
AGS_PATTERN = "^[0-9]{8}$"
REGION_PATTERN = "^[0-9]{2,12}$"
ID_PATTERN = "^[1-9][0-9]*$"
PROFILE = "tabular-data-package"

Value = str | int | bool | date | datetime | Decimal | None


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    title: str
    description: str = ""
    constraints: dict[str, Any] = field(default_factory=dict)

    def schema(self) -> dict[str, Any]:
        described: dict[str, Any] = {"name": self.name, "type": self.type, "title": self.title}
        if self.description:
            described["description"] = self.description
        if self.type == "date":
            described["format"] = "default"  # ISO 8601: YYYY-MM-DD
        if self.type == "datetime":
            described["format"] = "default"  # ISO 8601 with time zone
        if self.type == "number":
            described["decimalChar"] = "."
            described["groupChar"] = ""
            described["bareNumber"] = True
        if self.type == "boolean":
            described["trueValues"] = ["true"]
            described["falseValues"] = ["false"]
        if self.constraints:
            described["constraints"] = self.constraints
        return described


def _key(name: str, title: str, *, required: bool = False, pattern: str = KEY_PATTERN) -> Field:
    constraints: dict[str, Any] = {"pattern": pattern}
    if required:
        constraints["required"] = True
    return Field(name, "string", title, constraints=constraints)


@dataclass(frozen=True)
class Table:
    name: str  # resource name and file stem
    title: str
    fields: tuple[Field, ...]
    rows: Callable[[MeasureFilter], Iterator[list[Value]]]
    primary_key: tuple[str, ...] = ()
    foreign_keys: tuple[tuple[tuple[str, ...], str, tuple[str, ...]], ...] = ()

    @property
    def path(self) -> str:
        return f"paket/{self.name}.csv"

    def resource(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"fields": [f.schema() for f in self.fields], "missingValues": [""]}
        if self.primary_key:
            schema["primaryKey"] = list(self.primary_key)
        if self.foreign_keys:
            schema["foreignKeys"] = [
                {"fields": list(own), "reference": {"resource": other, "fields": list(theirs)}}
                for own, other, theirs in self.foreign_keys
            ]
        return {
            "name": self.name,
            "title": self.title,
            "path": self.path,
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "dialect": {"delimiter": ",", "quoteChar": '"', "header": True},
            "schema": schema,
        }


def machine_text(value: Value) -> str:
    """ISO dates, decimal point, true/false; text as it is, but formula-safe.

    Like every CSV ISI writes, a text a spreadsheet would run as a formula gets the guard
    apostrophe (isi.core.spreadsheets): people open machine files in Excel too.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return spreadsheet_safe(str(value))


# --- the measures and their links --------------------------------------------------------------

MEASURE_FIELDS = (
    _key("id", "ID", required=True, pattern=ID_PATTERN),
    Field("title", "string", "Titel", constraints={"required": True}),
    Field("summary", "string", "Kurzbeschreibung"),
    Field("goals", "string", "Ziele"),
    Field(
        "status",
        "string",
        "Status",
        constraints={"enum": [value for value, _ in Measure.Status.choices]},
    ),
    Field("start_date", "date", "Beginn"),
    Field("end_date", "date", "Ende"),
    _key("owner", "Federführendes Ressort (Schlüssel)", required=True),
    _key("level", "Ebene (Schlüssel)", required=True),
    _key("land", "Landesschlüssel", pattern=LAND_PATTERN),
    _key("ars", "Amtlicher Regionalschlüssel", pattern=ARS_PATTERN),
    _key("ags", "Amtlicher Gemeindeschlüssel", pattern=AGS_PATTERN),
    _key("region", "Regionalschlüssel der Region", pattern=REGION_PATTERN),
    Field("areas_suggested", "boolean", "Bereiche automatisch zugeordnet, ungeprüft"),
    Field("target_groups_suggested", "boolean", "Zielgruppen automatisch zugeordnet, ungeprüft"),
    Field(
        "offer_type",
        "string",
        "Einordnung",
        constraints={"enum": [value for value, _ in Measure.OfferType.choices if value]},
    ),
    _key("component", "Baustein (Schlüssel)"),
    Field("classification_suggested", "boolean", "Einordnung und Baustein automatisch zugeordnet, ungeprüft"),
    Field("nap_i_phase", "integer", "NAP-I-Phase", constraints={"minimum": 1}),
    Field("nap_i_theme", "integer", "NAP-I-Themenforum (Nr. in der Phase)", constraints={"minimum": 1}),
    Field("nap_i_number", "integer", "NAP-I-Nummer im Themenforum", constraints={"minimum": 1}),
    Field("legal_basis", "string", "Rechtsgrundlage"),
    Field("funding_note", "string", "Hinweis zur Förderung"),
    Field("budget_eur", "number", "Mittel (EUR)", "Dezimalpunkt, ohne Tausendertrennzeichen"),
    Field("contact_name", "string", "Ansprechperson oder Stelle"),
    Field("contact_email", "string", "E-Mail", constraints={"pattern": "^[^@\\s]+@[^@\\s]+$"}),
    Field("contact_phone", "string", "Telefon"),
    Field("url", "string", "Internetseite", constraints={"pattern": "^https?://.+"}),
    Field("last_reviewed", "date", "Zuletzt von der zuständigen Stelle geprüft"),
    Field("last_modified", "datetime", "Zuletzt geändert"),
)


def _measures(f: MeasureFilter) -> Iterable[Measure]:
    return iter_measures(filtered_public_measures(f))


def _local_date(value: datetime | None) -> date | None:
    return timezone.localtime(value).date() if value else None


def _measure_rows(f: MeasureFilter) -> Iterator[list[Value]]:
    lands = land_names()
    for m in _measures(f):
        geo = geocode(m.region, lands)
        theme = m.nap_i_theme
        yield [
            str(m.pk),
            m.title,
            m.summary,
            m.goals,
            m.status,
            m.start_date,
            m.end_date,
            m.owner.key,
            m.level.key,
            geo.land_key,
            geo.ars,
            geo.ags,
            m.region.code if m.region else None,
            is_unconfirmed(m, "areas"),
            is_unconfirmed(m, "target_groups"),
            m.offer_type or None,
            m.component.key if m.component else None,
            is_unconfirmed(m, "classification"),
            theme.phase.number if theme else None,
            theme.position if theme else None,
            m.nap_i_number,
            m.legal_basis,
            m.funding_note,
            m.budget_eur,
            m.contact_name,
            m.contact_email,
            m.contact_phone,
            m.url,
            _local_date(m.last_reviewed_at),
            timezone.localtime(m.updated_at).replace(microsecond=0) if m.updated_at else None,
        ]


def _area_rows(f: MeasureFilter) -> Iterator[list[Value]]:
    for m in _measures(f):
        suggested = is_unconfirmed(m, "areas")
        for area in m.areas.all():
            yield [str(m.pk), area.key, suggested]


def _group_rows(f: MeasureFilter) -> Iterator[list[Value]]:
    for m in _measures(f):
        suggested = is_unconfirmed(m, "target_groups")
        for group in m.target_groups.all():
            yield [str(m.pk), group.key, suggested]


def _organisation_link_rows(f: MeasureFilter) -> Iterator[list[Value]]:
    for m in _measures(f):
        links = sorted(m.organisation_links.all(), key=lambda link: (link.position, link.pk or 0))
        for position, link in enumerate(links, start=1):
            yield [str(m.pk), link.organisation.key, link.role, position]


# --- the catalogues ----------------------------------------------------------------------------


def _entries(model: Any) -> Callable[[MeasureFilter], Iterator[list[Value]]]:
    def rows(f: MeasureFilter) -> Iterator[list[Value]]:
        for entry in model.objects.order_by("key"):
            yield [entry.key, entry.name, entry.name_en or None]

    return rows


def _component_rows(f: MeasureFilter) -> Iterator[list[Value]]:
    for entry in Component.objects.select_related("basic_offer").order_by("key"):
        yield [entry.key, entry.name, entry.name_en or None, entry.basic_offer.name]


def _organisation_rows(f: MeasureFilter) -> Iterator[list[Value]]:
    for org in Organisation.objects.select_related("parent").order_by("key"):
        yield [
            org.key,
            org.name,
            org.short_name or None,
            org.kind,
            org.parent.key if org.parent else None,
            org.is_group,
            org.dissolved_on,
        ]


def _land_rows(f: MeasureFilter) -> Iterator[list[Value]]:
    for region in Region.objects.filter(kind=Region.Kind.LAND).order_by("code"):
        yield [region.code, region.name]


def _catalogue_fields() -> tuple[Field, ...]:
    return (
        _key("key", "Schlüssel", required=True),
        Field("name", "string", "Name", constraints={"required": True}),
        Field("name_en", "string", "Name (englisch)"),
    )


MEASURE_ID = _key("measure_id", "ID der Maßnahme", required=True, pattern=ID_PATTERN)


def _catalogue_link_table(
    name: str,
    title: str,
    column: str,
    label: str,
    rows: Callable[[MeasureFilter], Iterator[list[Value]]],
    target: str,
) -> Table:
    """A measure's links to one catalogue (areas, target groups), with the suggestion flag."""
    return Table(
        name,
        title,
        (
            MEASURE_ID,
            _key(column, f"{label} (Schlüssel)", required=True),
            Field("suggested", "boolean", "automatisch zugeordnet, ungeprüft"),
        ),
        rows,
        primary_key=("measure_id", column),
        foreign_keys=((("measure_id",), "massnahmen", ("id",)), (((column,), target, ("key",)))),
    )


TABLES: tuple[Table, ...] = (
    Table(
        "massnahmen",
        "Öffentliche Integrationsmaßnahmen",
        MEASURE_FIELDS,
        _measure_rows,
        primary_key=("id",),
        foreign_keys=(
            (("owner",), "organisationen", ("key",)),
            (("level",), "ebenen", ("key",)),
            (("component",), "bausteine", ("key",)),
            (("land",), "laender", ("key",)),
        ),
    ),
    _catalogue_link_table(
        "massnahmen-bereiche", "Bereiche je Maßnahme", "area", "Bereich", _area_rows, "bereiche"
    ),
    _catalogue_link_table(
        "massnahmen-zielgruppen",
        "Zielgruppen je Maßnahme",
        "target_group",
        "Zielgruppe",
        _group_rows,
        "zielgruppen",
    ),
    Table(
        "massnahmen-organisationen",
        "Beteiligte Organisationen je Maßnahme",
        (
            MEASURE_ID,
            _key("organisation", "Organisation (Schlüssel)", required=True),
            Field(
                "role",
                "string",
                "Rolle",
                constraints={"required": True, "enum": [v for v, _ in MeasureOrganisation.Role.choices]},
            ),
            Field("position", "integer", "Reihenfolge", constraints={"required": True, "minimum": 1}),
        ),
        _organisation_link_rows,
        primary_key=("measure_id", "position"),
        foreign_keys=(
            (("measure_id",), "massnahmen", ("id",)),
            (("organisation",), "organisationen", ("key",)),
        ),
    ),
    Table(
        "organisationen",
        "Organisationen (Register)",
        (
            _key("key", "Schlüssel", required=True),
            Field("name", "string", "Name", constraints={"required": True}),
            Field("short_name", "string", "Kurzname"),
            Field(
                "kind",
                "string",
                "Art",
                constraints={"enum": [v for v, _ in Organisation.Kind.choices]},
            ),
            _key("parent", "übergeordnete Organisation (Schlüssel)"),
            Field("is_group", "boolean", "Sammelbezeichnung (keine einzelne Organisation)"),
            Field("dissolved_on", "date", "aufgelöst am"),
        ),
        _organisation_rows,
        primary_key=("key",),
        foreign_keys=((("parent",), "organisationen", ("key",)),),
    ),
    Table("bereiche", "Bereiche", _catalogue_fields(), _entries(Area), primary_key=("key",)),
    Table("zielgruppen", "Zielgruppen", _catalogue_fields(), _entries(TargetGroup), primary_key=("key",)),
    Table("ebenen", "Ebenen", _catalogue_fields(), _entries(Level), primary_key=("key",)),
    Table(
        "bausteine",
        "Bausteine der Grundangebote",
        (*_catalogue_fields(), Field("basic_offer", "string", "Grundangebot")),
        _component_rows,
        primary_key=("key",),
    ),
    Table(
        "laender",
        "Länder",
        (
            _key("key", "Landesschlüssel", required=True, pattern=LAND_PATTERN),
            Field("name", "string", "Name"),
        ),
        _land_rows,
        primary_key=("key",),
    ),
)
BY_NAME = {table.name: table for table in TABLES}


class _Line:
    def write(self, value: str) -> str:
        return value


def iter_table_csv(table: Table, f: MeasureFilter | None = None) -> Iterator[bytes]:
    writer = csv.writer(_Line(), delimiter=",", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    yield str(writer.writerow([column.name for column in table.fields])).encode("utf-8")
    for row in table.rows(f or MeasureFilter()):
        yield str(writer.writerow([machine_text(value) for value in row])).encode("utf-8")


def datapackage(*, base_url: str, generated_at: datetime) -> dict[str, Any]:
    """The descriptor; resource paths are relative to the descriptor's own address (/daten/)."""
    uri = license_uri()
    return {
        "profile": PROFILE,
        "name": "isi-integrationsmassnahmen",
        "title": "Integrationsmaßnahmen – Informationssystem Integration (ISI)",
        "description": (
            "Alle veröffentlichten Integrationsmaßnahmen mit Verknüpfungen und Katalogen, "
            "maschinenlesbar: ISO-Datumsangaben, Dezimalpunkt, Schlüssel als Zeichenketten. "
            "Werte mit *_suggested = true sind automatisch zugeordnet und ungeprüft. Texte, die "
            "eine Tabellenkalkulation als Formel ausführen würde (=, +, -, @ am Anfang), tragen "
            "zum Schutz ein vorangestelltes Apostroph."
        ),
        "homepage": base_url,
        "created": generated_at.replace(microsecond=0).isoformat(),
        "licenses": [{"path": uri, "title": license_name(uri)}],
        "sources": [{"title": SOURCE_NAME, "path": base_url}],
        "x_attribution": attribution_text(),
        "resources": [table.resource() for table in TABLES],
    }
