"""The keyword rules that suggest areas, target groups and the basic-offer component."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from isi.imports.napi.suggestions import (
    AREAS,
    COMPLEMENTARY,
    COMPLEMENTARY_RATIONALE,
    COMPONENT,
    OFFER_TYPE,
    PRE_INTEGRATION,
    RULES,
    TARGET_GROUPS,
    Rule,
    context_text,
    matching_rules,
    suggest,
)

CATALOG = Path(__file__).resolve().parents[2] / "src" / "isi" / "catalog" / "data" / "catalog.json"

# (measure title, theme title, phase, theme) → the field and value one rule must give.
EXAMPLES: list[tuple[str, str, int, int, str, str]] = [
    # areas
    ("Sprachkurse vor Ort", "", 2, 1, AREAS, "sprache"),
    ("Deutsch als Fremdsprache", "", 2, 1, AREAS, "sprache"),
    ("Ausbildung von Pflegepersonal", "", 4, 2, AREAS, "bildung-arbeit"),
    ("Zentrale Servicestelle Berufsanerkennung", "", 2, 3, AREAS, "bildung-arbeit"),
    ("Patenschaftsprogramm für Engagement", "", 3, 3, AREAS, "gesellschaft"),
    ("Kampagne gegen Rassismus", "", 5, 3, AREAS, "gesellschaft"),
    ("Migrationsgeschichte in Museen abbilden", "", 4, 5, AREAS, "gesellschaft"),
    ("Arbeitshilfe für Kommunen", "", 3, 4, AREAS, "gesellschaft"),
    # target groups
    ("ESF-Programm für Frauen am Arbeitsmarkt", "", 3, 1, TARGET_GROUPS, "frauen-maedchen"),
    ("Bundesprogramm Kita-Einstieg", "", 3, 2, TARGET_GROUPS, "kinder-jugendliche"),
    ("Teilhabe von Familien stärken", "", 3, 2, TARGET_GROUPS, "familien"),
    ("Infochat für Flüchtlinge", "", 2, 2, TARGET_GROUPS, "humanitaer-gute-bleibeperspektive"),
    ("Fachkräfte aus Drittstaaten gewinnen", "", 3, 1, TARGET_GROUPS, "drittstaat-ausbildung-arbeit-familie"),
    ("Migrationsberatung für EU-Bürger", "", 2, 2, TARGET_GROUPS, "eu-buerger"),
    ("DAAD-Hochschulprogramme", "", 2, 4, TARGET_GROUPS, "auszubildende-studierende"),
    ("Förderung der Beschäftigung", "", 3, 1, TARGET_GROUPS, "erwerbsfaehige"),
    ("Beratung für Gründerinnen und Gründer", "", 3, 1, TARGET_GROUPS, "selbststaendige"),
    ("Teilhabe von Menschen mit Behinderung", "", 5, 1, TARGET_GROUPS, "menschen-mit-behinderungen"),
    ("Beratung für queere Geflüchtete", "", 2, 2, TARGET_GROUPS, "lsbtiq"),
    ("Diversität in Kultureinrichtungen", "", 4, 5, TARGET_GROUPS, "kunst-kultur"),
    ("Sport- und Bewegungsangebote", "", 4, 1, TARGET_GROUPS, "sport"),
    ("Programm für geflüchtete Wissenschaftlerinnen", "", 2, 4, TARGET_GROUPS, "wissenschaft"),
    (
        "Ausbildung von Personen mit Migrationshintergrund",
        "",
        4,
        2,
        TARGET_GROUPS,
        "deutsche-mit-migrationshintergrund",
    ),
    ("Erklärung für mehr Vielfalt im öffentlichen Dienst", "", 5, 2, TARGET_GROUPS, "aufnahmegesellschaft"),
    # offer type and component
    (
        "Betreuungsinitiative Deutsche Auslandsschulen",
        "Deutsch lernen vor der Einreise",
        1,
        4,
        OFFER_TYPE,
        PRE_INTEGRATION,
    ),
    ("Vorintegration zum Familiennachzug", "", 2, 2, OFFER_TYPE, PRE_INTEGRATION),
    ("Kurs im Rahmen des Integrationskurses", "", 2, 1, COMPONENT, "integrationskurs"),
    ("Zertifikatsprüfungen für die Berufssprachkurse", "", 2, 1, COMPONENT, "berufssprache"),
    ("Runder Tisch Anerkennung", "", 2, 3, COMPONENT, "anerkennung"),
    ("Vorbereitung auf ein Studium", "", 2, 4, COMPONENT, "studieneinstieg"),
    ("Bildungsketten bis zum Ausbildungsabschluss", "", 2, 4, COMPONENT, "berufsorientierung"),
    ("Frauen am Arbeitsmarkt", "", 3, 1, COMPONENT, "arbeitsmarktintegration"),
    ("mbeon – Online-Beratung als Regelangebot", "", 2, 2, COMPONENT, "information-beratung"),
    ("Willkommenspaket für Neuzugewanderte", "", 2, 2, COMPONENT, "willkommen"),
]


def _rule_id(rule: Rule) -> str:
    return f"{rule.field}:{rule.value}:{rule.pattern[:20]}"


@pytest.mark.parametrize(
    ("title", "theme", "phase", "position", "field", "value"),
    EXAMPLES,
    ids=[f"{e[4]}-{e[5]}-{i}" for i, e in enumerate(EXAMPLES)],
)
def test_example_gives_its_suggestion(
    title: str, theme: str, phase: int, position: int, field: str, value: str
) -> None:
    result = suggest(title, theme, phase, position)
    if field == AREAS:
        assert value in result.areas
    elif field == TARGET_GROUPS:
        assert value in result.target_groups
    elif field == OFFER_TYPE:
        assert result.offer_type == value
        assert result.component is None
    else:
        assert (result.offer_type, result.component) == ("component", value)
    assert field in result.fields
    assert result.notes[field]


@pytest.mark.parametrize("rule", RULES, ids=_rule_id)
def test_every_rule_has_an_example(rule: Rule) -> None:
    covered = [
        e
        for e in EXAMPLES
        if (e[4], e[5]) == (rule.field, rule.value)
        and rule in matching_rules(context_text(e[0], e[1], e[2], e[3]))
    ]
    assert covered, f"no example exercises rule {rule}"


@pytest.mark.parametrize("rule", RULES, ids=_rule_id)
def test_rule_is_well_formed(rule: Rule) -> None:
    catalog = json.loads(CATALOG.read_text(encoding="utf-8"))
    keys = {
        AREAS: {a["key"] for a in catalog["areas"]},
        TARGET_GROUPS: {t["key"] for t in catalog["target_groups"]},
        COMPONENT: {c["key"] for b in catalog["basic_offers"] for c in b["components"]},
        OFFER_TYPE: {PRE_INTEGRATION},
    }
    assert rule.value in keys[rule.field]
    assert rule.rationale.strip() and "\n" not in rule.rationale


def test_deutschland_alone_is_no_language_hint() -> None:
    assert "sprache" not in suggest("Migrationsberatung in Deutschland").areas


def test_politische_bildung_is_society_not_education() -> None:
    result = suggest("Wahl-O-Mat-Redaktionen", "Politische Bildung und Teilhabe", 5, 1)
    assert result.areas == ("gesellschaft",)


def test_pre_integration_goes_before_components() -> None:
    result = suggest("Unterstützung durch Migrationsberatung", "Vorintegration im Herkunftsland", 1, 3)
    assert (result.offer_type, result.component) == (PRE_INTEGRATION, None)
    assert COMPONENT not in result.fields


def test_first_component_rule_wins() -> None:
    result = suggest("Beratung zum Integrationskurs")
    assert result.component == "integrationskurs"
    assert result.notes[COMPONENT] == ["Integrationskurs wird genannt."]


def test_complementary_when_no_component_matches() -> None:
    result = suggest("Pilotierung des Projekts „Integrationsscouts“")
    assert (result.offer_type, result.component) == (COMPLEMENTARY, None)
    assert result.fields == [OFFER_TYPE]
    assert result.notes == {OFFER_TYPE: [COMPLEMENTARY_RATIONALE]}


def test_fields_only_those_suggested_in_fixed_order() -> None:
    result = suggest("ESF-Programm zur Förderung von Frauen am Arbeitsmarkt", "Arbeitsmarkt", 3, 1)
    assert result.fields == [AREAS, TARGET_GROUPS, OFFER_TYPE, COMPONENT]
    assert set(result.notes) == set(result.fields)


def test_theme_title_counts() -> None:
    assert "sprache" in suggest("Digitaloffensive", "Sprachförderung im Gesamtprogramm Sprache").areas
