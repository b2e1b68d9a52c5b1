"""Consolidation proposals: list, create (by hand or from a pair), detail, answer, withdraw."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from isi.coordination.forms import AnswerForm, ProposalForm, WithdrawForm
from isi.coordination.history import entries
from isi.coordination.models import ConsolidationProposal, OverlapCandidate
from isi.coordination.permissions import (
    answering_organisations,
    can_answer,
    can_propose,
    can_view_proposal,
    can_withdraw,
    visible_candidates,
    visible_proposals,
)
from isi.coordination.selectors import proposals_with_details
from isi.coordination.services import proposal_create, proposal_respond, proposal_withdraw
from isi.coordination.views.common import staff_required
from isi.core.access import forbidden
from isi.core.drafts import keeps_drafts, load_draft
from isi.core.forms import apply_errors
from isi.core.parsing import parse_int, parse_ints
from isi.core.submit import announces_save, once_per_token
from isi.measures.permissions import can_change_measure, visible_measures
from isi.measures.visibility import shared_label

SEARCH_LIMIT = 30


@require_GET
@staff_required
def proposal_list(request: HttpRequest) -> HttpResponse:
    proposals = list(proposals_with_details(visible_proposals(request.user)))
    open_ = [p for p in proposals if p.is_open]
    closed = [p for p in proposals if not p.is_open]
    return render(
        request,
        "coordination/proposal_list.html",
        {"open_proposals": open_, "closed_proposals": closed, "may_propose": can_propose(request.user)},
    )


def _search(user: Any, query: str) -> list[int]:
    query = query.strip()
    if not query:
        return []
    condition = Q(title__icontains=query)
    if (measure_id := parse_int(query)) is not None:
        condition |= Q(pk=measure_id)
    found = visible_measures(user).filter(condition, archived_at__isnull=True).order_by("title")
    return list(found.values_list("pk", flat=True)[:SEARCH_LIMIT])


def _selected_ids(request: HttpRequest) -> list[int]:
    source = request.POST if request.method == "POST" else request.GET
    return parse_ints(source.getlist("measures"))


@keeps_drafts
@once_per_token
@require_http_methods(["GET", "POST"])
@staff_required
def proposal_create_view(request: HttpRequest) -> HttpResponse:
    if not can_propose(request.user):
        return forbidden(request, "coordination:propose")
    # Input kept when the session ran out or the form went stale (isi.core.drafts): shown again.
    draft = load_draft(request) if request.method == "GET" else None
    candidate: OverlapCandidate | None = None
    raw_pair = (
        request.POST.get("candidate")
        or (draft.get("candidate", "") if draft is not None else "")
        or request.GET.get("paar", "")
    )
    if (pair_id := parse_int(raw_pair)) is not None:
        candidate = visible_candidates(request.user).filter(pk=pair_id).first()
    selected = parse_ints(draft.getlist("measures")) if draft is not None else _selected_ids(request)
    initial: dict[str, Any] = {}
    if request.method == "GET" and candidate is not None and draft is None:
        selected = [candidate.measure_a_id, candidate.measure_b_id]
        # The title goes to every owner (page and e-mail): a draft is named only neutrally, even if
        # this user may see it, so the proposal never carries a draft title to another ministry.
        initial = {
            "candidate": candidate.pk,
            "measures": selected,
            "title": _("Abstimmung: %(a)s / %(b)s")
            % {"a": shared_label(candidate.measure_a)[:130], "b": shared_label(candidate.measure_b)[:130]},
        }
    searching = request.method == "POST" and request.POST.get("action") == "search"
    found = _search(request.user, request.POST.get("q", "")) if searching else []
    choices = (
        visible_measures(request.user)
        .filter(pk__in=set(selected) | set(found))
        .select_related("owner")
        .order_by("title")
    )
    form = ProposalForm(request.POST or draft or None, choices=choices, initial=initial, user=request.user)
    if request.method == "POST" and not searching and form.is_valid():
        try:
            proposal = proposal_create(
                actor=request.user,
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"],
                reasons=form.cleaned_data["reasons"],
                measures=list(form.cleaned_data["measures"]),
                candidate=candidate,
            )
        except PermissionDenied:
            return forbidden(request, "coordination:propose")
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Der Vorschlag wurde den federführenden Ressorts vorgelegt."))
            return HttpResponseRedirect(reverse("coordination:proposal", args=[proposal.pk]))
    if searching:
        # Re-show the form with the search results; nothing is validated or saved yet.
        form = ProposalForm(request.POST, choices=choices, user=request.user)
        form.errors.clear()
    context = {
        "form": form,
        "candidate": candidate,
        "searching": searching,
        "found_count": len(found),
    }
    return render(request, "coordination/proposal_form.html", context, status=400 if form.errors else 200)


def _proposal(pk: int) -> ConsolidationProposal:
    return get_object_or_404(proposals_with_details(ConsolidationProposal.objects.all()), pk=pk)


def _detail(
    request: HttpRequest,
    proposal: ConsolidationProposal,
    *,
    answer_form: AnswerForm | None = None,
    status: int = 200,
) -> HttpResponse:
    organisations = answering_organisations(request.user, proposal)
    may_answer = proposal.is_open and bool(organisations)
    answers = {r.organisation_id: r for r in proposal.responses.all()}
    owners = []
    seen: set[int] = set()
    for item in proposal.items.all():
        if item.owner_id not in seen:
            seen.add(item.owner_id)
            owners.append({"organisation": item.owner, "response": answers.get(item.owner_id)})
    if may_answer and answer_form is None:
        current = answers.get(organisations[0].pk) if len(organisations) == 1 else None
        answer_form = AnswerForm(
            organisations=organisations,
            initial={"answer": current.answer, "reason": current.reason} if current else None,
        )
    items = list(proposal.items.all())
    seen = set(
        visible_measures(request.user)
        .filter(pk__in=[i.measure_id for i in items])
        .values_list("pk", flat=True)
    )
    context = {
        "proposal": proposal,
        "items": [
            {
                "item": item,
                "visible": item.measure_id in seen,
                "may_change": can_change_measure(request.user, item.measure),
            }
            for item in items
        ],
        "owners": owners,
        "answer_form": answer_form if may_answer else None,
        "withdraw_form": WithdrawForm(initial={"version": proposal.version})
        if can_withdraw(request.user, proposal)
        else None,
        "history": entries(proposal, *proposal.responses.all()),
    }
    return render(request, "coordination/proposal_detail.html", context, status=status)


@require_GET
@staff_required
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(pk)
    if not can_view_proposal(request.user, proposal):
        return forbidden(request, f"coordination:proposal id={pk}")
    return _detail(request, proposal)


@announces_save
@require_POST
@staff_required
def proposal_answer_view(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(pk)
    if not can_view_proposal(request.user, proposal) or not can_answer(request.user, proposal):
        if can_view_proposal(request.user, proposal) and not proposal.is_open:
            messages.info(request, _("Über diesen Vorschlag ist bereits entschieden."))
            return HttpResponseRedirect(reverse("coordination:proposal", args=[pk]))
        return forbidden(request, f"coordination:proposal-answer id={pk}")
    form = AnswerForm(request.POST, organisations=answering_organisations(request.user, proposal))
    if form.is_valid():
        try:
            proposal_respond(
                proposal=proposal,
                actor=request.user,
                organisation=form.cleaned_data["organisation"],
                answer=form.cleaned_data["answer"],
                reason=form.cleaned_data["reason"],
            )
        except PermissionDenied:
            return forbidden(request, f"coordination:proposal-answer id={pk}")
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Ihre Antwort wurde gespeichert."))
            return HttpResponseRedirect(reverse("coordination:proposal", args=[pk]))
    return _detail(request, _proposal(pk), answer_form=form, status=400)


@require_POST
@staff_required
def proposal_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(pk)
    if not can_view_proposal(request.user, proposal):
        return forbidden(request, f"coordination:proposal-withdraw id={pk}")
    form = WithdrawForm(request.POST)
    version = form.cleaned_data["version"] if form.is_valid() else None
    try:
        proposal_withdraw(proposal=proposal, actor=request.user, version=version)
    except PermissionDenied:
        return forbidden(request, f"coordination:proposal-withdraw id={pk}")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return HttpResponseRedirect(reverse("coordination:proposal", args=[pk]))
    messages.success(request, _("Der Vorschlag wurde zurückgezogen."))
    return HttpResponseRedirect(reverse("coordination:proposal", args=[pk]))
