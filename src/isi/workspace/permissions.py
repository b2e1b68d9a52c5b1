"""Who may use the staff work tool, built on ``isi.core.permissions`` (the one place)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from isi.accounts.models import User
from isi.core.permissions import can_use_workspace, is_admin, staff_user
from isi.measures.permissions import (
    can_archive_measure,
    can_change_measure,
    can_create_measure,
    can_view_measure,
    locked_measure_fields,
    visible_measures,
)
from isi.organisations.models import Organisation

__all__ = [
    "can_archive_measure",
    "can_change_measure",
    "can_create_measure",
    "can_use_workspace",
    "can_view_measure",
    "locked_measure_fields",
    "ownable_organisations",
    "visible_measures",
]


def ownable_organisations(user: Any) -> Any:
    """The organisations this user may pick as owner of a measure it creates or edits."""
    staff = staff_user(user)
    if staff is None:
        return Organisation.objects.none()
    if is_admin(staff):
        return Organisation.objects.all().order_by("name")
    org = staff.organisation
    if org is None or not can_create_measure(staff):
        return Organisation.objects.none()
    if staff.role == User.Role.DESK_OFFICER:
        candidates = Organisation.objects.filter(Q(pk=org.pk) | Q(parent=org) | Q(parent__parent=org))
        allowed = [o.pk for o in candidates if can_create_measure(staff, o)]
        return Organisation.objects.filter(pk__in=allowed).order_by("name")
    return Organisation.objects.filter(pk=org.pk)
