"""The history rule set (version 1): every clause of Leitfaden endnotes 5 and 8, eligible and not.

These rules were in force until the law changed on 31 December 2022, so ``TODAY`` lies before
that day and ``evaluate`` picks them; the law in force is tested in ``test_finder_law.py``.

Each clause gets an eligible case (and the reason must name the clause) and its important
negative; then the unknown handling (``None`` with the missing keys named) and the JSON shape.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from isi.finder.rules import (
    OfferResult,
    evaluate,
    evaluate_condition,
    finder_payload,
    load_rules,
    parse_condition,
    result_to_json,
    results_to_json,
    validate_answers,
)

TODAY = date(2022, 6, 30)
IK = "integration_course"
BSK = "job_language_course"
ACTIVITIES = (
    "registered_with_employment_agency",
    "receives_sgb2",
    "employed",
    "in_recognition_procedure",
    "in_vocational_training",
    "training_contract_signed",
)


def judge(offer: str, **answers: Any) -> OfferResult:
    """The result for one offer; the answers themselves must be valid."""
    checked, errors = validate_answers(answers, today=TODAY)
    assert errors == []
    results = {r.offer: r for r in evaluate(checked, today=TODAY)}
    return results[offer]


def text(result: OfferResult, lang: str = "de") -> str:
    return " ".join(result.reasons_en if lang == "en" else result.reasons_de)


def foreigner(**more: Any) -> dict[str, Any]:
    """A third-country national with a residence permit who needs better German."""
    return {
        "nationality": "third_country",
        "status": "permanent_residence",
        "needs_language_qualification": True,
        **more,
    }


UNCLEAR_OK: dict[str, Any] = {
    "nationality": "third_country",
    "status": "asylum_unclear_prospects",
    "labour_market_near": True,
    "entry_date": "2019-07-31",
    "months_permitted_stay": 3,
    "needs_language_qualification": True,
}


# --- endnote 5: integration course -----------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "path", "clause"),
    [
        (
            {"nationality": "german", "status": "spaetaussiedler"},
            "spaetaussiedler",
            "Endnote 5, Spiegelstrich 1",
        ),
        (
            {"nationality": "third_country", "status": "permanent_residence"},
            "new_permanent_residence",
            "Endnote 5, Spiegelstrich 1",
        ),
        (
            {"nationality": "third_country", "status": "long_term_resident"},
            "long_term_resident",
            "Endnote 5, Spiegelstrich 2",
        ),
        ({"nationality": "eu", "status": "eu_free_movement"}, "eu_citizen", "Endnote 5, Spiegelstrich 3"),
        (
            {"nationality": "german", "status": "german_citizen", "particularly_integration_needy": True},
            "german_particularly_integration_needy",
            "Endnote 5, Spiegelstrich 3",
        ),
        (
            {"nationality": "third_country", "status": "asylum_good_prospects"},
            "asylum_good_prospects",
            "Endnote 5, Spiegelstrich 4",
        ),
        (
            {"nationality": "third_country", "status": "tolerated_60a_2_3"},
            "tolerated_60a_2_3",
            "Endnote 5, Spiegelstrich 4",
        ),
        (
            {"nationality": "third_country", "status": "residence_25_5"},
            "residence_25_5",
            "Endnote 5, Spiegelstrich 4",
        ),
        (UNCLEAR_OK, "asylum_unclear_prospects", "Endnote 5, Spiegelstrich 5"),
    ],
)
def test_endnote_5_each_clause_makes_eligible_and_says_why(
    answers: dict[str, Any], path: str, clause: str
) -> None:
    result = judge(IK, **answers)
    assert result.eligible is True
    assert path in result.paths
    assert result.missing == ()
    assert result.reasons_de[0].startswith("Berechtigt, weil ")
    assert clause in text(result)
    assert result.reasons_en[0].startswith("Eligible because ")
    assert clause.replace("Spiegelstrich", "bullet").replace("Endnote", "endnote") in text(result, "en")


def test_endnote_5_german_without_particular_need_is_not_eligible() -> None:
    result = judge(IK, nationality="german", status="german_citizen", particularly_integration_needy=False)
    assert result.eligible is False
    assert result.reasons_de[0].startswith("Nicht berechtigt: ")
    assert "Endnote 5, Spiegelstrich 3" in text(result)
    assert "keine besondere Hilfe" in text(result)


def test_endnote_5_german_with_unknown_need_is_open() -> None:
    result = judge(IK, nationality="german", status="german_citizen")
    assert result.eligible is None
    assert result.missing == ("particularly_integration_needy",)


def test_endnote_5_spaetaussiedler_need_not_be_particularly_needy() -> None:
    result = judge(IK, nationality="german", status="spaetaussiedler", particularly_integration_needy=False)
    assert result.eligible is True
    assert result.paths == ("spaetaussiedler",)


def test_endnote_5_humanitarian_temporary_is_not_permanent() -> None:
    result = judge(IK, nationality="third_country", status="humanitarian_temporary")
    assert result.eligible is False
    assert "nur vorübergehend" in text(result)
    assert "Endnote 1" in text(result)
    assert "Endnote 5, Spiegelstrich 1" in text(result)
    assert "auf Dauer angelegt" in text(result)
    assert "only temporary" in text(result, "en")


def test_endnote_5_other_toleration_is_not_enough() -> None:
    result = judge(IK, nationality="third_country", status="tolerated_other", labour_market_near=True)
    assert result.eligible is False
    assert "§ 60a Abs. 2 Satz 3" in text(result)
    assert "Endnote 5, Spiegelstrich 4" in text(result)


@pytest.mark.parametrize("offer", [IK, BSK])
def test_safe_country_of_origin_is_never_eligible(offer: str) -> None:
    result = judge(
        offer,
        nationality="third_country",
        status="asylum_safe_country",
        labour_market_near=True,
        entry_date="2018-01-01",
        months_permitted_stay=30,
        employed=True,
        needs_language_qualification=True,
    )
    assert result.eligible is False
    assert "sicheren Herkunftsland" in text(result)
    assert "Kapitel III" in text(result)
    assert "safe countries of origin" in text(result, "en")


@pytest.mark.parametrize(
    ("offer", "clause"), [(IK, "Endnote 5, Spiegelstrich 5"), (BSK, "Spiegelstrich 2, Unterpunkt 2")]
)
def test_unclear_prospects_entered_on_or_after_1_august_2019_is_not_eligible(offer: str, clause: str) -> None:
    result = judge(offer, **{**UNCLEAR_OK, "entry_date": "2019-08-01"})
    assert result.eligible is False
    assert clause in text(result)
    assert "am 1. August 2019 eingereist, also nicht vor dem 1. August 2019" in text(result)
    assert "You entered on 1 August 2019" in text(result, "en")


@pytest.mark.parametrize("offer", [IK, BSK])
def test_unclear_prospects_entered_the_day_before_the_deadline_is_eligible(offer: str) -> None:
    assert judge(offer, **{**UNCLEAR_OK, "entry_date": "2019-07-31"}).eligible is True


@pytest.mark.parametrize(("months", "eligible"), [(0, False), (2, False), (3, True), (40, True)])
@pytest.mark.parametrize("offer", [IK, BSK])
def test_unclear_prospects_needs_three_months_of_permitted_stay(
    offer: str, months: int, eligible: bool
) -> None:
    result = judge(offer, **{**UNCLEAR_OK, "months_permitted_stay": months})
    assert result.eligible is eligible
    if not eligible:
        assert f"erst seit {months} Monaten eine Aufenthaltsgestattung" in text(result)


@pytest.mark.parametrize("offer", [IK, BSK])
def test_unclear_prospects_not_labour_market_near_is_not_eligible(offer: str) -> None:
    result = judge(offer, **{**UNCLEAR_OK, "labour_market_near": False})
    assert result.eligible is False
    assert "nicht arbeitsmarktnah" in text(result)


def test_unclear_prospects_with_unknown_entry_date_names_it() -> None:
    answers = {k: v for k, v in UNCLEAR_OK.items() if k != "entry_date"}
    result = judge(IK, **answers)
    assert result.eligible is None
    assert result.missing == ("entry_date",)
    assert "wann Sie eingereist sind" in text(result) and "(entry_date)" not in text(result)
    assert "Endnote 5, Spiegelstrich 5" in text(result)


def test_eu_citizen_with_unknown_status_is_still_eligible_for_the_course() -> None:
    assert judge(IK, nationality="eu").eligible is True


def test_third_country_free_movement_matches_no_group_of_endnote_5() -> None:
    result = judge(IK, nationality="third_country", status="eu_free_movement")
    assert result.eligible is False
    assert "keiner der Gruppen" in text(result)
    assert "Endnote 5" in text(result)


# --- endnote 8: job-related German courses ---------------------------------------------------


@pytest.mark.parametrize(("position", "activity"), list(enumerate(ACTIVITIES, start=1)))
def test_endnote_8_bullet_1_each_activity_makes_a_foreigner_eligible(position: int, activity: str) -> None:
    result = judge(BSK, **foreigner(**{activity: True}))
    assert result.eligible is True
    assert result.paths == (activity,)
    assert f"Endnote 8, Spiegelstrich 1, Unterpunkt {position}" in text(result)
    assert f"endnote 8, bullet 1, item {position}" in text(result, "en")


@pytest.mark.parametrize(
    "who",
    [
        {"nationality": "eu", "status": "eu_free_movement"},
        {"nationality": "eu"},
        {"nationality": "german", "status": "german_citizen", "migration_background": True},
        {"nationality": "german", "status": "spaetaussiedler"},
        {"nationality": "third_country", "status": "long_term_resident"},
        {"nationality": "third_country", "status": "residence_25_5"},
        {"nationality": "third_country", "status": "humanitarian_temporary"},
    ],
)
def test_endnote_8_bullet_1_covers_eu_citizens_foreigners_and_germans_with_migration_background(
    who: dict[str, Any],
) -> None:
    result = judge(BSK, **who, employed=True, needs_language_qualification=True)
    assert result.eligible is True
    assert "Endnote 8, Spiegelstrich 1, Unterpunkt 3" in text(result)


def test_endnote_8_german_without_migration_background_is_not_a_target() -> None:
    result = judge(
        BSK,
        nationality="german",
        status="german_citizen",
        migration_background=False,
        employed=True,
        needs_language_qualification=True,
    )
    assert result.eligible is False
    assert "Migrationshintergrund" in text(result)
    assert "Endnote 8, Spiegelstrich 1" in text(result)
    assert "migration background" in text(result, "en")


def test_endnote_8_bullet_1_without_any_activity_is_not_eligible_with_one_reason() -> None:
    result = judge(BSK, **foreigner(**dict.fromkeys(ACTIVITIES, False)))
    assert result.eligible is False
    assert len(result.reasons_de) == 1
    assert "Endnote 8, Spiegelstrich 1" in text(result)
    assert "keiner dieser Fälle" in text(result)


def test_endnote_8_bullet_1_with_unknown_activities_names_them_all() -> None:
    result = judge(BSK, **foreigner())
    assert result.eligible is None
    assert result.missing == ACTIVITIES


@pytest.mark.parametrize(
    ("answers", "path", "clause"),
    [
        (
            {"nationality": "third_country", "status": "asylum_good_prospects"},
            "asylum_good_prospects",
            "Endnote 8, Spiegelstrich 2, Unterpunkt 1",
        ),
        (UNCLEAR_OK, "asylum_unclear_prospects", "Endnote 8, Spiegelstrich 2, Unterpunkt 2"),
        (
            {"nationality": "third_country", "status": "tolerated_60a_2_3"},
            "tolerated_60a_2_3",
            "Endnote 8, Spiegelstrich 2, Unterpunkt 3",
        ),
        (
            {
                "nationality": "third_country",
                "status": "tolerated_other",
                "labour_market_near": True,
                "months_tolerated": 6,
            },
            "tolerated_labour_market_near",
            "Endnote 8, Spiegelstrich 2, Unterpunkt 4",
        ),
    ],
)
def test_endnote_8_bullet_2_each_clause_makes_eligible(
    answers: dict[str, Any], path: str, clause: str
) -> None:
    result = judge(BSK, **{**answers, "needs_language_qualification": True})
    assert result.eligible is True
    assert result.paths == (path,)
    assert clause in text(result)


@pytest.mark.parametrize(("months", "eligible"), [(5, False), (6, True)])
def test_endnote_8_tolerated_needs_six_months(months: int, eligible: bool) -> None:
    result = judge(
        BSK,
        nationality="third_country",
        status="tolerated_other",
        labour_market_near=True,
        months_tolerated=months,
        needs_language_qualification=True,
    )
    assert result.eligible is eligible
    if not eligible:
        assert "erst seit 5 Monaten geduldet" in text(result)
        assert "Endnote 8, Spiegelstrich 2, Unterpunkt 4" in text(result)


def test_endnote_8_tolerated_not_labour_market_near_is_not_eligible() -> None:
    result = judge(
        BSK,
        nationality="third_country",
        status="tolerated_other",
        labour_market_near=False,
        months_tolerated=24,
        needs_language_qualification=True,
    )
    assert result.eligible is False
    assert "nicht arbeitsmarktnah" in text(result)


def test_endnote_8_tolerated_with_unknown_months_names_them() -> None:
    result = judge(
        BSK,
        nationality="third_country",
        status="tolerated_other",
        labour_market_near=True,
        needs_language_qualification=True,
    )
    assert result.eligible is None
    assert result.missing == ("months_tolerated",)


def test_endnote_8_asylum_seekers_are_only_eligible_in_the_listed_cases() -> None:
    """A job does not open bullet 1 to asylum seekers: bullet 2 lists their cases."""
    result = judge(BSK, **{**UNCLEAR_OK, "entry_date": "2020-01-01", "employed": True})
    assert result.eligible is False


def test_endnote_8_no_need_for_better_german_is_not_eligible() -> None:
    result = judge(BSK, **foreigner(employed=True, needs_language_qualification=False))
    assert result.eligible is False
    assert "Endnote 8, Einleitungssatz" in text(result)


def test_endnote_8_unknown_need_does_not_block_but_is_stated_as_condition() -> None:
    result = judge(BSK, nationality="third_country", status="asylum_good_prospects")
    assert result.eligible is True
    assert result.missing == ()
    assert any(
        r.startswith("Voraussetzung: ") and "Endnote 8, Einleitungssatz" in r for r in result.reasons_de
    )
    assert any(r.startswith("Condition: ") for r in result.reasons_en)


def test_humanitarian_temporary_can_get_the_job_course_but_not_the_integration_course() -> None:
    answers = foreigner(status="humanitarian_temporary", employed=True)
    assert judge(IK, **answers).eligible is False
    assert judge(BSK, **answers).eligible is True


def test_several_clauses_give_several_reasons() -> None:
    result = judge(
        BSK,
        nationality="third_country",
        status="tolerated_60a_2_3",
        labour_market_near=True,
        months_tolerated=12,
        needs_language_qualification=True,
    )
    assert result.paths == ("tolerated_60a_2_3", "tolerated_labour_market_near")
    assert len(result.reasons_de) == 2


# --- unknown answers -------------------------------------------------------------------------


def test_no_answers_names_what_is_missing() -> None:
    ik, bsk = evaluate({}, today=TODAY)
    assert (ik.offer, ik.eligible, ik.missing) == (IK, None, ("nationality", "status"))
    assert ik.reasons_de[0].startswith("Wir müssen noch wissen: ")
    assert "Ihre Staatsangehörigkeit und Ihr Aufenthaltsstatus" in ik.reasons_de[0]
    assert "(nationality)" not in ik.reasons_de[0]  # named in words, never as a key
    assert ik.reasons_en[0].startswith("We still need to know: ")
    assert bsk.eligible is None
    assert bsk.missing == ("nationality", "status", "needs_language_qualification")


def test_missing_keys_are_asked_one_step_at_a_time() -> None:
    assert judge(IK, nationality="third_country").missing == ("status",)
    bsk = judge(BSK, nationality="german", status="german_citizen", needs_language_qualification=True)
    assert bsk.missing == ("migration_background",)


def test_evaluate_takes_raw_answers_and_never_raises_on_bad_ones() -> None:
    results = evaluate(
        {"status": 5, "nationality": "eu", "bogus": True, "entry_date": "2999-01-01"}, today=TODAY
    )
    assert [r.offer for r in results] == [IK, BSK]
    assert results[0].eligible is True  # the valid nationality still counts


def test_decided_results_have_no_missing_keys() -> None:
    for result in evaluate(foreigner(employed=True), today=TODAY):
        assert result.eligible is True
        assert result.missing == ()


# --- three-valued conditions -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({"nationality": "eu", "employed": True}, True),
        ({"nationality": "eu", "employed": False}, False),
        ({"nationality": "german", "employed": True}, False),
        ({"nationality": "eu"}, None),
        ({"employed": False}, False),
        ({}, None),
    ],
)
def test_all_is_false_if_any_part_is_false(answers: dict[str, Any], expected: bool | None) -> None:
    condition = parse_condition(
        {
            "all": [
                {"key": "nationality", "op": "eq", "value": "eu"},
                {"key": "employed", "op": "is", "value": True},
            ]
        }
    )
    checked, _ = validate_answers(answers, today=TODAY)
    assert evaluate_condition(condition, checked).value is expected


@pytest.mark.parametrize(
    ("answers", "expected", "missing"),
    [
        ({"nationality": "eu"}, True, ()),
        ({"nationality": "german", "months_tolerated": 6}, True, ()),
        ({"nationality": "german", "months_tolerated": 5}, False, ()),
        ({"nationality": "german"}, None, ("months_tolerated",)),
        ({}, None, ("nationality", "months_tolerated")),
    ],
)
def test_any_is_true_if_any_part_is_true(
    answers: dict[str, Any], expected: bool | None, missing: tuple[str, ...]
) -> None:
    condition = parse_condition(
        {
            "any": [
                {"key": "nationality", "op": "in", "values": ["eu"]},
                {"key": "months_tolerated", "op": "int_at_least", "value": 6},
            ]
        }
    )
    checked, _ = validate_answers(answers, today=TODAY)
    outcome = evaluate_condition(condition, checked)
    assert outcome.value is expected
    assert outcome.missing == missing


# --- JSON shape (the contract) ---------------------------------------------------------------


def test_result_json_has_the_contract_keys() -> None:
    for result in evaluate(UNCLEAR_OK, today=TODAY):
        data = result_to_json(result)
        assert {"offer", "eligible", "reasons"} <= set(data)
        assert data["offer"] in (IK, BSK)
        assert data["eligible"] is True
        assert all(isinstance(r, str) and r for r in data["reasons"])
        assert data["missing"] == []
        assert json.loads(json.dumps(data)) == data


def test_result_json_reasons_are_german_by_default_and_english_on_request() -> None:
    (ik, _bsk) = evaluate({"nationality": "eu"}, today=TODAY)
    assert result_to_json(ik)["reasons"][0].startswith("Berechtigt")
    assert result_to_json(ik, "en")["reasons"][0].startswith("Eligible")
    assert result_to_json(ik, "en")["title"] == "Integration course"


def test_undecided_json_is_null_with_missing_keys() -> None:
    data = result_to_json(evaluate({}, today=TODAY)[0])
    assert data["eligible"] is None
    assert data["missing"] == ["nationality", "status"]
    assert data["missing_questions"] == ["Ihre Staatsangehörigkeit", "Ihr Aufenthaltsstatus"]
    assert data["basis"] is None and data["binding"] is False
    assert data["legal_state"] == "2020-06-01"
    # eligible, basis and decided_by: the endnotes name no office
    assert json.dumps(data).count("null") == 3


def test_payload_with_errors_has_no_results() -> None:
    payload = finder_payload({"status": "martian"}, today=TODAY)
    assert payload["results"] == []
    assert payload["errors"][0]["key"] == "status"
    assert "Ungültiger Wert" in payload["errors"][0]["message"]
    assert (
        "Invalid value"
        in finder_payload({"status": "martian"}, lang="en", today=TODAY)["errors"][0]["message"]
    )


def test_payload_without_errors() -> None:
    payload = finder_payload({"nationality": "eu"}, today=TODAY)
    assert payload["errors"] == []
    assert [r["offer"] for r in payload["results"]] == [IK, BSK]
    assert results_to_json([], [])["results"] == []
    assert "keine verbindliche Entscheidung" in results_to_json([], [])["notice"]


def test_rules_are_loaded_once() -> None:
    assert load_rules() is load_rules()
