"""Overview, overlap review list, pair detail and decision, computation runs with progress."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from isi.catalog.models import Area, TargetGroup
from isi.coordination import tasks
from isi.coordination.forms import DecisionForm
from isi.coordination.history import entries
from isi.coordination.models import OverlapCandidate, OverlapRun
from isi.coordination.permissions import (
    can_decide_candidate,
    can_propose,
    can_start_run,
    can_view_overlaps,
    visible_candidates,
    visible_proposals,
)
from isi.coordination.selectors import CandidateFilter, open_proposals, review_list, with_measures
from isi.coordination.services import (
    MAX_BULK_PAIRS,
    candidate_decide,
    candidates_decide,
    run_create,
    running_run,
)
from isi.coordination.views.common import is_htmx, safe_next, staff_required
from isi.core.access import forbidden
from isi.core.forms import apply_errors
from isi.core.parsing import parse_int, parse_ints
from isi.measures.permissions import can_view_measure, visible_measures
from isi.measures.visibility import measure_label
from isi.organisations.models import Organisation

PAGE_SIZE = 25
# The role="status" region of every staff page (workspace/base.html).
STATUS_REGION = "status-messages"
MINISTRY_KINDS = (Organisation.Kind.FEDERAL_MINISTRY, Organisation.Kind.FEDERAL_COMMISSIONER)


@require_GET
@staff_required
def overview(request: HttpRequest) -> HttpResponse:
    user = request.user
    organisation = getattr(user, "organisation", None)
    ressort = organisation.ressort() if organisation is not None else None
    mine = visible_proposals(user, open_proposals(ressort or organisation)) if organisation else None
    context = {
        "may_view_overlaps": can_view_overlaps(user),
        "open_pairs": visible_candidates(user).filter(decision=OverlapCandidate.Decision.OPEN).count(),
        "confirmed_pairs": visible_candidates(user)
        .filter(decision=OverlapCandidate.Decision.OVERLAP)
        .count(),
        "running": running_run(),
        "last_run": OverlapRun.objects.filter(state=OverlapRun.State.DONE).first(),
        "may_start_run": can_start_run(user),
        "may_propose": can_propose(user),
        "my_proposals": list(mine[:10]) if mine is not None else [],
        "open_proposal_count": visible_proposals(user, open_proposals()).count(),
        "organisation": ressort or organisation,
    }
    return render(request, "coordination/overview.html", context)


def _ministries() -> list[Organisation]:
    return list(
        Organisation.objects.filter(kind__in=MINISTRY_KINDS, dissolved_on__isnull=True).order_by("name")
    )


def _with_page(base: str, number: int) -> str:
    return f"{base}&seite={number}" if base else f"seite={number}"


@require_GET
@staff_required
def candidate_list(request: HttpRequest) -> HttpResponse:
    if not can_view_overlaps(request.user):
        return forbidden(request, "coordination:overlaps")
    context = _list_context(request, request.GET, request.get_full_path())
    return render(request, "coordination/candidate_list.html", context)


def _list_context(request: HttpRequest, params: QueryDict, here: str) -> dict[str, Any]:
    """The review list for the filters and page in ``params`` (the page's own query string)."""
    flt = CandidateFilter.from_params(params)
    paginator = Paginator(review_list(visible_candidates(request.user), flt), PAGE_SIZE)
    raw_page = params.get("seite", "1")
    page = paginator.get_page(parse_int(raw_page) or 1)
    base = flt.querystring()
    candidates = list(page.object_list)
    ids = {i for c in candidates for i in (c.measure_a_id, c.measure_b_id)}
    # Drafts of other ministries stay hidden: their title is shown only to those who may see them.
    seen = set(visible_measures(request.user).filter(pk__in=ids).values_list("pk", flat=True))
    rows = [
        {"c": c, "a_visible": c.measure_a_id in seen, "b_visible": c.measure_b_id in seen} for c in candidates
    ]
    context = {
        "rows": rows,
        "filter": flt,
        "page": page,
        "count": paginator.count,
        "base_query": base,
        "here": here,
        "prev_query": _with_page(base, page.previous_page_number()) if page.has_previous() else None,
        "next_query": _with_page(base, page.next_page_number()) if page.has_next() else None,
        "ministries": _ministries(),
        "areas": Area.objects.order_by("position", "name"),
        "target_groups": TargetGroup.objects.order_by("position", "name"),
        "decisions": OverlapCandidate.Decision.choices,
        "may_decide": can_decide_candidate(request.user),
        "may_propose": can_propose(request.user),
        "may_start_run": can_start_run(request.user),
        "running": running_run(),
    }
    return context


def _region(request: HttpRequest, bulk: dict[str, Any]) -> HttpResponse:
    """htmx answer: the list where it stands (same filters and page) and the announced result."""
    here = safe_next(request, reverse("coordination:candidates"))
    context = _list_context(request, QueryDict(urlsplit(here).query), here)
    context["bulk"] = bulk
    region = render_to_string("coordination/_pair_region.html", context, request=request)
    status = render_to_string("coordination/_bulk_status.html", context, request=request)
    # The page's one status region (workspace/base.html) stays in place, so screen readers
    # announce the new content; only its content is swapped, out of band.
    return HttpResponse(f'{region}<div id="{STATUS_REGION}" hx-swap-oob="innerHTML">{status}</div>')


def _pair_names(count: int) -> str:
    return ngettext("%(n)s Paar", "%(n)s Paare", count) % {"n": count}


@require_POST
@staff_required
def candidates_decide_view(request: HttpRequest) -> HttpResponse:
    """Rate the selected pairs at once (htmx: the list updates in place; else back to the list)."""
    if not can_decide_candidate(request.user):
        return forbidden(request, "coordination:decide-bulk")
    chosen = parse_ints(request.POST.getlist("pair"))[: MAX_BULK_PAIRS + 1]
    ids = sorted(set(visible_candidates(request.user).filter(pk__in=chosen).values_list("pk", flat=True)))
    versions = {pk: parse_int(request.POST.get(f"version-{pk}", "")) for pk in ids}
    decision = request.POST.get("decision", "")
    bulk: dict[str, Any]
    try:
        result = candidates_decide(
            versions=versions, actor=request.user, decision=decision, note=request.POST.get("note", "")
        )
    except PermissionDenied:
        return forbidden(request, "coordination:decide-bulk")
    except ValidationError as error:
        bulk = {"level": "error", "message": " ".join(error.messages), "stale": []}
    else:
        label = dict(OverlapCandidate.Decision.choices).get(decision, decision)
        message = _("%(pairs)s bewertet: %(decision)s.") % {
            "pairs": _pair_names(len(result.decided)),
            "decision": label,
        }
        bulk = {"level": "success", "message": message, "stale": result.stale}
    if is_htmx(request):
        return _region(request, bulk)
    if bulk["level"] == "error":
        messages.error(request, bulk["message"])
    else:
        messages.success(request, bulk["message"])
        if bulk["stale"]:
            messages.warning(
                request,
                _("Inzwischen von jemand anderem bewertet und deshalb unverändert: %(pairs)s")
                % {"pairs": ", ".join(_("Paar %(id)s") % {"id": c.pk} for c in bulk["stale"])},
            )
    return HttpResponseRedirect(safe_next(request, reverse("coordination:candidates")) + f"#{STATUS_REGION}")


def _candidate(request: HttpRequest, pk: int) -> OverlapCandidate | None:
    candidate = get_object_or_404(with_measures(OverlapCandidate.objects.all()), pk=pk)
    if not visible_candidates(request.user).filter(pk=pk).exists():
        return None
    return candidate


def _detail(
    request: HttpRequest, candidate: OverlapCandidate, form: DecisionForm, status: int = 200
) -> HttpResponse:
    context = {
        "candidate": candidate,
        "form": form,
        "may_decide": can_decide_candidate(request.user),
        "may_propose": can_propose(request.user),
        "a_visible": can_view_measure(request.user, candidate.measure_a),
        "b_visible": can_view_measure(request.user, candidate.measure_b),
        "history": entries(candidate),
        "next": safe_next(request, reverse("coordination:candidates")),
    }
    return render(request, "coordination/candidate_detail.html", context, status=status)


@require_GET
@staff_required
def candidate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = _candidate(request, pk)
    if candidate is None:
        return forbidden(request, f"coordination:pair id={pk}")
    form = DecisionForm(
        initial={"decision": candidate.decision, "note": candidate.note, "version": candidate.version}
    )
    return _detail(request, candidate, form)


@require_POST
@staff_required
def candidate_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = _candidate(request, pk)
    if candidate is None or not can_decide_candidate(request.user):
        return forbidden(request, f"coordination:decide id={pk}")
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            decided = candidate_decide(
                candidate=candidate,
                actor=request.user,
                decision=form.cleaned_data["decision"],
                note=form.cleaned_data["note"],
                version=form.cleaned_data["version"],
            )
        except PermissionDenied:
            return forbidden(request, f"coordination:decide id={pk}")
        except ValidationError as error:
            apply_errors(form, error)
            candidate.refresh_from_db()
            if is_htmx(request):
                message = " ".join(str(m) for m in form.errors.get("version", form.non_field_errors()))
                return _region(
                    request, {"level": "error", "message": message or error.messages[0], "stale": []}
                )
        else:
            saved = _("Bewertung gespeichert: %(a)s ↔ %(b)s – %(decision)s") % {
                "a": measure_label(request.user, decided.measure_a),
                "b": measure_label(request.user, decided.measure_b),
                "decision": decided.get_decision_display(),
            }
            if is_htmx(request):
                return _region(request, {"level": "success", "message": saved, "stale": []})
            messages.success(request, saved)
            return HttpResponseRedirect(safe_next(request, reverse("coordination:candidates")))
    return _detail(request, candidate, form, status=409 if form.non_field_errors() else 400)


@require_POST
@staff_required
def run_start(request: HttpRequest) -> HttpResponse:
    if not can_start_run(request.user):
        return forbidden(request, "coordination:run-start")
    try:
        run = run_create(actor=request.user)
    except PermissionDenied:
        return forbidden(request, "coordination:run-start")
    except ValidationError:
        current = running_run()
        messages.info(request, _("Es läuft bereits eine Überschneidungsprüfung."))
        if current is not None:
            return HttpResponseRedirect(reverse("coordination:run", args=[current.pk]))
        return HttpResponseRedirect(reverse("coordination:candidates"))
    tasks.compute_overlaps.enqueue(run.pk)
    return HttpResponseRedirect(reverse("coordination:run", args=[run.pk]))


@require_GET
@staff_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_view_overlaps(request.user):
        return forbidden(request, f"coordination:run id={pk}")
    run = get_object_or_404(OverlapRun.objects.select_related("started_by"), pk=pk)
    context = {"run": run}
    if is_htmx(request) and run.is_running:
        return render(request, "coordination/_progress.html", context)
    if is_htmx(request):
        # Finished: let htmx load the whole page with the result.
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "coordination/run.html", context)
