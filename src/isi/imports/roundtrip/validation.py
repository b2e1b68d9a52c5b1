"""Parse uploaded rows into proposed changes and errors. Reads the database, never writes.

The result is JSON (stored as the preview) plus the plan the apply step hands to
`measure_update`: per measure its id, the version seen in the download and the changed fields.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import timezone

from isi.core.audit import log_denied
from isi.core.parsing import format_decimal_de
from isi.imports.roundtrip import permissions
from isi.imports.roundtrip.columns import (
    BY_FIELD,
    BY_HEADER,
    CHOICE,
    COLUMNS,
    EVALUATION_BY_HEADER,
    EVALUATION_COLUMNS,
    EVALUATION_PREFIX,
    KEY,
    MANY,
    ONE,
    CellError,
    Column,
    catalogue_lookups,
    comparable,
    current_evaluation_value,
    current_value,
    normalise_text,
    parse_cell,
)
from isi.measures.judgement import judge_change
from isi.measures.models import Measure
from isi.measures.permissions import forbidden_measure_fields, needs_release

Progress = Callable[[int, int], None]
EVALUATION_BY_FIELD = {column.field: column for column in EVALUATION_COLUMNS}


@dataclass
class Planned:
    measure_id: int
    version: int
    changes: dict[str, Any]


@dataclass
class Validation:
    preview: dict[str, Any]
    plan: list[Planned] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.preview["error_count"]


def _error(row: int | None, column: str, rule: str, message: str) -> dict[str, Any]:
    return {"row": row, "column": column, "rule": rule, "message": message}


def _shown(value: Any) -> str:
    text = normalise_text(value)
    return text or "(leer)"


def _shown_parsed(column: Column, value: Any) -> str:
    if column.kind == MANY:
        return "; ".join(sorted(str(obj.name) for obj in value)) or "(leer)"
    if column.kind == ONE:
        return str(value.name) if value is not None else "(leer)"
    if column.kind == "choice":
        assert column.choices is not None
        return str(dict(column.choices.choices).get(value, value)) or "(leer)"
    if column.kind == "decimal":
        return format_decimal_de(value) or "(leer)"
    return _shown(value)


def _column_name(field_name: str) -> str:
    if field_name.startswith("evaluation."):
        column = EVALUATION_BY_FIELD.get(field_name.removeprefix("evaluation."))
        return EVALUATION_PREFIX + column.header if column else "Erfolgskontrolle"
    if field_name == "evaluation":
        return "Erfolgskontrolle"
    column = BY_FIELD.get(field_name)
    return column.header if column else "—"


def header_errors(header: list[str]) -> tuple[dict[int, Column], list[dict[str, Any]]]:
    """Which column is where, and what is wrong with the header row."""
    errors: list[dict[str, Any]] = []
    positions: dict[int, Column] = {}
    seen: set[str] = set()
    for index, name in enumerate(header):
        if not name:
            errors.append(_error(1, f"Spalte {index + 1}", "Spalten", "Spalte ohne Überschrift."))
            continue
        column = BY_HEADER.get(name.strip().casefold())
        if column is None:
            errors.append(
                _error(
                    1,
                    name,
                    "Spalten",
                    f"Unbekannte Spalte „{name}“. Bitte die heruntergeladene Vorlage verwenden.",
                )
            )
            continue
        if column.field in seen:
            errors.append(_error(1, name, "Spalten", f"Die Spalte „{name}“ kommt doppelt vor."))
            continue
        seen.add(column.field)
        positions[index] = column
    for column in COLUMNS:
        if column.required and column.field not in seen:
            errors.append(_error(1, column.header, "Spalten", f"Die Pflichtspalte „{column.header}“ fehlt."))
    return positions, errors


def validate_rows(
    header: list[str],
    rows: list[tuple[int, list[Any]]],
    user: Any,
    *,
    evaluation: tuple[list[str], list[tuple[int, list[Any]]]] | None = None,
    progress: Progress | None = None,
) -> Validation:
    positions, errors = header_errors(header)
    evaluations: dict[int, tuple[int, dict[Column, Any]]] = {}
    if evaluation is not None:
        evaluations = _evaluation_rows(*evaluation, errors)
    preview: dict[str, Any] = {"rows": [], "file_errors": errors, "unchanged": 0, "total": len(rows)}
    validation = Validation(preview=preview)
    if errors or not rows:
        if not rows and not errors:
            errors.append(_error(None, "—", "Inhalt", "Die Datei enthält keine Maßnahmen."))
        return _finish(validation)

    id_column = next(index for index, column in positions.items() if column.field == "id")
    version_column = next(index for index, column in positions.items() if column.field == "version")
    wanted: set[int] = set()
    for _, values in rows:
        with contextlib.suppress(ValueError):
            wanted.add(int(normalise_text(values[id_column] if id_column < len(values) else "")))
    visible = permissions.visible_ids(user, wanted)
    editable = permissions.editable_ids(user, wanted)
    measures = {
        m.pk: m
        for m in Measure.objects.filter(pk__in=editable)
        .select_related("component", "owner", "level", "evaluation")
        .prefetch_related("areas", "target_groups", "funding_programmes")
    }
    lookups = catalogue_lookups()
    today = timezone.localdate()
    seen_ids: set[int] = set()
    error_limit = max_errors()
    error_total = len(errors)
    for done, (number, values) in enumerate(rows, start=1):
        entry = _validate_row(
            number,
            values,
            positions,
            id_column,
            version_column,
            measures,
            visible,
            lookups,
            seen_ids,
            today,
            user,
            evaluations,
        )
        if entry is None:
            preview["unchanged"] += 1
        else:
            preview["rows"].append(entry[0])
            error_total += len(entry[0]["errors"])
            if entry[1] is not None:
                validation.plan.append(entry[1])
        if progress is not None and (done % 25 == 0 or done == len(rows)):
            progress(done, len(rows))
        if error_total >= error_limit and done < len(rows):
            # Enough to correct: the rest is not checked and the preview stays small.
            preview["file_errors"].append(
                _error(
                    None,
                    "—",
                    "Fehlergrenze",
                    f"Mindestens {error_total} Fehler: die Prüfung wurde nach Zeile {number} abgebrochen. "
                    "Bitte diese Fehler beheben und die Datei erneut hochladen.",
                )
            )
            preview["truncated"] = True
            break
    for measure_id, (number, _) in sorted(evaluations.items()):
        if preview.get("truncated") or len(preview["file_errors"]) >= error_limit:
            break
        if measure_id not in seen_ids:
            preview["file_errors"].append(
                _error(
                    number,
                    EVALUATION_PREFIX + "ID",
                    "ID",
                    f"Die Maßnahme {measure_id} steht nicht auf dem Blatt „Maßnahmen“.",
                )
            )
    return _finish(validation)


def max_errors() -> int:
    """Errors after which the validation stops (the preview stores at most these)."""
    return int(getattr(settings, "ISI_ROUNDTRIP_MAX_ERRORS", 500))


def _evaluation_rows(
    header: list[str], rows: list[tuple[int, list[Any]]], errors: list[dict[str, Any]]
) -> dict[int, tuple[int, dict[Column, Any]]]:
    """Cells of the sheet "Erfolgskontrolle" by measure ID (ID and title are for orientation only)."""
    positions: dict[int, Column] = {}
    id_index: int | None = None
    for index, name in enumerate(header):
        folded = name.strip().casefold()
        if folded == "id":
            id_index = index
        elif folded == "titel" or not folded:
            continue
        elif folded in EVALUATION_BY_HEADER:
            positions[index] = EVALUATION_BY_HEADER[folded]
        else:
            errors.append(_error(1, EVALUATION_PREFIX + name, "Spalten", f"Unbekannte Spalte „{name}“."))
    if id_index is None:
        errors.append(_error(1, EVALUATION_PREFIX + "ID", "Spalten", "Die Pflichtspalte „ID“ fehlt."))
        return {}
    result: dict[int, tuple[int, dict[Column, Any]]] = {}
    for number, values in rows:
        raw = normalise_text(values[id_index] if id_index < len(values) else "")
        try:
            measure_id = int(raw)
        except ValueError:
            errors.append(_error(number, EVALUATION_PREFIX + "ID", "ID", f"„{raw}“ ist keine gültige ID."))
            continue
        if measure_id in result:
            errors.append(
                _error(
                    number, EVALUATION_PREFIX + "ID", "ID", f"Die Maßnahme {measure_id} steht mehrfach da."
                )
            )
            continue
        cells = {
            column: values[index] if index < len(values) else None for index, column in positions.items()
        }
        result[measure_id] = (number, cells)
    return result


def _evaluation_changes(
    measure: Measure,
    cells: dict[Column, Any],
    number: int,
    lookups: dict[str, dict[str, Any]],
    entry: dict[str, Any],
) -> dict[str, Any] | None:
    """The new Erfolgskontrolle values if any cell differs from the stored entry, else None."""
    existing = getattr(measure, "evaluation", None)
    values: dict[str, Any] = {
        "state": existing.state if existing else "",
        "method": existing.method if existing else "",
        "effort_note": existing.effort_note if existing else "",
        "due_date": existing.due_date if existing else None,
        "result_summary": existing.result_summary if existing else "",
    }
    changed = False
    for column, raw in cells.items():
        old = current_evaluation_value(measure, column)
        if comparable(column, raw) == comparable(column, old):
            continue
        header = EVALUATION_PREFIX + column.header
        try:
            parsed = parse_cell(column, raw, lookups) if normalise_text(raw) or column.kind != CHOICE else ""
        except CellError as exc:
            entry["errors"].append(_error(number, header, exc.rule, exc.message))
            continue
        if parsed == values[column.field]:
            continue
        values[column.field] = parsed
        changed = True
        entry["changes"].append(
            {
                "field": "evaluation." + column.field,
                "column": header,
                "old": _shown(old),
                "new": _shown_parsed(column, parsed),
            }
        )
    if not changed:
        return None
    if not values["state"]:
        entry["errors"].append(
            _error(
                number,
                EVALUATION_PREFIX + "Stand",
                "Pflichtfeld",
                "Bitte den Stand der Erfolgskontrolle angeben.",
            )
        )
        return None
    return values


def _finish(validation: Validation) -> Validation:
    preview = validation.preview
    preview["error_count"] = len(preview["file_errors"]) + sum(len(r["errors"]) for r in preview["rows"])
    preview["change_count"] = sum(1 for r in preview["rows"] if r["changes"])
    if preview["error_count"]:
        validation.plan = []
    return validation


def _validate_row(
    number: int,
    values: list[Any],
    positions: dict[int, Column],
    id_column: int,
    version_column: int,
    measures: dict[int, Measure],
    visible: set[int],
    lookups: dict[str, dict[str, Any]],
    seen_ids: set[int],
    today: Any,
    user: Any,
    evaluations: dict[int, tuple[int, dict[Column, Any]]],
) -> tuple[dict[str, Any], Planned | None] | None:
    def cell(index: int) -> Any:
        return values[index] if index < len(values) else None

    raw_id = normalise_text(cell(id_column))
    entry: dict[str, Any] = {"row": number, "id": raw_id, "title": "", "changes": [], "errors": []}
    try:
        measure_id = int(raw_id)
    except ValueError:
        entry["errors"].append(
            _error(number, "ID", "ID", "Ohne gültige ID; neue Maßnahmen bitte im Arbeitsbereich anlegen.")
        )
        return entry, None
    if measure_id in seen_ids:
        entry["errors"].append(
            _error(number, "ID", "ID", f"Die Maßnahme {measure_id} steht mehrfach in der Datei.")
        )
        return entry, None
    seen_ids.add(measure_id)
    measure = measures.get(measure_id)
    if measure is None:
        log_denied(None, f"roundtrip-row measure={measure_id}", user=user)
        if measure_id in visible:
            entry["errors"].append(
                _error(
                    number,
                    "ID",
                    "Berechtigung",
                    f"Sie dürfen die Maßnahme {measure_id} nicht ändern (Regel 1).",
                )
            )
        else:
            entry["errors"].append(
                _error(number, "ID", "ID", f"Eine Maßnahme mit der ID {measure_id} gibt es nicht.")
            )
        return entry, None
    entry["title"] = measure.title
    try:
        version = int(normalise_text(cell(version_column)))
    except ValueError:
        entry["errors"].append(_error(number, "Version", "Version", "Die Version fehlt oder ist keine Zahl."))
        return entry, None

    changes: dict[str, Any] = {}
    for index, column in positions.items():
        if column.kind == KEY:
            continue
        new_raw = cell(index)
        old_raw = current_value(measure, column)
        if comparable(column, new_raw) == comparable(column, old_raw):
            continue
        try:
            parsed = parse_cell(column, new_raw, lookups)
        except CellError as exc:
            entry["errors"].append(_error(number, column.header, exc.rule, exc.message))
            continue
        if column.kind == "date" and parsed == getattr(measure, column.field):
            continue
        if column.kind == MANY and {o.pk for o in parsed} == {
            o.pk for o in getattr(measure, column.field).all()
        }:
            continue
        if column.kind not in (MANY, ONE, "date") and parsed == getattr(measure, column.field):
            continue
        changes[column.field] = parsed
        entry["changes"].append(
            {
                "field": column.field,
                "column": column.header,
                "old": _shown(old_raw),
                "new": _shown_parsed(column, parsed),
            }
        )
    if measure_id in evaluations:
        evaluation_number, cells = evaluations[measure_id]
        new_evaluation = _evaluation_changes(measure, cells, evaluation_number, lookups, entry)
        if new_evaluation is not None:
            changes["evaluation"] = new_evaluation
    if not changes and not entry["errors"]:
        return None
    # Field-level permissions, the same ones the write service enforces: an implementer's sheet
    # may not withdraw or release the owner's measure.
    for refused in forbidden_measure_fields(user, measure, set(changes) - {"evaluation"}):
        entry["errors"].append(
            _error(
                number,
                _column_name(refused),
                "Berechtigung",
                f"Die Angabe „{_column_name(refused)}“ ändert nur die federführende Stelle.",
            )
        )
    if changes and measure.archived_at is not None:
        entry["errors"].append(
            _error(
                number,
                "ID",
                "Archiv",
                f"„{measure.title}“ ist archiviert; bitte zuerst im Arbeitsbereich wiederherstellen.",
            )
        )
        return entry, None
    if changes and version != measure.version:
        entry["errors"].append(
            _error(
                number,
                "Version",
                "Versionskonflikt",
                f"„{measure.title}“ wurde seit dem Herunterladen geändert (Version {version} in der Datei, "
                f"jetzt Version {measure.version}). Bitte die Datei neu herunterladen.",
            )
        )
    if changes and not entry["errors"]:
        # The write service's own judgement (isi.measures.judgement), as a preview per row.
        for violation in judge_change(measure, changes, today=today).blocking:
            rule_column = _column_name(violation.field)
            entry["errors"].append(
                _error(
                    number,
                    rule_column,
                    f"Regel {violation.rule_number} ({violation.rule})",
                    violation.message_de,
                )
            )
    planned = Planned(measure.pk, version, changes) if changes and not entry["errors"] else None
    if planned is not None and needs_release(user, measure):
        # Not the owning side: applying files a proposal for the owner's release (as the form does).
        entry["proposal"] = True
    return entry, planned
