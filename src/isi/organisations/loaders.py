"""Load the organisation registry (gazetteer) file. Called by data migrations, idempotent."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

REGISTRY_PATH = Path(__file__).resolve().parent / "data" / "registry.json"


def read_registry() -> list[dict[str, Any]]:
    with REGISTRY_PATH.open(encoding="utf-8") as handle:
        entries: list[dict[str, Any]] = json.load(handle)["organisations"]
    return entries


def _read() -> dict[str, Any]:
    with REGISTRY_PATH.open(encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


def read_registry_successions() -> list[dict[str, Any]]:
    """The successions the register records (the May 2025 reorganisation), oldest first."""
    entries: list[dict[str, Any]] = _read().get("successions", [])
    return sorted(entries, key=lambda item: str(item["effective_on"]))


def read_registry_as_of() -> dict[str, Any]:
    """Which source and date the register reflects: {"date": …, "source": …, "note": …}."""
    as_of: dict[str, Any] = _read().get("as_of", {})
    return as_of


def load_registry(apps: Any) -> None:
    organisation = apps.get_model("organisations", "Organisation")
    alias = apps.get_model("organisations", "OrganisationAlias")
    entries = read_registry()
    # Migrations before the group flag existed load the file with the older model.
    has_group = any(field.name == "is_group" for field in organisation._meta.get_fields())
    by_key: dict[str, Any] = {}
    for item in entries:
        defaults = {
            "name": item["name"],
            "short_name": item.get("short_name", ""),
            "kind": item["kind"],
            "needs_review": False,
        }
        if has_group:
            defaults["is_group"] = bool(item.get("group", False))
        existing = organisation.objects.filter(key=item["key"]).first()
        if existing is not None and existing.dissolved_on is not None:
            # A dissolved organisation keeps its historic name (a succession made it an alias).
            defaults.pop("name")
        obj, _ = organisation.objects.update_or_create(key=item["key"], defaults=defaults)
        by_key[item["key"]] = obj
    for item in entries:
        obj = by_key[item["key"]]
        parent = by_key.get(item["parent"]) if item.get("parent") else None
        if obj.parent_id != (parent.pk if parent else None):
            obj.parent = parent
            obj.save(update_fields=["parent"])
        for name in item.get("aliases", []):
            if obj.dissolved_on is not None:
                # A succession handed the dissolved organisation's names to its successor.
                alias.objects.get_or_create(name=name, defaults={"organisation": obj})
            else:
                alias.objects.update_or_create(name=name, defaults={"organisation": obj})
