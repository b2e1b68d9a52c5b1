"""Who sees which Erfolgskontrolle figures. Built on ``isi.core.permissions`` (the one place).

Decision: the comparison of all ministries is coordination information (IMAG lead, internal
readers, admins – the roles that see every measure anyway). A desk officer, an agency or a Land /
Kommune editor sees the figures and lists of the measures they are responsible for (their
ministry with its agencies, their agency, their organisation) and nothing of other ministries:
those figures count other ministries' unreleased drafts, which these roles may not see
(``visible_measures``), and how other ministries plan their evaluations is theirs to report to
the IMAG (Art. 65 GG), not for the dashboard to show across ministries.
"""

from __future__ import annotations

from typing import Any

from isi.core.permissions import SEES_EVERYTHING, can_use_workspace, is_admin, staff_user
from isi.measures.models import Measure, MeasureQuerySet
from isi.measures.permissions import editable_measures_q


def can_view_evaluation_dashboard(user: Any) -> bool:
    """Every signed-in staff member; what they see is narrowed by ``evaluation_scope``."""
    return can_use_workspace(user)


def sees_all_ministries(user: Any) -> bool:
    staff = staff_user(user)
    return staff is not None and (is_admin(staff) or staff.role in SEES_EVERYTHING)


def evaluation_scope(user: Any) -> MeasureQuerySet | None:
    """The measures whose Erfolgskontrolle this user follows; None means all of them."""
    if sees_all_ministries(user):
        return None
    staff = staff_user(user)
    editable = editable_measures_q(staff) if staff is not None else None
    if editable is None:
        return Measure.objects.none()
    return Measure.objects.filter(editable)
