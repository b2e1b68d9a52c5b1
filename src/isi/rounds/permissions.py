"""Who may do what in a reporting round. Builds on isi.core.permissions, the one place for rules."""

from __future__ import annotations

from typing import Any

from isi.core.permissions import SEES_EVERYTHING, can_manage_catalogues, is_admin, staff_user
from isi.measures.models import Measure
from isi.measures.permissions import can_change_measure, editable_measures_q
from isi.rounds.models import ReportingRound


def can_view_rounds(user: Any) -> bool:
    """Every signed-in staff member sees which rounds exist."""
    return staff_user(user) is not None


def can_manage_rounds(user: Any) -> bool:
    """Coordination (IMAG lead) and admins open and close rounds – the same people as catalogues."""
    return can_manage_catalogues(user)


def can_view_all_progress(user: Any) -> bool:
    """Progress of every ministry and comparisons of snapshots (which hold drafts of all ministries)."""
    staff = staff_user(user)
    return staff is not None and (is_admin(staff) or staff.role in SEES_EVERYTHING)


def has_round_tasks(user: Any) -> bool:
    """Does this user have a to-do list at all (may change some measures)?"""
    staff = staff_user(user)
    return staff is not None and editable_measures_q(staff) is not None


def can_review_in_round(user: Any, measure: Measure, round: ReportingRound | None = None) -> bool:
    """May confirm or update `measure` in the (given or current) open round: its owner's people."""
    if round is not None and not round.is_open:
        return False
    return can_change_measure(user, measure)
