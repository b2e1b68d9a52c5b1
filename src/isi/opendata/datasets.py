"""The datasets ISI publishes: all public measures, one per NAP-I phase and one per Land with data.

Each dataset *is* a filter of the one search selector, so its downloads (`massnahmen.csv?phase=2`)
and its description in the catalogue always agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Max

from isi.catalog.models import Phase, Region
from isi.opendata.geocoding import COUNTRY_GERMANY, LEVEL_FEDERAL, LEVEL_STATE, state_uri
from isi.search.filters import MeasureFilter
from isi.search.selectors import filtered_public_measures


@dataclass(frozen=True)
class DatasetSpec:
    slug: str  # stable part of the dataset's IRI and anchor: "alle", "phase-2", "land-05"
    filter: MeasureFilter
    title_de: str
    title_en: str
    description_de: str
    description_en: str
    level_uri: str  # dcatde:politicalGeocodingLevelURI
    spatial_uri: str  # dct:spatial
    count: int
    modified: datetime | None

    @property
    def querystring(self) -> str:
        return self.filter.querystring()


def _stats(f: MeasureFilter) -> tuple[int, datetime | None]:
    row = filtered_public_measures(f).aggregate(count=Count("pk"), modified=Max("updated_at"))
    return int(row["count"] or 0), row["modified"]


def published_datasets() -> list[DatasetSpec]:
    """All datasets with at least one public measure (the one for everything always)."""
    everything = MeasureFilter()
    count, modified = _stats(everything)
    datasets = [
        DatasetSpec(
            slug="alle",
            filter=everything,
            title_de="Integrationsmaßnahmen – alle veröffentlichten Maßnahmen",
            title_en="Integration measures – all published measures",
            description_de=(
                "Alle veröffentlichten Integrationsmaßnahmen (Programme und wichtige Einzelprojekte) "
                "der Bundesministerien und ihrer Behörden – und, soweit erfasst, der Länder und "
                "Kommunen – aus dem Informationssystem Integration (ISI): mit Zielen, Zielgruppen, "
                "Bereichen, beteiligten Organisationen, Einordnung in den Nationalen Aktionsplan "
                "Integration (NAP-I) und politischer Geokodierung."
            ),
            description_en=(
                "All published integration measures (programmes and important single projects) of the "
                "federal ministries and their agencies – and, where recorded, of the Länder and "
                "municipalities – from the Integration Information System (ISI): with goals, target "
                "groups, areas, organisations involved, place in the National Action Plan on "
                "Integration (NAP-I) and political geocoding."
            ),
            level_uri=LEVEL_FEDERAL,
            spatial_uri=COUNTRY_GERMANY,
            count=count,
            modified=modified,
        )
    ]
    for phase in Phase.objects.order_by("number"):
        f = MeasureFilter(phases=(str(phase.number),))
        count, modified = _stats(f)
        if not count:
            continue
        # Phase titles come with the NAP-I import; before it, a phase is named by its number.
        name_de = f": {phase.title}" if phase.title else ""
        name_en = f": {phase.title_en or phase.title}" if phase.title_en or phase.title else ""
        datasets.append(
            DatasetSpec(
                slug=f"phase-{phase.number}",
                filter=f,
                title_de=f"Integrationsmaßnahmen im NAP-I, Phase {phase.roman}{name_de}",
                title_en=f"Integration measures in the NAP-I, phase {phase.roman}{name_en}",
                description_de=(
                    f"Die veröffentlichten Maßnahmen der Phase {phase.roman} des Nationalen Aktionsplans "
                    "Integration (NAP-I)."
                ),
                description_en=(
                    f"The published measures of phase {phase.roman} of the National Action Plan on "
                    "Integration (NAP-I)."
                ),
                level_uri=LEVEL_FEDERAL,
                spatial_uri=COUNTRY_GERMANY,
                count=count,
                modified=modified,
            )
        )
    for land in Region.objects.filter(kind=Region.Kind.LAND).order_by("code"):
        f = MeasureFilter(lands=(land.code,))
        count, modified = _stats(f)
        if not count:
            continue
        datasets.append(
            DatasetSpec(
                slug=f"land-{land.code}",
                filter=f,
                title_de=f"Integrationsmaßnahmen in {land.name}",
                title_en=f"Integration measures in {land.name}",
                description_de=(
                    f"Die veröffentlichten Integrationsmaßnahmen mit Bezug zum Land {land.name} "
                    "(Maßnahmen des Landes und seiner Kommunen)."
                ),
                description_en=(
                    f"The published integration measures located in the German Land {land.name} "
                    "(measures of the Land and its municipalities)."
                ),
                level_uri=LEVEL_STATE,
                spatial_uri=state_uri(land.code),
                count=count,
                modified=modified,
            )
        )
    return datasets
