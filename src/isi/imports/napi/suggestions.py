"""First suggestions for imported measures: areas, target groups, basic-offer component.

Pure and data-driven. Each rule is (pattern, field, value, rationale): a regular expression
(case-insensitive) over the context text, the field it fills, a catalogue KEY
(src/isi/catalog/data/catalog.json) or offer type, and a one-line German reason shown to the
person who reviews the suggestion. The context text is "[NAP-I p.t] <theme title> — <title>",
so a rule may also look at the measure's place in the NAP-I.

Suggestions are only a start: the import stores them once, marks them in
`Measure.suggested_fields` with the reasons in `Measure.suggestion_notes`, and never
overwrites them afterwards.

How fields are filled:
* areas, target_groups: every matching rule adds its value.
* offer_type: "pre_integration" when a pre-integration rule matches; else "component" with the
  first matching component rule (table order = priority); else "complementary".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

AREAS = "areas"
TARGET_GROUPS = "target_groups"
OFFER_TYPE = "offer_type"
COMPONENT = "component"
FIELD_ORDER = (AREAS, TARGET_GROUPS, OFFER_TYPE, COMPONENT)

PRE_INTEGRATION = "pre_integration"
COMPLEMENTARY = "complementary"
COMPONENT_OFFER = "component"


class Rule(NamedTuple):
    pattern: str
    field: str
    value: str
    rationale: str


# One rule per entry: (pattern, field, value, rationale). Patterns are case-insensitive.
# fmt: off
RULES: list[Rule] = [Rule(*row) for row in (
    # --- Bereiche (areas): every match counts -----------------------------------------------
    (r"sprach|Deutsch(?!land|e[nrs]?\b)", AREAS, "sprache",
     "Sprache oder Deutschlernen wird genannt."),
    (r"Ausbildung|Auszubildend|(?<!Hoch)Schul|Studium|Hochschul"
     r"|(?<!politische )(?<!politischen )\bBildung\b", AREAS, "bildung-arbeit",
     "Bildung, Schule, Ausbildung oder Studium wird genannt."),
    (r"Arbeitsmarkt|Beschäftigung|Fachkräft|Arbeitgeber|Arbeitsmigration|Erwerbs|Anerkennung"
     r"|Berufs|berufliche", AREAS, "bildung-arbeit",
     "Arbeit, Beruf, Fachkräfte oder Anerkennung von Qualifikationen wird genannt."),
    (r"Teilhabe|Engagement|Ehrenamt|freiwillig|Zusammenhalt|Demokrat|politisch|Einbürgerung"
     r"|Partizipation|Patenschaft|Mentoring", AREAS, "gesellschaft",
     "Teilhabe, Engagement oder Demokratie wird genannt."),
    (r"Vielfalt|Diversit|Diskriminier|Rassismus|Vorurteil|Hate Speech", AREAS, "gesellschaft",
     "Vielfalt oder Schutz vor Diskriminierung wird genannt."),
    (r"Sport|Kultur|Museen|Medien|Film|Journalismus|Berichterstattung", AREAS, "gesellschaft",
     "Sport, Kultur oder Medien wird genannt."),
    (r"Kommun(?:e|en|al)|Quartier|Stadtentwicklung|Wohnen|ländlich|Gesundheit|Pflege",
     AREAS, "gesellschaft",
     "Zusammenleben vor Ort, Wohnen, Gesundheit oder Pflege wird genannt."),
    # --- Zielgruppen (target groups): every match counts -------------------------------------
    (r"Frauen|Mütter|Mädchen", TARGET_GROUPS, "frauen-maedchen",
     "Frauen, Mütter oder Mädchen werden genannt."),
    (r"Kita|frühen? Bildung|Kinder|Jugend|Schüler|(?<!Hoch)Schul", TARGET_GROUPS,
     "kinder-jugendliche", "Kita, frühe Bildung, Schule, Kinder oder Jugendliche werden genannt."),
    (r"Famili|Eltern|Ehegatten", TARGET_GROUPS, "familien",
     "Familien, Eltern oder Ehegatten werden genannt."),
    (r"Flüchtling|Geflüchtet|Asylsuchend|Schutzsuchend|Resettlement|humanitär", TARGET_GROUPS,
     "humanitaer-gute-bleibeperspektive", "Geflüchtete, Schutz- oder Asylsuchende werden genannt."),
    (r"Drittstaat|Erwerbsmigra|Familiennachzug|Ehegatten", TARGET_GROUPS,
     "drittstaat-ausbildung-arbeit-familie",
     "Einwanderung aus Drittstaaten zur Arbeit oder zum Familiennachzug wird genannt."),
    (r"EU-Bürger|Unionsbürger", TARGET_GROUPS, "eu-buerger",
     "Unionsbürgerinnen und -bürger werden genannt."),
    (r"Auszubildend|Studierend|Studium|Hochschul|Ausbildungsabschluss|Ausbildungsmigration",
     TARGET_GROUPS, "auszubildende-studierende",
     "Auszubildende, Studierende oder Studium werden genannt."),
    (r"Arbeitsmarkt|Beschäftigung|Arbeitsmigration|Erwerbstätig|beruflichen? Integration",
     TARGET_GROUPS, "erwerbsfaehige", "Arbeitsmarkt oder Beschäftigung wird genannt."),
    (r"Gründer|Existenzgründ|Selbstständig|Selbständig", TARGET_GROUPS, "selbststaendige",
     "Selbstständige oder Gründungen werden genannt."),
    (r"Behinderung", TARGET_GROUPS, "menschen-mit-behinderungen",
     "Menschen mit Behinderungen werden genannt."),
    (r"LSBTI|LGBT|queer", TARGET_GROUPS, "lsbtiq",
     "Lesbische, schwule, bi, trans*, inter* und queere Menschen werden genannt."),
    (r"(?<!inter)(?<!trans)Kultur(?!ell)|Kunst|Künstler|Museen|Film", TARGET_GROUPS,
     "kunst-kultur", "Kunst, Kultur, Museen oder Film werden genannt."),
    (r"Sport", TARGET_GROUPS, "sport", "Sport wird genannt."),
    (r"Wissenschaftler", TARGET_GROUPS, "wissenschaft",
     "Wissenschaftlerinnen und Wissenschaftler werden genannt."),
    (r"Migrationshintergrund|Einwanderungsgeschichte|Zuwanderungsgeschichte|Spätaussiedler",
     TARGET_GROUPS, "deutsche-mit-migrationshintergrund",
     "Menschen mit Migrationshintergrund (auch Deutsche) werden genannt."),
    (r"Aufnahmegesellschaft|Vorurteil|Rassismus|Diskriminier|Vielfalt|Diversit"
     r"|Berichterstattung|Journalismus|öffentlichen Dienst|Hate Speech", TARGET_GROUPS,
     "aufnahmegesellschaft",
     "Richtet sich an die Gesamtgesellschaft (Vielfalt, Vorurteile, Diskriminierung, Medien)."),
    # --- Vorintegration: goes before any component -------------------------------------------
    (r"\[NAP-I 1\.[34]\]", OFFER_TYPE, PRE_INTEGRATION,
     "Themenforum 1.3 oder 1.4 des NAP-I: Vorintegration vor der Einreise."),
    (r"Vorintegration", OFFER_TYPE, PRE_INTEGRATION, "Vorintegration wird genannt."),
    # --- Bausteine (components): the first match wins, so the order is the priority ----------
    (r"Integrationskurs", COMPONENT, "integrationskurs", "Integrationskurs wird genannt."),
    (r"Berufssprachkurs|berufsbezogenen? (?:Deutsch)?Sprach|Deutschsprachförder|DeuFöV",
     COMPONENT, "berufssprache", "Berufssprachkurse (Deutschsprachförderung) werden genannt."),
    (r"Anerkennung", COMPONENT, "anerkennung",
     "Anerkennung ausländischer Berufsqualifikationen wird genannt."),
    (r"Studium|Hochschul|Studierend", COMPONENT, "studieneinstieg",
     "Studium oder Hochschule wird genannt."),
    (r"Berufsorientierung|Ausbildungsabschluss|Auszubildend|Bildungsketten", COMPONENT,
     "berufsorientierung", "Berufliche Orientierung oder Weg in die Ausbildung wird genannt."),
    (r"Arbeitsmarkt|Beschäftigung|beruflichen? Integration|Fachkräftesicherung", COMPONENT,
     "arbeitsmarktintegration", "Integration in den Arbeitsmarkt wird genannt."),
    (r"Beratung|Wegweiser|Infochat|Informationsangebot", COMPONENT, "information-beratung",
     "Beratung oder Information wird genannt."),
    (r"Willkommen|Erstorientierung", COMPONENT, "willkommen",
     "Willkommens- oder Erstorientierungsangebot wird genannt."),
)]
# fmt: on

COMPLEMENTARY_RATIONALE = (
    "Kein Baustein eines Grundangebots erkannt: als komplementär (zielgruppen- oder "
    "bedarfsspezifisch) vorgeschlagen."
)
COMPONENT_RATIONALE = "Einem Baustein eines Grundangebots zugeordnet."

_COMPILED = [(re.compile(rule.pattern, re.IGNORECASE), rule) for rule in RULES]


@dataclass(frozen=True)
class Suggestion:
    areas: tuple[str, ...]
    target_groups: tuple[str, ...]
    offer_type: str
    component: str | None
    notes: dict[str, list[str]]

    @property
    def fields(self) -> list[str]:
        """The fields actually suggested, in a fixed order."""
        present = {
            AREAS: bool(self.areas),
            TARGET_GROUPS: bool(self.target_groups),
            OFFER_TYPE: bool(self.offer_type),
            COMPONENT: self.component is not None,
        }
        return [name for name in FIELD_ORDER if present[name]]


def context_text(title: str, theme_title: str = "", phase: int = 0, theme: int = 0) -> str:
    place = f"[NAP-I {phase}.{theme}] " if phase and theme else ""
    return f"{place}{theme_title} — {title}"


def matching_rules(text: str) -> list[Rule]:
    return [rule for regex, rule in _COMPILED if regex.search(text)]


def suggest(title: str, theme_title: str = "", phase: int = 0, theme: int = 0) -> Suggestion:
    matched = matching_rules(context_text(title, theme_title, phase, theme))
    notes: dict[str, list[str]] = {}

    def note(field: str, rationale: str) -> None:
        reasons = notes.setdefault(field, [])
        if rationale not in reasons:
            reasons.append(rationale)

    areas: list[str] = []
    groups: list[str] = []
    for rule in matched:
        target = areas if rule.field == AREAS else groups if rule.field == TARGET_GROUPS else None
        if target is not None:
            if rule.value not in target:
                target.append(rule.value)
            note(rule.field, rule.rationale)

    pre = [rule for rule in matched if rule.field == OFFER_TYPE and rule.value == PRE_INTEGRATION]
    components = [rule for rule in matched if rule.field == COMPONENT]
    component: str | None = None
    if pre:
        offer_type = PRE_INTEGRATION
        for rule in pre:
            note(OFFER_TYPE, rule.rationale)
    elif components:
        offer_type = COMPONENT_OFFER
        component = components[0].value
        note(OFFER_TYPE, COMPONENT_RATIONALE)
        note(COMPONENT, components[0].rationale)
    else:
        offer_type = COMPLEMENTARY
        note(OFFER_TYPE, COMPLEMENTARY_RATIONALE)
    return Suggestion(
        areas=tuple(areas),
        target_groups=tuple(groups),
        offer_type=offer_type,
        component=component,
        notes=notes,
    )
