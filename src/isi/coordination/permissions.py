"""Who may do what in overlap review and consolidation proposals, built on ``isi.core.permissions``.

- Overlap pairs: coordination, internal readers and admins see all pairs; a ministry, agency or
  Land/Kommune sees the pairs that involve a measure it may change (read-only). Only coordination
  and admins mark pairs and start a computation run.
- Proposals: every ministry, agency and coordination member with an organisation proposes, for
  any measures they can see. A proposal is visible to the proposer's organisation, the owners of
  the measures in it, coordination and admins; others are refused. Owners answer for their own
  measures; the proposer withdraws while it is open. Nothing here changes a measure (rule 9).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from isi.accounts.models import User
from isi.coordination.models import ConsolidationProposal, OverlapCandidate
from isi.core.permissions import is_admin, staff_user
from isi.measures.models import Measure
from isi.measures.permissions import editable_measures_q
from isi.organisations.models import Organisation

SEES_ALL_PAIRS = {User.Role.COORDINATION, User.Role.READER, User.Role.ADMIN}
PROPOSING_ROLES = {User.Role.DESK_OFFICER, User.Role.AGENCY, User.Role.COORDINATION}
ANSWERING_ROLES = {User.Role.DESK_OFFICER, User.Role.AGENCY, User.Role.REGIONAL_EDITOR}


def _editable_ids(user: User) -> QuerySet[Measure, Any] | None:
    condition = editable_measures_q(user)
    if condition is None:
        return None
    return Measure.objects.filter(condition).values("pk")


def is_coordination(user: Any) -> bool:
    staff = staff_user(user)
    return staff is not None and (is_admin(staff) or staff.role == User.Role.COORDINATION)


# --- overlap pairs -----------------------------------------------------------------------------


def visible_candidates(
    user: Any, queryset: QuerySet[OverlapCandidate] | None = None
) -> QuerySet[OverlapCandidate]:
    base = queryset if queryset is not None else OverlapCandidate.objects.all()
    staff = staff_user(user)
    if staff is None:
        return base.none()
    if is_admin(staff) or staff.role in SEES_ALL_PAIRS:
        return base
    editable = _editable_ids(staff)
    if editable is None:
        return base.none()
    return base.filter(Q(measure_a__in=editable) | Q(measure_b__in=editable))


def can_view_overlaps(user: Any) -> bool:
    """May open the review list at all (it may be empty for them)."""
    staff = staff_user(user)
    if staff is None:
        return False
    return is_admin(staff) or staff.role in SEES_ALL_PAIRS or editable_measures_q(staff) is not None


def can_view_candidate(user: Any, candidate: OverlapCandidate) -> bool:
    return visible_candidates(user).filter(pk=candidate.pk).exists()


def can_decide_candidate(user: Any) -> bool:
    return is_coordination(user)


def can_start_run(user: Any) -> bool:
    return is_coordination(user)


# --- proposals ---------------------------------------------------------------------------------


def can_propose(user: Any) -> bool:
    staff = staff_user(user)
    return staff is not None and staff.role in PROPOSING_ROLES and staff.organisation is not None


def visible_proposals(
    user: Any, queryset: QuerySet[ConsolidationProposal] | None = None
) -> QuerySet[ConsolidationProposal]:
    base = queryset if queryset is not None else ConsolidationProposal.objects.all()
    staff = staff_user(user)
    if staff is None:
        return base.none()
    if is_admin(staff) or staff.role == User.Role.COORDINATION:
        return base
    condition = Q(proposer=staff)
    if staff.organisation is not None:
        condition |= Q(proposer_organisation=staff.organisation)
    editable = _editable_ids(staff)
    if editable is not None:
        condition |= Q(items__measure__in=editable)
    return base.filter(pk__in=ConsolidationProposal.objects.filter(condition).values("pk"))


def can_view_proposal(user: Any, proposal: ConsolidationProposal) -> bool:
    return visible_proposals(user).filter(pk=proposal.pk).exists()


def answering_organisations(user: Any, proposal: ConsolidationProposal) -> list[Organisation]:
    """The owners (as recorded in the proposal) this user may answer for: those of whose measures
    in the proposal the user may change. Admins and coordination do not answer for ministries."""
    staff = staff_user(user)
    if staff is None or staff.role not in ANSWERING_ROLES or is_admin(staff):
        return []
    editable = _editable_ids(staff)
    if editable is None:
        return []
    owner_ids = proposal.items.filter(measure__in=editable).values("owner_id")
    return list(Organisation.objects.filter(pk__in=owner_ids).order_by("name"))


def can_answer(user: Any, proposal: ConsolidationProposal) -> bool:
    return proposal.is_open and bool(answering_organisations(user, proposal))


def can_withdraw(user: Any, proposal: ConsolidationProposal) -> bool:
    staff = staff_user(user)
    if staff is None or not proposal.is_open:
        return False
    if staff.pk == proposal.proposer_id:
        return True
    # A colleague of the proposing ministry may withdraw it too (people change desks).
    return (
        staff.role in PROPOSING_ROLES
        and proposal.proposer_organisation_id is not None
        and staff.organisation_id == proposal.proposer_organisation_id
    )
