"""Writes for monitoring: indicator definitions, Open SDG imports, measure links. All with history.

Import semantics (documented on the upload page too):

- **replace** – the file becomes the indicator's complete data: values not in the file are deleted.
- **merge** – values in the file are added or overwrite the value with the same year, region and
  disaggregation; every other value stays as it was.

Either way the whole file is applied in one transaction or not at all, and only if it validated
without a single error and the indicator was not changed by someone else since the preview.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from isi.core.changes import record_change
from isi.core.models import ChangeRecord
from isi.measures.models import Measure
from isi.monitoring.models import Indicator, MeasureIndicator, Observation
from isi.monitoring.opensdg import Row, disaggregation_key

IMPORT_SOURCE = "opensdg-import"


class ImportMode(models.TextChoices):
    REPLACE = "replace", gettext_lazy("Ersetzen: die Datei wird der vollständige Datenbestand")
    MERGE = (
        "merge",
        gettext_lazy("Ergänzen: Werte aus der Datei hinzufügen oder überschreiben, den Rest behalten"),
    )


class MonitoringError(Exception):
    """A rule was broken; the message says which, in words for the person at the desk."""


class StaleIndicator(MonitoringError):
    pass


@dataclass(frozen=True)
class ImportPlan:
    created: int
    updated: int
    unchanged: int
    deleted: int


Key = tuple[int, str, str]


def _existing(indicator: Indicator) -> dict[Key, tuple[int, Decimal]]:
    return {
        (o.year, o.geo_code, o.disaggregation_key): (o.pk, o.value)
        for o in Observation.objects.filter(indicator=indicator).only(
            "pk", "year", "geo_code", "disaggregation_key", "value"
        )
    }


def plan_import(indicator: Indicator, rows: Sequence[Row], mode: str) -> ImportPlan:
    """What an import would do, without doing it (for the preview)."""
    existing = _existing(indicator)
    created = updated = unchanged = 0
    for row in rows:
        current = existing.get(row.key)
        if current is None:
            created += 1
        elif current[1] == row.value:
            unchanged += 1
        else:
            updated += 1
    incoming = {row.key for row in rows}
    deleted = sum(1 for key in existing if key not in incoming) if mode == ImportMode.REPLACE else 0
    return ImportPlan(created=created, updated=updated, unchanged=unchanged, deleted=deleted)


def _check_version(indicator: Indicator, expected_version: int | None) -> Indicator:
    locked = Indicator.objects.select_for_update().get(pk=indicator.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleIndicator(
            _("Der Indikator wurde inzwischen von jemand anderem geändert. Bitte laden Sie die Seite neu.")
        )
    return locked


def import_observations(
    *,
    indicator: Indicator,
    rows: Sequence[Row],
    mode: str,
    actor: Any,
    expected_version: int | None = None,
) -> ImportPlan:
    """Apply validated rows all-or-nothing; records one change on the indicator."""
    if mode not in ImportMode.values:
        raise MonitoringError(_("Unbekannte Importart."))
    if not rows:
        raise MonitoringError(_("Die Datei enthält keine Werte."))
    with transaction.atomic():
        locked = _check_version(indicator, expected_version)
        plan = plan_import(locked, rows, mode)
        before = {"observations": Observation.objects.filter(indicator=locked).count()}
        existing = _existing(locked)
        incoming = {row.key for row in rows}
        if mode == ImportMode.REPLACE:
            stale_ids = [pk for key, (pk, _value) in existing.items() if key not in incoming]
            Observation.objects.filter(pk__in=stale_ids).delete()
        to_create: list[Observation] = []
        to_update: list[Observation] = []
        for row in rows:
            current = existing.get(row.key)
            if current is None:
                to_create.append(
                    Observation(
                        indicator=locked,
                        year=row.year,
                        geo_code=row.geo_code,
                        disaggregation=dict(row.disaggregation),
                        disaggregation_key=disaggregation_key(row.disaggregation),
                        value=row.value,
                    )
                )
            elif current[1] != row.value:
                to_update.append(Observation(pk=current[0], value=row.value))
        Observation.objects.bulk_create(to_create, batch_size=1000)
        Observation.objects.bulk_update(to_update, ["value"], batch_size=1000)
        locked.version += 1
        locked.save(update_fields=["version", "updated_at"])
        after = {
            "observations": Observation.objects.filter(indicator=locked).count(),
            "import": {
                "mode": mode,
                "created": plan.created,
                "updated": plan.updated,
                "deleted": plan.deleted,
            },
        }
        record_change(
            locked,
            action=ChangeRecord.Action.UPDATE,
            before=before,
            after=after,
            actor=actor,
            source=IMPORT_SOURCE,
        )
    indicator.version = locked.version
    return plan


def create_indicator(*, actor: Any, **fields: Any) -> Indicator:
    with transaction.atomic():
        indicator = Indicator(**fields)
        indicator.full_clean()
        indicator.save()
        record_change(
            indicator, action=ChangeRecord.Action.CREATE, before=None, after=indicator.snapshot(), actor=actor
        )
    return indicator


def update_indicator(*, indicator: Indicator, actor: Any, expected_version: int, **fields: Any) -> Indicator:
    """Change the definition; refuses when someone else saved in between (optimistic check)."""
    with transaction.atomic():
        locked = _check_version(indicator, expected_version)
        before = locked.snapshot()
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.full_clean()
        locked.version += 1
        locked.save()
        record_change(
            locked, action=ChangeRecord.Action.UPDATE, before=before, after=locked.snapshot(), actor=actor
        )
    return locked


def _link_snapshot(link: MeasureIndicator) -> dict[str, Any]:
    return {
        "measure": link.measure_id,
        "measure_title": link.measure.title,
        "indicator": link.indicator.slug,
        "note": link.note,
    }


def link_measure(*, measure: Measure, indicator: Indicator, note: str, actor: Any) -> MeasureIndicator:
    """The measure names an indicator it aims to influence (contribution, not proof of effect)."""
    with transaction.atomic():
        if MeasureIndicator.objects.filter(measure=measure, indicator=indicator).exists():
            raise MonitoringError(_("Diese Maßnahme ist mit dem Indikator bereits verknüpft."))
        link = MeasureIndicator.objects.create(
            measure=measure,
            indicator=indicator,
            note=note.strip(),
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        record_change(
            link, action=ChangeRecord.Action.CREATE, before=None, after=_link_snapshot(link), actor=actor
        )
    return link


def update_link_note(*, link: MeasureIndicator, note: str, actor: Any) -> MeasureIndicator:
    with transaction.atomic():
        before = _link_snapshot(link)
        link.note = note.strip()
        link.save(update_fields=["note"])
        record_change(
            link, action=ChangeRecord.Action.UPDATE, before=before, after=_link_snapshot(link), actor=actor
        )
    return link


def unlink_measure(*, link: MeasureIndicator, actor: Any) -> None:
    with transaction.atomic():
        before = _link_snapshot(link)
        record_change(link, action=ChangeRecord.Action.DELETE, before=before, after=None, actor=actor)
        link.delete()
