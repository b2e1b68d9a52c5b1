"""The offer finder for people: one question per page, answers by POST kept only in the session.

GET pages never carry an answer in their address: ``/angebotsfinder/frage/<step>/`` names the
question, not the answer. Answers live in the session under ``finder`` (page answers only, with
the time of the last step) and are dropped after ``FINDER_IDLE_SECONDS`` without a step or when
the person deletes them. Works without JavaScript: plain forms, redirects after each POST.
"""

from __future__ import annotations

import time
from datetime import date
from functools import lru_cache
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from isi.finder.easy import EASY_STEPS, EASY_VERDICTS, easy_answer
from isi.finder.easy_results import EASY_LABELS, easy_notice, for_pages, sentences
from isi.finder.flow import BY_ID, NONE, UNKNOWN, Walk, answer_label, as_data, step_for_key, walk
from isi.finder.rules import NOT_BINDING, result_for_page
from isi.finder.target_groups import target_groups_for

SESSION_KEY = "finder"
# Answers about asylum, toleration and benefits are kept no longer than needed for the steps.
FINDER_IDLE_SECONDS = 30 * 60


def _lang() -> str:
    """The page's language; the rule file's texts come in it from the gettext catalogues."""
    return (get_language() or "de").split("-")[0]


def _page_answers(request: HttpRequest) -> dict[str, Any]:
    stored = request.session.get(SESSION_KEY)
    if not isinstance(stored, dict):
        return {}
    if time.time() - float(stored.get("t", 0)) > FINDER_IDLE_SECONDS:
        del request.session[SESSION_KEY]
        return {}
    page = stored.get("page")
    return dict(page) if isinstance(page, dict) else {}


def _save(request: HttpRequest, page: dict[str, Any], *, easy: bool | None = None) -> None:
    if easy is None:
        easy = _easy(request)
    request.session[SESSION_KEY] = {"page": page, "t": time.time(), "easy": easy}


def _easy(request: HttpRequest) -> bool:
    """Whether the person chose Leichte Sprache (German only)."""
    stored = request.session.get(SESSION_KEY)
    return bool(isinstance(stored, dict) and stored.get("easy")) and _lang() == "de"


def _walk(request: HttpRequest) -> tuple[dict[str, Any], Walk]:
    page = _page_answers(request)
    return page, _walk_for(page)


# A person's walk is evaluated again and again with the same answers: the question page, its
# POST (before the new answer) and, after it, the next question page, the check and the result
# page. A Walk is immutable; a few hundred recent ones are kept (issue #13: half the evaluations).
@lru_cache(maxsize=256)
def _walk_of(answers: tuple[tuple[str, str | tuple[str, ...]], ...], today: date) -> Walk:
    return walk(
        {key: list(value) if isinstance(value, tuple) else value for key, value in answers}, today=today
    )


def _walk_for(page: dict[str, Any]) -> Walk:
    """walk() of these page answers today (kept for the next request with the same answers)."""
    today = timezone.localdate()
    key: list[tuple[str, str | tuple[str, ...]]] = []
    for step_id, value in page.items():
        if isinstance(value, str):
            key.append((step_id, value))
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            key.append((step_id, tuple(value)))
        else:  # not what the steps store: walk() itself decides what counts
            return walk(page, today=today)
    return _walk_of(tuple(sorted(key)), today)


def _u(request: HttpRequest, name: str, *args: Any) -> str:
    """The address of a finder page. Under a language prefix (/uk/angebotsfinder/…) reverse()
    keeps the prefix of the active language (isi/urls.py, isi.core.locale)."""
    return reverse(f"portal:{name}", args=args)


def _step_url(request: HttpRequest, step_id: str, *, change: bool = False) -> str:
    url = _u(request, "finder_step", step_id)
    return f"{url}?aendern=1" if change else url


def finder(request: HttpRequest) -> HttpResponse:
    """The start page. Old addresses with answers in the query are ignored, never evaluated."""
    page = _page_answers(request)
    continue_url = ""
    if page:  # only someone with answers is offered to go on (the rules are not evaluated otherwise)
        state = _walk_for(page)
        continue_url = _step_url(request, state.next.id) if state.next else _u(request, "finder_check")
    context = {"started": bool(page), "start_url": _u(request, "finder_start"), "continue_url": continue_url}
    return render(request, "portal/finder/start.html", context)


@require_POST
def finder_start(request: HttpRequest) -> HttpResponse:
    """Start afresh: forget earlier answers, go to the first question (in Leichte Sprache if asked)."""
    request.session.pop(SESSION_KEY, None)
    _save(request, {}, easy=request.POST.get("leicht") == "1")
    first = _walk_for({}).next
    assert first is not None
    return redirect(_step_url(request, first.id))


@require_POST
def finder_forget(request: HttpRequest) -> HttpResponse:
    """Delete the answers from the session."""
    request.session.pop(SESSION_KEY, None)
    return redirect(_u(request, "finder") + "?geloescht=1")


@require_http_methods(["GET", "POST"])
def finder_step(request: HttpRequest, step_id: str) -> HttpResponseBase:
    step = BY_ID.get(step_id)
    if step is None:
        raise Http404
    page, state = _walk(request)
    asked_ids = [s.id for s in state.asked]
    if step_id not in asked_ids:
        # Not a question for these answers (any more): go to the one that is.
        return redirect(_step_url(request, state.next.id) if state.next else _u(request, "finder_check"))
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
            state = _walk_for(page)
            if state.next is None:
                return redirect(_u(request, "finder_check"))
            if change and state.next.id not in asked_ids:
                return redirect(_step_url(request, state.next.id, change=True))
            return redirect(_step_url(request, state.next.id) if not change else _u(request, "finder_check"))
    previous = state.previous(step_id)
    back = _step_url(request, previous.id) if previous else _u(request, "finder")
    if change:
        back = _u(request, "finder_check")
    data = as_data(step, page, easy=_easy(request))
    if _easy(request) and (plain := EASY_STEPS.get(step.id)):
        for option in data["options"]:
            option["hint"] = plain.option_hints.get(option["value"])
    context = {
        "step": data,
        "error": error,
        "back_url": back,
        "number": asked_ids.index(step_id) + 1,
        "change": change,
    }
    return render(request, "portal/finder/step.html", context, status=400 if error else 200)


def _easy_question(step_id: str) -> str | None:
    plain = EASY_STEPS.get(step_id)
    return plain.question if plain else None


def _values(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else [v for v in value if isinstance(v, str)]


def finder_check(request: HttpRequest) -> HttpResponse:
    page, state = _walk(request)
    if not page:
        return redirect(_u(request, "finder"))
    if state.next is not None:
        return redirect(_step_url(request, state.next.id))
    easy = _easy(request)
    rows = [
        {
            "step": step,
            "label": (easy and _easy_question(step.id)) or step.check_label or step.question,
            "answer": (easy and easy_answer(step.id, _values(page[step.id])))
            or answer_label(step, page[step.id]),
            "change_url": _step_url(request, step.id, change=True),
        }
        for step in state.asked
    ]
    context = {"rows": rows, "result_url": _u(request, "finder_result"), "easy": easy}
    return render(request, "portal/finder/check.html", context)


def finder_result(request: HttpRequest) -> HttpResponse:
    page, state = _walk(request)
    if not page:
        return redirect(_u(request, "finder"))
    lang = _lang()
    results = []
    for result in state.results:
        data = result_for_page(result, lang)
        # Each missing answer as its question, a link back to the step that asks it on this
        # person's path (in the page's language); two keys of one step give one link.
        links = []
        linked: set[str] = set()
        for key, text in zip(result.missing, data["missing_questions"], strict=True):
            step = step_for_key(key, state)
            if step is None:
                links.append({"text": text, "url": None})
            elif step.id not in linked:
                linked.add(step.id)
                links.append(
                    {
                        "text": str(step.question),
                        "easy": _easy_question(step.id),
                        "url": _step_url(request, step.id, change=True),
                    }
                )
        data["missing_links"] = links
        results.append(data)
    groups = target_groups_for(state.answers)
    # Leichte Sprache: the same answer in Easy German (standard German if that fails).
    easy = _easy(request) and for_pages(results, state.answers, state.results, today=timezone.localdate())
    context = {
        "results": results,
        "notice": NOT_BINDING.get(lang),
        "legal_state": state.results[0].legal_state if state.results else None,
        "measures": _measures_for(groups),
        "has_groups": bool(groups),
        "complete": state.done,
        "easy": easy,
        "easy_verdicts": EASY_VERDICTS,
        "easy_notice_lines": sentences(easy_notice()),
        "easy_labels": EASY_LABELS,
        "check_url": _u(request, "finder_check"),
        "forget_url": _u(request, "finder_forget"),
    }
    return render(request, "portal/finder/result.html", context)


def _measures_for(groups: tuple[str, ...]) -> list[Any]:
    """Public measures for the person's target groups (a few, shown on the page, never linked by
    a URL that would name the groups)."""
    if not groups:
        return []
    from isi.measures.models import Measure
    from isi.search.filters import MeasureFilter
    from isi.search.selectors import search_page

    # The page shows a title and a link: no facet counts, no relations (they were 2/3 of its time).
    found = search_page(MeasureFilter(target_groups=groups), page_size=5, facets=())
    titles = dict(Measure.objects.public().filter(pk__in=found.page_ids).values_list("pk", "title"))
    return [{"pk": pk, "title": titles[pk]} for pk in found.page_ids if pk in titles]
