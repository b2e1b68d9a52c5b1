"""Political geocoding of measures: Land key and name, ARS/AGS, and the DCAT-AP.de URIs for them.

The official keys come from the Region catalogue: a Land has its two-digit key, a Kommune its
twelve-digit Amtlicher Regionalschlüssel (ARS), whose first two digits are the Land. The URIs are
those of the DCAT-AP.de code lists (`politicalGeocoding/stateKey/…`, `…/regionalKey/…`,
`…/Level/…`).
"""

from __future__ import annotations

from dataclasses import dataclass

from isi.catalog.models import Region
from isi.core.parsing import is_int

GEOCODING = "http://dcat-ap.de/def/politicalGeocoding/"
LEVEL_FEDERAL = f"{GEOCODING}Level/federal"
LEVEL_STATE = f"{GEOCODING}Level/state"
LEVEL_MUNICIPALITY = f"{GEOCODING}Level/municipality"
# Level keys of the catalogue (Bund · Land · Kommune) → DCAT-AP.de geocoding level.
LEVEL_URIS = {"bund": LEVEL_FEDERAL, "land": LEVEL_STATE, "kommune": LEVEL_MUNICIPALITY}
# Germany in the EU country authority table, for datasets that cover the whole federation.
COUNTRY_GERMANY = "http://publications.europa.eu/resource/authority/country/DEU"


def state_uri(land_key: str) -> str:
    return f"{GEOCODING}stateKey/{land_key}"


def regional_key_uri(ars: str) -> str:
    return f"{GEOCODING}regionalKey/{ars}"


def ags_from_ars(ars: str) -> str | None:
    """The eight-digit Gemeindeschlüssel (AGS) inside a twelve-digit ARS.

    ARS = Land (2) · Regierungsbezirk (1) · Kreis (2) · Gemeindeverband (4) · Gemeinde (3);
    the AGS leaves out the Gemeindeverband.
    """
    if not is_int(ars, max_digits=12) or len(ars) != 12:
        return None
    return ars[:5] + ars[9:]


@dataclass(frozen=True)
class Geocoding:
    """Where a measure is, as official keys. Empty for measures without a region (federal)."""

    land_key: str | None = None
    land_name: str | None = None
    ars: str | None = None
    ags: str | None = None

    @property
    def uri(self) -> str | None:
        """The most specific DCAT-AP.de URI: regional key of a Kommune, else state key of a Land."""
        if self.ars:
            return regional_key_uri(self.ars)
        if self.land_key:
            return state_uri(self.land_key)
        return None


def land_names() -> dict[str, str]:
    """Two-digit Land key → name, read once per export (16 rows)."""
    return dict(Region.objects.filter(kind=Region.Kind.LAND).values_list("code", "name"))


def geocode(region: Region | None, lands: dict[str, str]) -> Geocoding:
    """Keys for a region without further queries: a Kommune's Land is the ARS prefix."""
    if region is None or not region.code:
        return Geocoding()
    code = region.code
    if region.kind == Region.Kind.LAND or len(code) == 2:
        return Geocoding(land_key=code, land_name=lands.get(code, region.name))
    land_key = code[:2]
    if len(code) == 12:
        return Geocoding(land_key=land_key, land_name=lands.get(land_key), ars=code, ags=ags_from_ars(code))
    # An eight-digit key is an AGS (Kommunen entered without the Gemeindeverband).
    return Geocoding(land_key=land_key, land_name=lands.get(land_key), ags=code if len(code) == 8 else None)
