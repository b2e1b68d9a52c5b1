"""Reads about organisations over time: who was responsible for a measure on a given date."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.utils import timezone

from isi.core.models import ChangeRecord
from isi.core.parsing import parse_int
from isi.measures.models import Measure
from isi.organisations.models import Organisation, Succession

SOURCE_PREFIX = "succession:"


def _owner_moves(measure_ids: list[int]) -> dict[int, list[ChangeRecord]]:
    """Change records that changed a measure's owner, newest first, per measure."""
    moves: dict[int, list[ChangeRecord]] = defaultdict(list)
    records = ChangeRecord.objects.filter(
        object_type=Measure._meta.label_lower, object_id__in=measure_ids, action=ChangeRecord.Action.UPDATE
    ).order_by("-created_at", "-id")
    for record in records:
        before: Any = record.before or {}
        after: Any = record.after or {}
        if before.get("owner") != after.get("owner"):
            moves[int(record.object_id)].append(record)
    return moves


def _effective_dates(records: Iterable[ChangeRecord]) -> dict[int, date]:
    succession_ids = {
        succession_id
        for r in records
        if r.source.startswith(SOURCE_PREFIX)
        and (succession_id := parse_int(r.source[len(SOURCE_PREFIX) :])) is not None
    }
    return dict(Succession.objects.filter(pk__in=succession_ids).values_list("pk", "effective_on"))


def responsible_on_many(measures: Iterable[Measure], on: date) -> dict[int, Organisation | None]:
    """Per measure id: the organisation that owned the measure on `on`.

    Starts from today's owner and walks back through every owner change that took effect after
    `on`. A move made by a succession takes effect on the succession's date; any other owner change
    on the day it was saved.
    """
    measures = list(measures)
    moves = _owner_moves([m.pk for m in measures])
    all_records = [r for rs in moves.values() for r in rs]
    succession_dates = _effective_dates(all_records)
    names: dict[int, str] = {}
    for measure in measures:
        name = measure.owner.name
        for record in moves.get(measure.pk, []):
            effective = timezone.localdate(record.created_at)
            if record.source.startswith(SOURCE_PREFIX):
                key = record.source[len(SOURCE_PREFIX) :]
                succession_id = parse_int(key)
                if succession_id is not None and succession_id in succession_dates:
                    effective = succession_dates[succession_id]
            if effective > on:
                name = str((record.before or {}).get("owner") or name)
        names[measure.pk] = name
    by_name = {o.name: o for o in Organisation.objects.filter(name__in=set(names.values()))}
    return {pk: by_name.get(name) for pk, name in names.items()}


def responsible_on(measure: Measure, on: date) -> Organisation | None:
    """The organisation that owned `measure` on `on` (from change records and successions)."""
    return responsible_on_many([measure], on)[measure.pk]
