"""Who may see and change measures. The one place: every view, export and API endpoint asks here.

Built on the generic role predicates of ``isi.core.permissions`` (``staff_user``, ``is_admin``,
the role sets). Predicates `can_<verb>_<thing>(user, obj)` answer for one object;
`visible_measures(user)` yields exactly the measures a user may see, so lists never show what a
detail page would refuse.

- Anyone (signed out too) sees released measures (Leitfaden rule 10).
- Coordination, internal readers and admins see everything, drafts included.
- A ministry desk officer sees and changes the measures its ministry owns, and those owned by the
  ministry's agencies; an agency sees and changes what it owns or implements; Länder and Kommunen
  editors likewise for their own organisation.
- Coordination does not change measures: the owning ministry decides (Art. 65 GG).

Field-level rules (every write channel asks `forbidden_measure_fields`, and the write service
`isi.measures.services` enforces it, so no channel can forget):

- The owner is never changed by an edit. Only a succession recorded by coordination (or an admin)
  moves a measure to another owner.
- Publication, archive, level and the list of organisations belong to the owning side: the owner
  itself or the ministry above it. An organisation that only implements a measure may change its
  content, never who owns it, who may edit it, whether the public sees it, or whether it exists.
- Content changes by an editor who is not the owning side wait for the owner's release
  (`needs_release`, `can_release_revision`; see ``isi.measures.revisions``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from isi.accounts.models import User
from isi.core.permissions import (
    EDITING_ROLES,
    SEES_EVERYTHING,
    can_record_succession,
    is_admin,
    staff_user,
)
from isi.measures.models import Measure, MeasureOrganisation, MeasureQuerySet
from isi.organisations.models import Organisation

IMPLEMENTING_ROLES = (MeasureOrganisation.Role.RESPONSIBLE, MeasureOrganisation.Role.IMPLEMENTING)

__all__ = [
    "EDITING_ROLES",
    "IMPLEMENTING_ROLES",
    "OWNER_FIELD",
    "OWNING_SIDE_FIELDS",
    "SEES_EVERYTHING",
    "WritePolicy",
    "can_archive_measure",
    "can_change_measure",
    "can_create_measure",
    "can_move_owner",
    "can_release_revision",
    "can_view_measure",
    "can_view_revision",
    "editable_measures_q",
    "forbidden_measure_fields",
    "is_owning_side",
    "locked_measure_fields",
    "measure_write_policy",
    "needs_release",
    "second_release_required",
    "visible_measures",
]


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


# Field names as in `isi.measures.snapshots.measure_snapshot` (what a change record compares).
OWNER_FIELD = "owner"
OWNING_SIDE_FIELDS = frozenset({"publication", "archived", "level", "organisations"})


def is_owning_side(user: Any, measure: Measure) -> bool:
    """The owner itself, a ministry above the owner, or an admin (not a mere implementer)."""
    staff = staff_user(user)
    if staff is None:
        return False
    if is_admin(staff):
        return True
    org = staff.organisation
    if org is None or staff.role not in EDITING_ROLES:
        return False
    owner = measure.owner
    if owner.pk == org.pk:
        return True
    if staff.role != User.Role.DESK_OFFICER:
        return False
    parent = owner.parent
    return parent is not None and (parent.pk == org.pk or parent.parent_id == org.pk)


def can_move_owner(user: Any) -> bool:
    """Owners change through a recorded succession: coordination and admins record those."""
    return can_record_succession(user)


def can_archive_measure(user: Any, measure: Measure) -> bool:
    """Archive, restore from the archive: the owning side only (implementing is not owning)."""
    return can_change_measure(user, measure) and is_owning_side(user, measure)


def locked_measure_fields(user: Any, measure: Measure | None) -> frozenset[str]:
    """The fields `user` may not change on `measure` (None: a new measure the user creates).

    Forms do not render these fields, uploads and the API refuse them, the service enforces them.
    """
    if measure is None:
        return frozenset()
    staff = staff_user(user)
    if staff is not None and is_admin(staff):
        return frozenset()
    if is_owning_side(user, measure):
        return frozenset({OWNER_FIELD})
    return frozenset({OWNER_FIELD, *OWNING_SIDE_FIELDS})


@dataclass(frozen=True)
class WritePolicy:
    """What one user may change on one measure, decided on the measure as it was before the write.

    `allowed` None means every field; otherwise only those fields (the empty set: none).
    """

    locked: frozenset[str] = frozenset()
    allowed: frozenset[str] | None = None

    def denied(self, changed: Iterable[str]) -> list[str]:
        changed = set(changed)
        refused = changed & self.locked
        if self.allowed is not None:
            refused |= changed - self.allowed
        return sorted(refused)


def measure_write_policy(user: Any, measure: Measure, *, succession: bool = False) -> WritePolicy:
    """The fields `user` may change on `measure`, for any write channel.

    `succession`: the write is a recorded succession, which moves the owner (and only that) when
    the user may record successions.
    """
    if succession:
        return WritePolicy(allowed=frozenset({OWNER_FIELD}) if can_move_owner(user) else frozenset())
    if not can_change_measure(user, measure):
        return WritePolicy(allowed=frozenset())
    return WritePolicy(locked=locked_measure_fields(user, measure))


def forbidden_measure_fields(
    user: Any, measure: Measure, changed: Iterable[str], *, succession: bool = False
) -> list[str]:
    """Which of the `changed` fields `user` may not change on `measure` (empty: all allowed)."""
    return measure_write_policy(user, measure, succession=succession).denied(changed)


def second_release_required(measure: Measure) -> bool:
    """Does the owning ministry ask for a second person's release of every change to this
    released measure (``Organisation.second_release`` on the owner or the ministry above it)?"""
    if measure.publication != Measure.Publication.RELEASED or measure.archived_at is not None:
        return False
    owner = measure.owner
    ressort = owner.ressort()
    return bool(owner.second_release or (ressort is not None and ressort.second_release))


def needs_release(user: Any, measure: Measure) -> bool:
    """Does a change `user` makes to `measure` wait for the owning side's release?

    Yes for an editor who is not the owning side (an agency that implements another's measure:
    the owning ministry has the last word, Art. 65 GG), and for everyone where the ministry asks
    for a second person's release of changes to its released measures. System writes (imports,
    no person) never wait.
    """
    if staff_user(user) is None:
        return False
    return not is_owning_side(user, measure) or second_release_required(measure)


def can_release_revision(user: Any, revision: Any) -> bool:
    """The owning side releases or rejects a pending revision – never the person who proposed it."""
    staff = staff_user(user)
    if staff is None or not revision.is_pending or revision.author_id == staff.pk:
        return False
    measure = revision.measure
    return can_change_measure(staff, measure) and is_owning_side(staff, measure)


def can_view_revision(user: Any, revision: Any) -> bool:
    """Its author, whoever may release it, and the roles that see everything."""
    staff = staff_user(user)
    if staff is None:
        return False
    if revision.author_id == staff.pk or is_admin(staff) or staff.role in SEES_EVERYTHING:
        return True
    return can_change_measure(staff, revision.measure) and is_owning_side(staff, revision.measure)
