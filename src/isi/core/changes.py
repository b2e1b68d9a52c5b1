"""Recording changes. Services call these inside their transaction, never views."""

from __future__ import annotations

from typing import Any

from django.db import models

from isi.core.models import ChangeRecord

Snapshot = dict[str, Any]


def object_type_of(obj: models.Model) -> str:
    return obj._meta.label_lower


def record_change(
    obj: models.Model,
    *,
    action: str,
    before: Snapshot | None,
    after: Snapshot | None,
    actor: Any = None,
    source: str = "",
) -> ChangeRecord | None:
    """Store one change record; an update that changed nothing is not recorded."""
    if action == ChangeRecord.Action.UPDATE and before == after:
        return None
    return ChangeRecord.objects.create(
        object_type=object_type_of(obj),
        object_id=obj.pk,
        object_repr=str(obj)[:500],
        action=action,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        source=source,
        before=before,
        after=after,
    )


def history_of(obj: models.Model) -> models.QuerySet[ChangeRecord]:
    return ChangeRecord.objects.filter(object_type=object_type_of(obj), object_id=obj.pk)
