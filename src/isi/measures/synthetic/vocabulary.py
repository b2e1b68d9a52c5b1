"""Words and sentence parts the generator composes measures from (German, as users see them).

Everything here is plain data. Keys of areas, target groups, components and funding programmes
refer to catalog/data/catalog.json; organisation keys refer to organisations/data/registry.json or
to the Land and Kommune organisations of `regions.py`. The unit tests check both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from isi.catalog.loaders import read_data

Style = Literal["apposition", "dative", "fuer", "focus"]
Gender = Literal["m", "f", "n"]

_ARTICLES: dict[Gender, tuple[str, str, str]] = {
    # nominative, accusative, dative
    "m": ("der", "den", "dem"),
    "f": ("die", "die", "der"),
    "n": ("das", "das", "dem"),
}


@dataclass(frozen=True, slots=True)
class Instrument:
    """What kind of measure it is: "Modellprojekt", "Beratungsangebot" …

    `style` says how the subject joins the instrument in a title: by apposition
    ("Modellprojekt Sprachförderung"), with "zur/zum" ("Mentoringprogramm zur
    Ausbildungsbegleitung"), with "für" ("Fachstelle für Antidiskriminierungsberatung") or with a
    focus ("Berufssprachkurs mit Schwerpunkt Pflege").
    """

    key: str
    name: str
    gender: Gender
    style: Style
    levels: tuple[str, ...] = ("bund", "land", "kommune")
    model_project: bool = False

    def nominative(self) -> str:
        return f"{_ARTICLES[self.gender][0]} {self.name}"

    def accusative(self) -> str:
        return f"{_ARTICLES[self.gender][1]} {self.name}"

    def dative(self) -> str:
        return f"{_ARTICLES[self.gender][2]} {self.name}"


INSTRUMENTS: dict[str, Instrument] = {
    i.key: i
    for i in (
        Instrument("foerderprogramm", "Förderprogramm", "n", "apposition"),
        Instrument("modellprojekt", "Modellprojekt", "n", "apposition", model_project=True),
        Instrument("pilotprojekt", "Pilotprojekt", "n", "apposition", model_project=True),
        Instrument("bundesprogramm", "Bundesprogramm", "n", "apposition", levels=("bund",)),
        Instrument("landesprogramm", "Landesprogramm", "n", "apposition", levels=("land",)),
        Instrument("aktionsprogramm", "Aktionsprogramm", "n", "apposition", levels=("land", "kommune")),
        Instrument("beratungsangebot", "Beratungsangebot", "n", "dative"),
        Instrument("mentoringprogramm", "Mentoringprogramm", "n", "dative"),
        Instrument("netzwerk", "Netzwerk", "n", "dative"),
        Instrument("qualifizierungsoffensive", "Qualifizierungsoffensive", "f", "dative"),
        Instrument("lotsenprojekt", "Lotsenprojekt", "n", "dative"),
        Instrument("initiative", "Initiative", "f", "dative"),
        Instrument("patenschaftsprogramm", "Patenschaftsprogramm", "n", "dative"),
        Instrument("fachstelle", "Fachstelle", "f", "fuer", levels=("land", "kommune")),
        Instrument("servicestelle", "Servicestelle", "f", "fuer"),
        Instrument("kompetenzzentrum", "Kompetenzzentrum", "n", "fuer"),
        Instrument("sprachkurs", "Sprachkurs", "m", "focus"),
        Instrument("berufssprachkurs", "Berufssprachkurs", "m", "focus"),
        Instrument("intensivsprachkurs", "Intensivsprachkurs", "m", "focus"),
        Instrument("sprachcafe", "Sprachcafé", "n", "focus", levels=("land", "kommune")),
    )
}


@dataclass(frozen=True, slots=True)
class TargetPhrase:
    """A target group as a title phrase, with the catalogue target groups it stands for.

    `specific` marks phrases that narrow the measure to a group (rule 4 asks why);
    `reason` is that why.
    """

    key: str
    target_groups: tuple[str, ...]
    accusative: str  # "geflüchtete Frauen" (after "für", "an")
    dative: str  # "geflüchteten Frauen" (after "mit", "von")
    specific: bool
    reason: str = ""


_HUM = "humanitaer-gute-bleibeperspektive"
_DRITT = "drittstaat-ausbildung-arbeit-familie"
_DEUTSCH_MH = "deutsche-mit-migrationshintergrund"
_GEDULDET = "geduldete-unklare-bleibeperspektive"

TARGETS: dict[str, TargetPhrase] = {
    t.key: t
    for t in (
        TargetPhrase(
            "gefluechtete-frauen",
            (_HUM, "frauen-maedchen"),
            "geflüchtete Frauen",
            "geflüchteten Frauen",
            True,
            "Geflüchtete Frauen nehmen Regelangebote wegen fehlender Kinderbetreuung und "
            "fehlender Netzwerke seltener wahr.",
        ),
        TargetPhrase(
            "junge-gefluechtete",
            (_HUM, "kinder-jugendliche"),
            "junge Geflüchtete",
            "jungen Geflüchteten",
            True,
            "Junge Geflüchtete brauchen wegen unterbrochener Bildungswege eine altersgerechte "
            "Begleitung, die das Regelangebot nicht vorsieht.",
        ),
        TargetPhrase(
            "zugewanderte-jugendliche",
            (_DRITT, "eu-buerger", "kinder-jugendliche"),
            "zugewanderte Jugendliche",
            "zugewanderten Jugendlichen",
            True,
            "Zugewanderte Jugendliche sind beim Übergang von der Schule in den Beruf besonders "
            "häufig benachteiligt.",
        ),
        TargetPhrase(
            "fachkraefte",
            (_DRITT, "erwerbsfaehige"),
            "zugewanderte Fachkräfte",
            "zugewanderten Fachkräften",
            True,
            "Die Maßnahme setzt an berufsspezifischen Qualifikationen an, die nur bei Fachkräften "
            "mit ausländischem Abschluss vorliegen.",
        ),
        TargetPhrase(
            "arbeitsuchende",
            ("erwerbsfaehige", _HUM, _DRITT),
            "arbeitsuchende Zugewanderte",
            "arbeitsuchenden Zugewanderten",
            True,
            "Die Förderung knüpft an Leistungen nach dem SGB II und SGB III an und ist deshalb auf "
            "Arbeitsuchende beschränkt.",
        ),
        TargetPhrase(
            "eu-zugewanderte",
            ("eu-buerger", "erwerbsfaehige"),
            "Unionsbürgerinnen und Unionsbürger",
            "Unionsbürgerinnen und Unionsbürgern",
            True,
            "Unionsbürgerinnen und Unionsbürger haben auf viele Angebote für "
            "Drittstaatsangehörige keinen Anspruch.",
        ),
        TargetPhrase(
            "geduldete",
            (_GEDULDET,),
            "Geduldete und Asylsuchende mit unklarer Bleibeperspektive",
            "Geduldeten und Asylsuchenden mit unklarer Bleibeperspektive",
            True,
            "Diese Gruppe ist von vielen Regelangeboten ausgeschlossen; die Maßnahme schließt diese Lücke.",
        ),
        TargetPhrase(
            "alle-zugewanderten",
            ("eu-buerger", _DRITT, _HUM, _GEDULDET, _DEUTSCH_MH),
            "Zugewanderte unabhängig vom Aufenthaltsstatus",
            "Zugewanderten unabhängig vom Aufenthaltsstatus",
            False,
        ),
        TargetPhrase(
            "eltern-mh",
            ("familien", _DEUTSCH_MH, _DRITT),
            "Eltern mit Migrationsgeschichte",
            "Eltern mit Migrationsgeschichte",
            True,
            "Eltern werden als Bildungsbegleiter ihrer Kinder angesprochen; das setzt eine "
            "familienbezogene Ausrichtung voraus.",
        ),
        TargetPhrase(
            "gefluechtete-familien",
            ("familien", _HUM),
            "geflüchtete Familien",
            "geflüchteten Familien",
            True,
            "Geflüchtete Familien brauchen Angebote, die Eltern und Kinder gemeinsam erreichen.",
        ),
        TargetPhrase(
            "kinder-zugewanderte-familien",
            ("kinder-jugendliche", "familien", _DEUTSCH_MH),
            "Kinder aus zugewanderten Familien",
            "Kindern aus zugewanderten Familien",
            True,
            "Frühe Förderung wirkt am stärksten; die Maßnahme richtet sich deshalb an Kinder vor "
            "und in der Grundschule.",
        ),
        TargetPhrase(
            "queere-gefluechtete",
            ("lsbtiq", _HUM),
            "queere Geflüchtete",
            "queeren Geflüchteten",
            True,
            "Queere Geflüchtete sind in Unterkünften und Communities besonderen Gefährdungen ausgesetzt.",
        ),
        TargetPhrase(
            "menschen-behinderungen",
            ("menschen-mit-behinderungen", _HUM),
            "Geflüchtete mit Behinderungen",
            "Geflüchteten mit Behinderungen",
            True,
            "Barrierefreie Zugänge zu Integrationsangeboten fehlen im Regelsystem bisher weitgehend.",
        ),
        TargetPhrase(
            "spaetaussiedler",
            (_DEUTSCH_MH,),
            "Spätaussiedlerinnen und Spätaussiedler",
            "Spätaussiedlerinnen und Spätaussiedlern",
            True,
            "Spätaussiedlerinnen und Spätaussiedler haben als Deutsche einen eigenen Status nach "
            "dem Bundesvertriebenengesetz.",
        ),
        TargetPhrase(
            "nachziehende-familien",
            (_DRITT, "familien"),
            "nachziehende Familienangehörige",
            "nachziehenden Familienangehörigen",
            True,
            "Der Familiennachzug setzt eigene sprachliche Voraussetzungen, auf die die Maßnahme vorbereitet.",
        ),
        TargetPhrase(
            "geringqualifizierte",
            ("ohne-anerkannte-qualifikation", "erwerbsfaehige"),
            "Zugewanderte ohne anerkannten Berufsabschluss",
            "Zugewanderten ohne anerkannten Berufsabschluss",
            True,
            "Menschen ohne anerkannten Abschluss brauchen modulare Wege zur Qualifizierung, die "
            "das Regelsystem nur eingeschränkt bietet.",
        ),
        TargetPhrase(
            "auszubildende-fluchtgeschichte",
            ("auszubildende-studierende", _HUM),
            "Auszubildende mit Fluchtgeschichte",
            "Auszubildenden mit Fluchtgeschichte",
            True,
            "Auszubildende mit Fluchtgeschichte brechen ihre Ausbildung deutlich häufiger ab; die "
            "Begleitung setzt hier an.",
        ),
        TargetPhrase(
            "studieninteressierte",
            ("auszubildende-studierende", _DRITT, _HUM),
            "studieninteressierte Zugewanderte",
            "studieninteressierten Zugewanderten",
            True,
            "Studieninteressierte mit ausländischer Hochschulzugangsberechtigung brauchen eine "
            "gezielte Studienvorbereitung.",
        ),
        TargetPhrase(
            "wissenschaftler",
            ("wissenschaft", _DRITT),
            "zugewanderte Wissenschaftlerinnen und Wissenschaftler",
            "zugewanderten Wissenschaftlerinnen und Wissenschaftlern",
            True,
            "Wissenschaftliche Laufbahnen folgen eigenen Regeln, die allgemeine Angebote nicht abbilden.",
        ),
        TargetPhrase(
            "kunstschaffende",
            ("kunst-kultur", _HUM),
            "geflüchtete Kunst- und Kulturschaffende",
            "geflüchteten Kunst- und Kulturschaffenden",
            True,
            "Künstlerische Berufe werden von der Arbeitsmarktförderung kaum erfasst.",
        ),
        TargetPhrase(
            "sportinteressierte",
            ("sport", "aufnahmegesellschaft", "kinder-jugendliche"),
            "Sportvereine und sportinteressierte Zugewanderte",
            "Sportvereinen und sportinteressierten Zugewanderten",
            True,
            "Die Maßnahme nutzt die Strukturen der Sportvereine als niedrigschwelligen Ort der Begegnung.",
        ),
        TargetPhrase(
            "menschen-mh",
            (_DEUTSCH_MH, _DRITT, "eu-buerger"),
            "Menschen mit Migrationsgeschichte",
            "Menschen mit Migrationsgeschichte",
            False,
        ),
        TargetPhrase(
            "zugewanderte-und-alteingesessene",
            ("aufnahmegesellschaft", _HUM, _DRITT),
            "Zugewanderte und Alteingesessene",
            "Zugewanderten und Alteingesessenen",
            False,
        ),
        TargetPhrase(
            "langjaehrig",
            (_DRITT, _HUM, "eu-buerger"),
            "langjährig in Deutschland lebende Zugewanderte",
            "langjährig in Deutschland lebenden Zugewanderten",
            False,
        ),
        TargetPhrase(
            "gruender",
            ("selbststaendige", _DEUTSCH_MH, _DRITT),
            "Gründerinnen und Gründer mit Migrationsgeschichte",
            "Gründerinnen und Gründern mit Migrationsgeschichte",
            True,
            "Gründungsförderung setzt eine tragfähige Geschäftsidee voraus und richtet sich daher "
            "an Gründungsinteressierte.",
        ),
        TargetPhrase(
            "gruenderinnen",
            ("selbststaendige", "frauen-maedchen", _DRITT),
            "zugewanderte Frauen mit Gründungsidee",
            "zugewanderten Frauen mit Gründungsidee",
            True,
            "Zugewanderte Frauen gründen seltener und erhalten seltener Finanzierung; die Maßnahme "
            "setzt hier an.",
        ),
    )
}

_MOTTOS: tuple[str, ...] = (
    "Brücken bauen",
    "Ankommen und Bleiben",
    "Chancen nutzen",
    "Gemeinsam stark",
    "Vielfalt leben",
    "Zukunft gestalten",
    "Mittendrin",
    "Hand in Hand",
    "Zusammen wachsen",
    "Willkommen im Job",
    "Neue Wege",
    "Stark im Beruf",
    "Teilhabe konkret",
    "Heimat finden",
    "Wir hier",
    "Fair Start",
)
# Brand-like names in the style of real programmes: "Kompass Beruf", "Rückenwind Ausbildung".
_NAME_HEADS: tuple[str, ...] = (
    "Kompass",
    "Anker",
    "Brückenschlag",
    "Weitblick",
    "Rückenwind",
    "Sprungbrett",
    "Türöffner",
    "Wegweiser",
    "Neustart",
    "Aufbruch",
    "Impuls",
    "Horizont",
    "Leuchtturm",
    "Chance",
    "Fokus",
    "Perspektive",
    "Startklar",
    "Schlüssel",
    "Kurs",
    "Anschluss",
)
_NAME_TAILS: tuple[str, ...] = (
    "Beruf",
    "Arbeit",
    "Ausbildung",
    "Sprache",
    "Familie",
    "Zukunft",
    "Vielfalt",
    "Bildung",
    "Teilhabe",
    "Heimat",
    "Nachbarschaft",
    "Karriere",
    "Praxis",
    "Integration",
    "Qualifizierung",
    "Dialog",
    "Begegnung",
    "Demokratie",
    "Gesundheit",
    "Region",
)
PROJECT_NAMES: tuple[str, ...] = _MOTTOS + tuple(
    f"{head} {tail}" for head in _NAME_HEADS for tail in _NAME_TAILS if head != tail
)

# Title templates. {core} is the subject joined in the instrument's style; {region} is empty or
# " in Sachsen"; {name} a project name; {suffix} mostly empty, sometimes " – Fortsetzung". A
# paraphrase picks a different template than its original. Template 3 suits apposition only.
TITLE_TEMPLATES: tuple[str, ...] = (
    "{instrument} {core} für {target}{region}{suffix}",
    "„{name}“ – {instrument} {core} für {target}{region}{suffix}",
    "{instrument} „{name}“ {core} für {target}{region}{suffix}",
    "{instrument} „{name}“ – {core} für {target}{region}{suffix}",
)
TITLE_TEMPLATES_BY_STYLE: dict[str, tuple[int, ...]] = {
    "apposition": (0, 1, 3),
    "dative": (0, 1, 2),
    "fuer": (0, 1, 2),
    "focus": (0, 1, 2),
}
TITLE_SUFFIXES: tuple[str, ...] = (
    " – Fortsetzung",
    " (zweite Förderphase)",
    " plus",
    " 2.0",
    " – Verstetigung",
    " – Transfer",
)

# First sentence of a summary. {instr}, {instr_acc}, {instr_dat} carry the article (and the project
# name where there is one); {target} is the accusative phrase, {region} as above.
INTRO_TEMPLATES: tuple[str, ...] = (
    "{Instr}{region} unterstützt {target} {activity}.",
    "{Instr}{region} richtet sich an {target} und bietet {offer}.",
    "Mit {instr_dat} erhalten {target}{region} {offer}.",
    "{Target}{region} werden durch {instr_acc} {activity} unterstützt.",
)

GOAL_TEMPLATES: tuple[str, ...] = (
    "Ziel ist es, {goal}.",
    "Die Maßnahme soll dazu beitragen, {goal}.",
    "Sie verfolgt das Ziel, {goal}.",
)

OUTCOME_BY_AREA: dict[str, str] = {
    "sprache": "Damit werden Sprachkompetenzen als Schlüssel für Bildung, Arbeit und gesellschaftliche "
    "Teilhabe gestärkt.",
    "bildung-arbeit": "Angestrebt wird eine qualifikationsadäquate und nachhaltige Integration in "
    "Ausbildung und Arbeitsmarkt.",
    "gesellschaft": "Die Maßnahme stärkt Teilhabe, Zusammenhalt und das Vertrauen in staatliche "
    "Institutionen.",
}

REGION_SENTENCES: dict[str, tuple[str, ...]] = {
    "bund": (
        "Die Maßnahme wird bundesweit über Träger vor Ort umgesetzt.",
        "Das Angebot steht bundesweit zur Verfügung und wird regelmäßig fortgeschrieben.",
    ),
    "land": (
        "Das Land setzt die Maßnahme {loc} gemeinsam mit den Kommunen und freien Trägern um.",
        "Die Umsetzung {loc} erfolgt über regionale Koordinierungsstellen.",
    ),
    "kommune": (
        "Die Umsetzung {loc} erfolgt in enger Abstimmung mit dem kommunalen Integrationsmanagement.",
        "Träger, Vereine und Verwaltung arbeiten {loc} dafür in einem gemeinsamen Netzwerk zusammen.",
    ),
}

# Word-level replacements that turn a sentence into a paraphrase without changing its terms.
PARAPHRASE_WORDS: dict[str, str] = {
    "unterstützen": "begleiten",
    "unterstützt": "begleitet",
    "erhalten": "bekommen",
    "angeboten": "bereitgestellt",
    "gezielt": "passgenau",
    "wohnortnah": "vor Ort",
    "ergänzen": "erweitern",
    "ergänzt": "erweitert",
    "stärken": "fördern",
    "stärkt": "fördert",
    "Teilnehmende": "Teilnehmerinnen und Teilnehmer",
    "informieren": "beraten",
    "informiert": "berät",
    "frühzeitig": "rechtzeitig",
    "individuell": "persönlich",
    "Betriebe": "Unternehmen",
    "schnell": "zügig",
    "gemeinsam": "zusammen",
}

SIMILAR_REASONS: tuple[str, ...] = (
    "Ähnliche Angebote bestehen, erreichen die Zielgruppe in dieser Region aber nicht; die "
    "Maßnahme ergänzt sie regional.",
    "Die bestehende Maßnahme ist ausgelastet; die neue Maßnahme schafft zusätzliche Plätze und "
    "stimmt sich mit ihr ab.",
)

REGULAR_SYSTEM_REASONS: tuple[str, ...] = (
    "Das Regelsystem ({regular}) erreicht {target} bisher nicht ausreichend.",
    "Das Regelangebot ({regular}) deckt den besonderen Unterstützungsbedarf von {target_dat} nicht ab.",
)

OBLIGATION_TEXTS: dict[str, tuple[str, str]] = {
    # subject key → (control, sanction)
    "integrationskurs": (
        "Die Kursträger melden Anwesenheit und Kursabschluss an das BAMF; Ausländerbehörde bzw. "
        "Jobcenter prüfen die Teilnahme.",
        "Bei Verletzung der Teilnahmepflicht wird dies bei der Verlängerung der Aufenthaltserlaubnis "
        "berücksichtigt (§ 8 Abs. 3 AufenthG); zudem sind ein Bußgeld (§ 98 Abs. 2 Nr. 4 AufenthG) "
        "und eine Leistungsminderung nach § 31 SGB II möglich.",
    ),
    "berufssprache": (
        "Jobcenter und Agenturen für Arbeit verpflichten zur Teilnahme über den Kooperationsplan; "
        "die Kursträger melden Fehlzeiten.",
        "Bei Pflichtverletzung ohne wichtigen Grund mindert das Jobcenter die Leistungen nach § 31 SGB II.",
    ),
    "arbeitsmarktintegration": (
        "Die Teilnahme wird im Kooperationsplan vereinbart und vom Jobcenter monatlich überprüft.",
        "Unentschuldigtes Fernbleiben führt zu einer Leistungsminderung nach §§ 31, 31a SGB II.",
    ),
}

FUNDING_NOTES: dict[str, str] = {
    "amif": "Kofinanziert aus dem Asyl-, Migrations- und Integrationsfonds (AMIF) der Europäischen Union.",
    "esf-plus": "Gefördert aus Mitteln des Europäischen Sozialfonds Plus (ESF Plus).",
}

NATIONAL_FUNDING_NOTE: dict[str, str] = {
    "bund": "Der nationale Anteil wird aus dem Bundeshaushalt getragen.",
    "land": "Der nationale Anteil wird aus Landesmitteln getragen.",
    "kommune": "Der Eigenanteil wird aus kommunalen Mitteln getragen.",
}

LEGAL_BASIS_BY_LEVEL: dict[str, str] = {
    "bund": "Zuwendungen nach §§ 23, 44 BHO",
    "land": "Zuwendungen nach §§ 23, 44 LHO",
    "kommune": "Kommunale Selbstverwaltung (Art. 28 Abs. 2 GG); Ratsbeschluss",
}

EVALUATION_METHODS: tuple[str, ...] = (
    "Wirkungsevaluation mit Vergleichsgruppe durch ein externes Institut",
    "Begleitende Prozessevaluation mit Befragungen der Teilnehmenden und der Träger",
    "Auswertung des Teilnahmemonitorings anhand festgelegter Kennzahlen",
    "Zielerreichungskontrolle nach § 7 Abs. 2 BHO anhand der Förderberichte",
    "Wissenschaftliche Begleitung mit Fallstudien an ausgewählten Standorten",
)

EVALUATION_EFFORT_NOTES: tuple[str, ...] = (
    "Der Aufwand der Erfolgskontrolle steht in einem angemessenen Verhältnis zum Fördervolumen.",
    "Die Erfolgskontrolle nutzt vorhandene Verwaltungsdaten; zusätzlicher Aufwand entsteht kaum.",
)

EVALUATION_NOT_PROPORTIONATE: tuple[str, ...] = (
    "Wegen des geringen Fördervolumens wäre eine Erfolgskontrolle unverhältnismäßig; erfasst werden "
    "nur Teilnahmezahlen.",
    "Kurze Laufzeit und kleine Fallzahlen lassen keine belastbare Wirkungsmessung zu.",
)

EVALUATION_RESULTS: tuple[str, ...] = (
    "Die Evaluation bestätigt höhere Übergangsquoten in Ausbildung und Beschäftigung; empfohlen wird "
    "die Verstetigung.",
    "Die Ziele wurden überwiegend erreicht; die Erreichbarkeit der Zielgruppe sollte verbessert werden.",
    "Die Teilnehmenden bewerten das Angebot positiv; die Wirkung auf die Beschäftigung ist noch "
    "nicht belegt.",
    "Die Zielwerte wurden nur teilweise erreicht; das Konzept wird überarbeitet.",
)

# Organisations (registry keys) that appear beside the owner.
PARTNERS_GENERAL: tuple[str, ...] = (
    "diakonie",
    "migrantenorganisationen",
    "mso",
    "tgd",
    "minor",
    "bag-ejsa",
    "deutschlandstiftung",
)
PARTNERS_FOUNDATIONS: tuple[str, ...] = ("bertelsmann", "bosch", "phineo", "malisa")
PARTNERS_RESEARCH: tuple[str, ...] = ("dezim", "svr", "f-bb", "difu", "uni-bielefeld", "uni-hildesheim")

# Bodies that may own measures at federal level, for paraphrases that move to another Ressort.
FEDERAL_RESSORTS: tuple[str, ...] = (
    "aa",
    "bmi",
    "bmas",
    "bmftr",
    "bmel",
    "bmbfsfj",
    "bmg",
    "bmwi",
    "bmz",
    "bmj",
    "bmwsb",
    "ib",
    "bkm",
)

_CATALOG = read_data("catalog.json")
_THEMES = read_data("nap_i_themes.json")

COMPONENT_NAMES: dict[str, str] = {
    comp["key"]: comp["name"] for offer in _CATALOG["basic_offers"] for comp in offer["components"]
}
COMPONENT_OFFER_NAMES: dict[str, str] = {
    comp["key"]: offer["name"] for offer in _CATALOG["basic_offers"] for comp in offer["components"]
}
THEME_TITLES: dict[tuple[int, int], str] = {
    (t["phase"], t["position"]): t["title"] for t in _THEMES["themes"]
}
