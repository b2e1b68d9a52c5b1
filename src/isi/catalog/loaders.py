"""Load the catalogue data files into the database. Called by data migrations, idempotent.

Works with historical models (`apps` of a migration), so a file change ships as a new migration
that calls these functions again: entries are matched by key and updated in place.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"


def read_data(name: str) -> dict[str, Any]:
    with (DATA_DIR / name).open(encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


def _upsert(model: Any, lookup: dict[str, Any], values: dict[str, Any]) -> Any:
    obj, _ = model.objects.update_or_create(**lookup, defaults=values)
    return obj


def load_catalog(apps: Any) -> None:
    data = read_data("catalog.json")
    area = apps.get_model("catalog", "Area")
    basic_offer = apps.get_model("catalog", "BasicOffer")
    component = apps.get_model("catalog", "Component")
    target_group = apps.get_model("catalog", "TargetGroup")
    level = apps.get_model("catalog", "Level")
    funding = apps.get_model("catalog", "FundingProgramme")
    region = apps.get_model("catalog", "Region")

    def entry(item: dict[str, Any], position: int, **extra: Any) -> dict[str, Any]:
        return {"name": item["name"], "name_en": item.get("name_en", ""), "position": position, **extra}

    for pos, item in enumerate(data["areas"], 1):
        _upsert(area, {"key": item["key"]}, entry(item, pos))
    cpos = 0
    for pos, item in enumerate(data["basic_offers"], 1):
        offer = _upsert(basic_offer, {"key": item["key"]}, entry(item, pos))
        for comp in item["components"]:
            cpos += 1
            _upsert(component, {"key": comp["key"]}, entry(comp, cpos, basic_offer=offer))
    for pos, item in enumerate(data["target_groups"], 1):
        _upsert(target_group, {"key": item["key"]}, entry(item, pos, kind=item["kind"]))
    for pos, item in enumerate(data["levels"], 1):
        _upsert(level, {"key": item["key"]}, entry(item, pos))
    for pos, item in enumerate(data["funding_programmes"], 1):
        _upsert(funding, {"key": item["key"]}, entry(item, pos, is_eu=item["is_eu"]))
    for item in data["regions"]:
        _upsert(region, {"code": item["code"]}, {"name": item["name"], "kind": "land"})


def load_phases(apps: Any) -> None:
    """Phases and theme titles; the NAP-I import adds introductions and leads from the text."""
    data = read_data("nap_i_themes.json")
    phase_model = apps.get_model("catalog", "Phase")
    theme_model = apps.get_model("catalog", "Theme")
    for number, item in data["phases"].items():
        phase_model.objects.update_or_create(number=int(number), defaults={"title_en": item["title_en"]})
    for item in data["themes"]:
        phase = phase_model.objects.get(number=item["phase"])
        theme_model.objects.update_or_create(
            phase=phase,
            position=item["position"],
            defaults={"title": item["title"], "title_en": item["title_en"]},
        )


def theme_titles() -> dict[tuple[int, int], str]:
    """(phase, position) → short German title, for the importer."""
    data = read_data("nap_i_themes.json")
    return {(t["phase"], t["position"]): t["title"] for t in data["themes"]}
