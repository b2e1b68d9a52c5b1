"""Reads of measures. One place decides what is prefetched, so pages, exports and API agree."""

from __future__ import annotations

from django.db.models import Prefetch

from isi.measures.models import Measure, MeasureOrganisation, MeasureQuerySet


def measures_with_details(queryset: MeasureQuerySet | None = None) -> MeasureQuerySet:
    """Measures with everything an export or detail page shows, in a fixed number of queries."""
    base = queryset if queryset is not None else Measure.objects.all()
    return base.select_related(
        "owner", "level", "region", "component", "nap_i_theme__phase", "evaluation"
    ).prefetch_related(
        Prefetch(
            "organisation_links",
            queryset=MeasureOrganisation.objects.select_related("organisation").order_by("position", "pk"),
        ),
        "areas",
        "target_groups",
        "funding_programmes",
    )


def public_measures() -> MeasureQuerySet:
    """Rule 10: what anyone may see."""
    return Measure.objects.public()
