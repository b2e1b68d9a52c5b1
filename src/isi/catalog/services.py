"""Changing the catalogues: coordination edits names and order, adds entries; every change is recorded.

Keys are stable (imports, API and exports refer to them) and entries are never deleted: measures
point at them. A new name also changes the search documents of the measures that use the entry.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.text import slugify

from isi.catalog.models import Area, BasicOffer, CatalogEntry, Component, FundingProgramme, Level, TargetGroup
from isi.catalog.snapshots import catalog_entry_snapshot
from isi.core.changes import record_change
from isi.core.models import ChangeRecord
from isi.core.permissions import can_manage_catalogues
from isi.measures.models import Measure
from isi.measures.signals import measures_changed

SOURCE = "kataloge"
EDITABLE_FIELDS = ("name", "name_en", "description", "position")
# Extra fields a new entry of these types needs, besides the editable ones.
CREATE_FIELDS: dict[type[CatalogEntry], tuple[str, ...]] = {
    TargetGroup: ("kind",),
    Component: ("basic_offer",),
    FundingProgramme: ("is_eu",),
}
CREATABLE = tuple(CREATE_FIELDS)
KEY_LENGTH = 80


def linked_measure_ids(entry: CatalogEntry) -> list[int]:
    """Ids of the measures that use this entry (directly, or through a component for a basic offer)."""
    lookups: dict[type[CatalogEntry], str] = {
        Area: "areas",
        TargetGroup: "target_groups",
        Component: "component",
        Level: "level",
        FundingProgramme: "funding_programmes",
        BasicOffer: "component__basic_offer",
    }
    lookup = lookups.get(type(entry))
    if lookup is None:
        return []
    return list(Measure.objects.filter(**{lookup: entry}).values_list("pk", flat=True).distinct())


def unique_key(model: type[CatalogEntry], name: str) -> str:
    """A slug of the name, made unique within the model by a number suffix."""
    base = slugify(name)[:KEY_LENGTH].strip("-") or "eintrag"
    key = base
    number = 2
    while model._default_manager.filter(key=key).exists():
        suffix = f"-{number}"
        key = base[: KEY_LENGTH - len(suffix)].rstrip("-") + suffix
        number += 1
    return key


def _check(actor: Any) -> None:
    if not can_manage_catalogues(actor):
        raise PermissionDenied("catalogues")


def catalog_entry_update[Entry: CatalogEntry](entry: Entry, changes: Mapping[str, Any], actor: Any) -> Entry:
    """Apply `changes` (only name, English name, description, position) and record the change."""
    _check(actor)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {', '.join(sorted(unknown))}")
    model = type(entry)
    with transaction.atomic():
        current = model._default_manager.select_for_update().get(pk=entry.pk)
        before = catalog_entry_snapshot(current)
        for name, value in changes.items():
            setattr(current, name, value)
        current.full_clean()
        current.save(update_fields=list(changes) or None)
        after = catalog_entry_snapshot(current)
        record_change(
            current, action=ChangeRecord.Action.UPDATE, before=before, after=after, actor=actor, source=SOURCE
        )
        if before["name"] != after["name"]:
            # Measures store catalogue keys, not names: nothing of theirs changes, but what
            # search and similarity show of them does.
            measures_changed(linked_measure_ids(current))
    return current


def catalog_entry_create[Entry: CatalogEntry](
    model: type[Entry], fields: Mapping[str, Any], actor: Any
) -> Entry:
    """Create an entry of a type that may grow (target groups, components, funding programmes)."""
    _check(actor)
    if model not in CREATABLE:
        raise ValueError(f"{model.__name__} entries cannot be created here")
    allowed = set(EDITABLE_FIELDS) | set(CREATE_FIELDS[model])
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"not settable: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        entry = model(**fields)
        entry.key = unique_key(model, str(fields.get("name", "")))
        entry.full_clean()
        entry.save()
        record_change(
            entry,
            action=ChangeRecord.Action.CREATE,
            before=None,
            after=catalog_entry_snapshot(entry),
            actor=actor,
            source=SOURCE,
        )
    return entry
