"""Who is who: the generic role predicates every app builds its permissions on.

Core stands below every other app and imports none of them. The predicates about measures (who
sees, changes, archives, releases which measure and field) live in ``isi.measures.permissions``;
each app's own ``permissions`` module combines these helpers for its objects.
"""

from __future__ import annotations

from typing import Any

from isi.accounts.models import User

SEES_EVERYTHING = {User.Role.COORDINATION, User.Role.READER, User.Role.ADMIN}
EDITING_ROLES = {User.Role.DESK_OFFICER, User.Role.AGENCY, User.Role.REGIONAL_EDITOR}
STAFF_ROLES = frozenset(User.Role.values)


def staff_user(user: Any) -> User | None:
    """The signed-in, active ISI user behind `user`, or None."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return user if isinstance(user, User) else None


def is_admin(user: User) -> bool:
    return user.is_superuser or user.role == User.Role.ADMIN


def can_use_workspace(user: Any) -> bool:
    """Signed in, active and holding a staff role."""
    staff = staff_user(user)
    return staff is not None and (is_admin(staff) or staff.role in STAFF_ROLES)


def can_record_succession(user: Any) -> bool:
    """Successions (ministry reorganisations) are recorded by coordination and admins only."""
    staff = staff_user(user)
    return staff is not None and (is_admin(staff) or staff.role == User.Role.COORDINATION)


def can_manage_catalogues(user: Any) -> bool:
    staff = staff_user(user)
    return staff is not None and (is_admin(staff) or staff.role == User.Role.COORDINATION)
