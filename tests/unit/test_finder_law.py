"""The law in force (rule set version 2, from 31 December 2022): one test per clause, and the
personas whose answers changed in 2022.

A reviewer who changes ``src/isi/finder/data/eligibility.json`` runs
``.venv/bin/pytest tests/unit/test_finder_*.py -p no:cacheprovider -q``.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from isi.finder.countries import BY_CODE
from isi.finder.rules import (
    OfferResult,
    evaluate,
    finder_payload,
    load_rule_book,
    load_rules,
    safe_countries_of_origin,
    validate_answers,
)

TODAY = date(2026, 12, 1)
BEFORE_2022 = date(2022, 12, 30)
IK = "integration_course"
BSK = "job_language_course"
RULE_FILE = Path(__file__).resolve().parents[2] / "src" / "isi" / "finder" / "data" / "eligibility.json"


def judge(offer: str, **answers: Any) -> OfferResult:
    """The result for one offer on ``on`` (default ``TODAY``); the answers must be valid."""
    today: date = answers.pop("on", TODAY)
    checked, errors = validate_answers(answers, today=today)
    assert errors == []
    return {r.offer: r for r in evaluate(checked, today=today)}[offer]


def text(result: OfferResult, lang: str = "de") -> str:
    return " ".join(result.reasons_en if lang == "en" else result.reasons_de)


ADULT: dict[str, Any] = {"in_school": False, "sufficient_german": False}


# --- the rule book ---------------------------------------------------------------------------


def test_the_rule_set_in_force_is_picked_by_date() -> None:
    book = load_rule_book()
    assert [s.version for s in book.rule_sets] == [2, 1]
    assert book.in_force(date(2022, 12, 30)).version == 1
    assert book.in_force(date(2022, 12, 31)).version == 2
    assert load_rules(on=TODAY).legal_state == date(2026, 1, 1)
    assert "AufenthG" in load_rules(on=TODAY).source.de


def test_every_clause_of_the_law_in_force_names_its_paragraph_and_date() -> None:
    for offer in load_rules(on=TODAY).offers:
        assert offer.valid_from == date(2022, 12, 31)
        for path in offer.paths:
            assert any(law in path.clause.de for law in ("AufenthG", "DeuFöV", "BVFG", "FreizügG")), path.id
            assert path.since is not None and path.since <= TODAY, path.id
            assert path.basis in ("claim", "admission"), path.id
            assert path.decided_by is not None and path.apply is not None, path.id
        for pre in offer.preconditions:
            assert "§" in pre.clause.de and pre.since is not None, pre.id


def test_safe_countries_of_origin_are_dated() -> None:
    assert {e.code for e in safe_countries_of_origin(TODAY)} == {
        "AL", "BA", "GH", "XK", "MK", "ME", "SN", "RS", "GE", "MD"
    }  # fmt: skip
    assert {e.code for e in safe_countries_of_origin(date(2023, 12, 22))} == {
        "AL", "BA", "GH", "XK", "MK", "ME", "SN", "RS"
    }  # fmt: skip


def test_every_safe_country_can_be_chosen_in_the_questionnaire() -> None:
    for entry in safe_countries_of_origin(TODAY):
        assert entry.code in BY_CODE


def test_the_rule_file_is_valid_json_with_a_source_per_rule_set() -> None:
    data = json.loads(RULE_FILE.read_text(encoding="utf-8"))
    assert all(s["source"]["de"] and s["valid_from"] and s["legal_state"] for s in data["rule_sets"])


# --- integration course: one test per clause -------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "path", "clause", "basis", "office"),
    [
        ({"nationality": "german", "status": "spaetaussiedler"}, "spaetaussiedler", "§ 9 Abs. 1 BVFG",
         "claim", "Bundesverwaltungsamt"),
        ({"nationality": "third_country", "status": "refugee_protection"}, "refugee_protection",
         "§ 44 Abs. 1 Satz 1 Nr. 1 Buchst. c AufenthG", "claim", "Ausländerbehörde"),
        ({"nationality": "third_country", "status": "permanent_residence"}, "new_residence_title",
         "§ 44 Abs. 1 Satz 1 AufenthG", "claim", "Ausländerbehörde"),
        ({"nationality": "third_country", "status": "long_term_resident"}, "no_claim_any_more",
         "§ 44 Abs. 4 Satz 1 AufenthG", "admission", "BAMF"),
        ({"nationality": "third_country", "status": "humanitarian_temporary"}, "no_claim_any_more",
         "§ 44 Abs. 4 Satz 1 AufenthG", "admission", "BAMF"),
        ({"nationality": "eu"}, "eu_citizen", "§ 11 Abs. 1 FreizügG/EU", "admission", "BAMF"),
        ({"nationality": "third_country", "status": "eu_free_movement"}, "eu_citizen",
         "§ 11 Abs. 1 FreizügG/EU", "admission", "BAMF"),
        ({"nationality": "german", "particularly_integration_needy": True},
         "german_particularly_integration_needy", "§ 44 Abs. 4 Satz 2 AufenthG", "admission", "BAMF"),
        ({"nationality": "third_country", "status": "asylum_unclear_prospects", "country_of_origin": "AF"},
         "aufenthaltsgestattung", "§ 44 Abs. 4 Satz 2 Nr. 1 AufenthG", "admission", "BAMF"),
        ({"nationality": "third_country", "status": "tolerated_60a_2_3"}, "tolerated_60a_2_3",
         "§ 44 Abs. 4 Satz 2 Nr. 2 AufenthG", "admission", "BAMF"),
        ({"nationality": "third_country", "status": "residence_25_5"}, "residence_25_5",
         "§ 44 Abs. 4 Satz 2 Nr. 3 AufenthG", "admission", "BAMF"),
        ({"nationality": "third_country", "status": "temporary_protection_24"}, "temporary_protection_24",
         "§ 24 AufenthG", "admission", "BAMF"),
    ],
)  # fmt: skip
def test_integration_course_each_clause(
    answers: dict[str, Any], path: str, clause: str, basis: str, office: str
) -> None:
    result = judge(IK, **answers, **ADULT)
    assert result.eligible is True
    assert result.paths == (path,)
    assert result.basis == basis
    assert result.decided_by is not None and office in result.decided_by.de
    assert clause in text(result)
    assert result.legal_state == date(2026, 1, 1)
    assert result.next_steps()  # where to apply, cost, course search, counselling


def test_pupils_are_excluded_by_44_3_nr_1() -> None:
    result = judge(IK, nationality="third_country", status="refugee_protection", in_school=True)
    assert result.eligible is False
    assert "§ 44 Abs. 3 Satz 1 Nr. 1 AufenthG" in text(result)


def test_sufficient_german_is_excluded_by_44_3_nr_3_but_orientation_course_stays() -> None:
    result = judge(IK, nationality="third_country", status="permanent_residence", sufficient_german=True)
    assert result.eligible is False
    assert "§ 44 Abs. 3 Satz 1 Nr. 3 AufenthG" in text(result)
    assert "Orientierungskurs" in text(result)


def test_unknown_school_and_german_are_stated_as_conditions() -> None:
    result = judge(IK, nationality="third_country", status="refugee_protection")
    assert result.eligible is True
    assert "Voraussetzung" in text(result) and "§ 44 Abs. 3" in text(result)


@pytest.mark.parametrize("country", ["AL", "BA", "GH", "XK", "MK", "ME", "SN", "RS", "GE", "MD"])
def test_asylum_seekers_from_a_safe_country_of_origin_are_not_admitted(country: str) -> None:
    result = judge(IK, nationality="third_country", status="asylum_unclear_prospects",
                   country_of_origin=country, **ADULT)  # fmt: skip
    assert result.eligible is False
    assert "§ 29a AsylG" in text(result)
    assert BY_CODE[country].de in text(result)  # the country by name, not its code


def test_georgia_became_safe_on_23_december_2023() -> None:
    answers: dict[str, Any] = {
        "nationality": "third_country",
        "status": "asylum_good_prospects",
        "country_of_origin": "GE",
    }
    assert judge(IK, on=date(2023, 12, 22), **answers).eligible is True
    assert judge(IK, on=date(2023, 12, 23), **answers).eligible is False


def test_asylum_seeker_who_says_safe_country_is_not_admitted() -> None:
    assert judge(IK, nationality="third_country", status="asylum_safe_country").eligible is False


def test_asylum_seeker_without_country_is_asked_for_it() -> None:
    result = judge(IK, nationality="third_country", status="asylum_unclear_prospects", **ADULT)
    assert result.eligible is None
    assert result.missing == ("country_of_origin",)
    assert result.missing_questions() == ("aus welchem Land Sie kommen",)


def test_other_toleration_is_not_enough_for_the_integration_course() -> None:
    result = judge(IK, nationality="third_country", status="tolerated_other", **ADULT)
    assert result.eligible is False
    assert "§ 60a Abs. 2 Satz 3" in text(result)


def test_german_without_particular_need_is_not_admitted() -> None:
    result = judge(
        IK, nationality="german", status="german_citizen", particularly_integration_needy=False, **ADULT
    )
    assert result.eligible is False


@pytest.mark.parametrize(
    ("answers", "cost"),
    [
        ({"status": "spaetaussiedler", "nationality": "german"}, "kostenlos"),
        ({"status": "refugee_protection", "receives_sgb2": True}, "auf Antrag von den Kosten befreit"),
        ({"status": "refugee_protection", "receives_sgb2": False}, "2,29 Euro"),
    ],
)
def test_integration_course_cost_rule(answers: dict[str, Any], cost: str) -> None:
    result = judge(IK, **{"nationality": "third_country", **answers, **ADULT})
    costs = [s for s in result.next_steps() if s.startswith("Kosten")]
    assert len(costs) == 1 and cost in costs[0] and "IntV" in costs[0]


def test_jobcenter_can_oblige_44a() -> None:
    result = judge(IK, nationality="third_country", status="refugee_protection", receives_sgb2=True, **ADULT)
    assert any("§ 44a" in s for s in result.next_steps())


# --- job-related German courses: one test per clause -----------------------------------------


ACTIVITIES = (
    "registered_with_employment_agency",
    "receives_sgb2",
    "employed",
    "in_recognition_procedure",
    "in_vocational_training",
    "training_contract_signed",
)


@pytest.mark.parametrize(("position", "activity"), list(enumerate(ACTIVITIES, start=1)))
def test_job_course_each_activity_of_4_1_deufoev(position: int, activity: str) -> None:
    result = judge(BSK, nationality="third_country", status="permanent_residence",
                   needs_language_qualification=True, **{activity: True})  # fmt: skip
    assert result.eligible is True
    assert f"§ 4 Abs. 1 Satz 1 Nr. {position} DeuFöV" in text(result)
    assert result.basis == "admission"
    office = "Jobcenter" if activity in ("registered_with_employment_agency", "receives_sgb2") else "BAMF"
    assert result.decided_by is not None and office in result.decided_by.de


def test_job_course_for_asylum_seekers_regardless_of_prospects_but_not_from_safe_country() -> None:
    base: dict[str, Any] = {"nationality": "third_country", "status": "asylum_unclear_prospects",
            "needs_language_qualification": True, "registered_with_employment_agency": True}  # fmt: skip
    assert judge(BSK, **base, country_of_origin="AF").eligible is True
    assert "§ 45a Abs. 2 AufenthG" in text(judge(BSK, **base, country_of_origin="AF"))
    assert judge(BSK, **base, country_of_origin="RS").eligible is False


def test_job_course_for_asylum_seekers_needs_an_activity() -> None:
    result = judge(BSK, nationality="third_country", status="asylum_good_prospects", country_of_origin="SY",
                   needs_language_qualification=True, **dict.fromkeys(ACTIVITIES, False))  # fmt: skip
    assert result.eligible is False


@pytest.mark.parametrize(("months", "eligible"), [(5, False), (6, True)])
def test_job_course_tolerated_six_months(months: int, eligible: bool) -> None:
    result = judge(BSK, nationality="third_country", status="tolerated_other", months_tolerated=months,
                   employed=True, needs_language_qualification=True)  # fmt: skip
    assert result.eligible is eligible


def test_job_course_tolerated_60a_2_3() -> None:
    result = judge(
        BSK, nationality="third_country", status="tolerated_60a_2_3", needs_language_qualification=True
    )
    assert result.eligible is True


def test_job_course_not_needed_is_not_eligible() -> None:
    result = judge(BSK, nationality="eu", employed=True, needs_language_qualification=False)
    assert result.eligible is False


def test_job_course_german_without_migration_background_is_not_a_target() -> None:
    result = judge(BSK, nationality="german", status="german_citizen", migration_background=False,
                   employed=True, needs_language_qualification=True)  # fmt: skip
    assert result.eligible is False


def test_job_course_cost_free_for_jobcenter_clients() -> None:
    result = judge(BSK, nationality="eu", receives_sgb2=True, needs_language_qualification=True)
    assert any("kostenlos" in s and "DeuFöV" in s for s in result.next_steps())


# --- personas whose answer changed in 2022 ---------------------------------------------------


Verdicts = tuple[bool | None, bool | None]
PERSONAS: list[tuple[str, dict[str, Any], Verdicts, Verdicts]] = [
    # (who, answers, (IK, BSK) before 31 Dec 2022, (IK, BSK) under the law in force)
    (
        "Afghan asylum seeker, entered 2021, unclear prospects, registered with the employment agency",
        {"nationality": "third_country", "status": "asylum_unclear_prospects", "country_of_origin": "AF",
         "entry_date": "2021-03-01", "months_permitted_stay": 12, "labour_market_near": True,
         "registered_with_employment_agency": True, "needs_language_qualification": True, **ADULT},
        (False, False),
        (True, True),
    ),
    (
        "Ukrainian with temporary protection (§ 24), on the Jobcenter",
        {"nationality": "third_country", "status": "temporary_protection_24", "country_of_origin": "UA",
         "receives_sgb2": True, "needs_language_qualification": True, **ADULT},
        (False, False),  # the old rules had no § 24 status
        (True, True),
    ),
    (
        "Syrian recognised refugee on the Jobcenter",
        {"nationality": "third_country", "status": "refugee_protection", "country_of_origin": "SY",
         "receives_sgb2": True, "needs_language_qualification": True, **ADULT},
        (False, False),  # the old rules had no status for recognised refugees
        (True, True),
    ),
    (
        "Pupil with a residence permit",
        {"nationality": "third_country", "status": "permanent_residence", "in_school": True,
         "sufficient_german": False},
        (True, None),
        (False, None),
    ),
    (
        "Georgian asylum seeker who entered in 2019 (safe country of origin since 23 Dec 2023)",
        {"nationality": "third_country", "status": "asylum_unclear_prospects", "country_of_origin": "GE",
         "entry_date": "2019-05-01", "months_permitted_stay": 24, "labour_market_near": True,
         "employed": True, "needs_language_qualification": True, **ADULT},
        (True, True),
        (False, False),
    ),
]  # fmt: skip


@pytest.mark.parametrize(("who", "answers", "before", "now"), PERSONAS, ids=[p[0] for p in PERSONAS])
def test_personas_before_and_after_the_2022_change(
    who: str,
    answers: dict[str, Any],
    before: tuple[bool | None, bool | None],
    now: tuple[bool | None, bool | None],
) -> None:
    then = {r.offer: r.eligible for r in evaluate(answers, today=BEFORE_2022)}
    today = {r.offer: r.eligible for r in evaluate(answers, today=TODAY)}
    assert (then[IK], then[BSK]) == before, who
    assert (today[IK], today[BSK]) == now, who


def test_eu_worker_persona() -> None:
    payload = finder_payload({"nationality": "eu", "employed": True, "needs_language_qualification": True,
                              **ADULT}, today=TODAY)  # fmt: skip
    ik, bsk = payload["results"]
    assert (ik["eligible"], ik["basis"]) == (True, "admission")
    assert (bsk["eligible"], bsk["basis"]) == (True, "admission")
    for result in (ik, bsk):
        assert {"basis", "decided_by", "legal_state", "next_steps"} <= set(result)
        assert result["binding"] is False and "keine verbindliche Entscheidung" in result["notice"]


def test_eu_citizen_with_a_duldung_is_a_contradiction() -> None:
    payload = finder_payload({"nationality": "eu", "status": "tolerated_other"}, today=TODAY)
    assert payload["results"] == []
    assert payload["errors"][0]["key"] == "status"
