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


def load_registry(apps: Any) -> None:
    organisation = apps.get_model("organisations", "Organisation")
    alias = apps.get_model("organisations", "OrganisationAlias")
    entries = read_registry()
    by_key: dict[str, Any] = {}
    for item in entries:
        obj, _ = organisation.objects.update_or_create(
            key=item["key"],
            defaults={
                "name": item["name"],
                "short_name": item.get("short_name", ""),
                "kind": item["kind"],
                "needs_review": False,
            },
        )
        by_key[item["key"]] = obj
    for item in entries:
        obj = by_key[item["key"]]
        parent = by_key.get(item["parent"]) if item.get("parent") else None
        if obj.parent_id != (parent.pk if parent else None):
            obj.parent = parent
            obj.save(update_fields=["parent"])
        for name in item.get("aliases", []):
            alias.objects.update_or_create(name=name, defaults={"organisation": obj})
