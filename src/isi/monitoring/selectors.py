"""Reads for monitoring: indicators, their observations as Open SDG rows, and linked measures."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from isi.catalog.models import Area
from isi.measures.models import Measure
from isi.measures.selectors import public_measures
from isi.monitoring.models import BUND, Indicator, MeasureIndicator, Observation
from isi.monitoring.opensdg import Row
from isi.opendata.geocoding import land_names


def region_names() -> dict[str, str]:
    """Official key → name: "" for the federation, then the 16 Länder of the Region catalogue."""
    return {BUND: _("Deutschland (Bund)"), **land_names()}


def allowed_geo_codes() -> set[str]:
    """Keys a CSV may use in its GeoCode column (blank = Bund is always allowed)."""
    return set(land_names())


def public_indicators() -> QuerySet[Indicator]:
    return Indicator.objects.filter(published=True).select_related("area")


def all_indicators() -> QuerySet[Indicator]:
    return Indicator.objects.select_related("area")


def indicators_by_area(indicators: QuerySet[Indicator]) -> list[tuple[Area | None, list[Indicator]]]:
    """Groups in the catalogue's area order; indicators without an area come last."""
    groups: dict[int | None, list[Indicator]] = {}
    areas: dict[int | None, Area | None] = {None: None}
    ordered = sorted(
        indicators,
        key=lambda i: (i.area is None, i.area.position if i.area else 0, i.area_id or 0, i.position, i.name),
    )
    for indicator in ordered:
        groups.setdefault(indicator.area_id, []).append(indicator)
        areas[indicator.area_id] = indicator.area
    return [(areas[key], items) for key, items in groups.items()]


def rows_of(indicator: Indicator) -> list[Row]:
    """All observations of an indicator as Open SDG rows."""
    return [
        Row(year=o.year, geo_code=o.geo_code, disaggregation=dict(o.disaggregation), value=o.value)
        for o in Observation.objects.filter(indicator=indicator).order_by(
            "year", "geo_code", "disaggregation_key"
        )
    ]


def public_measure_links(indicator: Indicator) -> QuerySet[MeasureIndicator]:
    """Links to measures anyone may see (rule 10): drafts and archived measures stay hidden."""
    return (
        MeasureIndicator.objects.filter(indicator=indicator, measure__in=public_measures().values("pk"))
        .select_related("measure", "measure__owner")
        .order_by("measure__title")
    )


def measure_links(measure: Measure) -> QuerySet[MeasureIndicator]:
    return (
        MeasureIndicator.objects.filter(measure=measure)
        .select_related("indicator")
        .order_by("indicator__name")
    )


def linkable_indicators(measure: Measure) -> QuerySet[Indicator]:
    """Indicators the measure is not linked to yet."""
    return Indicator.objects.exclude(measure_links__measure=measure).order_by("name")
