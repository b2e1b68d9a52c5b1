"""/catalogues and /themes: the reference data measures are classified with (public)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest
from ninja import Router

from isi.api.schemas import CataloguesOut, ErrorOut, ThemesOut
from isi.catalog.models import (
    Area,
    BasicOffer,
    CatalogEntry,
    Component,
    FundingProgramme,
    Level,
    Phase,
    Region,
    TargetGroup,
    Theme,
    ThemeLead,
)

router = Router(tags=["Kataloge"])


def entry(item: CatalogEntry, **extra: Any) -> dict[str, Any]:
    return {
        "key": item.key,
        "name": item.name,
        "name_en": item.name_en,
        "description": item.description,
        **extra,
    }


@router.get("/catalogues", response={200: CataloguesOut, 429: ErrorOut}, summary="Kataloge")
def catalogues(request: HttpRequest) -> dict[str, Any]:
    """Areas, basic offers with their components, target groups, levels, funding programmes, regions.

    Keys are stable; they are what filters, PATCH and POST use.
    """
    offers = BasicOffer.objects.prefetch_related(
        Prefetch("components", queryset=Component.objects.order_by("position", "name"))
    )
    return {
        "areas": [entry(area) for area in Area.objects.all()],
        "basic_offers": [
            entry(offer, components=[entry(component) for component in offer.components.all()])
            for offer in offers
        ],
        "target_groups": [entry(group, kind=group.kind) for group in TargetGroup.objects.all()],
        "levels": [entry(level) for level in Level.objects.all()],
        "funding_programmes": [
            entry(programme, is_eu=programme.is_eu) for programme in FundingProgramme.objects.all()
        ],
        "regions": [
            {
                "code": region.code,
                "name": region.name,
                "kind": region.kind,
                "land": region.land.code if region.land else None,
            }
            for region in Region.objects.select_related("land")
        ],
    }


@router.get("/themes", response={200: ThemesOut, 429: ErrorOut}, summary="NAP-I-Phasen und Themenforen")
def themes(request: HttpRequest) -> dict[str, Any]:
    """The NAP-I's phases, each with its themes (Themenforen) and their lead organisations."""
    theme_rows = Theme.objects.select_related("phase").prefetch_related(
        Prefetch("lead_links", queryset=ThemeLead.objects.select_related("organisation").order_by("position"))
    )
    by_phase: dict[int, list[dict[str, Any]]] = {}
    for theme in theme_rows:
        by_phase.setdefault(theme.phase_id, []).append(
            {
                "number": theme.number_label,
                "position": theme.position,
                "title": theme.title,
                "title_en": theme.title_en,
                "leads": [
                    {"key": link.organisation.key, "name": link.organisation.name}
                    for link in theme.lead_links.all()
                ],
            }
        )
    return {
        "phases": [
            {
                "number": phase.number,
                "roman": phase.roman,
                "title": phase.title,
                "title_en": phase.title_en,
                "themes": by_phase.get(phase.pk, []),
            }
            for phase in Phase.objects.all()
        ]
    }
