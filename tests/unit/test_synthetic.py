"""The synthetic-measure generator: pure, reproducible, realistic. No database."""

from __future__ import annotations

import dataclasses
import random
import re
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest

from isi.catalog.loaders import read_data
from isi.measures.synthetic.generator import (
    GeneratedMeasure,
    generate_measures,
    iter_measures,
    reword,
)
from isi.measures.synthetic.regions import KOMMUNEN, LAENDER
from isi.measures.synthetic.subjects import SUBJECTS, SUBJECTS_BY_KEY
from isi.measures.synthetic.vocabulary import INSTRUMENTS, TARGETS
from isi.organisations.loaders import read_registry

REFERENCE = date(2025, 6, 30)
CATALOG = read_data("catalog.json")
REGISTRY = {entry["key"]: entry for entry in read_registry()}
LAND_KEYS = {land.organisation_key for land in LAENDER}
KOMMUNE_KEYS = {k.organisation_key for k in KOMMUNEN}
# Federal agencies that carry out a measure for a Ressort other than their parent.
MANDATES = {("bmas", "bamf")}  # Berufssprachkurse (DeuFöV): BMAS pays, BAMF runs them


@pytest.fixture(scope="module")
def measures() -> list[GeneratedMeasure]:
    return generate_measures(4000, 3, REFERENCE)


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def _similarity(a: GeneratedMeasure, b: GeneratedMeasure) -> float:
    left, right = _words(f"{a.title} {a.summary}"), _words(f"{b.title} {b.summary}")
    return len(left & right) / len(left | right)


# -- reproducibility ------------------------------------------------------------------------


def test_same_seed_gives_identical_measures() -> None:
    assert generate_measures(500, 7, REFERENCE) == generate_measures(500, 7, REFERENCE)


def test_a_shorter_run_is_a_prefix_of_a_longer_one() -> None:
    assert generate_measures(300, 7, REFERENCE) == generate_measures(600, 7, REFERENCE)[:300]


def test_different_seed_gives_different_measures() -> None:
    first = generate_measures(200, 7, REFERENCE)
    second = generate_measures(200, 8, REFERENCE)
    assert sum(a.title != b.title for a, b in zip(first, second, strict=True)) > 150
    assert {m.source_key for m in first}.isdisjoint(m.source_key for m in second)


def test_reference_date_moves_dates_but_not_texts_or_links() -> None:
    later = REFERENCE + timedelta(days=100)
    for a, b in zip(generate_measures(200, 7, REFERENCE), generate_measures(200, 7, later), strict=True):
        assert (a.title, a.summary, a.goals, a.owner, a.organisations, a.target_groups) == (
            b.title,
            b.summary,
            b.goals,
            b.owner,
            b.organisations,
            b.target_groups,
        )
        assert b.last_reviewed_at - a.last_reviewed_at == timedelta(days=100)


def test_generation_does_not_touch_the_global_random_stream() -> None:
    random.seed(99)
    expected = random.random()
    random.seed(99)
    generate_measures(100, 7, REFERENCE)
    assert random.random() == expected


def test_source_keys_name_seed_and_index(measures: list[GeneratedMeasure]) -> None:
    assert [m.source_key for m in measures[:3]] == ["gen/3/0", "gen/3/1", "gen/3/2"]
    assert all(len(m.source_key) <= 64 for m in measures)


def test_iter_measures_is_lazy() -> None:
    stream = iter_measures(10**9, 1, REFERENCE)
    assert next(stream).index == 0


# -- realism across levels ------------------------------------------------------------------


def test_level_mix_is_about_30_40_30(measures: list[GeneratedMeasure]) -> None:
    shares = Counter(m.level for m in measures)
    assert abs(shares["bund"] / len(measures) - 0.30) < 0.03
    assert abs(shares["land"] / len(measures) - 0.40) < 0.03
    assert abs(shares["kommune"] / len(measures) - 0.30) < 0.03


def test_federal_measures_are_owned_by_a_ressort(measures: list[GeneratedMeasure]) -> None:
    for m in (m for m in measures if m.level == "bund"):
        assert m.region is None
        assert REGISTRY[m.owner]["kind"] in {"federal_ministry", "federal_commissioner"}


def test_federal_agencies_implement_for_their_own_ministry(measures: list[GeneratedMeasure]) -> None:
    for m in (m for m in measures if m.level == "bund"):
        for link in m.organisations:
            entry = REGISTRY[link.organisation]
            if link.role == "implementing" and entry["kind"] == "federal_agency":
                assert entry.get("parent") == m.owner or (m.owner, link.organisation) in MANDATES


def test_land_and_kommune_measures_belong_to_their_region(measures: list[GeneratedMeasure]) -> None:
    kommunen = {k.organisation_key: k for k in KOMMUNEN}
    for m in measures:
        if m.level == "land":
            assert m.owner == f"land-{m.region}"
        elif m.level == "kommune":
            assert m.owner in kommunen
            assert m.region == kommunen[m.owner].ars
    assert {m.region for m in measures if m.level == "land"} == {land.code for land in LAENDER}


def test_owner_is_the_responsible_organisation(measures: list[GeneratedMeasure]) -> None:
    for m in measures:
        assert m.organisations[0].organisation == m.owner
        assert m.organisations[0].role == "responsible"
        assert [link.position for link in m.organisations] == list(range(1, len(m.organisations) + 1))
        assert len({link.organisation for link in m.organisations}) == len(m.organisations)


def test_every_organisation_key_exists(measures: list[GeneratedMeasure]) -> None:
    known = set(REGISTRY) | LAND_KEYS | KOMMUNE_KEYS
    used = {link.organisation for m in measures for link in m.organisations}
    assert used <= known
    for subject in SUBJECTS:
        assert {key for pair in subject.bund_owners for key in pair if key} <= set(REGISTRY)
        assert set(subject.partners) <= set(REGISTRY)


def test_laender_have_their_official_names_and_keys() -> None:
    catalog_regions = {r["code"]: r["name"] for r in CATALOG["regions"]}
    assert {land.code: land.name for land in LAENDER} == catalog_regions
    governments = {land.code: land.government for land in LAENDER}
    assert governments["09"] == "Freistaat Bayern"
    assert governments["11"] == "Land Berlin"
    assert governments["02"] == "Freie und Hansestadt Hamburg"
    assert governments["04"] == "Freie Hansestadt Bremen"
    assert governments["10"] == "Saarland"
    assert {governments[c] for c in ("14", "16")} == {"Freistaat Sachsen", "Freistaat Thüringen"}


def test_kommunen_have_consistent_official_keys() -> None:
    assert len(KOMMUNEN) >= 40
    assert len({k.ags for k in KOMMUNEN}) == len({k.ars for k in KOMMUNEN}) == len(KOMMUNEN)
    assert len({k.official_name for k in KOMMUNEN}) == len(KOMMUNEN)
    for k in KOMMUNEN:
        assert re.fullmatch(r"\d{8}", k.ags) and re.fullmatch(r"\d{12}", k.ars)
        assert k.ars[:5] == k.ags[:5] and k.ars[-3:] == k.ags[-3:]
        assert k.land_code in {land.code for land in LAENDER}
    by_name = {k.name: k.ags for k in KOMMUNEN}
    assert by_name["Köln"] == "05315000"
    assert by_name["München"] == "09162000"
    assert by_name["Leipzig"] == "14713000"
    assert {k.ars for k in KOMMUNEN if k.name == "Köln"} == {"053150000000"}


# -- catalogue links ------------------------------------------------------------------------


def test_every_catalogue_key_exists_in_catalog_json(measures: list[GeneratedMeasure]) -> None:
    areas = {a["key"] for a in CATALOG["areas"]}
    groups = {t["key"] for t in CATALOG["target_groups"]}
    components = {c["key"] for offer in CATALOG["basic_offers"] for c in offer["components"]}
    funding = {f["key"] for f in CATALOG["funding_programmes"]}
    levels = {level["key"] for level in CATALOG["levels"]}
    for m in measures:
        assert m.level in levels
        assert m.areas and set(m.areas) <= areas
        assert m.target_groups and set(m.target_groups) <= groups
        assert m.funding_programmes and set(m.funding_programmes) <= funding
        assert m.component is None or m.component in components
    for target in TARGETS.values():
        assert set(target.target_groups) <= groups


def test_offer_type_matches_component_or_need(measures: list[GeneratedMeasure]) -> None:
    for m in measures:
        if m.offer_type == "component":
            assert m.component and not m.complementary_need
        elif m.offer_type == "complementary":
            assert m.component is None and m.complementary_need
        else:
            assert m.offer_type == "pre_integration" and m.level == "bund"
    assert {m.offer_type for m in measures} == {"component", "complementary", "pre_integration"}


def test_status_fits_the_dates(measures: list[GeneratedMeasure]) -> None:
    for m in measures:
        assert m.start_date is not None
        assert m.end_date is None or m.end_date > m.start_date
        if m.status == "planned":
            assert m.start_date > REFERENCE
        elif m.status in ("completed", "discontinued"):
            assert m.end_date is not None and m.end_date < REFERENCE
        elif m.status == "running":
            assert m.start_date <= REFERENCE and (m.end_date is None or m.end_date >= REFERENCE)
    assert set(Counter(m.status for m in measures)) == {
        "planned",
        "running",
        "completed",
        "discontinued",
        "unknown",
    }


def test_model_projects_obligations_and_eu_funding(measures: list[GeneratedMeasure]) -> None:
    models = [m for m in measures if m.is_model_project]
    assert models and all(m.test_phase_start and m.test_phase_end for m in models)
    assert all(
        m.test_phase_start < m.test_phase_end for m in models if m.test_phase_start and m.test_phase_end
    )
    assert any(m.scale_decision for m in models)
    assert not any(m.scale_decision or m.test_phase_start for m in measures if not m.is_model_project)

    obliged = [m for m in measures if m.imposes_obligation]
    assert obliged and all(m.obligation_control and m.obligation_sanction for m in obliged)
    assert not any(m.obligation_control for m in measures if not m.imposes_obligation)

    for m in measures:
        if "amif" in m.funding_programmes:
            assert "(AMIF)" in m.funding_note
        if "esf-plus" in m.funding_programmes:
            assert "ESF Plus" in m.funding_note
        if not {"amif", "esf-plus"} & set(m.funding_programmes):
            assert m.funding_note == ""
    assert {"amif", "esf-plus"} <= {key for m in measures for key in m.funding_programmes}

    budgets = [m.budget_eur for m in measures if m.budget_eur is not None]
    assert 0.4 < len(budgets) / len(measures) < 0.7
    assert all(b > 0 and b.as_tuple().exponent == -2 for b in budgets)


def test_publication_and_review_dates(measures: list[GeneratedMeasure]) -> None:
    drafts = sum(m.publication == "draft" for m in measures) / len(measures)
    assert 0.05 < drafts < 0.3
    now = datetime(REFERENCE.year, REFERENCE.month, REFERENCE.day, tzinfo=UTC)
    ages = [(now - m.last_reviewed_at).days for m in measures]
    assert all(0 <= age <= 366 for age in ages)
    overdue = sum(age > 183 for age in ages) / len(ages)
    assert 0.2 < overdue < 0.5
    assert all((m.released_at is None) == (m.publication == "draft") for m in measures)


def test_some_measures_have_an_evaluation(measures: list[GeneratedMeasure]) -> None:
    evaluated = [m for m in measures if m.evaluation is not None]
    assert 0.6 < len(evaluated) / len(measures) < 0.8
    states = Counter(m.evaluation.state for m in evaluated if m.evaluation)
    assert set(states) == {"planned", "running", "done", "not_proportionate"}
    for m in evaluated:
        assert m.evaluation is not None
        if m.evaluation.state == "done":
            assert m.evaluation.result_summary and m.status in ("completed", "discontinued")
        if m.evaluation.state == "not_proportionate":
            assert m.evaluation.effort_note


# -- near-duplicate families ----------------------------------------------------------------


def test_about_five_percent_are_paraphrases(measures: list[GeneratedMeasure]) -> None:
    share = sum(m.paraphrase_of is not None for m in measures) / len(measures)
    assert 0.035 < share < 0.065


def test_paraphrases_share_subject_and_target_group_but_not_owner(measures: list[GeneratedMeasure]) -> None:
    for m in measures:
        if m.paraphrase_of is None:
            continue
        original = measures[m.paraphrase_of]
        assert original.index < m.index and original.paraphrase_of is None
        assert (m.subject, m.target, m.target_groups, m.areas) == (
            original.subject,
            original.target,
            original.target_groups,
            original.areas,
        )
        assert m.owner != original.owner
        assert m.title != original.title and m.summary != original.summary
        if len(SUBJECTS_BY_KEY[m.subject].instruments) > 1:
            assert m.instrument != original.instrument


def test_paraphrases_are_near_duplicates_of_their_original(measures: list[GeneratedMeasure]) -> None:
    rng = random.Random(1)
    pairs = [(m, measures[i]) for m in measures if (i := m.paraphrase_of) is not None]
    family = [_similarity(m, original) for m, original in pairs]
    strangers = [_similarity(m, rng.choice(measures)) for m, _ in pairs]
    assert min(family) > 0.15  # word overlap only; stemming and n-grams see more
    assert sum(family) / len(family) > 2.5 * sum(strangers) / len(strangers)


def test_reword_changes_words_not_compounds() -> None:
    assert reword("Betriebe erhalten Beratung und Teilnehmende werden unterstützt.") == (
        "Unternehmen bekommen Beratung und Teilnehmerinnen und Teilnehmer werden begleitet."
    )
    assert (
        reword("Anerkennungsberatung stärkt Berufssprachkurse")
        == "Anerkennungsberatung fördert Berufssprachkurse"
    )


# -- German text ----------------------------------------------------------------------------

_TEXT_FIELDS = (
    "title",
    "summary",
    "goals",
    "complementary_need",
    "legal_basis",
    "funding_note",
    "regular_system_reason",
    "status_independence_reason",
    "similar_measures_reason",
    "obligation_control",
    "obligation_sanction",
)
_SENTENCE_END = re.compile(r"(?<!bzw\.)(?<=[.])\s+(?=[A-ZÄÖÜ„])")


def test_texts_have_no_placeholders_or_stray_whitespace(measures: list[GeneratedMeasure]) -> None:
    for m in measures:
        for name in _TEXT_FIELDS:
            text = getattr(m, name)
            assert "{" not in text and "}" not in text, (name, text)
            assert "  " not in text and text == text.strip(), (name, text)
        assert m.title[0].isupper() or m.title.startswith("„")
        assert not m.title.endswith(".") and len(m.title) <= 500
        assert m.summary.endswith(".") and m.goals.endswith(".")
        assert m.summary.count("„") == m.summary.count("“")


def test_summaries_have_two_to_four_sentences(measures: list[GeneratedMeasure]) -> None:
    counts = Counter(len(_SENTENCE_END.split(m.summary)) for m in measures)
    assert set(counts) <= {2, 3, 4}
    assert len(counts) == 3


def test_titles_use_instruments_subjects_target_groups_and_regions(measures: list[GeneratedMeasure]) -> None:
    titles = " ".join(m.title for m in measures)
    for word in (
        "Förderprogramm",
        "Modellprojekt",
        "Beratungsangebot",
        "Sprachkurs",
        "Berufssprachkurs",
        "Mentoringprogramm",
        "Netzwerk",
        "Qualifizierungsoffensive",
        "Lotsenprojekt",
        "Anerkennung ausländischer Berufsabschlüsse",
        "Ausbildungsbegleitung",
        "Kita-Einstieg",
        "Antidiskriminierungsberatung",
        "Einbürgerung",
        "für geflüchtete Frauen",
        "für zugewanderte Jugendliche",
        "in Sachsen",
        "im Landkreis",
    ):
        assert word in titles, word
    for m in measures:
        target = TARGETS[m.target]
        assert f"für {target.accusative}" in m.title
        assert m.instrument in INSTRUMENTS


def test_job_language_courses_are_found_only_through_compounds(measures: list[GeneratedMeasure]) -> None:
    """Search for "Sprachkurs" must decompose "Berufssprachkurse" to find these measures."""
    job_language = [m for m in measures if m.subject == "berufssprache"]
    assert job_language
    assert any("Berufssprachkurs" in f"{m.title} {m.summary}" for m in job_language)
    bare = re.compile(r"\bSprachkurs(e|en|es)?\b", re.IGNORECASE)
    assert not [m.title for m in job_language if bare.search(f"{m.title} {m.summary} {m.goals}")]


def test_generated_measure_is_a_plain_frozen_dataclass(measures: list[GeneratedMeasure]) -> None:
    measure = measures[0]
    assert dataclasses.is_dataclass(measure)
    with pytest.raises(dataclasses.FrozenInstanceError):
        measure.title = "anders"  # type: ignore[misc]
