"""The 16 Länder and a selection of real Kommunen with their official keys.

Keys follow the Gemeindeverzeichnis of the Statistisches Bundesamt:

- AGS (Amtlicher Gemeindeschlüssel, 8 digits): Land (2) · Regierungsbezirk (1) · Kreis (2) ·
  Gemeinde (3). A Kreis has a 5-digit key; we write it padded with "000" like the other rows.
- ARS (Amtlicher Regionalschlüssel, 12 digits): Land (2) · Regierungsbezirk (1) · Kreis (2) ·
  Gemeindeverband (4) · Gemeinde (3). For a kreisfreie Stadt the Gemeindeverband is "0000"; for an
  Einheitsgemeinde within a Kreis it is "0" + the Gemeinde key; for a Kreis all seven are zeros.

Region rows use the ARS as their code (2 digits for a Land, 12 for a Kommune), as
`isi.catalog.models.Region` documents.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Land:
    code: str  # 2-digit Länderschlüssel
    name: str  # the Land as a region ("Bayern")
    government: str  # official name of the Land as a legal person ("Freistaat Bayern")
    short_name: str  # ISO 3166-2:DE suffix ("BY")
    locative: str  # "in Bayern", "im Saarland"
    population_millions: float  # rough weight so large Länder get more measures

    @property
    def organisation_key(self) -> str:
        return f"land-{self.code}"


@dataclass(frozen=True, slots=True)
class Kommune:
    ags: str  # 8-digit Amtlicher Gemeindeschlüssel
    ars: str  # 12-digit Amtlicher Regionalschlüssel
    name: str  # region name as shown in lists ("Köln", "Landkreis Görlitz")
    official_name: str  # name of the Gebietskörperschaft ("Stadt Köln")
    locative: str  # "in Köln", "im Landkreis Görlitz"
    is_district: bool  # Kreis / Landkreis rather than a town

    @property
    def land_code(self) -> str:
        return self.ars[:2]

    @property
    def organisation_key(self) -> str:
        return f"kommune-{self.ags}"


LAENDER: tuple[Land, ...] = (
    Land("01", "Schleswig-Holstein", "Land Schleswig-Holstein", "SH", "in Schleswig-Holstein", 2.9),
    Land("02", "Hamburg", "Freie und Hansestadt Hamburg", "HH", "in Hamburg", 1.9),
    Land("03", "Niedersachsen", "Land Niedersachsen", "NI", "in Niedersachsen", 8.0),
    Land("04", "Bremen", "Freie Hansestadt Bremen", "HB", "im Land Bremen", 0.7),
    Land("05", "Nordrhein-Westfalen", "Land Nordrhein-Westfalen", "NW", "in Nordrhein-Westfalen", 18.0),
    Land("06", "Hessen", "Land Hessen", "HE", "in Hessen", 6.3),
    Land("07", "Rheinland-Pfalz", "Land Rheinland-Pfalz", "RP", "in Rheinland-Pfalz", 4.1),
    Land("08", "Baden-Württemberg", "Land Baden-Württemberg", "BW", "in Baden-Württemberg", 11.1),
    Land("09", "Bayern", "Freistaat Bayern", "BY", "in Bayern", 13.2),
    Land("10", "Saarland", "Saarland", "SL", "im Saarland", 1.0),
    Land("11", "Berlin", "Land Berlin", "BE", "in Berlin", 3.7),
    Land("12", "Brandenburg", "Land Brandenburg", "BB", "in Brandenburg", 2.6),
    Land(
        "13", "Mecklenburg-Vorpommern", "Land Mecklenburg-Vorpommern", "MV", "in Mecklenburg-Vorpommern", 1.6
    ),
    Land("14", "Sachsen", "Freistaat Sachsen", "SN", "in Sachsen", 4.1),
    Land("15", "Sachsen-Anhalt", "Land Sachsen-Anhalt", "ST", "in Sachsen-Anhalt", 2.2),
    Land("16", "Thüringen", "Freistaat Thüringen", "TH", "in Thüringen", 2.1),
)


def _town(ags: str, name: str, official: str, *, verband: str = "0000") -> Kommune:
    """A kreisfreie Stadt (Verband "0000") or an Einheitsgemeinde (pass verband="0" + Gemeinde)."""
    return Kommune(ags, ags[:5] + verband + ags[5:], name, official, f"in {name}", False)


def _district(kreis: str, name: str, locative: str) -> Kommune:
    return Kommune(kreis + "000", kreis + "0000000", name, name, locative, True)


# Berlin and Hamburg are Länder and Gemeinden at once; their measures sit at Land level.
KOMMUNEN: tuple[Kommune, ...] = (
    # 01 Schleswig-Holstein
    _town("01002000", "Kiel", "Landeshauptstadt Kiel"),
    _town("01003000", "Lübeck", "Hansestadt Lübeck"),
    _district("01056", "Kreis Pinneberg", "im Kreis Pinneberg"),
    # 03 Niedersachsen
    _town("03241001", "Hannover", "Landeshauptstadt Hannover", verband="0001"),
    _town("03101000", "Braunschweig", "Stadt Braunschweig"),
    _town("03404000", "Osnabrück", "Stadt Osnabrück"),
    _district("03459", "Landkreis Osnabrück", "im Landkreis Osnabrück"),
    # 04 Bremen
    _town("04012000", "Bremerhaven", "Stadt Bremerhaven"),
    # 05 Nordrhein-Westfalen
    _town("05111000", "Düsseldorf", "Landeshauptstadt Düsseldorf"),
    _town("05112000", "Duisburg", "Stadt Duisburg"),
    _town("05113000", "Essen", "Stadt Essen"),
    _town("05315000", "Köln", "Stadt Köln"),
    _town("05314000", "Bonn", "Bundesstadt Bonn"),
    _town("05913000", "Dortmund", "Stadt Dortmund"),
    _town("05711000", "Bielefeld", "Stadt Bielefeld"),
    _district("05562", "Kreis Recklinghausen", "im Kreis Recklinghausen"),
    _district("05382", "Rhein-Sieg-Kreis", "im Rhein-Sieg-Kreis"),
    # 06 Hessen
    _town("06412000", "Frankfurt am Main", "Stadt Frankfurt am Main"),
    _town("06414000", "Wiesbaden", "Landeshauptstadt Wiesbaden"),
    _town("06413000", "Offenbach am Main", "Stadt Offenbach am Main"),
    _district("06435", "Main-Kinzig-Kreis", "im Main-Kinzig-Kreis"),
    # 07 Rheinland-Pfalz
    _town("07315000", "Mainz", "Landeshauptstadt Mainz"),
    _town("07314000", "Ludwigshafen am Rhein", "Stadt Ludwigshafen am Rhein"),
    # 08 Baden-Württemberg
    _town("08111000", "Stuttgart", "Landeshauptstadt Stuttgart"),
    _town("08222000", "Mannheim", "Stadt Mannheim"),
    _town("08212000", "Karlsruhe", "Stadt Karlsruhe"),
    _town("08311000", "Freiburg im Breisgau", "Stadt Freiburg im Breisgau"),
    _district("08116", "Landkreis Esslingen", "im Landkreis Esslingen"),
    # 09 Bayern
    _town("09162000", "München", "Landeshauptstadt München"),
    _town("09564000", "Nürnberg", "Stadt Nürnberg"),
    _town("09761000", "Augsburg", "Stadt Augsburg"),
    _town("09362000", "Regensburg", "Stadt Regensburg"),
    _district("09187", "Landkreis Rosenheim", "im Landkreis Rosenheim"),
    # 10 Saarland
    _town("10041100", "Saarbrücken", "Landeshauptstadt Saarbrücken", verband="0100"),
    _district("10044", "Landkreis Saarlouis", "im Landkreis Saarlouis"),
    # 12 Brandenburg
    _town("12054000", "Potsdam", "Landeshauptstadt Potsdam"),
    _town("12052000", "Cottbus", "Stadt Cottbus"),
    # 13 Mecklenburg-Vorpommern
    _town("13003000", "Rostock", "Hanse- und Universitätsstadt Rostock"),
    _town("13004000", "Schwerin", "Landeshauptstadt Schwerin"),
    # 14 Sachsen
    _town("14713000", "Leipzig", "Stadt Leipzig"),
    _town("14612000", "Dresden", "Landeshauptstadt Dresden"),
    _town("14511000", "Chemnitz", "Stadt Chemnitz"),
    _district("14626", "Landkreis Görlitz", "im Landkreis Görlitz"),
    # 15 Sachsen-Anhalt
    _town("15003000", "Magdeburg", "Landeshauptstadt Magdeburg"),
    _town("15002000", "Halle (Saale)", "Stadt Halle (Saale)"),
    # 16 Thüringen
    _town("16051000", "Erfurt", "Landeshauptstadt Erfurt"),
    _town("16053000", "Jena", "Stadt Jena"),
)

LAND_BY_CODE: dict[str, Land] = {land.code: land for land in LAENDER}
KOMMUNEN_BY_LAND: dict[str, tuple[Kommune, ...]] = {
    land.code: tuple(k for k in KOMMUNEN if k.land_code == land.code) for land in LAENDER
}
