"""The columns of the round-trip sheet: one definition for download, upload and preview.

Each column maps a German header to a Measure field and knows how to show the current value as a
cell text (``current``) and how to read a cell back into a model value (``parse``). Catalogue
values appear by their German name; several are joined with "; ".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models

from isi.catalog.models import Area, Component, FundingProgramme, TargetGroup
from isi.core.parsing import format_decimal_de, parse_decimal_de
from isi.core.spreadsheets import unguard
from isi.measures.models import Evaluation, Measure

TEXT = "text"
CHOICE = "choice"
DATE = "date"
BOOL = "bool"
MANY = "many"
ONE = "one"
KEY = "key"
DECIMAL = "decimal"

MULTI_SEPARATOR = "; "
YES = "ja"
NO = "nein"

SHEET_MEASURES = "Maßnahmen"
SHEET_CATALOGUES = "Kataloge"
SHEET_HELP = "Hinweise"


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    kind: str
    required: bool = False
    width: int = 30
    choices: type[models.TextChoices] | None = None
    model: type[models.Model] | None = None
    help: str = ""


COLUMNS: tuple[Column, ...] = (
    Column("ID", "id", KEY, required=True, width=8, help="Nicht ändern: bezeichnet die Maßnahme."),
    Column("Version", "version", KEY, required=True, width=9, help="Nicht ändern: Stand beim Herunterladen."),
    Column("Titel", "title", TEXT, required=True, width=50),
    Column("Kurzbeschreibung", "summary", TEXT, width=60),
    Column("Ziele", "goals", TEXT, width=50),
    Column("Status", "status", CHOICE, width=18, choices=Measure.Status),
    Column("Beginn", "start_date", DATE, width=12, help="Datum als TT.MM.JJJJ"),
    Column("Ende", "end_date", DATE, width=12, help="Datum als TT.MM.JJJJ"),
    Column("Bereiche", "areas", MANY, width=40, model=Area, help="Mehrere Werte mit „; “ trennen."),
    Column(
        "Zielgruppen",
        "target_groups",
        MANY,
        width=50,
        model=TargetGroup,
        help="Mehrere Werte mit „; “ trennen.",
    ),
    Column("Einordnung", "offer_type", CHOICE, width=30, choices=Measure.OfferType),
    Column("Baustein", "component", ONE, width=40, model=Component),
    Column("Bedarf (komplementäre Maßnahme)", "complementary_need", TEXT, width=40),
    Column("Rechtsgrundlage", "legal_basis", TEXT, width=40),
    Column("Hinweis zur Förderung", "funding_note", TEXT, width=40),
    Column(
        "Förderprogramme",
        "funding_programmes",
        MANY,
        width=40,
        model=FundingProgramme,
        help="Mehrere Werte mit „; “ trennen; EU-Programme wie AMIF oder ESF Plus hier eintragen.",
    ),
    Column("Teilnahmeverpflichtung", "imposes_obligation", BOOL, width=14, help="ja oder nein"),
    Column("Kontrolle der Verpflichtung", "obligation_control", TEXT, width=40),
    Column("Sanktionierung", "obligation_sanction", TEXT, width=40),
    Column("Begründung Regelsystem", "regular_system_reason", TEXT, width=40),
    Column("Begründung Zielgruppe", "status_independence_reason", TEXT, width=40),
    Column(
        "Mittel (EUR)",
        "budget_eur",
        DECIMAL,
        width=16,
        help="Betrag wie 1.500.000,50 (auch 1500000.50); leer, wenn nicht bekannt.",
    ),
    Column("Modellprojekt", "is_model_project", BOOL, width=14, help="ja oder nein"),
    Column("Veröffentlichung", "publication", CHOICE, width=24, choices=Measure.Publication),
    Column("Ansprechperson oder Stelle", "contact_name", TEXT, width=30),
    Column("E-Mail für Anfragen", "contact_email", TEXT, width=30, help="z. B. integration@bmi.bund.de"),
    Column("Telefon für Anfragen", "contact_phone", TEXT, width=20, help="z. B. +49 30 18681-0"),
    Column("Internetseite", "url", TEXT, width=40, help="vollständige Adresse mit https://"),
)

BY_HEADER = {column.header.casefold(): column for column in COLUMNS}
BY_FIELD = {column.field: column for column in COLUMNS}
HEADERS = [column.header for column in COLUMNS]


def normalise_text(value: Any) -> str:
    """A cell as comparable text: trimmed, unified line breaks, formula guard undone."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    # The download guards cells with spreadsheet_safe (an apostrophe in front of anything a
    # spreadsheet could run); undo it before trimming, as XLSX turns CR into LF. Undone as often
    # as it applies, so a stored text that itself looks guarded ("'=1") compares equal to its
    # download ("''=1"): normalise_text(spreadsheet_safe(t)) == normalise_text(t) for every t.
    while (unguarded := unguard(text)) != text:
        text = unguarded
    return text.strip()


def choice_label(choices: type[models.TextChoices], value: str) -> str:
    return str(dict(choices.choices).get(value, value))


def names(model: type[models.Model]) -> list[str]:
    return [
        str(name)
        for name in model._default_manager.order_by("position", "name").values_list("name", flat=True)
    ]


def current_value(measure: Measure, column: Column) -> Any:
    """The measure's value for `column` as it appears in a cell (str, int, date or None)."""
    if column.kind == KEY:
        return getattr(measure, column.field)
    if column.kind == MANY:
        return MULTI_SEPARATOR.join(sorted(str(o.name) for o in getattr(measure, column.field).all()))
    if column.kind == ONE:
        related = getattr(measure, column.field)
        return related.name if related is not None else ""
    if column.kind == CHOICE:
        assert column.choices is not None
        return choice_label(column.choices, getattr(measure, column.field))
    if column.kind == BOOL:
        return YES if getattr(measure, column.field) else NO
    if column.kind == DATE:
        return getattr(measure, column.field)
    if column.kind == DECIMAL:
        return format_decimal_de(getattr(measure, column.field))
    return getattr(measure, column.field) or ""


def comparable(column: Column, value: Any) -> Any:
    """Cell text in the form used to decide "changed or not"."""
    text = normalise_text(value)
    if column.kind == MANY:
        return frozenset(part.strip().casefold() for part in re.split(r"[;\n]", text) if part.strip())
    if column.kind in (ONE, CHOICE, BOOL):
        return text.casefold()
    return text


class CellError(ValueError):
    """A cell that cannot be read; the message names the rule broken."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message


DATE_FORMATS = ("%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y")


def parse_cell(column: Column, value: Any, lookups: dict[str, dict[str, Any]]) -> Any:
    """Read a cell into the model value; raise CellError naming the rule."""
    text = normalise_text(value)
    if column.kind == TEXT:
        if column.required and not text:
            raise CellError("Pflichtfeld", f"„{column.header}“ darf nicht leer sein.")
        return text
    if column.kind == DATE:
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        if not text:
            return None
        for fmt in DATE_FORMATS:
            try:
                return datetime.strptime(text, fmt).date()
            except ValueError:
                continue
        raise CellError("Datumsformat", f"„{text}“ ist kein gültiges Datum (erwartet TT.MM.JJJJ).")
    if column.kind == DECIMAL:
        return _parse_amount(value, text)
    if column.kind == BOOL:
        folded = text.casefold()
        if folded in ("ja", "j", "yes", "true", "1", "x"):
            return True
        if folded in ("nein", "n", "no", "false", "0", ""):
            return False
        raise CellError("Ja/Nein", f"„{text}“ ist weder „ja“ noch „nein“.")
    if column.kind == CHOICE:
        assert column.choices is not None
        for key, label in column.choices.choices:
            if text.casefold() in (str(key).casefold(), str(label).casefold()):
                return key
        allowed = ", ".join(f"„{label}“" for _, label in column.choices.choices)
        raise CellError("Katalogwert", f"„{text}“ ist kein erlaubter Wert. Erlaubt: {allowed}.")
    table = lookups[column.field]
    if column.kind == ONE:
        if not text:
            return None
        found = table.get(text.casefold())
        if found is None:
            raise CellError("Katalogwert", f"„{text}“ steht nicht im Katalog „{column.header}“.")
        return found
    if column.kind == MANY:
        result = []
        for part in re.split(r"[;\n]", text):
            part = part.strip()
            if not part:
                continue
            found = table.get(part.casefold())
            if found is None:
                raise CellError("Katalogwert", f"„{part}“ steht nicht im Katalog „{column.header}“.")
            result.append(found)
        return result
    raise CellError("Spalte", f"Spalte „{column.header}“ kann nicht gelesen werden.")


AMOUNT_PLACES = Decimal("0.01")


def _parse_amount(value: Any, text: str) -> Decimal | None:
    """A money cell: a number typed into the spreadsheet, or text in German or ISO notation."""
    if not text:
        return None
    if isinstance(value, float):  # a spreadsheet number: binary noise below the cent goes
        return Decimal(repr(value)).quantize(AMOUNT_PLACES)
    amount = parse_decimal_de(text)
    if amount is None:
        raise CellError("Betrag", f"„{text}“ ist kein Betrag (erwartet wie 1.500.000,50).")
    if amount != amount.quantize(AMOUNT_PLACES):
        raise CellError("Betrag", f"„{text}“ hat mehr als zwei Nachkommastellen.")
    return amount


def catalogue_lookups() -> dict[str, dict[str, Any]]:
    """Catalogue objects by folded name and key, per catalogue column."""
    tables: dict[str, dict[str, Any]] = {}
    for column in COLUMNS:
        if column.model is None:
            continue
        table: dict[str, Any] = {}
        for obj in column.model._default_manager.all():
            table[str(obj.key).casefold()] = obj  # type: ignore[attr-defined]
            table[str(obj.name).casefold()] = obj  # type: ignore[attr-defined]
        tables[column.field] = table
    return tables


# --- Erfolgskontrolle (one sheet of its own; rows matched to measures by ID) ----------------------

SHEET_EVALUATION = "Erfolgskontrolle"
EVALUATION_PREFIX = "Erfolgskontrolle: "

EVALUATION_COLUMNS: tuple[Column, ...] = (
    Column("Stand", "state", CHOICE, width=26, choices=Evaluation.State),
    Column("Methode", "method", TEXT, width=50),
    Column("Aufwand / Begründung", "effort_note", TEXT, width=50),
    Column("fällig am", "due_date", DATE, width=12, help="Datum als TT.MM.JJJJ"),
    Column("Ergebnis", "result_summary", TEXT, width=50),
)
EVALUATION_INFO_HEADERS = ("ID", "Titel")
EVALUATION_HEADERS = [*EVALUATION_INFO_HEADERS, *(column.header for column in EVALUATION_COLUMNS)]
EVALUATION_BY_HEADER = {column.header.casefold(): column for column in EVALUATION_COLUMNS}


def current_evaluation_value(measure: Measure, column: Column) -> Any:
    evaluation = getattr(measure, "evaluation", None)
    if evaluation is None:
        return None if column.kind == DATE else ""
    if column.kind == CHOICE:
        assert column.choices is not None
        return choice_label(column.choices, evaluation.state)
    return getattr(evaluation, column.field) or (None if column.kind == DATE else "")
