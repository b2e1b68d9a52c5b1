"""/organisations: the registry of ministries, agencies and everybody else (public)."""

from __future__ import annotations

import re
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from isi.api.auth import caller_of
from isi.api.errors import not_found
from isi.api.schemas import ErrorOut, OrganisationDetailOut, OrganisationListOut
from isi.measures.permissions import visible_measures
from isi.organisations.models import Organisation

router = Router(tags=["Organisationen"])

KEY_PATTERN = re.compile(r"^[-a-zA-Z0-9_]{1,80}$")
KindValue = Literal[
    "federal_ministry",
    "federal_commissioner",
    "federal_agency",
    "federal_enterprise",
    "federal_group",
    "land",
    "kommune",
    "intermediary",
    "ngo",
    "foundation",
    "research",
    "business",
    "international",
    "other",
]


class OrganisationParams(Schema):
    kind: list[KindValue] = Field(default_factory=list, description="Art, mehrfach möglich")
    ressorts: bool = Field(False, description="nur Bundesressorts (Ministerien und Beauftragte)")


def organisation_item(organisation: Organisation) -> dict[str, Any]:
    return {
        "key": organisation.key,
        "name": organisation.name,
        "short_name": organisation.short_name,
        "kind": organisation.kind,
        "is_ressort": organisation.is_ressort,
        "parent": organisation.parent.key if organisation.parent else None,
        "region_code": organisation.region_code,
        "dissolved_on": organisation.dissolved_on,
        "is_group": organisation.is_group,
    }


@router.get(
    "/organisations",
    response={200: OrganisationListOut, 422: ErrorOut, 429: ErrorOut},
    summary="Organisationen",
)
def list_organisations(request: HttpRequest, params: Query[OrganisationParams]) -> dict[str, Any]:
    queryset = Organisation.objects.select_related("parent").order_by("name")
    if params.kind:
        queryset = queryset.filter(kind__in=params.kind)
    if params.ressorts:
        queryset = queryset.filter(
            kind__in=[Organisation.Kind.FEDERAL_MINISTRY, Organisation.Kind.FEDERAL_COMMISSIONER]
        )
    items = [organisation_item(organisation) for organisation in queryset]
    return {"items": items, "count": len(items)}


@router.get(
    "/organisations/{key}",
    response={200: OrganisationDetailOut, 404: ErrorOut, 429: ErrorOut},
    summary="Eine Organisation",
)
def get_organisation(request: HttpRequest, key: str) -> dict[str, Any]:
    """With aliases (historic and variant names), sub-organisations and succession."""
    if not KEY_PATTERN.match(key):
        raise not_found()
    organisation = (
        Organisation.objects.select_related("parent")
        .prefetch_related("aliases", "children", "successions_in__predecessor", "successions_out__successor")
        .filter(key=key)
        .first()
    )
    if organisation is None:
        raise not_found()
    user = caller_of(request).user
    return {
        **organisation_item(organisation),
        "aliases": [alias.name for alias in organisation.aliases.all()],
        "children": [{"key": child.key, "name": child.name} for child in organisation.children.all()],
        "predecessors": [
            {
                "organisation": {"key": link.predecessor.key, "name": link.predecessor.name},
                "effective_on": link.effective_on,
            }
            for link in organisation.successions_in.all()
        ],
        "successors": [
            {
                "organisation": {"key": link.successor.key, "name": link.successor.name},
                "effective_on": link.effective_on,
            }
            for link in organisation.successions_out.all()
        ],
        "owned_measures": visible_measures(user).filter(owner=organisation).count(),
    }
