"""The public search: one view for the full page and the htmx fragment (results + facets)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from isi.core.parsing import parse_int
from isi.search.filters import FACET_PARAMS, SORTS, MeasureFilter
from isi.search.selectors import search_public_measures

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
    result = search_public_measures(measure_filter, page=_page_number(request), page_size=PAGE_SIZE)
    if result.count and result.page > result.pages:
        # Past the last page (an old link, a typed address): the last page, not "114 found" over
        # an empty list.
        return HttpResponseRedirect(
            reverse("portal:search") + "?" + _query_with_page(measure_filter, result.pages)
        )
    facets = [
        {"param": param, "title": FACET_TITLES[param], "values": result.facets.get(param, [])}
        for param in FACET_PARAMS
    ]
    page_links = _page_links(measure_filter, result.page, result.pages)
    context = {
        "result": result,
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
    template = "portal/_search_area.html" if request.headers.get("HX-Request") else "portal/search.html"
    response = render(request, template, context)
    response["Vary"] = "HX-Request"
    return response


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
