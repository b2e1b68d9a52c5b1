"""Comparing two rounds: a pure diff over the frozen snapshots ("Was hat sich geändert?")."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _

from isi.measures.models import Measure


@dataclass(frozen=True)
class SnapshotEntry:
    """One measure as frozen in a round: who was responsible and what it looked like."""

    measure_id: int
    title: str
    ministry: str
    snapshot: Mapping[str, Any]


CHOICE_FIELDS = ("status", "publication", "offer_type", "scale_decision", "owner_basis")


def format_value(name: str, value: Any) -> str:
    """A snapshot value as a person reads it: choice labels, ja/nein, lists joined."""
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, bool):
        return _("ja") if value else _("nein")
    if name in CHOICE_FIELDS:
        choices = dict(Measure._meta.get_field(name).flatchoices)  # type: ignore[union-attr]
        return str(choices.get(value, value))
    if name == "organisations" and isinstance(value, list):
        return "; ".join(f"{o.get('name')} ({o.get('role')})" for o in value if isinstance(o, dict))
    if name == "nap_i" and isinstance(value, dict):
        return f"{value.get('phase')}.{value.get('theme')}.{value.get('number')}"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{field_label(k) if k in EXTRA_LABELS else k}: {v}" for k, v in value.items() if v)
    return str(value)


@dataclass(frozen=True)
class FieldChange:
    name: str
    label: str
    before: Any
    after: Any

    @property
    def before_text(self) -> str:
        return format_value(self.name, self.before)

    @property
    def after_text(self) -> str:
        return format_value(self.name, self.after)


@dataclass(frozen=True)
class MeasureDiff:
    measure_id: int
    title: str
    ministry: str
    kind: str  # "added" | "removed" | "changed"
    changes: tuple[FieldChange, ...] = ()

    @property
    def kind_label(self) -> str:
        return {"added": _("neu"), "removed": _("entfallen"), "changed": _("geändert")}[self.kind]


@dataclass
class MinistryDiff:
    ministry: str
    added: list[MeasureDiff] = field(default_factory=list)
    removed: list[MeasureDiff] = field(default_factory=list)
    changed: list[MeasureDiff] = field(default_factory=list)
    unchanged: int = 0

    @property
    def measures(self) -> list[MeasureDiff]:
        return [*self.added, *self.changed, *self.removed]


@dataclass
class RoundComparison:
    overall: MinistryDiff
    ministries: list[MinistryDiff]


# Snapshot keys that are not model fields, or whose verbose name would mislead.
EXTRA_LABELS = {
    "owner": "Federführendes Ressort",
    "organisations": "Beteiligte Organisationen",
    "nap_i": "Platz im NAP-I",
    "archived": "Archiviert",
    "evaluation": "Erfolgskontrolle",
    "suggested_fields": "Vorgeschlagene Felder",
}


def field_label(name: str) -> str:
    """A readable German name for a snapshot key."""
    if name in EXTRA_LABELS:
        return _(EXTRA_LABELS[name])
    try:
        model_field = Measure._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    label = str(getattr(model_field, "verbose_name", name))
    return label[:1].upper() + label[1:]


def diff_snapshot(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[FieldChange, ...]:
    names = sorted(set(before) | set(after))
    return tuple(
        FieldChange(name=n, label=field_label(n), before=before.get(n), after=after.get(n))
        for n in names
        if before.get(n) != after.get(n)
    )


def diff_rounds(earlier: list[SnapshotEntry], later: list[SnapshotEntry]) -> RoundComparison:
    """Per measure: added, removed or changed fields; grouped by ministry (of the later round)."""
    old = {e.measure_id: e for e in earlier}
    new = {e.measure_id: e for e in later}
    overall = MinistryDiff(ministry=_("Alle Ressorts"))
    groups: dict[str, MinistryDiff] = {}

    def group(name: str) -> MinistryDiff:
        return groups.setdefault(name, MinistryDiff(ministry=name))

    for measure_id in sorted(set(old) | set(new)):
        a, b = old.get(measure_id), new.get(measure_id)
        if a is None and b is not None:
            diff = MeasureDiff(measure_id, b.title, b.ministry, "added")
            overall.added.append(diff)
            group(b.ministry).added.append(diff)
        elif b is None and a is not None:
            diff = MeasureDiff(measure_id, a.title, a.ministry, "removed")
            overall.removed.append(diff)
            group(a.ministry).removed.append(diff)
        elif a is not None and b is not None:
            changes = diff_snapshot(a.snapshot, b.snapshot)
            if changes:
                diff = MeasureDiff(measure_id, b.title, b.ministry, "changed", changes)
                overall.changed.append(diff)
                group(b.ministry).changed.append(diff)
            else:
                overall.unchanged += 1
                group(b.ministry).unchanged += 1
    return RoundComparison(overall=overall, ministries=[groups[k] for k in sorted(groups)])
