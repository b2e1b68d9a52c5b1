"""Illustrative demo indicators for `isi demo`: invented values, labelled as such everywhere.

Every indicator loaded here has `is_illustrative=True`, so pages, tables, CSV file names and the
staff list say "Illustrative Beispieldaten – keine amtlichen Zahlen". Loading is idempotent: the
definitions are updated in place and the data replaced only when it differs from the files.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.db import transaction

from isi.catalog.models import Area
from isi.monitoring import opensdg, selectors, services
from isi.monitoring.models import Indicator

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFINITIONS = DATA_DIR / "indicators.json"
DEFINITION_FIELDS = (
    "name",
    "name_en",
    "description",
    "description_en",
    "unit",
    "unit_en",
    "source",
    "rhythm",
    "decimals",
    "methodology",
    "methodology_en",
    "position",
)


class DemoDataError(RuntimeError):
    pass


def definitions() -> list[dict[str, Any]]:
    data: dict[str, Any] = json.loads(DEFINITIONS.read_text(encoding="utf-8"))
    items: list[dict[str, Any]] = data["indicators"]
    return items


def _rows(filename: str) -> list[opensdg.Row]:
    result = opensdg.parse((DATA_DIR / filename).read_text(encoding="utf-8"), selectors.allowed_geo_codes())
    if not result.ok:
        # The shipped files are tested; this only fires if the Region catalogue is missing.
        raise DemoDataError(f"{filename}: {result.errors[0]}")
    return result.rows


def load_demo_indicators() -> int:
    """Create or update the illustrative indicators and their data; returns how many there are."""
    count = 0
    for item in definitions():
        with transaction.atomic():
            fields = {name: item[name] for name in DEFINITION_FIELDS if name in item}
            fields["area"] = Area.objects.filter(key=item.get("area", "")).first()
            indicator, _created = Indicator.objects.update_or_create(
                slug=item["slug"], defaults={**fields, "is_illustrative": True, "published": True}
            )
            rows = _rows(item["file"])
            plan = services.plan_import(indicator, rows, services.ImportMode.REPLACE)
            if plan.created or plan.updated or plan.deleted:
                services.import_observations(
                    indicator=indicator, rows=rows, mode=services.ImportMode.REPLACE, actor=None
                )
        count += 1
    return count
