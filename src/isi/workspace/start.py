"""A desk officer's start page after sign-in: what waits for them.

My measures needing attention (blocking rule errors, review older than six months), changes
awaiting my release, my tasks in the current round, proposals and consultations waiting for my
answer, and my saved filters of the staff list. Each block links to the page where the work is
done; this page only reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from isi.consultations.models import Consultation
from isi.consultations.permissions import can_comment, can_decide
from isi.coordination.models import ConsolidationProposal
from isi.coordination.permissions import answering_organisations, visible_proposals
from isi.measures.facts import facts_from_measure
from isi.measures.models import Measure, PendingRevision
from isi.measures.permissions import editable_measures_q
from isi.measures.rules import Violation, check_measure, review_due
from isi.measures.selectors import measures_with_details
from isi.rounds.models import RoundItem
from isi.rounds.selectors import current_round, todo_items
from isi.workspace.listing import saved_filters
from isi.workspace.permissions import can_use_workspace

# More than this many measures needing attention: the first ones are listed, the rest counted.
SHOWN = 20


@dataclass(frozen=True)
class Attention:
    measure: Measure
    errors: list[Violation]
    review_due: bool


def my_measures(user: Any) -> Any:
    """The measures this user may change (their ministry's, their agency's), not archived."""
    condition = editable_measures_q(user)
    if condition is None:
        return Measure.objects.none()
    return Measure.objects.filter(condition, archived_at__isnull=True)


def needing_attention(user: Any) -> list[Attention]:
    today = timezone.localdate()
    found: list[Attention] = []
    for measure in measures_with_details(my_measures(user)).order_by("title", "pk"):
        errors = [v for v in check_measure(facts_from_measure(measure), today=today) if v.is_error]
        due = review_due(measure.last_reviewed_at, today)
        if errors or due:
            found.append(Attention(measure=measure, errors=errors, review_due=due))
    return found


def pending_releases(user: Any) -> list[PendingRevision]:
    """Changes proposed by others (an implementing agency …) that wait for this user's release."""
    return list(PendingRevision.objects.awaiting(user)[:SHOWN])


def round_tasks(user: Any) -> dict[str, Any] | None:
    round = current_round()
    if round is None:
        return None
    items = todo_items(round, user)
    pending = items.filter(status=RoundItem.Status.PENDING)
    return {"round": round, "pending_count": pending.count(), "pending": list(pending[:SHOWN])}


def proposals_waiting(user: Any) -> list[ConsolidationProposal]:
    waiting = []
    proposals = visible_proposals(user).filter(status=ConsolidationProposal.Status.OPEN)
    for proposal in proposals.prefetch_related("responses").order_by("-pk")[:200]:
        mine = answering_organisations(user, proposal)
        answered = {r.organisation_id for r in proposal.responses.all()}
        if any(org.pk not in answered for org in mine):
            waiting.append(proposal)
    return waiting


def consultations_waiting(user: Any) -> dict[str, list[Consultation]]:
    today = timezone.localdate()
    open_ones = Consultation.objects.exclude(state=Consultation.State.DECIDED)
    open_ones = open_ones.select_related("measure__owner")
    to_comment: list[Consultation] = []
    to_decide: list[Consultation] = []
    for consultation in open_ones.prefetch_related("comments").order_by("comment_until", "pk")[:500]:
        if can_comment(user, consultation, today=today):
            if not any(c.author_id == user.pk for c in consultation.comments.all()):
                to_comment.append(consultation)
            continue
        closed = consultation.current_state(today) == Consultation.State.CLOSED
        if closed and can_decide(user, consultation):
            to_decide.append(consultation)
    return {"to_comment": to_comment, "to_decide": to_decide}


@require_GET
def start_page(request: HttpRequest) -> HttpResponse:
    """Where staff land after signing in (LOGIN_REDIRECT_URL); anyone else goes to the home page."""
    if not request.user.is_authenticated:
        return HttpResponseRedirect(reverse("accounts:login"))
    if not can_use_workspace(request.user):
        return HttpResponseRedirect(reverse("portal:home"))
    attention = needing_attention(request.user)
    context = {
        "attention": attention[:SHOWN],
        "attention_count": len(attention),
        "error_count": sum(1 for a in attention if a.errors),
        "review_count": sum(1 for a in attention if a.review_due),
        "releases": pending_releases(request.user),
        "round_tasks": round_tasks(request.user),
        "proposals": proposals_waiting(request.user),
        "consultations": consultations_waiting(request.user),
        "saved_filters": saved_filters(request.user),
    }
    return render(request, "workspace/start.html", context)
