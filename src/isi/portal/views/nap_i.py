"""Pages for the NAP-I: phases, themes and their measures."""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from isi.catalog.models import Phase, Theme
from isi.measures.selectors import measures_with_details, public_measures


def _public_count() -> Count:
    public_ids = public_measures().values("pk")
    return Count("themes__measures", filter=Q(themes__measures__in=public_ids), distinct=True)


def phases(request: HttpRequest) -> HttpResponse:
    all_phases = Phase.objects.annotate(measure_count=_public_count()).prefetch_related("themes")
    return render(request, "portal/phases.html", {"phases": all_phases})


def phase(request: HttpRequest, number: int) -> HttpResponse:
    the_phase = get_object_or_404(Phase, number=number)
    themes = the_phase.themes.prefetch_related("lead_links__organisation").annotate(
        measure_count=Count("measures", filter=Q(measures__in=public_measures().values("pk")), distinct=True)
    )
    return render(request, "portal/phase.html", {"phase": the_phase, "themes": themes})


def theme(request: HttpRequest, number: int, position: int) -> HttpResponse:
    the_theme = get_object_or_404(
        Theme.objects.select_related("phase").prefetch_related("lead_links__organisation"),
        phase__number=number,
        position=position,
    )
    measures = measures_with_details(public_measures().filter(nap_i_theme=the_theme)).order_by("nap_i_number")
    return render(request, "portal/theme.html", {"theme": the_theme, "measures": measures})
