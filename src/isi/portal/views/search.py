"""The public search: one view for the full page and the htmx fragment (results + facets).

The fragment (``portal/_search_area.html``: facets, result list, pagination, downloads) is the
same for every visitor — it is rendered without the request, so no context processor, user or
CSRF token can reach it — and depends only on the filter, the page, the language (and the script
prefix of its links) and the data.
It is kept in Django's cache (``settings.CACHES``; a disk cache the workers of a host share) under
those and the search snapshot's token (isi.search.snapshot.token: the newest change record and
measure id), so every write through the services makes the next search render afresh, in every
process. Writes that bypass the services (``QuerySet.update()``, raw SQL) are seen after
``ISI_SEARCH_SNAPSHOT_SECONDS`` at the latest, the snapshot's own bound (the cache timeout; 0, as
in the tests, turns the cache off) — with the snapshot's promise kept: a kept fragment is used
only while every measure it lists is still public (one query over its ids), so it may be that
old (counts, titles), but never lists a measure that is no longer public (rule 10). Fragments rendered
inside a transaction are not kept (it may be rolled back).

Every write moves that token, so under steady edits the first key rarely finds the fragment.
When it does not, the search runs (facets, counts and the page's ids from the snapshot), and a
second key names everything the fragment shows (``_content_key``: the filter, counts, facet
values and the listed measures' versions): most edits change nothing a given search shows, and
then the fragment is taken as it was rendered, by any worker. Otherwise its result lines are kept
one by one as well (``_result_lines``: per measure and version, query, language and the newest
change record that is not a measure's), so a render loads and renders only the lines of measures
that changed (at 100,000 measures the lines were most of a search page's cost: loading 20
measures with their links, highlighting, rendering).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import astuple

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils import formats
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from isi.catalog.labels import lang_attribute
from isi.core.parsing import parse_int
from isi.measures.models import Measure
from isi.measures.selectors import newest_other_change, public_measures
from isi.search import snapshot
from isi.search.filters import FACET_PARAMS, SORTS, MeasureFilter
from isi.search.selectors import FacetValue, SearchPage, page_items, result_line_details, search_page

log = logging.getLogger(__name__)

PAGE_SIZE = 20
FACET_TITLES = {
    "area": _("Bereich"),
    "target_group": _("Zielgruppe"),
    "basic_offer": _("Grundangebot"),
    "level": _("Ebene"),
    "land": _("Land"),
    "owner": _("Zuständiges Ressort"),
    "phase": _("NAP-I-Phase"),
    "theme": _("NAP-I-Themenforum"),
    "status": _("Status"),
}
SORT_LABELS = {
    "relevance": _("Relevanz"),
    "title": _("Titel (A–Z)"),
    "-updated": _("zuletzt aktualisiert"),
    "nap_i": _("Aktionsplan-Reihenfolge"),
}


def _page_number(request: HttpRequest) -> int:
    raw = request.GET.get("seite", "1")
    return parse_int(raw, minimum=1, maximum=99999) or 1


def search(request: HttpRequest) -> HttpResponse:
    measure_filter = MeasureFilter.from_params(request.GET)
    page = _page_number(request)
    # Read once: the fragment's key and, on a miss, its rendering use the same snapshot.
    snap = snapshot.current() if _cache_seconds() > 0 else None
    key = _cache_key(measure_filter, page, snap)
    area = _cached(key)
    if area is None:
        rendered = _render_area(measure_filter, page, snap)
        if isinstance(rendered, HttpResponseRedirect):
            return rendered
        area, shown = rendered
        _keep(key, area, shown)
    if request.headers.get("HX-Request"):
        response = HttpResponse(area)
    else:
        context = {"filter": measure_filter, "export_query": measure_filter.querystring()}
        response = render(request, "portal/search.html", {**context, "search_area": area})
    response["Vary"] = "HX-Request"
    return response


def _render_area(
    measure_filter: MeasureFilter, page: int, snap: snapshot.Snapshot | None = None
) -> tuple[SafeString, list[int]] | HttpResponseRedirect:
    """The fragment and the ids of the measures it lists (or the redirect past the last page)."""
    result = search_page(measure_filter, page=page, page_size=PAGE_SIZE, snap=snap)
    if result.count and result.page > result.pages:
        # Past the last page (an old link, a typed address): the last page, not "114 found" over
        # an empty list.
        return HttpResponseRedirect(
            reverse("portal:search") + "?" + _query_with_page(measure_filter, result.pages)
        )
    rows = _page_rows(result)
    content_key = _content_key(result, rows, snap)
    kept = _cached(content_key, check_public=False)
    if kept is not None:
        return kept, [pk for pk, _, _ in rows]
    facets = [
        {"title": FACET_TITLES[param], "rows": facet_rows(param, result.facets.get(param, []))}
        for param in FACET_PARAMS
    ]
    lines, shown = _result_lines(result, rows)
    page_links = _page_links(measure_filter, result.page, result.pages)
    context = {
        "result": result,
        "result_lines": lines,
        "filter": measure_filter,
        "facets": facets,
        "sorts": [(key, SORT_LABELS[key]) for key in SORTS],
        "page_links": page_links,
        "prev_query": _query_with_page(measure_filter, result.page - 1) if result.page > 1 else None,
        "next_query": _query_with_page(measure_filter, result.page + 1)
        if result.page < result.pages
        else None,
        "export_query": measure_filter.querystring(),
        "suggestion_query": measure_filter.querystring(q=result.suggestion) if result.suggestion else "",
        "result_start": (result.page - 1) * result.page_size + 1,
    }
    # Without the request: nothing of the visitor (user, session, CSRF token) can get into it.
    html = mark_safe(render_to_string("portal/_search_area.html", context))  # noqa: S308 - a rendered template
    _keep(content_key, html, shown)
    return html, shown


def _page_rows(result: SearchPage) -> list[tuple[int, int, int | None]]:
    """(id, version, newest change record that is not a measure's) of the page's measures that
    are public now, in one statement, in the page's order."""
    found = {
        pk: (pk, version, other)
        for pk, version, other in public_measures()
        .filter(pk__in=result.page_ids)
        .annotate(other_change=newest_other_change())
        .values_list("pk", "version", "other_change")
    }
    return [found[pk] for pk in result.page_ids if pk in found]


def _content_key(
    result: SearchPage, rows: Sequence[tuple[int, int, int | None]], snap: snapshot.Snapshot | None
) -> str | None:
    """A second key for the fragment: everything it shows, not the snapshot token.

    Every edit moves the token, so under a stream of edits the fragment of nearly every search was
    rendered again, although most edits change nothing it shows. This key names what the
    template is given: the filter, the page, the count, the suggestion, every facet value with
    its label and count, and the listed measures with their versions (and the newest change
    record that is not a measure's, which decides their lines' organisation and catalogue
    names): two renderings under one key are the same, in any worker. The search itself runs
    (facets, counts, the page's ids: the snapshot), only the rendering is saved.
    """
    if _cache_seconds() <= 0 or snap is None or not result.epoch:
        return None
    facets = tuple(
        (param, tuple((v.value, str(v.label), v.count, v.selected, v.lang) for v in values))
        for param, values in sorted(result.facets.items())
    )
    shown = (
        astuple(result.filter),
        result.page,
        result.page_size,
        result.count,
        result.suggestion,
        result.suggestion_count,
        facets,
        tuple(rows),
        get_language(),
        get_script_prefix(),
    )
    return "isi:search-area-content:" + hashlib.sha256(repr(shown).encode()).hexdigest()


def _result_lines(
    result: SearchPage, rows: Sequence[tuple[int, int, int | None]]
) -> tuple[list[SafeString], list[int]]:
    """The page's result lines (``portal/_result_line.html``) and the ids of the measures they show.

    A line is kept in CACHES per measure, version, query, language, script prefix and the newest
    change record that is not a measure's (catalogue entries, organisations:
    ``newest_other_change``), so an edit of one measure leaves the lines of the others kept, and
    the key means the same in every process (a cache shared by the workers serves each of them);
    only the measures whose line is not kept are loaded with their links and highlighted. `rows`
    (``_page_rows``: one statement) are the versions of the measures still public and that record;
    `ISI_PAGE_CACHE_SECONDS` bounds how long a write that bypasses the services stays unseen, as
    for the measure pages. Lines are kept only while the snapshot is (``result.epoch``: not inside
    a transaction).
    """
    versions = {pk: version for pk, version, _ in rows}
    ids = [pk for pk in result.page_ids if pk in versions]
    seconds = int(getattr(settings, "ISI_PAGE_CACHE_SECONDS", 0))
    keys: dict[int, str] = {}
    if seconds > 0 and result.epoch and rows and snapshot.keepable():
        context = (rows[0][2], get_language(), get_script_prefix(), result.filter.q)
        keys = {
            pk: "isi:result-line:" + hashlib.sha256(repr((pk, versions[pk], *context)).encode()).hexdigest()
            for pk in ids
        }
    kept: dict[str, str] = {}
    if keys:
        try:
            kept = cache.get_many(list(keys.values()))
        except Exception:  # an unreachable cache server must not break the search
            log.warning("search line cache unavailable", exc_info=True)
    missing = [pk for pk in ids if keys.get(pk) not in kept]
    items = page_items(result, missing, result_line_details)
    _annotate_result_lines(items)
    rendered = {m.pk: render_to_string("portal/_result_line.html", {"measure": m}) for m in items}
    if keys and rendered:
        try:
            cache.set_many({keys[pk]: html for pk, html in rendered.items()}, seconds)
        except Exception:
            log.warning("search line cache unavailable", exc_info=True)
    lines: list[SafeString] = []
    shown: list[int] = []
    for pk in ids:
        html = kept[keys[pk]] if pk in keys and keys[pk] in kept else rendered.get(pk)
        if html is not None:
            lines.append(mark_safe(html))  # noqa: S308 - our own rendering, every value escaped
            shown.append(pk)
    return lines, shown


def _annotate_result_lines(items: Sequence[Measure]) -> None:
    """Set `result_url` and `result_status` (the status's label, empty when unknown) on each found
    measure: one reverse() and one translation per label for the page, not per result line."""
    sentinel = "2147483647"
    before, _, after = reverse("portal:measure", args=[int(sentinel)]).rpartition(sentinel)
    labels = {value: str(label) for value, label in Measure.Status.choices}
    labels[Measure.Status.UNKNOWN] = ""
    for measure in items:
        setattr(measure, "result_url", f"{before}{measure.pk}{after}")  # noqa: B010 - display attributes
        setattr(measure, "result_status", labels.get(measure.status, measure.status))  # noqa: B010


# One facet value: a labelled checkbox with its count. Built here rather than in the template: a
# page lists over a hundred of them, and the template language's per-variable cost made them most of
# the fragment's rendering time. Each value carries its language (organisation, Land and NAP-I names
# German, catalogue entries German or English, status labels the page's): `lang_attribute` marks it
# when it is not the page's (isi.catalog.labels).
FACET_ROW = (
    '<li><label for="{id}"><input class="kern-form-check__checkbox" type="checkbox" id="{id}" '
    'name="{param}" value="{value}"{checked}><span><span{lang}>{label}</span> '
    '<span class="count">({count})</span></span></label></li>'
)


def facet_rows(param: str, values: Sequence[FacetValue]) -> list[SafeString]:
    """The facet's values as escaped ``<li>`` rows (ids ``f-<param>-<n>``, n from 1)."""
    number = formats.localize if settings.USE_THOUSAND_SEPARATOR else str
    param_text = escape(param)
    lang = {value.lang: lang_attribute(value.lang) for value in values}  # once per language, not per row
    return [
        mark_safe(  # noqa: S308 - every value escaped
            FACET_ROW.format(
                id=f"f-{param_text}-{n}",
                param=param_text,
                value=escape(value.value),
                checked=" checked" if value.selected else "",
                lang=lang[value.lang],
                label=conditional_escape(value.label),
                count=number(value.count),
            )
        )
        for n, value in enumerate(values, start=1)
    ]


def _cache_seconds() -> int:
    return int(getattr(settings, "ISI_SEARCH_SNAPSHOT_SECONDS", 0))


def _cache_key(measure_filter: MeasureFilter, page: int, snap: snapshot.Snapshot | None) -> str | None:
    """The fragment's key: normalised filter, page, language, script prefix and the token of the
    data's snapshot (None: no cache)."""
    if _cache_seconds() <= 0 or snap is None:
        return None
    parts = repr((astuple(measure_filter), page, get_language(), get_script_prefix(), snap.token))
    return "isi:search-area:" + hashlib.sha256(parts.encode()).hexdigest()


def _cached(key: str | None, *, check_public: bool = True) -> SafeString | None:
    """The kept fragment, if there is one and every measure it lists is still public (not
    checked again for a content key: its listed measures were just read as public)."""
    if key is None:
        return None
    try:
        found = cache.get(key)
    except Exception:  # an unreachable cache server must not break the search
        log.warning("search page cache unavailable", exc_info=True)
        return None
    if not isinstance(found, tuple) or len(found) != 2 or not isinstance(found[0], str):
        return None
    html: str = found[0]
    shown: tuple[int, ...] = found[1]
    if check_public and shown and public_measures().filter(pk__in=shown).count() != len(shown):
        return None  # a write past the services hid one of them: render afresh
    return mark_safe(html)  # noqa: S308 - our own rendering


def _keep(key: str | None, area: str, shown: list[int]) -> None:
    if key is None or not snapshot.keepable():
        return
    try:
        cache.set(key, (str(area), tuple(shown)), _cache_seconds())
    except Exception:  # an unreachable cache server must not break the search
        log.warning("search page cache unavailable", exc_info=True)


def _query_with_page(measure_filter: MeasureFilter, page: int) -> str:
    base = measure_filter.querystring()
    return f"{base}&seite={page}" if base else f"seite={page}"


def _page_window(current: int, total: int, radius: int = 1) -> list[int]:
    pages = {1, total, *range(max(1, current - radius), min(total, current + radius) + 1)}
    return sorted(pages)


def _page_links(measure_filter: MeasureFilter, current: int, total: int) -> list[dict[str, object]]:
    """Page links with an ellipsis for every gap: 1 … 4 5 6 … 12 (a gap of one page is shown)."""
    links: list[dict[str, object]] = []
    previous = 0
    for number in _page_window(current, total):
        if number - previous == 2:
            links.append({"number": previous + 1, "query": _query_with_page(measure_filter, previous + 1)})
        elif number - previous > 2:
            links.append({"gap": True})
        links.append({"number": number, "query": _query_with_page(measure_filter, number)})
        previous = number
    return links
