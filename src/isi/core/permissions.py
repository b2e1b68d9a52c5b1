"""Who may see and do what. The one place: every view, export and API endpoint asks here.

Predicates `can_<verb>_<thing>(user, obj)` answer for one object; `visible_measures(user)`
yields exactly the measures a user may see, so lists never show what a detail page would refuse.

- Anyone (signed out too) sees released measures (Leitfaden rule 10).
- Coordination, internal readers and admins see everything, drafts included.
- A ministry desk officer sees and changes the measures its ministry owns, and those owned by the
  ministry's agencies; an agency sees and changes what it owns or implements; Länder and Kommunen
  editors likewise for their own organisation.
- Coordination does not change measures: the owning ministry decides (Art. 65 GG).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from isi.accounts.models import User
from isi.measures.models import Measure, MeasureOrganisation, MeasureQuerySet
from isi.organisations.models import Organisation

SEES_EVERYTHING = {User.Role.COORDINATION, User.Role.READER, User.Role.ADMIN}
EDITING_ROLES = {User.Role.DESK_OFFICER, User.Role.AGENCY, User.Role.REGIONAL_EDITOR}
IMPLEMENTING_ROLES = (MeasureOrganisation.Role.RESPONSIBLE, MeasureOrganisation.Role.IMPLEMENTING)


def staff_user(user: Any) -> User | None:
    """The signed-in, active ISI user behind `user`, or None."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return user if isinstance(user, User) else None


def is_admin(user: User) -> bool:
    return user.is_superuser or user.role == User.Role.ADMIN


def editable_measures_q(user: User) -> Q | None:
    """Condition for the measures this user may change, or None for none at all."""
    if is_admin(user):
        return Q()
    org = user.organisation
    if org is None or user.role not in EDITING_ROLES:
        return None
    if user.role == User.Role.DESK_OFFICER:
        # The ministry's own measures and those owned by its agencies (parent chain of depth 2).
        return Q(owner=org) | Q(owner__parent=org) | Q(owner__parent__parent=org)
    if user.role == User.Role.AGENCY:
        implements = Q(organisation_links__organisation=org, organisation_links__role__in=IMPLEMENTING_ROLES)
        return Q(owner=org) | implements
    return Q(owner=org)


def visible_measures(user: Any, queryset: MeasureQuerySet | None = None) -> MeasureQuerySet:
    base = queryset if queryset is not None else Measure.objects.all()
    staff = staff_user(user)
    if staff is None:
        return base.public()
    if is_admin(staff) or staff.role in SEES_EVERYTHING:
        return base
    editable = editable_measures_q(staff)
    public = Q(publication=Measure.Publication.RELEASED, archived_at__isnull=True)
    if editable is None:
        return base.filter(public)
    return base.filter(Q(pk__in=Measure.objects.filter(editable).values("pk")) | public)


def can_view_measure(user: Any, measure: Measure) -> bool:
    return visible_measures(user).filter(pk=measure.pk).exists()


def can_change_measure(user: Any, measure: Measure) -> bool:
    staff = staff_user(user)
    if staff is None:
        return False
    editable = editable_measures_q(staff)
    if editable is None:
        return False
    return Measure.objects.filter(editable, pk=measure.pk).exists()


def can_create_measure(user: Any, owner: Organisation | None = None) -> bool:
    """May this user create a measure (owned by `owner`, if given)?"""
    staff = staff_user(user)
    if staff is None:
        return False
    if is_admin(staff):
        return True
    if staff.role not in EDITING_ROLES or staff.organisation is None:
        return False
    if owner is None:
        return True
    org = staff.organisation
    if staff.role == User.Role.DESK_OFFICER:
        return owner == org or owner.ressort() == org
    return owner == org


def can_manage_catalogues(user: Any) -> bool:
    staff = staff_user(user)
    return staff is not None and (is_admin(staff) or staff.role == User.Role.COORDINATION)
