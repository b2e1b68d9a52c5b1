"""Who may do what in a reporting round. Builds on isi.core.permissions, the one place for rules."""

from __future__ import annotations

from typing import Any

from isi.accounts.models import User
from isi.core.permissions import (
    SEES_EVERYTHING,
    can_change_measure,
    can_manage_catalogues,
    editable_measures_q,
)
from isi.measures.models import Measure
from isi.rounds.models import ReportingRound


def _staff(user: Any) -> User | None:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return user if isinstance(user, User) else None


def _is_admin(user: User) -> bool:
    return user.is_superuser or user.role == User.Role.ADMIN


def can_view_rounds(user: Any) -> bool:
    """Every signed-in staff member sees which rounds exist."""
    return _staff(user) is not None


def can_manage_rounds(user: Any) -> bool:
    """Coordination (IMAG lead) and admins open and close rounds – the same people as catalogues."""
    return can_manage_catalogues(user)


def can_view_all_progress(user: Any) -> bool:
    """Progress of every ministry and comparisons of snapshots (which hold drafts of all ministries)."""
    staff = _staff(user)
    return staff is not None and (_is_admin(staff) or staff.role in SEES_EVERYTHING)


def has_round_tasks(user: Any) -> bool:
    """Does this user have a to-do list at all (may change some measures)?"""
    staff = _staff(user)
    return staff is not None and editable_measures_q(staff) is not None


def can_review_in_round(user: Any, measure: Measure, round: ReportingRound | None = None) -> bool:
    """May confirm or update `measure` in the (given or current) open round: its owner's people."""
    if round is not None and not round.is_open:
        return False
    return can_change_measure(user, measure)
