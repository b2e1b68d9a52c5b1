"""Searching public measures: the one selector behind the search page, the downloads and the API.

This first version filters with plain ORM lookups; the full-text backends (PostgreSQL `german`,
SQLite FTS5) plug in behind `matching_ids` without changing the interface.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace

from django.db.models import Q

from isi.catalog.models import Area, BasicOffer, Level, Phase, Region, TargetGroup, Theme
from isi.measures.models import Measure, MeasureQuerySet
from isi.measures.selectors import measures_with_details
from isi.organisations.models import Organisation
from isi.search.filters import FACET_PARAMS, MeasureFilter


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class SearchPage:
    filter: MeasureFilter
    items: list[Measure]
    count: int
    page: int
    page_size: int
    facets: dict[str, list[FacetValue]]

    @property
    def pages(self) -> int:
        return max(1, -(-self.count // self.page_size))


def _text_q(q: str) -> Q:
    condition = Q()
    for word in q.split():
        condition &= Q(title__icontains=word) | Q(summary__icontains=word) | Q(goals__icontains=word)
    return condition


def _facet_q(param: str, values: tuple[str, ...]) -> Q:
    if not values:
        return Q()
    if param == "area":
        return Q(areas__key__in=values)
    if param == "target_group":
        return Q(target_groups__key__in=values)
    if param == "basic_offer":
        return Q(component__basic_offer__key__in=values)
    if param == "level":
        return Q(level__key__in=values)
    if param == "land":
        return Q(region__code__in=values) | Q(region__land__code__in=values)
    if param == "owner":
        return Q(owner__key__in=values)
    if param == "phase":
        return Q(nap_i_theme__phase__number__in=[int(v) for v in values if v.isdigit()])
    if param == "theme":
        condition = Q(pk__in=[])
        for value in values:
            phase, _, position = value.partition(".")
            if phase.isdigit() and position.isdigit():
                condition |= Q(nap_i_theme__phase__number=int(phase), nap_i_theme__position=int(position))
        return condition
    if param == "status":
        return Q(status__in=values)
    raise ValueError(param)


def _filtered(f: MeasureFilter, *, skip: str | None = None) -> MeasureQuerySet:
    qs = Measure.objects.public()
    if f.q:
        qs = qs.filter(_text_q(f.q))
    for param in FACET_PARAMS:
        if param != skip:
            qs = qs.filter(_facet_q(param, f.facet_values(param)))
    return qs


def _ordered(qs: MeasureQuerySet, sort: str) -> MeasureQuerySet:
    if sort == "title":
        return qs.order_by("title", "pk")
    if sort == "-updated":
        return qs.order_by("-updated_at", "pk")
    return qs.order_by("nap_i_theme__phase__number", "nap_i_theme__position", "nap_i_number", "title", "pk")


def filtered_public_measures(f: MeasureFilter) -> MeasureQuerySet:
    """All public measures matching the filter, distinct, in the filter's order, with details."""
    ids = _filtered(f).values("pk")
    return measures_with_details(_ordered(Measure.objects.filter(pk__in=ids), f.sort))


def _labels(param: str) -> dict[str, str]:
    if param == "area":
        return {a.key: a.label for a in Area.objects.all()}
    if param == "target_group":
        return {t.key: t.label for t in TargetGroup.objects.all()}
    if param == "basic_offer":
        return {b.key: b.label for b in BasicOffer.objects.all()}
    if param == "level":
        return {lv.key: lv.label for lv in Level.objects.all()}
    if param == "land":
        return {r.code: r.name for r in Region.objects.filter(kind=Region.Kind.LAND)}
    if param == "owner":
        return {o.key: o.name for o in Organisation.objects.filter(owned_measures__isnull=False).distinct()}
    if param == "phase":
        return {str(p.number): f"Phase {p.roman}: {p.title}" for p in Phase.objects.all()}
    if param == "theme":
        return {f"{t.phase.number}.{t.position}": t.title for t in Theme.objects.select_related("phase")}
    return {value: str(label) for value, label in Measure.Status.choices}


_FACET_VALUE_PATHS = {
    "area": ("areas__key",),
    "target_group": ("target_groups__key",),
    "basic_offer": ("component__basic_offer__key",),
    "level": ("level__key",),
    "land": ("region__code", "region__land__code"),
    "owner": ("owner__key",),
    "phase": ("nap_i_theme__phase__number",),
    "theme": ("nap_i_theme__phase__number", "nap_i_theme__position"),
    "status": ("status",),
}


def facet_counts(f: MeasureFilter) -> dict[str, list[FacetValue]]:
    """Counts per facet value, each facet counted under all *other* filters (multi-select)."""
    result: dict[str, list[FacetValue]] = {}
    for param in FACET_PARAMS:
        qs = _filtered(f, skip=param)
        counter: Counter[str] = Counter()
        paths = _FACET_VALUE_PATHS[param]
        rows = qs.values_list("pk", *paths).distinct()
        seen: set[tuple[int, str]] = set()
        for pk, *parts in rows:
            if param == "theme":
                keys = [f"{parts[0]}.{parts[1]}"] if parts[0] is not None else []
            elif param == "land":
                code, land_code = parts
                keys = [c for c in {land_code or (code if code and len(code) == 2 else None)} if c]
            else:
                keys = [str(parts[0])] if parts[0] is not None else []
            for key in keys:
                if (pk, key) not in seen:
                    seen.add((pk, key))
                    counter[key] += 1
        labels = _labels(param)
        selected = f.facet_values(param)
        values = [
            FacetValue(key, labels.get(key, key), counter.get(key, 0), key in selected)
            for key in labels
            if counter.get(key, 0) or key in selected
        ]
        result[param] = values
    return result


def search_public_measures(f: MeasureFilter, *, page: int = 1, page_size: int = 20) -> SearchPage:
    qs = filtered_public_measures(f)
    count = qs.count()
    page = max(1, page)
    start = (page - 1) * page_size
    items = list(qs[start : start + page_size])
    return SearchPage(
        filter=replace(f), items=items, count=count, page=page, page_size=page_size, facets=facet_counts(f)
    )
