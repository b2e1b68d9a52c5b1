"""Readable history: field-level differences between two snapshots, in German.

Pure functions over the snapshot dicts stored in change records (``isi.measures.snapshots``), so
the diff is unit-testable without a database. Labels come from the model's ``verbose_name``;
callers may pass extra labels and a ``names`` mapping that turns stored keys (catalogue keys,
choice values) into the names a person reads.

``snapshot_to_changes`` turns a stored snapshot back into the ``changes`` dict
``measure_update`` takes, for "restore this version".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import models

Snapshot = Mapping[str, Any]
# (field, stored value) -> readable value; returns None when it has no better name.
Namer = Callable[[str, Any], str | None]

EMPTY = "—"
EXTRA_LABELS: dict[str, str] = {
    "organisations": "beteiligte Organisationen",
    "nap_i": "Platz im NAP-I",
    "archived": "archiviert",
    "evaluation": "Erfolgskontrolle",
    "evaluation.state": "Erfolgskontrolle: Stand",
    "evaluation.method": "Erfolgskontrolle: Methode",
    "evaluation.effort_note": "Erfolgskontrolle: Aufwand",
    "evaluation.due_date": "Erfolgskontrolle: fällig am",
    "evaluation.result_summary": "Erfolgskontrolle: Ergebnis",
}
LIST_FIELDS = frozenset({"areas", "target_groups", "funding_programmes", "suggested_fields", "organisations"})


@dataclass(frozen=True)
class FieldChange:
    """One field that differs: its label, old and new value as text; lists as added/removed."""

    field: str
    label: str
    old: str
    new: str
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    @property
    def is_list(self) -> bool:
        return bool(self.added or self.removed)

    def text(self) -> str:
        """One line in German, e.g. "Titel: „A“ → „B“" or "Bereiche: hinzugefügt X; entfernt Y"."""
        if self.is_list:
            parts = []
            if self.added:
                parts.append("hinzugefügt " + ", ".join(self.added))
            if self.removed:
                parts.append("entfernt " + ", ".join(self.removed))
            return f"{self.label}: {'; '.join(parts)}"
        return f"{self.label}: {self.old} → {self.new}"


def model_labels(model: type[models.Model]) -> dict[str, str]:
    """Field name -> verbose name of a model, plus the snapshot-only keys."""
    labels = {f.name: str(getattr(f, "verbose_name", f.name)) for f in model._meta.get_fields()}
    labels.update(EXTRA_LABELS)
    return labels


def _no_names(name: str, value: Any) -> str | None:
    return None


def format_value(name: str, value: Any, namer: Namer = _no_names) -> str:
    """A stored value as text a person reads."""
    if value is None or value == "" or value == []:
        return EMPTY
    named = namer(name, value)
    if named is not None:
        return named
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return date.fromisoformat(value).strftime("%d.%m.%Y")
        except ValueError:
            pass
    if isinstance(value, dict):
        if name == "nap_i":
            return f"Phase {value.get('phase')}, Themenforum {value.get('theme')}, Nr. {value.get('number')}"
        return ", ".join(f"{k}: {format_value(k, v, namer)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(format_value(name, v, namer) for v in value)
    if isinstance(value, str):
        return f"„{value}“"
    return str(value)


def _list_item(name: str, item: Any, namer: Namer) -> str:
    if isinstance(item, dict) and name == "organisations":
        role = namer("organisation_role", item.get("role")) or str(item.get("role"))
        return f"{item.get('name')} ({role})"
    named = namer(name, item)
    return named if named is not None else str(item)


def diff_snapshots(
    before: Snapshot | None,
    after: Snapshot | None,
    *,
    labels: Mapping[str, str] | None = None,
    namer: Namer = _no_names,
) -> list[FieldChange]:
    """The fields that differ between two snapshots, in the order of the later snapshot.

    Lists (many-to-many fields, organisations) are shown as added/removed names; the nested
    Erfolgskontrolle entry is compared per field.
    """
    old = dict(before or {})
    new = dict(after or {})
    names = dict(labels or {})
    result: list[FieldChange] = []
    keys = list(new) + [k for k in old if k not in new]
    for key in keys:
        a, b = old.get(key), new.get(key)
        if a == b:
            continue
        label = names.get(key) or EXTRA_LABELS.get(key) or key
        if key == "evaluation" and (isinstance(a, dict) or isinstance(b, dict)):
            sub_a = a if isinstance(a, dict) else {}
            sub_b = b if isinstance(b, dict) else {}
            for sub in list(sub_b) + [k for k in sub_a if k not in sub_b]:
                if sub_a.get(sub) == sub_b.get(sub):
                    continue
                full = f"evaluation.{sub}"
                result.append(
                    FieldChange(
                        full,
                        names.get(full) or EXTRA_LABELS.get(full) or full,
                        format_value(full, sub_a.get(sub), namer),
                        format_value(full, sub_b.get(sub), namer),
                    )
                )
            continue
        if key in LIST_FIELDS or isinstance(a, list) or isinstance(b, list):
            items_a = [_list_item(key, i, namer) for i in (a or [])]
            items_b = [_list_item(key, i, namer) for i in (b or [])]
            added = tuple(i for i in items_b if i not in items_a)
            removed = tuple(i for i in items_a if i not in items_b)
            if added or removed:
                result.append(
                    FieldChange(
                        key,
                        label,
                        ", ".join(items_a) or EMPTY,
                        ", ".join(items_b) or EMPTY,
                        added,
                        removed,
                    )
                )
                continue
        result.append(FieldChange(key, label, format_value(key, a, namer), format_value(key, b, namer)))
    return result


def diff_text(
    before: Snapshot | None, after: Snapshot | None, *, labels: Mapping[str, str] | None = None
) -> list[str]:
    """The diff as plain German lines."""
    return [change.text() for change in diff_snapshots(before, after, labels=labels)]


# --- database side: names for stored keys, and snapshots back into changes ---------------------


def measure_namer() -> Namer:
    """A namer for measure snapshots: catalogue keys and choice values to their German names."""
    from isi.catalog.models import Area, Component, FundingProgramme, Level, TargetGroup
    from isi.measures.models import Evaluation, Measure, MeasureOrganisation

    tables: dict[str, dict[Any, str]] = {
        "areas": dict(Area.objects.values_list("key", "name")),
        "target_groups": dict(TargetGroup.objects.values_list("key", "name")),
        "funding_programmes": dict(FundingProgramme.objects.values_list("key", "name")),
        "component": dict(Component.objects.values_list("key", "name")),
        "level": dict(Level.objects.values_list("key", "name")),
        "status": {k: str(v) for k, v in Measure.Status.choices},
        "publication": {k: str(v) for k, v in Measure.Publication.choices},
        "offer_type": {k: str(v) for k, v in Measure.OfferType.choices if k},
        "scale_decision": {k: str(v) for k, v in Measure.ScaleDecision.choices if k},
        "owner_basis": {k: str(v) for k, v in Measure.OwnerBasis.choices},
        "evaluation.state": {k: str(v) for k, v in Evaluation.State.choices},
        "organisation_role": {k: str(v) for k, v in MeasureOrganisation.Role.choices},
    }

    def namer(name: str, value: Any) -> str | None:
        table = tables.get(name)
        if table is None or not isinstance(value, str):
            return None
        return table.get(value)

    return namer


def _day(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) and value else None


PLAIN_TEXT_FIELDS = (
    "title",
    "summary",
    "goals",
    "status",
    "owner_basis",
    "owner_explanation",
    "offer_type",
    "complementary_need",
    "legal_basis",
    "funding_note",
    "contact_name",
    "contact_email",
    "contact_phone",
    "url",
    "regular_system_reason",
    "status_independence_reason",
    "similar_measures_reason",
    "obligation_control",
    "obligation_sanction",
    "scale_decision",
    "publication",
)


def snapshot_to_changes(snapshot: Snapshot) -> dict[str, Any]:
    """A stored snapshot as the ``changes`` for ``measure_update`` (restore an older version).

    Values whose catalogue entry or organisation no longer exists are left as they are now.
    """
    from decimal import Decimal

    from isi.catalog.models import Area, Component, FundingProgramme, Level, Region, TargetGroup, Theme
    from isi.measures.services import OrganisationRole
    from isi.organisations.models import Organisation

    changes: dict[str, Any] = {}
    for name in PLAIN_TEXT_FIELDS:
        if name in snapshot:
            changes[name] = snapshot[name] if snapshot[name] is not None else ""
    for name in ("start_date", "end_date", "test_phase_start", "test_phase_end"):
        if name in snapshot:
            changes[name] = _day(snapshot[name])
    for name in ("imposes_obligation", "is_model_project"):
        if name in snapshot:
            changes[name] = bool(snapshot[name])
    if "suggested_fields" in snapshot:
        changes["suggested_fields"] = list(snapshot["suggested_fields"] or [])
    if "budget_eur" in snapshot:
        changes["budget_eur"] = Decimal(snapshot["budget_eur"]) if snapshot["budget_eur"] else None
    owner = Organisation.objects.filter(name=snapshot.get("owner")).first()
    if owner is not None:
        changes["owner"] = owner
    level = Level.objects.filter(key=snapshot.get("level")).first()
    if level is not None:
        changes["level"] = level
    if "region" in snapshot:
        changes["region"] = (
            Region.objects.filter(code=snapshot["region"]).first() if snapshot["region"] else None
        )
    if "component" in snapshot:
        changes["component"] = (
            Component.objects.filter(key=snapshot["component"]).first() if snapshot["component"] else None
        )
    if "nap_i" in snapshot:
        place = snapshot["nap_i"]
        if place:
            theme = Theme.objects.filter(
                phase__number=place.get("phase"), position=place.get("theme")
            ).first()
            changes["nap_i_theme"] = theme
            changes["nap_i_number"] = place.get("number") if theme else None
        else:
            changes["nap_i_theme"] = None
            changes["nap_i_number"] = None
    for name, model in (
        ("areas", Area),
        ("target_groups", TargetGroup),
        ("funding_programmes", FundingProgramme),
    ):
        if name in snapshot:
            changes[name] = list(model.objects.filter(key__in=snapshot[name] or []))
    if "organisations" in snapshot:
        by_name = dict(
            Organisation.objects.filter(
                name__in=[o["name"] for o in snapshot["organisations"] or []]
            ).values_list("name", "pk")
        )
        changes["organisations"] = [
            OrganisationRole(by_name[o["name"]], o["role"])
            for o in snapshot["organisations"] or []
            if o["name"] in by_name
        ]
    if "evaluation" in snapshot:
        entry = snapshot["evaluation"]
        changes["evaluation"] = (
            {
                "state": entry.get("state") or "planned",
                "method": entry.get("method") or "",
                "effort_note": entry.get("effort_note") or "",
                "due_date": _day(entry.get("due_date")),
                "result_summary": entry.get("result_summary") or "",
            }
            if entry
            else None
        )
    return changes
