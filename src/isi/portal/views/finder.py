"""The offer finder for people: one question per page, answers by POST kept only in the session.

GET pages never carry an answer in their address: ``/angebotsfinder/frage/<step>/`` names the
question, not the answer. Answers live in the session under ``finder`` (page answers only, with
the time of the last step) and are dropped after ``FINDER_IDLE_SECONDS`` without a step or when
the person deletes them. Works without JavaScript: plain forms, redirects after each POST.
"""

from __future__ import annotations

import time
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from isi.finder.flow import BY_ID, NONE, UNKNOWN, Walk, answer_label, as_data, step_for_key, walk
from isi.finder.rules import NOT_BINDING, result_to_json
from isi.finder.target_groups import target_groups_for

SESSION_KEY = "finder"
# Answers about asylum, toleration and benefits are kept no longer than needed for the steps.
FINDER_IDLE_SECONDS = 30 * 60


def _lang() -> str:
    return "en" if (get_language() or "de").startswith("en") else "de"


def _page_answers(request: HttpRequest) -> dict[str, Any]:
    stored = request.session.get(SESSION_KEY)
    if not isinstance(stored, dict):
        return {}
    if time.time() - float(stored.get("t", 0)) > FINDER_IDLE_SECONDS:
        del request.session[SESSION_KEY]
        return {}
    page = stored.get("page")
    return dict(page) if isinstance(page, dict) else {}


def _save(request: HttpRequest, page: dict[str, Any]) -> None:
    request.session[SESSION_KEY] = {"page": page, "t": time.time()}


def _walk(request: HttpRequest) -> tuple[dict[str, Any], Walk]:
    page = _page_answers(request)
    return page, walk(page, today=timezone.localdate())


def _step_url(step_id: str, *, change: bool = False) -> str:
    url = reverse("portal:finder_step", args=[step_id])
    return f"{url}?aendern=1" if change else url


def finder(request: HttpRequest) -> HttpResponse:
    """The start page. Old addresses with answers in the query are ignored, never evaluated."""
    page, state = _walk(request)
    return render(request, "portal/finder/start.html", {"started": bool(page), "state": state})


@require_POST
def finder_start(request: HttpRequest) -> HttpResponse:
    """Start afresh: forget earlier answers, go to the first question."""
    request.session.pop(SESSION_KEY, None)
    _save(request, {})
    first = walk({}).next
    assert first is not None
    return redirect(_step_url(first.id))


@require_POST
def finder_forget(request: HttpRequest) -> HttpResponse:
    """Delete the answers from the session."""
    request.session.pop(SESSION_KEY, None)
    return redirect(reverse("portal:finder") + "?geloescht=1")


@require_http_methods(["GET", "POST"])
def finder_step(request: HttpRequest, step_id: str) -> HttpResponseBase:
    step = BY_ID.get(step_id)
    if step is None:
        raise Http404
    page, state = _walk(request)
    asked_ids = [s.id for s in state.asked]
    if step_id not in asked_ids:
        # Not a question for these answers (any more): go to the one that is.
        return redirect(_step_url(state.next.id) if state.next else reverse("portal:finder_check"))
    change = request.GET.get("aendern") == "1"
    error = ""
    if request.method == "POST":
        values = [v for v in request.POST.getlist("antwort") if v][:20]
        value: str | list[str] = values if step.multiple else (values[0] if values else "")
        if step.multiple and len(values) > 1 and ({UNKNOWN, NONE} & set(values)):
            error = _(
                "„Nichts davon“ und „Weiß ich nicht“ passen nicht zu anderen Antworten. Bitte prüfen Sie Ihre Auswahl."  # noqa: E501
            )
        elif not step.accepts(value):
            error = _(
                "Bitte wählen Sie eine Antwort aus. Wenn Sie es nicht wissen, wählen Sie „Weiß ich nicht“."
            )
        else:
            page[step.id] = value
            _save(request, page)
            state = walk(page, today=timezone.localdate())
            if state.next is None:
                return redirect("portal:finder_check")
            if change and state.next.id not in asked_ids:
                return redirect(_step_url(state.next.id, change=True))
            return redirect(_step_url(state.next.id) if not change else reverse("portal:finder_check"))
    previous = state.previous(step_id)
    back = _step_url(previous.id) if previous else reverse("portal:finder")
    if change:
        back = reverse("portal:finder_check")
    context = {
        "step": as_data(step, page),
        "error": error,
        "back_url": back,
        "number": asked_ids.index(step_id) + 1,
        "change": change,
    }
    return render(request, "portal/finder/step.html", context, status=400 if error else 200)


def finder_check(request: HttpRequest) -> HttpResponse:
    page, state = _walk(request)
    if not page:
        return redirect("portal:finder")
    if state.next is not None:
        return redirect(_step_url(state.next.id))
    rows = [
        {
            "step": step,
            "label": step.check_label or step.question,
            "answer": answer_label(step, page[step.id]),
            "change_url": _step_url(step.id, change=True),
        }
        for step in state.asked
    ]
    return render(request, "portal/finder/check.html", {"rows": rows})


def finder_result(request: HttpRequest) -> HttpResponse:
    page, state = _walk(request)
    if not page:
        return redirect("portal:finder")
    lang = _lang()
    results = []
    for result in state.results:
        data = result_to_json(result, lang)
        data["missing_links"] = [
            {"text": text, "url": _step_url(step.id, change=True) if (step := step_for_key(key)) else None}
            for key, text in zip(result.missing, data["missing_questions"], strict=True)
        ]
        results.append(data)
    groups = target_groups_for(state.answers)
    context = {
        "results": results,
        "notice": NOT_BINDING.get(lang),  # type: ignore[arg-type]
        "legal_state": state.results[0].legal_state if state.results else None,
        "measures": _measures_for(groups),
        "has_groups": bool(groups),
        "complete": state.done,
    }
    return render(request, "portal/finder/result.html", context)


def _measures_for(groups: tuple[str, ...]) -> list[Any]:
    """Public measures for the person's target groups (a few, shown on the page, never linked by
    a URL that would name the groups)."""
    if not groups:
        return []
    from isi.search.filters import MeasureFilter
    from isi.search.selectors import search_public_measures

    return list(search_public_measures(MeasureFilter(target_groups=groups), page_size=5).items)
