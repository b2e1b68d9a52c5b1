"""The countries the finder offers to choose from (ISO 3166-1 alpha-2, German and English names).

Not a registry of all countries: every safe country of origin (``data/eligibility.json``) and the
main countries of origin of people who come to Germany, then "another country" (``ZZ``, a code ISO
leaves to users). The answer only decides whether a country is on a dated list, so "another
country" is never a safe country of origin. A test keeps every listed safe country in here.
"""

from __future__ import annotations

from dataclasses import dataclass

OTHER_COUNTRY = "ZZ"


@dataclass(frozen=True)
class Country:
    code: str
    de: str
    en: str


COUNTRIES: tuple[Country, ...] = (
    Country("EG", "Ägypten", "Egypt"),
    Country("AF", "Afghanistan", "Afghanistan"),
    Country("AL", "Albanien", "Albania"),
    Country("DZ", "Algerien", "Algeria"),
    Country("AM", "Armenien", "Armenia"),
    Country("AZ", "Aserbaidschan", "Azerbaijan"),
    Country("ET", "Äthiopien", "Ethiopia"),
    Country("BY", "Belarus", "Belarus"),
    Country("BA", "Bosnien und Herzegowina", "Bosnia and Herzegovina"),
    Country("CN", "China", "China"),
    Country("ER", "Eritrea", "Eritrea"),
    Country("GE", "Georgien", "Georgia"),
    Country("GH", "Ghana", "Ghana"),
    Country("GN", "Guinea", "Guinea"),
    Country("IN", "Indien", "India"),
    Country("IQ", "Irak", "Iraq"),
    Country("IR", "Iran", "Iran"),
    Country("YE", "Jemen", "Yemen"),
    Country("CM", "Kamerun", "Cameroon"),
    Country("CO", "Kolumbien", "Colombia"),
    Country("XK", "Kosovo", "Kosovo"),
    Country("LB", "Libanon", "Lebanon"),
    Country("LY", "Libyen", "Libya"),
    Country("MA", "Marokko", "Morocco"),
    Country("ME", "Montenegro", "Montenegro"),
    Country("NG", "Nigeria", "Nigeria"),
    Country("MK", "Nordmazedonien", "North Macedonia"),
    Country("PK", "Pakistan", "Pakistan"),
    Country("PS", "Palästinensische Gebiete", "Palestinian territories"),
    Country("MD", "Republik Moldau", "Moldova"),
    Country("RU", "Russland", "Russia"),
    Country("SN", "Senegal", "Senegal"),
    Country("RS", "Serbien", "Serbia"),
    Country("SO", "Somalia", "Somalia"),
    Country("SD", "Sudan", "Sudan"),
    Country("SY", "Syrien", "Syria"),
    Country("TN", "Tunesien", "Tunisia"),
    Country("TR", "Türkei", "Türkiye"),
    Country("UA", "Ukraine", "Ukraine"),
    Country("VE", "Venezuela", "Venezuela"),
    Country("VN", "Vietnam", "Viet Nam"),
    Country(OTHER_COUNTRY, "Ein anderes Land", "Another country"),
)
BY_CODE = {c.code: c for c in COUNTRIES}
