"""The finder's answer keys (DESIGN §5) and their validation: errors, never exceptions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from isi.finder.answers import (
    ANSWER_KEYS,
    NON_KEY,
    STATUSES,
    AnswerError,
    Answers,
    coerce_form_data,
    validate_answers,
)

TODAY = date(2025, 6, 30)

FULL: dict[str, Any] = {
    "nationality": "third_country",
    "migration_background": False,
    "particularly_integration_needy": False,
    "status": "asylum_unclear_prospects",
    "entry_date": "2019-07-31",
    "months_permitted_stay": 3,
    "months_tolerated": 0,
    "labour_market_near": True,
    "registered_with_employment_agency": False,
    "receives_sgb2": False,
    "employed": False,
    "in_recognition_procedure": False,
    "in_vocational_training": False,
    "training_contract_signed": False,
    "needs_language_qualification": True,
    "country_of_origin": "AF",
    "in_school": False,
    "sufficient_german": False,
}


def errors_for(raw: Any) -> list[AnswerError]:
    return validate_answers(raw, today=TODAY)[1]


def test_the_answer_keys_are_the_contract() -> None:
    assert set(ANSWER_KEYS) == set(FULL)
    assert STATUSES == (
        "spaetaussiedler",
        "permanent_residence",
        "long_term_resident",
        "eu_free_movement",
        "german_citizen",
        "refugee_protection",
        "temporary_protection_24",
        "humanitarian_temporary",
        "residence_25_5",
        "asylum_good_prospects",
        "asylum_unclear_prospects",
        "asylum_safe_country",
        "tolerated_60a_2_3",
        "tolerated_other",
    )


def test_full_valid_answers_have_typed_values() -> None:
    answers, errors = validate_answers(FULL, today=TODAY)
    assert errors == []
    assert answers["entry_date"] == date(2019, 7, 31)
    assert answers["months_permitted_stay"] == 3
    assert answers["labour_market_near"] is True
    assert answers.to_json() == FULL


def test_every_key_is_optional_and_none_means_unknown() -> None:
    answers, errors = validate_answers({"nationality": None, "employed": None}, today=TODAY)
    assert errors == []
    assert len(answers) == 0
    assert answers.get("nationality") is None


def test_unknown_key_is_an_error() -> None:
    [error] = errors_for({"nationalty": "eu"})
    assert error.key == "nationalty"
    assert "Unbekannte Angabe" in error.message_de
    assert "Unknown answer key" in error.message_en
    assert "nationality" in error.message_de  # the allowed keys are listed


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("employed", "true"),
        ("employed", 1),
        ("employed", "ja"),
        ("months_tolerated", "6"),
        ("months_tolerated", 6.0),
        ("months_tolerated", True),
        ("months_permitted_stay", [3]),
        ("entry_date", 20190731),
        ("entry_date", "31.07.2019"),
        ("entry_date", "2019-02-30"),
        ("entry_date", "20190731"),
        ("nationality", "German"),
        ("nationality", "de"),
        ("status", "refugee"),
        ("status", True),
    ],
)
def test_wrong_types_and_values_are_errors_for_that_key(key: str, value: Any) -> None:
    answers, errors = validate_answers(
        {key: value, "nationality" if key != "nationality" else "employed": None}
    )
    assert [e.key for e in errors] == [key]
    assert key not in answers
    assert errors[0].message("de") and errors[0].message("en")
    assert errors[0].message("en") == errors[0].message_en


def test_negative_months_are_errors() -> None:
    errors = errors_for({"months_permitted_stay": -1, "months_tolerated": -12})
    assert [e.key for e in errors] == ["months_permitted_stay", "months_tolerated"]
    assert "negativ" in errors[0].message_de


def test_dates_in_the_future_are_errors_and_today_is_fine() -> None:
    [error] = errors_for({"entry_date": "2025-07-01"})
    assert error.key == "entry_date"
    assert "Zukunft" in error.message_de
    assert "future" in error.message_en
    assert errors_for({"entry_date": TODAY.isoformat()}) == []
    assert errors_for({"entry_date": date(2019, 1, 1)}) == []
    answers, errors = validate_answers({"entry_date": datetime(2019, 1, 1, 12, 0)}, today=TODAY)
    assert errors == []
    assert answers["entry_date"] == date(2019, 1, 1)
    assert [e.key for e in errors_for({"entry_date": datetime(2030, 1, 1)})] == ["entry_date"]


@pytest.mark.parametrize("raw", [[], "nationality=eu", 42, None])
def test_answers_that_are_not_an_object_are_one_error(raw: Any) -> None:
    [error] = errors_for(raw)
    assert error.key == NON_KEY
    assert "JSON-Objekt" in error.message_de


def test_all_errors_are_reported_at_once() -> None:
    errors = errors_for({"status": "x", "employed": "yes", "foo": 1, "months_tolerated": -1})
    assert sorted(e.key for e in errors) == ["employed", "foo", "months_tolerated", "status"]


@pytest.mark.parametrize(
    ("nationality", "status"),
    [("eu", "german_citizen"), ("third_country", "german_citizen"), ("german", "asylum_good_prospects")],
)
def test_contradicting_nationality_and_status_are_errors(nationality: str, status: str) -> None:
    [error] = errors_for({"nationality": nationality, "status": status})
    assert error.key == "status"


@pytest.mark.parametrize(
    ("nationality", "status"),
    [
        ("german", "spaetaussiedler"),
        ("third_country", "spaetaussiedler"),
        ("third_country", "eu_free_movement"),
    ],
)
def test_plausible_combinations_are_accepted(nationality: str, status: str) -> None:
    assert errors_for({"nationality": nationality, "status": status}) == []


def test_answers_are_an_immutable_ordered_mapping() -> None:
    answers = Answers({"status": "spaetaussiedler", "nationality": "german"})
    assert list(answers) == ["nationality", "status"]
    assert answers == {"nationality": "german", "status": "spaetaussiedler"}
    assert hash(answers) == hash(Answers({"nationality": "german", "status": "spaetaussiedler"}))
    assert "Answers(" in repr(answers)


def test_form_strings_become_typed_answers() -> None:
    form = {
        "nationality": "eu",
        "employed": "ja",
        "receives_sgb2": "False",
        "labour_market_near": "",
        "months_tolerated": " 7 ",
        "entry_date": "2019-07-31",
        "csrfmiddlewaretoken": "abc",
        "in_vocational_training": ["nein"],
    }
    coerced = coerce_form_data(form)
    assert coerced == {
        "nationality": "eu",
        "employed": True,
        "receives_sgb2": False,
        "labour_market_near": None,
        "months_tolerated": 7,
        "entry_date": "2019-07-31",
        "in_vocational_training": False,
    }
    assert errors_for(coerced) == []


def test_form_strings_that_cannot_be_read_are_left_for_validation() -> None:
    coerced = coerce_form_data({"employed": "vielleicht", "months_tolerated": "viele"})
    assert sorted(e.key for e in errors_for(coerced)) == ["employed", "months_tolerated"]
