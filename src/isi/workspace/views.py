"""The ministries' work tool: measure list, detail, create/edit, history, restore, archive.

Thin views: who may do what is asked of ``isi.workspace.permissions`` (built on
``isi.core.permissions``), writes go through ``isi.measures.services``, rules through
``isi.measures.rules``. Every refusal is logged (``log_denied``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from isi.catalog.models import Area, Phase, TargetGroup, Theme
from isi.coordination.check import CLOSE_MATCH_THRESHOLD, SimilarMeasure, similar_measures
from isi.coordination.similar import IndexNotReady, ensure_index
from isi.core.access import forbidden, require_access
from isi.core.audit import log_denied
from isi.core.changes import history_of
from isi.core.drafts import keeps_drafts, load_draft
from isi.core.models import ChangeRecord
from isi.core.parsing import parse_int, parse_ints
from isi.core.submit import announces_save, once_per_token
from isi.measures.facts import facts_from_measure
from isi.measures.history import diff_snapshots, measure_namer, model_labels, snapshot_to_changes
from isi.measures.judgement import judge_change
from isi.measures.models import Measure, PendingRevision
from isi.measures.revisions import revisions_of
from isi.measures.rules import check_measure, review_due
from isi.measures.selectors import measures_with_details
from isi.measures.services import (
    ChangeNotPermitted,
    RulesBroken,
    StaleVersion,
    measure_archive,
    measure_change,
    measure_create,
    measure_unarchive,
)
from isi.organisations.models import Organisation
from isi.workspace import listing
from isi.workspace.filters import EXTRA_FILTERS, SORTS
from isi.workspace.forms import MeasureForm, SimilarCheckForm
from isi.workspace.permissions import (
    can_archive_measure,
    can_change_measure,
    can_create_measure,
    can_use_workspace,
    locked_measure_fields,
    ownable_organisations,
    visible_measures,
)

PAGE_SIZE = 25
MULTI_VALUE_FIELDS = ("areas", "target_groups", "funding_programmes")
SOURCE = "arbeitsbereich"
SORT_LABELS = {
    "nap_i": "Aktionsplan-Reihenfolge",
    "title": "Titel (A–Z)",
    "-updated": "zuletzt geändert",
    "reviewed": "am längsten nicht geprüft",
    "owner": "Ressort",
}

View = Callable[..., HttpResponse]


def _forbidden(request: HttpRequest, what: str) -> HttpResponse:
    return forbidden(request, what)


staff_required = require_access(can_use_workspace, "workspace")


def _visible_measure(request: HttpRequest, pk: int) -> Measure:
    """The measure if the user may see it; 404 otherwise (its existence is not revealed)."""
    measure = measures_with_details(visible_measures(request.user)).filter(pk=pk).first()
    if measure is None:
        if Measure.objects.filter(pk=pk).exists():
            log_denied(request, f"measure#{pk} view")
        raise Http404
    return measure


def _htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


# --- list -------------------------------------------------------------------------------------


@staff_required
def measure_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    staff_filter, options, qs = listing.selection(request)
    raw_page = request.GET.get("seite", "1")
    paginator = Paginator(measures_with_details(qs), options.page_size)
    page = paginator.get_page(parse_int(raw_page) or 1)
    rows = [{"measure": m, "needs_review": review_due(m.last_reviewed_at, today)} for m in page.object_list]
    base = listing.list_query(staff_filter, options)
    context = {
        "options": options,
        "columns": options.columns,
        "page_sizes": listing.PAGE_SIZES,
        "saved_filters": listing.saved_filters(request.user),
        "filter": staff_filter,
        "page": page,
        "rows": rows,
        "count": paginator.count,
        "base_query": base,
        "prev_query": _with_page(base, page.previous_page_number()) if page.has_previous() else None,
        "next_query": _with_page(base, page.next_page_number()) if page.has_next() else None,
        "owners": Organisation.objects.filter(
            pk__in=visible_measures(request.user).values("owner_id")
        ).order_by("name"),
        "areas": Area.objects.order_by("position", "name"),
        "target_groups": TargetGroup.objects.order_by("position", "name"),
        "statuses": Measure.Status.choices,
        "phases": Phase.objects.order_by("number"),
        "themes": Theme.objects.select_related("phase").order_by("phase__number", "position"),
        "publications": Measure.Publication.choices,
        "sorts": [(key, SORT_LABELS[key]) for key in SORTS],
        "extra_filters": [
            {
                "param": f.param,
                "label": f.label,
                "choices": f.choices(),
                "value": staff_filter.extra.get(f.param, ""),
            }
            for f in EXTRA_FILTERS
        ],
        "may_create": can_create_measure(request.user),
    }
    template = "workspace/_list_area.html" if _htmx(request) else "workspace/measure_list.html"
    response = render(request, template, context)
    response["Vary"] = "HX-Request"
    return response


def _with_page(base: str, number: int) -> str:
    return f"{base}&seite={number}" if base else f"seite={number}"


# --- detail and history -----------------------------------------------------------------------


def _history_entries(records: Any) -> list[dict[str, Any]]:
    labels = model_labels(Measure)
    namer = measure_namer()
    return [
        {
            "record": record,
            "changes": diff_snapshots(record.before, record.after, labels=labels, namer=namer),
        }
        for record in records
    ]


@staff_required
def measure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    measure = _visible_measure(request, pk)
    today = timezone.localdate()
    violations = check_measure(facts_from_measure(measure), today=today)
    may_change = can_change_measure(request.user, measure)
    context = {
        "measure": measure,
        "evaluation": getattr(measure, "evaluation", None),
        "needs_review": review_due(measure.last_reviewed_at, today),
        "violations": violations,
        "relations_out": measure.relations_out.select_related("target"),
        "relations_in": measure.relations_in.select_related("source"),
        "history": _history_entries(history_of(measure).select_related("actor")),
        "may_change": may_change,
        "may_archive": can_archive_measure(request.user, measure),
        "labels": model_labels(Measure),
        # Proposals waiting for the owner's release (the owning side sees all, others their own).
        "pending_revisions": list(
            revisions_of(request.user, measure).filter(state=PendingRevision.State.PENDING)
        ),
    }
    return render(request, "workspace/measure_detail.html", context)


@staff_required
def measure_history(request: HttpRequest, pk: int) -> HttpResponse:
    measure = _visible_measure(request, pk)
    context = {
        "measure": measure,
        "history": _history_entries(history_of(measure).select_related("actor")),
        "may_change": can_change_measure(request.user, measure),
    }
    return render(request, "workspace/measure_history.html", context)


CATALOGUE_TYPES = {
    "catalog.area",
    "catalog.basicoffer",
    "catalog.component",
    "catalog.targetgroup",
    "catalog.level",
    "catalog.fundingprogramme",
    "catalog.phase",
    "catalog.theme",
    "organisations.organisation",
}


@staff_required
def object_history(request: HttpRequest, object_type: str, object_id: int) -> HttpResponse:
    """History of a catalogue entry or organisation (generic by object_type), read-only."""
    if object_type not in CATALOGUE_TYPES:
        raise Http404
    records = ChangeRecord.objects.filter(object_type=object_type, object_id=object_id).select_related(
        "actor"
    )
    if not records.exists():
        raise Http404
    from django.apps import apps

    labels = model_labels(apps.get_model(object_type))
    entries = [{"record": r, "changes": diff_snapshots(r.before, r.after, labels=labels)} for r in records]
    context = {"object_repr": records[0].object_repr, "history": entries}
    return render(request, "workspace/object_history.html", context)


# --- create and edit --------------------------------------------------------------------------


def _int_or_none(raw: str) -> int | None:
    return parse_int(raw, max_digits=11)


def _ints(raws: list[str]) -> list[int]:
    return parse_ints(raws, max_digits=11)


def _similar_for(request: HttpRequest, title: str, summary: str, **kwargs: Any) -> list[SimilarMeasure]:
    """The similar measures; ``IndexNotReady`` while this process's first long index build runs."""
    ensure_index(wait=False)
    return similar_measures(title=title, summary=summary, user=request.user, **kwargs)


def _preparing_text(seconds: int) -> str:
    return _(
        "Die Ähnlichkeitsprüfung wird vorbereitet …, bitte in etwa %(seconds)s Sekunden erneut versuchen."
    ) % {"seconds": seconds}


@keeps_drafts
@announces_save
@once_per_token
@staff_required
@require_http_methods(["GET", "POST"])
def measure_create_view(request: HttpRequest) -> HttpResponse:
    if not can_create_measure(request.user):
        return _forbidden(request, "measure create")
    owners = ownable_organisations(request.user)
    similar: list[SimilarMeasure] = []
    preparing: int | None = None  # seconds until the similarity check is ready (first long build)
    if request.method == "POST":
        # The whole draft counts: shared target groups, areas and component are reasons too.
        try:
            similar = _similar_for(
                request,
                request.POST.get("title", ""),
                request.POST.get("summary", ""),
                goals=request.POST.get("goals", ""),
                owner_id=_int_or_none(request.POST.get("owner", "")),
                area_ids=_ints(request.POST.getlist("areas")),
                target_group_ids=_ints(request.POST.getlist("target_groups")),
                component_id=_int_or_none(request.POST.get("component", "")),
                level_id=_int_or_none(request.POST.get("level", "")),
            )
        except IndexNotReady as exc:
            preparing = exc.retry_after
        close = tuple(s.id for s in similar if s.is_close)
        if request.POST.get("action") == "similar":
            # "Ähnliche Maßnahmen prüfen" without JavaScript: show the matches, keep the input,
            # judge nothing yet.
            kept: dict[str, Any] = {
                key: request.POST.getlist(key) if key in MULTI_VALUE_FIELDS else value
                for key, value in request.POST.items()
                if key not in ("csrfmiddlewaretoken", "action")
            }
            form = MeasureForm(initial=kept, owners=owners, is_new=True)
        else:
            form = MeasureForm(request.POST, owners=owners, similar_ids=close, is_new=True)
            if preparing is not None:
                # Rule 3 needs the check's answer: nothing is saved without it, the input stays.
                form.add_error(
                    None,
                    f"{_preparing_text(preparing)} "
                    + _("Gespeichert wird erst nach der Prüfung auf ähnliche Maßnahmen (Regel 3)."),
                )
        if form.is_bound and form.is_valid():
            owner = form.cleaned_data["owner"]
            if not can_create_measure(request.user, owner):
                return _forbidden(request, f"measure create owner={owner.pk}")
            try:
                measure = measure_create(
                    fields=form.changes(), actor=request.user, source=SOURCE, similar_measure_ids=close
                )
            except RulesBroken as exc:
                form.add_rule_violations(exc.violations)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return HttpResponseRedirect(reverse("workspace:measure_detail", args=[measure.pk]))
    elif (draft := load_draft(request)) is not None:
        # Input kept when the session ran out or the form had gone stale: shown, never saved.
        form = MeasureForm(draft, owners=owners, is_new=True)
    else:
        initial: dict[str, Any] = {}
        if owners.count() == 1:
            initial["owner"] = owners.first()
        form = MeasureForm(initial=initial, owners=owners, is_new=True)
    context = {
        "form": form,
        "measure": None,
        "similar": similar,
        "threshold": CLOSE_MATCH_THRESHOLD,
        "checked": request.method == "POST" and preparing is None,
        "preparing": preparing,
        "poll": True,  # with JavaScript the check asks again once the index should be ready
    }
    return render(request, "workspace/measure_form.html", context, status=200)


def _draft_owner_id(request: HttpRequest) -> int | None:
    """The owner chosen in the draft, else the one ministry the user can create measures for."""
    owners = ownable_organisations(request.user)
    chosen = _int_or_none(request.GET.get("owner", ""))
    if chosen is not None and owners.filter(pk=chosen).exists():
        return chosen
    organisation = getattr(request.user, "organisation", None)
    ressort = organisation.ressort() if organisation is not None else None
    if ressort is not None and owners.filter(pk=ressort.pk).exists():
        return int(ressort.pk)
    only = list(owners.values_list("pk", flat=True)[:2])
    return only[0] if len(only) == 1 else None


@staff_required
@require_http_methods(["GET"])
def similar_check(request: HttpRequest) -> HttpResponse:
    """The check-before-create fragment (htmx) or page (no JS): similar measures to title + summary."""
    if not can_create_measure(request.user):
        return _forbidden(request, "similar check")
    check = SimilarCheckForm(request.GET)
    title = summary = ""
    if check.is_valid():
        title = check.cleaned_data["title"]
        summary = check.cleaned_data["summary"]
    similar: list[SimilarMeasure] = []
    preparing: int | None = None  # seconds until the similarity check is ready (first long build)
    if title or summary:
        try:
            similar = _similar_for(
                request,
                title,
                summary,
                goals=check.cleaned_data.get("goals", "") if check.is_valid() else "",
                area_ids=_ints(request.GET.getlist("areas")),
                target_group_ids=_ints(request.GET.getlist("target_groups")),
                # The draft's ministry: its own similar measures are flagged as possible double entries.
                owner_id=_draft_owner_id(request),
            )
        except IndexNotReady as exc:
            preparing = exc.retry_after
    context = {
        "similar": similar,
        "threshold": CLOSE_MATCH_THRESHOLD,
        "checked": bool(title or summary) and preparing is None,
        "preparing": preparing,
        "poll": _htmx(request),  # the fragment asks again once the index should be ready
    }
    template = "workspace/_similar.html" if _htmx(request) else "workspace/similar_page.html"
    return render(request, template, context)


def _their_changes(exc: StaleVersion) -> list[dict[str, Any]]:
    labels = model_labels(Measure)
    namer = measure_namer()
    return [
        {"record": record, "changes": diff_snapshots(record.before, record.after, labels=labels, namer=namer)}
        for record in reversed(exc.their_changes)
    ]


@keeps_drafts
@announces_save
@staff_required
@require_http_methods(["GET", "POST"])
def measure_edit(request: HttpRequest, pk: int) -> HttpResponse:
    measure = _visible_measure(request, pk)
    if not can_change_measure(request.user, measure):
        return _forbidden(request, f"measure#{pk} change")
    # The owner is never changed here (a succession moves measures); an implementer does not
    # see the owning side's fields at all (isi.core.permissions.locked_measure_fields).
    locked = locked_measure_fields(request.user, measure)
    owners = Organisation.objects.filter(pk=measure.owner_id)
    conflict: list[dict[str, Any]] | None = None
    if request.method == "POST":
        form = MeasureForm(request.POST, instance=measure, owners=owners, locked=locked)
        if form.is_valid():
            version = form.cleaned_data.get("version") or 0
            try:
                with transaction.atomic():
                    outcome = measure_change(
                        measure_id=pk,
                        expected_version=version,
                        changes=form.changes(),
                        actor=request.user,
                        source=SOURCE,
                    )
            except StaleVersion as exc:
                conflict = _their_changes(exc)
                # Keep the user's input; the next save applies it on top of the current version,
                # after the user has seen what the other person changed.
                data = request.POST.copy()
                data["version"] = str(exc.current_version)
                form = MeasureForm(data, instance=Measure.objects.get(pk=pk), owners=owners, locked=locked)
                form.is_valid()
                status = 409
                return render(
                    request,
                    "workspace/measure_form.html",
                    {"form": form, "measure": measure, "conflict": conflict},
                    status=status,
                )
            except ChangeNotPermitted as exc:
                return _forbidden(request, f"measure#{pk} fields={','.join(exc.fields)}")
            except RulesBroken as exc:
                form.add_rule_violations(exc.violations)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                if outcome.revision is not None:
                    # Not the owning side: the change waits for the owner's release.
                    return HttpResponseRedirect(
                        reverse("workspace:revision_detail", args=[outcome.revision.pk])
                    )
                return HttpResponseRedirect(reverse("workspace:measure_detail", args=[pk]))
    elif (draft := load_draft(request)) is not None:
        form = MeasureForm(draft, instance=measure, owners=owners, locked=locked)
    else:
        form = MeasureForm(instance=measure, owners=owners, locked=locked)
    return render(
        request, "workspace/measure_form.html", {"form": form, "measure": measure, "conflict": conflict}
    )


# --- restore, archive -------------------------------------------------------------------------


def _posted_version(request: HttpRequest) -> int:
    raw = request.POST.get("version", "")
    version = parse_int(raw)
    return -1 if version is None else version


@announces_save
@staff_required
@require_http_methods(["GET", "POST"])
def measure_restore(request: HttpRequest, pk: int, record_id: int) -> HttpResponse:
    """Restore the state after an older change, as a new change (version check applies)."""
    measure = _visible_measure(request, pk)
    if not can_change_measure(request.user, measure):
        return _forbidden(request, f"measure#{pk} restore")
    record = get_object_or_404(history_of(measure), pk=record_id)
    if not record.after:
        raise Http404
    from isi.measures.snapshots import measure_snapshot

    preview = diff_snapshots(
        measure_snapshot(measure), record.after, labels=model_labels(Measure), namer=measure_namer()
    )
    preview = [change for change in preview if change.field != "archived"]
    changes = snapshot_to_changes(record.after)
    # Shown before the click: the old state may break a rule that has come in since.
    rule_errors = list(judge_change(measure, changes, today=timezone.localdate()).blocking)
    error = ""
    status = 200
    if request.method == "POST":
        try:
            outcome = measure_change(
                measure_id=pk,
                expected_version=_posted_version(request),
                changes=changes,
                actor=request.user,
                source=SOURCE,
            )
        except StaleVersion:
            error = _("Die Maßnahme wurde inzwischen geändert. Bitte prüfen Sie die Vorschau erneut.")
            measure = _visible_measure(request, pk)
            status = 409
        except ChangeNotPermitted as exc:
            error = str(exc)
            status = 409
        except RulesBroken as exc:
            error = _("Dieser Stand verstößt gegen Regeln; er wurde nicht wiederhergestellt.")
            rule_errors = exc.violations
            status = 422
        except ValidationError as exc:
            error = "; ".join(exc.messages)
            status = 409
        else:
            if outcome.revision is not None:
                return HttpResponseRedirect(reverse("workspace:revision_detail", args=[outcome.revision.pk]))
            return HttpResponseRedirect(reverse("workspace:measure_detail", args=[pk]) + "#verlauf")
    context = {
        "measure": measure,
        "record": record,
        "preview": preview,
        "error": error,
        "rule_errors": [violation.message("de") for violation in rule_errors],
    }
    return render(request, "workspace/measure_restore.html", context, status=status)


@announces_save
@staff_required
@require_http_methods(["GET", "POST"])
def measure_archive_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Archive (or, if archived, restore from the archive) — owners and admins only."""
    measure = _visible_measure(request, pk)
    if not can_archive_measure(request.user, measure):
        return _forbidden(request, f"measure#{pk} archive")
    error = ""
    if request.method == "POST":
        service = measure_unarchive if measure.archived_at is not None else measure_archive
        try:
            service(
                measure_id=pk, expected_version=_posted_version(request), actor=request.user, source=SOURCE
            )
        except StaleVersion:
            error = _("Die Maßnahme wurde inzwischen geändert. Bitte laden Sie die Seite neu.")
            measure = _visible_measure(request, pk)
        except ChangeNotPermitted as exc:
            return _forbidden(request, f"measure#{pk} archive fields={','.join(exc.fields)}")
        else:
            return HttpResponseRedirect(reverse("workspace:measure_detail", args=[pk]))
    return render(
        request,
        "workspace/measure_archive.html",
        {"measure": measure, "error": error},
        status=409 if error else 200,
    )
