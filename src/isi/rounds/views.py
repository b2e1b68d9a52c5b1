"""Thin views for rounds: permissions from isi.rounds.permissions, writes through services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from isi.core.access import View, forbidden, require_access
from isi.core.parsing import parse_int, parse_ints
from isi.core.submit import FIELD as SUBMIT_FIELD
from isi.core.submit import once_per_token
from isi.measures.models import Measure
from isi.rounds import selectors, services
from isi.rounds.forms import CURRENT, CompareForm, OpenRoundForm
from isi.rounds.models import ReportingRound, RoundItem
from isi.rounds.permissions import (
    can_manage_rounds,
    can_review_in_round,
    can_view_all_progress,
    can_view_rounds,
    has_round_tasks,
)

# The progress page lists this many pending measures at most (the counts above cover the rest).
PENDING_LIST_LIMIT = 500


def _forbidden(request: HttpRequest, what: str) -> HttpResponse:
    return forbidden(request, what, "rounds/forbidden.html")


def staff_required(check: Callable[[Any], bool], what: str) -> Callable[[View], View]:
    """Anonymous → sign-in page; signed in but not allowed → 403, logged."""
    return require_access(check, what, template="rounds/forbidden.html")


@require_GET
@staff_required(can_view_rounds, "rounds.list")
def round_list(request: HttpRequest) -> HttpResponse:
    current = selectors.current_round()
    return render(
        request,
        "rounds/list.html",
        {
            "current": current,
            "current_progress": selectors.overall_progress(current) if current else None,
            "rounds": ReportingRound.objects.all(),
            "can_manage": can_manage_rounds(request.user),
            "can_view_all": can_view_all_progress(request.user),
            "has_tasks": has_round_tasks(request.user),
            "closed_count": selectors.closed_rounds().count(),
        },
    )


@once_per_token
@require_http_methods(["GET", "POST"])
@staff_required(can_manage_rounds, "rounds.open")
def round_open(request: HttpRequest) -> HttpResponse:
    form = OpenRoundForm(request.POST or None)
    current = selectors.current_round()
    step = request.POST.get("schritt", "")
    confirmed = step == "eroeffnen"
    if request.method == "POST" and step == "aendern":  # back from step 2, input kept
        return render(request, "rounds/open.html", {"form": form, "current": current})
    if request.method == "POST" and form.is_valid() and not confirmed and current is None:
        # Step 2 of 2: say what opening will do (measures, ministries, who is told) before it happens.
        return render(
            request,
            "rounds/open_confirm.html",
            {
                "form": form,
                "current": current,
                "preview": services.preview_round(),
                "token_field": SUBMIT_FIELD,
                "token": request.POST.get(SUBMIT_FIELD, ""),
            },
        )
    if request.method == "POST" and form.is_valid():
        try:
            round = services.open_round(
                title=form.cleaned_data["title"], deadline=form.cleaned_data["deadline"], actor=request.user
            )
        except services.RoundError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _(
                    "Die Runde „%(title)s“ ist eröffnet: %(count)d Maßnahmen sind zu prüfen. "
                    "Die Referentinnen und Referenten der Ressorts erhalten die Ankündigung per E-Mail."
                )
                % {"title": round.title, "count": round.items.count()},
            )
            return redirect("rounds:detail", pk=round.pk)
    return render(request, "rounds/open.html", {"form": form, "current": current})


@require_GET
@staff_required(can_view_all_progress, "rounds.progress")
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    round = get_object_or_404(ReportingRound, pk=pk)
    previous = (
        selectors.closed_rounds().exclude(pk=round.pk).filter(closed_at__lt=round.closed_at).first()
        if not round.is_open
        else None
    )
    return render(
        request,
        "rounds/detail.html",
        {
            "round": round,
            "overall": selectors.overall_progress(round),
            "ministries": selectors.progress_by_ministry(round),
            "can_manage": can_manage_rounds(request.user),
            "previous": previous,
            "pending_items": round.items.filter(status=RoundItem.Status.PENDING).order_by(
                "owner_name", "measure_title"
            )[:PENDING_LIST_LIMIT],
        },
    )


@require_http_methods(["GET", "POST"])
@staff_required(can_manage_rounds, "rounds.close")
def round_close(request: HttpRequest, pk: int) -> HttpResponse:
    round = get_object_or_404(ReportingRound, pk=pk)
    if not round.is_open:
        messages.info(request, _("Diese Runde ist bereits abgeschlossen."))
        return redirect("rounds:detail", pk=round.pk)
    if request.method == "POST":
        result = services.close_round(round=round, actor=request.user)
        text = _("Die Runde ist abgeschlossen; der Stand von %(count)d Maßnahmen ist eingefroren.") % {
            "count": result.frozen
        }
        if result.pending:
            text += " " + _("%(count)d Maßnahmen wurden nicht bestätigt oder aktualisiert.") % {
                "count": len(result.pending)
            }
        messages.success(request, text)
        previous = selectors.closed_rounds().exclude(pk=round.pk).first()
        if previous is not None:
            return redirect(f"{_url('rounds:compare')}?a={previous.pk}&b={round.pk}")
        return redirect("rounds:detail", pk=round.pk)
    return render(
        request,
        "rounds/close.html",
        {
            "round": round,
            "overall": selectors.overall_progress(round),
            "ministries": selectors.progress_by_ministry(round),
        },
    )


def _url(name: str) -> str:
    from django.urls import reverse

    return reverse(name)


@require_GET
@staff_required(has_round_tasks, "rounds.todo")
def todo(request: HttpRequest) -> HttpResponse:
    return render(request, "rounds/todo.html", _todo_context(request, selectors.current_round()))


def _todo_context(request: HttpRequest, round: ReportingRound | None) -> dict[str, Any]:
    items = list(selectors.todo_items(round, request.user)) if round else []
    organisation = getattr(request.user, "organisation", None)
    ministry = organisation.ressort() if organisation is not None else None
    progress = selectors.ministry_progress(round, ministry.pk) if round and ministry else None
    return {
        "round": round,
        "pending": [i for i in items if i.status == RoundItem.Status.PENDING],
        "done": [i for i in items if i.status != RoundItem.Status.PENDING],
        "ministry": ministry,
        "progress": progress,
    }


@require_POST
@staff_required(has_round_tasks, "rounds.confirm-bulk")
def confirm_bulk(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm the selected measures unchanged at once; those with blocking rule errors are named."""
    round = get_object_or_404(ReportingRound, pk=pk)
    # Only the caller's own to-do items: nothing else is confirmed, and no other title is named.
    allowed = set(selectors.todo_items(round, request.user).values_list("measure_key", flat=True))
    chosen = [i for i in parse_ints(request.POST.getlist("massnahme")) if i in allowed]
    outcome: dict[str, Any]
    try:
        result = services.confirm_measures(
            round=round, measure_ids=chosen, actor=request.user, note=request.POST.get("note", "")
        )
    except services.RoundError as exc:
        outcome = {"level": "error", "message": str(exc), "refused": []}
    else:
        count = len(result.confirmed)
        message = ngettext(
            "%(count)d Maßnahme unverändert bestätigt.", "%(count)d Maßnahmen unverändert bestätigt.", count
        ) % {"count": count}
        if result.refused:
            message += " " + ngettext(
                "%(count)d Maßnahme nicht bestätigt – erst die Regelverstöße beheben:",
                "%(count)d Maßnahmen nicht bestätigt – erst die Regelverstöße beheben:",
                len(result.refused),
            ) % {"count": len(result.refused)}
        outcome = {
            "level": "warning" if result.refused else "success",
            "message": message,
            "refused": result.refused,
        }
    if request.headers.get("HX-Request") == "true":
        context = {**_todo_context(request, round), "outcome": outcome}
        region = render_to_string("rounds/_todo_pending.html", context, request=request)
        status = render_to_string("rounds/_bulk_status.html", context, request=request)
        # Into the page's one status region (workspace/base.html), so it is announced.
        return HttpResponse(f'{region}<div id="status-messages" hx-swap-oob="innerHTML">{status}</div>')
    if outcome["level"] == "error":
        messages.error(request, outcome["message"])
    else:
        details = "; ".join(f"„{r.title}“: {' '.join(r.reasons)}" for r in outcome["refused"])
        (messages.warning if outcome["refused"] else messages.success)(
            request, f"{outcome['message']} {details}".strip()
        )
    return redirect(f"{_url('rounds:todo')}#status-messages")


@require_POST
@staff_required(can_manage_rounds, "rounds.remind")
def remind(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Erinnerung jetzt senden": remind the ministries with pending measures (or one of them) now."""
    round = get_object_or_404(ReportingRound, pk=pk)
    if not round.is_open:
        messages.info(request, _("Diese Runde ist bereits abgeschlossen."))
        return redirect("rounds:detail", pk=round.pk)
    from isi.rounds.tasks import send_reminders_now

    only = parse_int(request.POST.get("ressort", ""))
    result = send_reminders_now(round, organisation_ids=[only] if only is not None else None)
    if result.sent:
        messages.success(
            request,
            _("Erinnerung gesendet an: %(names)s.")
            % {"names": ", ".join(s.organisation for s in result.sent)},
        )
    if result.nobody:
        messages.warning(
            request,
            _("Niemand benachrichtigt (keine Referentin, kein Referent mit E-Mail-Adresse): %(names)s.")
            % {"names": ", ".join(result.nobody)},
        )
    if result.already_today:
        messages.info(
            request,
            _("Heute bereits erinnert, nicht erneut gesendet: %(names)s.")
            % {"names": ", ".join(result.already_today)},
        )
    if not (result.sent or result.nobody or result.already_today):
        messages.info(request, _("Kein Ressort hat noch offene Maßnahmen: keine Erinnerung nötig."))
    return redirect("rounds:detail", pk=round.pk)


@require_POST
def confirm(request: HttpRequest, pk: int, measure_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(_url("rounds:todo"))
    round = get_object_or_404(ReportingRound, pk=pk)
    measure = get_object_or_404(Measure, pk=measure_id)
    if not can_review_in_round(request.user, measure, round):
        return _forbidden(request, f"rounds.confirm measure={measure.pk}")
    try:
        services.confirm_measure(
            round=round, measure=measure, actor=request.user, note=request.POST.get("note", "")
        )
    except services.RoundPermissionDenied:
        return _forbidden(request, f"rounds.confirm measure={measure.pk}")
    except services.RoundError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("„%(title)s“ ist bestätigt.") % {"title": measure.title})
    return redirect("rounds:todo")


@require_GET
@staff_required(can_view_all_progress, "rounds.compare")
def compare(request: HttpRequest) -> HttpResponse:
    closed = list(selectors.closed_rounds())
    data: Any = request.GET if "a" in request.GET or "b" in request.GET else None
    if data is None and closed:
        # Default: the last two closed rounds, or the only one against today.
        data = (
            {"a": closed[1].pk, "b": closed[0].pk} if len(closed) >= 2 else {"a": closed[0].pk, "b": CURRENT}
        )
    form = CompareForm(data)
    comparison = None
    if data is not None and form.is_valid():
        later = form.cleaned_data["b"]
        if later is None:
            comparison = services.compare_with_current(form.cleaned_data["a"])
        else:
            comparison = services.compare_rounds(form.cleaned_data["a"], later)
    return render(
        request,
        "rounds/compare.html",
        {"form": form, "comparison": comparison, "closed": closed, "bound": data is not None},
    )
