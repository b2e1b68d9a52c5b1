"""Who may do what in monitoring. Builds on isi.core.permissions, the one place for rules."""

from __future__ import annotations

from typing import Any

from isi.core.permissions import can_manage_catalogues, staff_user
from isi.measures.models import Measure
from isi.measures.permissions import can_change_measure


def can_view_indicators_staff(user: Any) -> bool:
    """Every signed-in staff member sees the indicator list, drafts included."""
    return staff_user(user) is not None


def can_manage_indicators(user: Any) -> bool:
    """Coordination and admins define indicators and import their data (like the catalogues)."""
    return can_manage_catalogues(user)


def can_link_indicators(user: Any, measure: Measure) -> bool:
    """The owner's people say which indicators their measure aims to influence."""
    return can_change_measure(user, measure)
