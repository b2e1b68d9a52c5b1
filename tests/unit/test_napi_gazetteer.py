"""Splitting organisation lines, folding aliases, roles, funding notes, owner derivation."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from isi.imports.napi.gazetteer import FUNDER, RESPONSIBLE, Gazetteer
from isi.imports.napi.owner import (
    AGENCY_PARENT,
    NAMED_RESSORT,
    THEME_LEAD,
    NoOwnerError,
    derive_owner,
)
from isi.imports.napi.parser import parse_nap_i

NBSP = "\u00a0"
AA = "Auswärtiges Amt"
BA = "Bundesagentur für Arbeit"
BAMF = "Bundesamt für Migration und Flüchtlinge"
BMAS = "Bundesministerium für Arbeit und Soziales"
BMBF = "Bundesministerium für Bildung und Forschung"
BMI = "Bundesministerium des Innern"
BMG = "Bundesministerium für Gesundheit"
BMWI = "Bundesministerium für Wirtschaft und Energie"
IB = "Die Beauftragte der Bundesregierung für Migration, Flüchtlinge und Integration"
DOSB = "Deutscher Olympischer Sportbund"
DFB = "Deutscher Fußball-Bund"
GOETHE = "Goethe-Institut"
MO = "Migrantenorganisationen"
NDM = "Neue deutsche Medienmacher*innen e. V."
KOFA = "Kompetenzzentrum Fachkräftesicherung"


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.from_registry()


# Every line of the seed that names more than one organisation, with the canonical result.
SEED_MULTI_LINES: list[tuple[str, list[str]]] = [
    (f"{AA} Neue deutsche Medienmacher*innen", [AA, NDM]),
    (f"Internationale Organisation für Migration {AA}", ["Internationale Organisation für Migration", AA]),
    (f"{BA} Fachkräftesicherung für kleine und mittlere Unternehmen", [BA, KOFA]),
    (f"{BA} {BAMF}", [BA, BAMF]),
    (f"{BMWI} {BA}", [BMWI, BA]),
    (
        "Türkische Gemeinde in Deutschland Föderation Türkischer Elternvereine in Deutschland e.V.",
        [
            "Türkische Gemeinde in Deutschland",
            "Föderation Türkischer Elternvereine in Deutschland e.V.",
        ],
    ),
    (f"{BAMF} {GOETHE}", [BAMF, GOETHE]),
    (
        f"{AA} {GOETHE} Deutscher Akademischer Austauschdienst Pädagogischer Austauschdienst",
        [AA, GOETHE, "Deutscher Akademischer Austauschdienst", "Pädagogischer Austauschdienst"],
    ),
    (
        "Servicestelle Kommunen in der Einen Welt / Engagement Global",
        ["Servicestelle Kommunen in der Einen Welt", "Engagement Global"],
    ),
    (
        "BAG Evangelische Jugendsozialarbeit / Servicebüro Jugendmigrationsdienste",
        ["BAG Evangelische Jugendsozialarbeit", "Servicebüro Jugendmigrationsdienste"],
    ),
    (f"{BMBF} / Bundesinstitut für Berufsbildung", [BMBF, "Bundesinstitut für Berufsbildung"]),
    (f"{BMAS} {BA} {BMBF} (Finanzierung)", [BMAS, BA, BMBF]),
    ("Kommunen und Migrantenselbstorganisationen", ["Kommunen", "Migrantenselbstorganisationen"]),
    ("PHINEO gAG Bertelsmann Stiftung", ["PHINEO gAG", "Bertelsmann Stiftung"]),
    (
        "Migration Policy Research Group der Stiftung Universität Hildesheim,  Robert Bosch Stiftung GmbH",
        [
            "Migration Policy Research Group der Stiftung Universität Hildesheim",
            "Robert Bosch Stiftung GmbH",
        ],
    ),
    (
        "Thünen-Institut, TU Chemnitz, Universität Hildesheim, FAU Erlangen-Nürnberg",
        ["Thünen-Institut", "TU Chemnitz", "Universität Hildesheim", "FAU Erlangen-Nürnberg"],
    ),
    (f"{BMI}, {BMG}, {BAMF}, {DOSB}, {MO}", [BMI, BMG, BAMF, DOSB, MO]),
    (f"{BMI}, {DFB}, {DOSB}", [BMI, DFB, DOSB]),
    (f"{DOSB}, {DFB}", [DOSB, DFB]),
    (f"{BMI}, {BAMF}, {DOSB},  {MO}", [BMI, BAMF, DOSB, MO]),
    ("Universität Heidelberg, Universität Bielefeld ", ["Universität Heidelberg", "Universität Bielefeld"]),
    (
        "Mediendienst Integration, Erich-Brost-Institut für internationalen Journalismus der TU Dortmund",
        [
            "Mediendienst Integration",
            "Erich-Brost-Institut für internationalen Journalismus der TU Dortmund",
        ],
    ),
    (f"citizens for europe, MaLisa Stiftung{NBSP}", ["citizens for europe", "MaLisa Stiftung"]),
    ("No Hate Speech Movement, Verbundprojekt NOHATE", ["No Hate Speech Movement", "Verbundprojekt NOHATE"]),
    (f"{IB} und Ressorts", [IB, "Alle Bundesressorts"]),
    (
        f"Netzwerk Unternehmen integrieren Flüchtlinge, {KOFA}",
        ["Netzwerk Unternehmen integrieren Flüchtlinge", KOFA],
    ),
]


@pytest.mark.parametrize(("line", "expected"), SEED_MULTI_LINES)
def test_seed_multi_organisation_line(gazetteer: Gazetteer, line: str, expected: list[str]) -> None:
    mentions = gazetteer.split_line(line)
    assert [m.name for m in mentions] == expected
    assert all(m.resolved for m in mentions)


def test_multi_line_table_covers_the_seed(gazetteer: Gazetteer, nap_i_seed_path: Path) -> None:
    """Every seed line naming several organisations is in the table above."""
    doc = parse_nap_i(nap_i_seed_path.read_bytes())
    table = {" ".join(line.split()) for line, _names in SEED_MULTI_LINES}
    multi = {
        line
        for theme in doc.themes
        for measure in theme.measures
        for line in measure.organisation_lines
        if not line.startswith("(") and len(gazetteer.split_line(line)) > 1
    }
    assert multi == table


def test_seed_resolves_completely(gazetteer: Gazetteer, nap_i_seed_path: Path) -> None:
    doc = parse_nap_i(nap_i_seed_path.read_bytes())
    unresolved = [
        name
        for theme in doc.themes
        for name in [m.name for m in gazetteer.resolve_leads(theme.leads) if not m.resolved]
        + [
            n
            for measure in theme.measures
            for n in gazetteer.resolve_measure(measure.organisation_lines).unresolved
        ]
    ]
    assert unresolved == []


@pytest.mark.parametrize(
    "name",
    [
        IB,
        BMWI,
        "Bundesministerium für Familie, Senioren, Frauen und Jugend",
        "Bundesinstitut für Bau-, Stadt- und Raumforschung",
        "Bundeszuwanderungs- und Integrationsrat",
        "Sachverständigenrat für Integration und Migration",
        "Türkisch-Deutsche Studierenden und Akademiker Plattform",
        "Bundesministerium für wirtschaftliche Zusammenarbeit und Entwicklung",
    ],
)
def test_names_with_comma_or_und_stay_whole(gazetteer: Gazetteer, name: str) -> None:
    assert [m.name for m in gazetteer.split_line(name)] == [name]


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        (IB, IB),
        ("Die Beauftragte für Migration, Flüchtlinge und Integration", IB),
        ("Integrationsbeauftragte", IB),
        ("die Integrationsbeauftragte", IB),
        ("Bundesministerium des Innern, für Bau und Heimat", BMI),
        (BMI, BMI),
        ("Goethe Institut", GOETHE),
        ("Deutschen Kulturrat", "Deutscher Kulturrat"),
        ("Antidiskriminierungsstelle", "Antidiskriminierungsstelle des Bundes"),
        ("alle Ressorts", "Alle Bundesressorts"),
        ("AUSWÄRTIGES AMT", AA),
    ],
)
def test_aliases_fold_to_canonical_name(gazetteer: Gazetteer, written: str, canonical: str) -> None:
    mentions = gazetteer.split_line(written)
    assert [m.name for m in mentions] == [canonical]
    assert mentions[0].written == " ".join(written.split())


def test_ministry_list_separated_by_commas_is_not_read_as_the_long_alias(gazetteer: Gazetteer) -> None:
    assert [m.name for m in gazetteer.split_line(f"{BMI}, {BMG}")] == [BMI, BMG]


def test_match_needs_a_word_boundary(gazetteer: Gazetteer) -> None:
    mentions = gazetteer.split_line("Auswärtiges Amtsgericht")
    assert [(m.name, m.resolved) for m in mentions] == [("Auswärtiges Amtsgericht", False)]


def test_unknown_text_is_split_at_commas_and_slashes(gazetteer: Gazetteer) -> None:
    mentions = gazetteer.split_line("Verein Eins e.V., Stiftung Zwei / Dritte gGmbH")
    assert [(m.name, m.resolved) for m in mentions] == [
        ("Verein Eins e.V.", False),
        ("Stiftung Zwei", False),
        ("Dritte gGmbH", False),
    ]


def test_unknown_text_between_known_names(gazetteer: Gazetteer) -> None:
    mentions = gazetteer.split_line(f"{AA} Unbekannter Verein und {GOETHE}")
    assert [(m.name, m.resolved) for m in mentions] == [
        (AA, True),
        ("Unbekannter Verein", False),
        (GOETHE, True),
    ]


def test_inline_finanzierung_makes_a_funder(gazetteer: Gazetteer) -> None:
    mentions = gazetteer.split_line(f"{BMAS} {BA} {BMBF} (Finanzierung)")
    assert [(m.name, m.role) for m in mentions] == [
        (BMAS, RESPONSIBLE),
        (BA, RESPONSIBLE),
        (BMBF, FUNDER),
    ]


def test_unknown_funder_with_inline_note(gazetteer: Gazetteer) -> None:
    mentions = gazetteer.split_line("Geldgeber AG (Finanzierung)")
    assert [(m.name, m.role, m.resolved) for m in mentions] == [("Geldgeber AG", FUNDER, False)]


def test_funding_note_line(gazetteer: Gazetteer) -> None:
    result = gazetteer.resolve_measure(
        ["Diakonie Deutschland", "(Förderung durch die Integrationsbeauftragte)"]
    )
    assert result.funding_note == "Förderung durch die Integrationsbeauftragte"
    assert [(m.name, m.role) for m in result.mentions] == [
        ("Diakonie Deutschland", RESPONSIBLE),
        (IB, FUNDER),
    ]


def test_funding_note_with_two_funders(gazetteer: Gazetteer) -> None:
    result = gazetteer.resolve_measure(
        [
            "Minor e.V.",
            f"(Förderung durch die Integrationsbeauftragte und die{NBSP}Bundeszentrale für "
            "politische Bildung)",
        ]
    )
    assert result.funding_note == (
        "Förderung durch die Integrationsbeauftragte und die Bundeszentrale für politische Bildung"
    )
    assert [(m.name, m.role) for m in result.mentions] == [
        ("Minor e.V.", RESPONSIBLE),
        (IB, FUNDER),
        ("Bundeszentrale für politische Bildung", FUNDER),
    ]


def test_funding_note_naming_a_ministry_with_article(gazetteer: Gazetteer) -> None:
    result = gazetteer.resolve_measure(
        ["Forschungsinstitut Betriebliche Bildung", f"(Förderung durch das {BMBF})"]
    )
    assert [(m.name, m.role) for m in result.mentions][-1] == (BMBF, FUNDER)
    assert result.unresolved == ()


def test_unknown_funders_in_a_note_lose_their_articles(gazetteer: Gazetteer) -> None:
    result = gazetteer.resolve_measure(
        ["Diakonie Deutschland", "(Förderung durch die Stiftung Irgendwo und die Integrationsbeauftragte)"]
    )
    assert [(m.name, m.role, m.resolved) for m in result.mentions] == [
        ("Diakonie Deutschland", RESPONSIBLE, True),
        ("Stiftung Irgendwo", FUNDER, False),
        (IB, FUNDER, True),
    ]
    assert result.unresolved == ("Stiftung Irgendwo",)


def test_same_organisation_same_role_appears_once(gazetteer: Gazetteer) -> None:
    result = gazetteer.resolve_measure(
        [
            BMI,
            "Bundesministerium des Innern, für Bau und Heimat",
            f"{IB}",
            "(Förderung durch die Integrationsbeauftragte)",
        ]
    )
    assert [(m.name, m.role) for m in result.mentions] == [
        (BMI, RESPONSIBLE),
        (IB, RESPONSIBLE),
        (IB, FUNDER),
    ]


def test_leads_are_resolved_in_order(gazetteer: Gazetteer) -> None:
    leads = gazetteer.resolve_leads(["Bundesministerium des Innern, für Bau und Heimat", IB])
    assert [m.name for m in leads] == [BMI, IB]


def test_gazetteer_from_a_plain_mapping() -> None:
    gazetteer = Gazetteer({"Amt A": "Amt A", "A-Amt": "Amt A", "Amt A und B": "Amt AB"})
    assert [m.name for m in gazetteer.split_line("a-amt, Amt A und B")] == ["Amt A", "Amt AB"]
    assert gazetteer.canonical("A-AMT") == "Amt A"
    assert gazetteer.canonical("unbekannt") is None


# -- owner derivation (pure, with stand-ins for Organisation) -------------------------------


@dataclass
class FakeOrg:
    name: str
    kind: str
    parent: FakeOrg | None = None

    @property
    def is_ressort(self) -> bool:
        return self.kind in {"federal_ministry", "federal_commissioner"}

    def ressort(self) -> FakeOrg | None:
        node: FakeOrg | None = self
        while node is not None:
            if node.is_ressort:
                return node
            node = node.parent
        return None


F_AA = FakeOrg(AA, "federal_ministry")
F_BMI = FakeOrg(BMI, "federal_ministry")
F_IB = FakeOrg(IB, "federal_commissioner")
F_BAMF = FakeOrg(BAMF, "federal_agency", F_BMI)
F_GOETHE = FakeOrg(GOETHE, "intermediary")
F_DIAKONIE = FakeOrg("Diakonie Deutschland", "ngo")
F_ALL = FakeOrg("Alle Bundesressorts", "federal_group")


def test_owner_first_named_ressort_counts_funders() -> None:
    choice = derive_owner([F_DIAKONIE, F_IB], [F_AA])
    assert (choice.owner, choice.basis) == (F_IB, NAMED_RESSORT)
    assert choice.explanation == f"Erstes genanntes Bundesressort: {IB}"


def test_owner_ressort_beats_earlier_agency() -> None:
    assert derive_owner([F_BAMF, F_AA], [F_IB]).owner is F_AA


def test_owner_via_agency_parent() -> None:
    choice = derive_owner([F_GOETHE, F_BAMF], [F_AA])
    assert (choice.owner, choice.basis) == (F_BMI, AGENCY_PARENT)
    assert BAMF in choice.explanation and choice.explanation.endswith(BMI)


def test_owner_via_theme_lead_and_group_is_no_ressort() -> None:
    choice = derive_owner([F_GOETHE, F_ALL], [F_AA, F_IB])
    assert (choice.owner, choice.basis) == (F_AA, THEME_LEAD)
    assert "erste Federführung des Themenforums: Auswärtiges Amt" in choice.explanation


def test_no_owner_at_all() -> None:
    with pytest.raises(NoOwnerError):
        derive_owner([F_GOETHE], [])
