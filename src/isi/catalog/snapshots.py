"""Before/after pictures of a catalogue entry for the change history (plain JSON values)."""

from __future__ import annotations

from typing import Any

from isi.catalog.models import CatalogEntry, Component, FundingProgramme, TargetGroup

Snapshot = dict[str, Any]

COMMON_FIELDS = ("key", "name", "name_en", "description", "position")


def catalog_entry_snapshot(entry: CatalogEntry) -> Snapshot:
    """The entry's own fields; a component names its basic offer by key."""
    snapshot: Snapshot = {name: getattr(entry, name) for name in COMMON_FIELDS}
    if isinstance(entry, TargetGroup):
        snapshot["kind"] = entry.kind
    if isinstance(entry, FundingProgramme):
        snapshot["is_eu"] = entry.is_eu
    if isinstance(entry, Component):
        snapshot["basic_offer"] = entry.basic_offer.key
    return snapshot
