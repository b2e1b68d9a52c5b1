"""Who may see which evaluation, built on ``isi.core.permissions``.

- Every staff member sees the coverage matrix, counted over the measures they may see.
- Coordination, internal readers and admins request the IMAG report overall or for any ministry.
- Desk officers and agency staff request it for their own ministry only (an agency's ministry is
  the Ressort above it); other roles request none.
- A generated report is downloaded by the person who requested it.
"""

from __future__ import annotations

from typing import Any

from isi.accounts.models import User
from isi.core.permissions import SEES_EVERYTHING, is_admin, staff_user
from isi.organisations.models import Organisation

MINISTRY_ROLES = {User.Role.DESK_OFFICER, User.Role.AGENCY}


def can_view_reports(user: Any) -> bool:
    return staff_user(user) is not None


def sees_all_ministries(user: Any) -> bool:
    staff = staff_user(user)
    return staff is not None and (is_admin(staff) or staff.role in SEES_EVERYTHING)


def own_ministry(user: Any) -> Organisation | None:
    """The Ressort a desk officer or agency person works for, or None."""
    staff = staff_user(user)
    if staff is None or staff.role not in MINISTRY_ROLES or staff.organisation is None:
        return None
    return staff.organisation.ressort()


def can_request_report(user: Any, ministry: Organisation | None) -> bool:
    """May this user request the IMAG report for `ministry` (None: the overall report)?"""
    if sees_all_ministries(user):
        return ministry is None or ministry.is_ressort
    own = own_ministry(user)
    return own is not None and ministry is not None and ministry.pk == own.pk


def can_request_any_report(user: Any) -> bool:
    return sees_all_ministries(user) or own_ministry(user) is not None


def can_download_report(user: Any, job: Any) -> bool:
    staff = staff_user(user)
    return staff is not None and job.requested_by_id == staff.pk
