"""Reads for the coverage matrix: the axes from the catalogues and one `MeasureFacts` per measure.

Only non-archived measures count, and only those the user may see (`visible_measures`): a desk
officer's matrix holds the ministry's own drafts and everybody's released measures, nothing more.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from isi.catalog.models import Area, Component, Level, Phase, Region, TargetGroup
from isi.measures.models import Measure, MeasureQuerySet
from isi.measures.permissions import visible_measures
from isi.reports.coverage import NONE, AxisEntry, Dimension, Matrix, MeasureFacts, build_matrix

COMPLEMENTARY = "offer:complementary"
PRE_INTEGRATION = "offer:pre_integration"


def dimension_labels() -> dict[Dimension, str]:
    return {
        Dimension.AREAS: _("Bereiche"),
        Dimension.PHASE: _("NAP-I-Phasen"),
        Dimension.COMPONENT: _("Bausteine der Grundangebote"),
        Dimension.LEVEL: _("Ebenen"),
        Dimension.REGION: _("Länder"),
    }


def row_axis() -> list[AxisEntry]:
    return [AxisEntry(group.key, group.label) for group in TargetGroup.objects.order_by("position", "name")]


def _phase_label(phase: Phase) -> str:
    title = phase.title_en if phase.title_en and (get_language() or "de").startswith("en") else phase.title
    if not title:
        return _("Phase %(number)s") % {"number": phase.roman}
    return _("Phase %(number)s: %(title)s") % {"number": phase.roman, "title": title}


def column_axis(dimension: Dimension) -> list[AxisEntry]:
    if dimension == Dimension.AREAS:
        return [AxisEntry(area.key, area.label) for area in Area.objects.order_by("position", "name")]
    if dimension == Dimension.PHASE:
        return [
            AxisEntry(str(phase.number), _phase_label(phase)) for phase in Phase.objects.order_by("number")
        ]
    if dimension == Dimension.COMPONENT:
        components = [AxisEntry(c.key, c.label) for c in Component.objects.order_by("position", "name")]
        return [
            *components,
            AxisEntry(COMPLEMENTARY, str(Measure.OfferType.COMPLEMENTARY.label)),
            AxisEntry(PRE_INTEGRATION, str(Measure.OfferType.PRE_INTEGRATION.label)),
        ]
    if dimension == Dimension.LEVEL:
        return [AxisEntry(level.key, level.label) for level in Level.objects.order_by("position", "name")]
    return [AxisEntry(r.code, r.name) for r in Region.objects.filter(kind=Region.Kind.LAND).order_by("code")]


def _component_key(row: Mapping[str, Any]) -> str:
    if row["offer_type"] == Measure.OfferType.COMPONENT and row["component__key"]:
        return str(row["component__key"])
    if row["offer_type"] == Measure.OfferType.COMPLEMENTARY:
        return COMPLEMENTARY
    if row["offer_type"] == Measure.OfferType.PRE_INTEGRATION:
        return PRE_INTEGRATION
    return NONE


def _region_key(row: Mapping[str, Any]) -> str:
    # A Kommune counts for its Land; the columns are the Länder.
    if row["region__kind"] == Region.Kind.KOMMUNE:
        return str(row["region__land__code"] or NONE)
    return str(row["region__code"] or NONE)


def measure_facts(queryset: MeasureQuerySet) -> list[MeasureFacts]:
    """One `MeasureFacts` per measure of the queryset (three queries, whatever the size)."""
    ids = queryset.values("pk")
    groups: dict[int, list[str]] = defaultdict(list)
    for measure_id, key in Measure.target_groups.through.objects.filter(measure_id__in=ids).values_list(
        "measure_id", "targetgroup__key"
    ):
        groups[measure_id].append(key)
    areas: dict[int, list[str]] = defaultdict(list)
    for measure_id, key in Measure.areas.through.objects.filter(measure_id__in=ids).values_list(
        "measure_id", "area__key"
    ):
        areas[measure_id].append(key)
    rows = Measure.objects.filter(pk__in=ids).values(
        "id",
        "nap_i_theme__phase__number",
        "offer_type",
        "component__key",
        "level__key",
        "region__code",
        "region__kind",
        "region__land__code",
        "budget_eur",
    )
    return [
        MeasureFacts(
            id=row["id"],
            target_groups=tuple(sorted(groups.get(row["id"], ()))),
            areas=tuple(sorted(areas.get(row["id"], ()))),
            phase=str(row["nap_i_theme__phase__number"] or NONE),
            component=_component_key(row),
            level=str(row["level__key"] or NONE),
            region=_region_key(row),
            budget=row["budget_eur"],
        )
        for row in rows.order_by("id")
    ]


def coverage_measures(user: Any) -> MeasureQuerySet:
    """The measures the matrix counts for this user: visible and not archived."""
    return visible_measures(user, Measure.objects.active())


def coverage_matrix(queryset: MeasureQuerySet, dimension: Dimension) -> Matrix:
    return build_matrix(
        measure_facts(queryset),
        dimension=dimension,
        rows=row_axis(),
        columns=column_axis(dimension),
        unassigned_label=_("nicht zugeordnet"),
    )
