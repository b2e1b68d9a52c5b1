"""The owner's release in the work tool: pending revisions with their diff, release or reject.

Thin views over ``isi.measures.revisions`` (the rules of who releases what are there and in
``isi.measures.permissions``).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from isi.core.access import forbidden, require_access
from isi.core.permissions import can_use_workspace
from isi.measures.history import diff_snapshots, measure_namer, model_labels
from isi.measures.models import Measure, PendingRevision
from isi.measures.permissions import can_release_revision, can_view_revision
from isi.measures.revisions import RevisionConflict, conflicting_fields, reject, release, revisions_to_release
from isi.measures.services import ChangeNotPermitted, RulesBroken, StaleVersion
from isi.measures.snapshots import measure_snapshot

staff_required = require_access(can_use_workspace, "workspace")


@staff_required
@require_http_methods(["GET"])
def revision_list(request: HttpRequest) -> HttpResponse:
    """Proposals waiting for my release, and my own proposals."""
    waiting = list(revisions_to_release(request.user))
    mine = list(
        PendingRevision.objects.filter(author_id=request.user.pk).select_related("measure", "decided_by")[:50]
    )
    return render(request, "workspace/revision_list.html", {"waiting": waiting, "mine": mine})


def _diff(before: dict[str, Any], after: dict[str, Any]) -> list[Any]:
    return diff_snapshots(before, after, labels=model_labels(Measure), namer=measure_namer())


@staff_required
@require_http_methods(["GET", "POST"])
def revision_detail(request: HttpRequest, pk: int) -> HttpResponse:
    revision = (
        PendingRevision.objects.select_related("measure__owner", "author", "decided_by").filter(pk=pk).first()
    )
    if revision is None or not can_view_revision(request.user, revision):
        raise Http404
    may_decide = can_release_revision(request.user, revision)
    error = ""
    rule_errors: list[str] = []
    status = 200
    if request.method == "POST":
        if not may_decide:
            return forbidden(request, f"revision#{pk} decide")
        action = request.POST.get("action", "")
        try:
            if action == "release":
                release(revision_id=pk, actor=request.user, overwrite=request.POST.get("overwrite") == "1")
            elif action == "reject":
                reject(revision_id=pk, actor=request.user, reason=request.POST.get("reason", ""))
            else:
                raise Http404
        except RevisionConflict:
            error = _(
                "Die Maßnahme wurde seit dem Vorschlag in denselben Angaben geändert. Prüfen Sie den "
                "Konflikt unten; Sie können trotzdem freigeben (der Vorschlag überschreibt dann diese "
                "Angaben) oder ablehnen."
            )
            status = 409
        except RulesBroken as exc:
            error = _("Der Vorschlag verstößt gegen Regeln und kann so nicht freigegeben werden.")
            rule_errors = [violation.message("de") for violation in exc.violations]
            status = 422
        except (StaleVersion, ChangeNotPermitted, PermissionDenied) as exc:
            error = str(exc)
            status = 409
        except ValidationError as exc:
            error = "; ".join(exc.messages)
            status = 422
        else:
            return HttpResponseRedirect(reverse("workspace:revision_detail", args=[pk]))
        revision.refresh_from_db()
    measure = revision.measure
    current = measure_snapshot(measure)
    conflicts = conflicting_fields(revision, current) if revision.is_pending else []
    context = {
        "revision": revision,
        "measure": measure,
        "changes": _diff(revision.before, revision.proposed),
        "stale": revision.is_pending and measure.version != revision.base_version,
        "conflicts": _diff(
            {k: revision.before.get(k) for k in conflicts}, {k: current.get(k) for k in conflicts}
        ),
        "may_decide": may_decide,
        "error": error,
        "rule_errors": rule_errors,
    }
    return render(request, "workspace/revision_detail.html", context, status=status)
