"""Public pages. For now: the start page with the NAP-I measures by phase and theme."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from isi.catalog.models import Phase, Theme
from isi.measures.models import Measure
from isi.measures.selectors import measures_with_details, public_measures


@dataclass
class ThemeEntry:
    theme: Theme
    measures: list[Measure] = field(default_factory=list)


@dataclass
class PhaseEntry:
    phase: Phase
    themes: list[ThemeEntry]

    @property
    def count(self) -> int:
        return sum(len(entry.measures) for entry in self.themes)


def home(request: HttpRequest) -> HttpResponse:
    measures = measures_with_details(public_measures())
    by_theme: dict[int | None, list[Measure]] = defaultdict(list)
    for measure in measures:
        by_theme[measure.nap_i_theme_id].append(measure)
    themes_by_phase: dict[int, list[Theme]] = defaultdict(list)
    for theme in Theme.objects.select_related("phase").prefetch_related("lead_links__organisation"):
        themes_by_phase[theme.phase_id].append(theme)
    phases = [
        PhaseEntry(
            phase, [ThemeEntry(theme, by_theme.get(theme.pk, [])) for theme in themes_by_phase[phase.pk]]
        )
        for phase in Phase.objects.all()
    ]
    context = {
        "phases": phases,
        "other_measures": by_theme.get(None, []),
        "total": sum(len(v) for v in by_theme.values()),
    }
    return render(request, "portal/home.html", context)
