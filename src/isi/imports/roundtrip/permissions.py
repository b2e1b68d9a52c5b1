"""Who may use the Excel round-trip; built on the one place for authorisation (isi.core.permissions)."""

from __future__ import annotations

from typing import Any

from isi.core.permissions import staff_user
from isi.imports.models import UploadJob
from isi.measures.models import Measure, MeasureQuerySet
from isi.measures.permissions import editable_measures_q, visible_measures


def can_use_roundtrip(user: Any) -> bool:
    """Only people who may change measures download and upload the round-trip sheet."""
    staff = staff_user(user)
    return staff is not None and editable_measures_q(staff) is not None


def editable_measures(user: Any) -> MeasureQuerySet:
    """Exactly the measures `user` may change (none for anyone else)."""
    staff = staff_user(user)
    condition = editable_measures_q(staff) if staff is not None else None
    if condition is None:
        return Measure.objects.none()
    return Measure.objects.filter(condition).distinct()


def roundtrip_measures(user: Any) -> MeasureQuerySet:
    """The measures in a user's download: those it may change, not archived."""
    return editable_measures(user).active().order_by("pk")


def visible_ids(user: Any, ids: set[int]) -> set[int]:
    return set(visible_measures(user).filter(pk__in=ids).values_list("pk", flat=True))


def editable_ids(user: Any, ids: set[int]) -> set[int]:
    return set(editable_measures(user).filter(pk__in=ids).values_list("pk", flat=True))


def can_view_job(user: Any, job: UploadJob) -> bool:
    """An upload belongs to the person who uploaded it."""
    return can_use_roundtrip(user) and job.user_id == user.pk
