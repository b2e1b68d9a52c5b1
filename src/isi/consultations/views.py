"""IMAG consultation pages: list, submit, detail/timeline, comment, edit comment, decision.

Thin views: predicates from ``isi.consultations.permissions``, writes via
``isi.consultations.services``; every refusal is logged (``log_denied``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from isi.consultations.forms import CommentForm, DecisionForm, SubmitForm
from isi.consultations.models import Consultation, ConsultationComment
from isi.consultations.permissions import (
    can_comment,
    can_decide,
    can_edit_comment,
    can_submit_consultation,
    can_view_consultations,
)
from isi.consultations.services import comment_add, comment_update, consultation_decide, consultation_submit
from isi.core.access import forbidden, require_access
from isi.core.drafts import keeps_drafts, load_draft
from isi.core.forms import apply_errors
from isi.core.parsing import parse_int
from isi.core.submit import announces_save, once_per_token
from isi.measures.models import Measure
from isi.measures.permissions import can_change_measure, can_view_measure, editable_measures_q

View = Callable[..., HttpResponse]


staff_required = require_access(can_view_consultations, "consultations")


def _editable_measures(user: Any) -> Any:
    condition = editable_measures_q(user)
    if condition is None:
        return Measure.objects.none()
    return (
        Measure.objects.filter(condition, archived_at__isnull=True).select_related("owner").order_by("title")
    )


@require_http_methods(["GET"])
@staff_required
def consultation_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    consultations = list(Consultation.objects.select_related("measure__owner", "submitted_by"))
    to_comment = [c for c in consultations if can_comment(request.user, c, today=today)]
    own = [
        c
        for c in consultations
        if c.submitted_by_id == request.user.pk or can_change_measure(request.user, c.measure)
    ]
    others = [c for c in consultations if c not in to_comment and c not in own]
    return render(
        request,
        "consultations/list.html",
        {
            "to_comment": to_comment,
            "own": own,
            "others": others,
            "today": today,
            "may_submit": _editable_measures(request.user).exists(),
        },
    )


@keeps_drafts
@announces_save
@once_per_token
@require_http_methods(["GET", "POST"])
@staff_required
def consultation_submit_view(request: HttpRequest) -> HttpResponse:
    measures = _editable_measures(request.user)
    if not measures.exists():
        return forbidden(request, "consultation:submit")
    initial: dict[str, Any] = {}
    if (measure_id := parse_int(request.GET.get("measure", ""))) is not None:
        initial["measure"] = measure_id
    data = request.POST if request.method == "POST" else load_draft(request)
    form = SubmitForm(data or None, measures=measures, initial=initial)
    if request.method == "POST" and form.is_valid():
        measure = form.cleaned_data["measure"]
        if not can_submit_consultation(request.user, measure):
            return forbidden(request, f"consultation:submit measure={measure.pk}")
        try:
            consultation = consultation_submit(
                measure=measure,
                actor=request.user,
                kind=form.cleaned_data["kind"],
                summary=form.cleaned_data["summary"],
                comment_until=form.cleaned_data["comment_until"],
            )
        except PermissionDenied:
            return forbidden(request, f"consultation:submit measure={measure.pk}")
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return HttpResponseRedirect(reverse("consultations:detail", args=[consultation.pk]))
    return render(request, "consultations/submit.html", {"form": form}, status=400 if form.errors else 200)


def _timeline(consultation: Consultation, comments: list[ConsultationComment]) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = [
        {"kind": "submitted", "at": consultation.submitted_at, "item": consultation}
    ]
    events += [{"kind": "comment", "at": c.created_at, "item": c} for c in comments]
    if consultation.decided_at is not None:
        events.append({"kind": "decision", "at": consultation.decided_at, "item": consultation})
    return events


def _get(pk: int) -> Consultation:
    return get_object_or_404(
        Consultation.objects.select_related("measure__owner", "submitted_by", "decided_by"), pk=pk
    )


@require_http_methods(["GET"])
@staff_required
def consultation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _get(pk)
    today = timezone.localdate()
    comments = list(consultation.comments.select_related("author", "organisation"))
    return render(
        request,
        "consultations/detail.html",
        {
            "consultation": consultation,
            "timeline": _timeline(consultation, comments),
            "state_label": consultation.current_state_label(today),
            "may_comment": can_comment(request.user, consultation, today=today),
            "may_decide": can_decide(request.user, consultation),
            "may_view_measure": can_view_measure(request.user, consultation.measure),
            "may_change_measure": can_change_measure(request.user, consultation.measure),
            "editable_comment_ids": {
                c.pk for c in comments if can_edit_comment(request.user, c, today=today)
            },
        },
    )


@keeps_drafts
@announces_save
@once_per_token
@require_http_methods(["GET", "POST"])
@staff_required
def comment_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _get(pk)
    if not can_comment(request.user, consultation, today=timezone.localdate()):
        return forbidden(request, f"consultation:comment id={pk}")
    return _comment_form(
        request,
        consultation,
        lambda text: comment_add(consultation=consultation, actor=request.user, text=text),
        denied=f"consultation:comment id={pk}",
    )


@announces_save
@require_http_methods(["GET", "POST"])
@staff_required
@keeps_drafts
def comment_edit_view(request: HttpRequest, pk: int, comment_id: int) -> HttpResponse:
    consultation = _get(pk)
    comment = get_object_or_404(ConsultationComment.objects.filter(consultation=consultation), pk=comment_id)
    if not can_edit_comment(request.user, comment, today=timezone.localdate()):
        return forbidden(request, f"consultation:comment-edit id={comment_id}")
    return _comment_form(
        request,
        consultation,
        lambda text: comment_update(comment=comment, actor=request.user, text=text),
        denied=f"consultation:comment-edit id={comment_id}",
        initial=comment.text,
    )


def _comment_form(
    request: HttpRequest,
    consultation: Consultation,
    save: Callable[[str], object],
    *,
    denied: str,
    initial: str | None = None,
) -> HttpResponse:
    """The comment form, new or edited: a saved comment leads back to the timeline."""
    data = request.POST if request.method == "POST" else load_draft(request)
    form = CommentForm(data or None, initial={"text": initial} if initial is not None else None)
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data["text"])
        except PermissionDenied:
            return forbidden(request, denied)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return HttpResponseRedirect(
                reverse("consultations:detail", args=[consultation.pk]) + "#zeitleiste"
            )
    return render(
        request,
        "consultations/comment_form.html",
        {"form": form, "consultation": consultation, "editing": initial is not None},
        status=400 if form.errors else 200,
    )


@announces_save
@require_http_methods(["GET", "POST"])
@staff_required
@keeps_drafts
def decision_view(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _get(pk)
    if not can_decide(request.user, consultation):
        return forbidden(request, f"consultation:decide id={pk}")
    data = request.POST if request.method == "POST" else load_draft(request)
    form = DecisionForm(data or None)
    if request.method == "POST" and form.is_valid():
        try:
            consultation_decide(
                consultation=consultation,
                actor=request.user,
                decision=form.cleaned_data["decision"],
                reasons=form.cleaned_data["decision_reasons"],
            )
        except PermissionDenied:
            return forbidden(request, f"consultation:decide id={pk}")
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return HttpResponseRedirect(reverse("consultations:detail", args=[pk]) + "#zeitleiste")
    return render(
        request,
        "consultations/decision_form.html",
        {"form": form, "consultation": consultation},
        status=400 if form.errors else 200,
    )
