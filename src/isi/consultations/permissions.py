"""Who may do what in IMAG consultations and reorganisations, built on ``isi.core.permissions``.

- Every staff member (owner, other ministries, coordination, readers, admins) sees consultations:
  the IMAG makes new programmes transparent to all Ressorts.
- Only the owner's people (those who may change the measure) submit and decide (Art. 65 GG).
- Other ministries, their agencies and coordination comment while the period runs; the owner's own
  side (its ministry and agencies) does not comment on itself; readers only read.
- Successions (ministry reorganisation) are recorded by coordination and admins only.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from isi.accounts.models import User
from isi.consultations.models import Consultation, ConsultationComment
from isi.core.permissions import can_record_succession as can_record_succession  # re-exported
from isi.core.permissions import is_admin, staff_user
from isi.measures.models import Measure
from isi.measures.permissions import can_change_measure
from isi.organisations.models import Organisation

COMMENTING_ROLES = {
    User.Role.DESK_OFFICER,
    User.Role.AGENCY,
    User.Role.REGIONAL_EDITOR,
    User.Role.COORDINATION,
}


def can_view_consultations(user: Any) -> bool:
    staff = staff_user(user)
    return staff is not None and (is_admin(staff) or staff.role in User.Role.values)


def can_view_consultation(user: Any, consultation: Consultation) -> bool:
    return can_view_consultations(user)


def can_submit_consultation(user: Any, measure: Measure) -> bool:
    return can_change_measure(user, measure)


def _ressort(org: Organisation | None) -> Organisation | None:
    if org is None:
        return None
    return org.ressort() or org


def is_owner_side(user: Any, measure: Measure) -> bool:
    """The user belongs to the owning ministry or one of its agencies (or may change the measure)."""
    if can_change_measure(user, measure):
        return True
    staff = staff_user(user)
    if staff is None or staff.organisation is None:
        return False
    return _ressort(staff.organisation) == _ressort(measure.owner)


def can_comment(user: Any, consultation: Consultation, *, today: date) -> bool:
    staff = staff_user(user)
    if staff is None or staff.role not in COMMENTING_ROLES or is_admin(staff):
        return False
    if consultation.current_state(today) != Consultation.State.OPEN:
        return False
    return not is_owner_side(staff, consultation.measure)


def can_edit_comment(user: Any, comment: ConsultationComment, *, today: date) -> bool:
    staff = staff_user(user)
    if staff is None or comment.author_id != staff.pk:
        return False
    return comment.consultation.current_state(today) == Consultation.State.OPEN


def can_decide(user: Any, consultation: Consultation) -> bool:
    if consultation.state == Consultation.State.DECIDED:
        return False
    return can_change_measure(user, consultation.measure)
