"""The finder's questionnaire: every answer key asked once, plain data, sensible relevance."""

from __future__ import annotations

import json
from typing import Any

import pytest

from isi.finder.answers import ANSWER_KEYS, SPECS
from isi.finder.questions import QUESTIONS, is_relevant, question, questions_for, relevant_questions

ACTIVITIES = (
    "registered_with_employment_agency",
    "receives_sgb2",
    "employed",
    "in_recognition_procedure",
    "in_vocational_training",
    "training_contract_signed",
)


def keys(questions: list[dict[str, Any]]) -> list[str]:
    return [q["key"] for q in questions]


def test_every_answer_key_is_asked_exactly_once() -> None:
    assert sorted(keys(questions_for("de"))) == sorted(ANSWER_KEYS)


@pytest.mark.parametrize("lang", ["de", "en"])
def test_questions_are_plain_data_with_labels_and_help(lang: str) -> None:
    questions = questions_for(lang)
    assert json.loads(json.dumps(questions)) == questions
    for q in questions:
        assert q["label"].endswith("?"), q["key"]
        assert q["help"]
        assert q["type"] == SPECS[q["key"]].kind
        assert q["unknown_label"]
        assert (q["relevant_when"] is None) == (q["only_if"] is None), q["key"]


def test_german_first_english_second() -> None:
    assert questions_for()[0]["label"] == "Welche Staatsangehörigkeit haben Sie?"
    assert questions_for("en")[0]["label"] == "What is your nationality?"
    assert questions_for("fr")[0]["label"] == "Welche Staatsangehörigkeit haben Sie?"


def test_choice_questions_offer_exactly_the_allowed_values() -> None:
    for q in questions_for("de"):
        if q["type"] == "choice":
            assert {c["value"] for c in q["choices"]} == set(SPECS[q["key"]].choices)
            assert all(c["label"] for c in q["choices"])
        elif q["type"] == "bool":
            assert [(c["value"], c["label"]) for c in q["choices"]] == [(True, "Ja"), (False, "Nein")]
        elif q["type"] == "country":
            assert {"SY", "AF", "UA", "GE", "ZZ"} <= {c["value"] for c in q["choices"]}
        else:
            assert q["choices"] == []


def test_month_questions_have_a_minimum() -> None:
    by_key = {q["key"]: q for q in questions_for()}
    assert by_key["months_tolerated"]["min"] == 0
    assert by_key["months_permitted_stay"]["min"] == 0


def test_migration_background_is_only_asked_of_germans() -> None:
    q = question("migration_background")
    assert is_relevant(q, {"nationality": "german"}) is True
    assert is_relevant(q, {}) is True  # not known yet: still shown
    assert is_relevant(q, {"nationality": "eu"}) is False
    assert is_relevant(q, {"nationality": "third_country"}) is False


def test_entry_date_and_permitted_months_only_for_unclear_prospects() -> None:
    for key in ("entry_date", "months_permitted_stay"):
        assert is_relevant(question(key), {"status": "asylum_unclear_prospects"})
        assert not is_relevant(question(key), {"status": "asylum_good_prospects"})


def test_tolerated_months_only_for_tolerated_persons() -> None:
    assert is_relevant(question("months_tolerated"), {"status": "tolerated_other"})
    assert not is_relevant(question("months_tolerated"), {"status": "permanent_residence"})


@pytest.mark.parametrize(
    ("answers", "asked"),
    [
        ({"nationality": "eu"}, True),
        ({"nationality": "third_country", "status": "permanent_residence"}, True),
        ({"nationality": "german", "migration_background": True}, True),
        ({"nationality": "german", "status": "spaetaussiedler"}, True),
        ({"nationality": "german", "status": "german_citizen", "migration_background": False}, False),
        ({"nationality": "third_country", "status": "asylum_good_prospects"}, False),
        ({"nationality": "third_country", "status": "tolerated_other"}, False),
    ],
)
def test_activity_questions_only_for_the_group_of_endnote_8_bullet_1(
    answers: dict[str, Any], asked: bool
) -> None:
    for key in ACTIVITIES:
        assert is_relevant(question(key), answers) is asked


def test_relevant_questions_shrink_as_answers_come_in() -> None:
    everything = keys(relevant_questions({}))
    asylum = keys(
        relevant_questions({"nationality": "third_country", "status": "asylum_unclear_prospects"}, "en")
    )
    assert len(asylum) < len(everything)
    assert "entry_date" in asylum and "migration_background" not in asylum and "employed" not in asylum
    assert keys(relevant_questions({"nationality": "third_country", "status": "x"})) == keys(
        relevant_questions({"nationality": "third_country"})
    )  # invalid answers count as not known


def test_question_objects_match_the_plain_data() -> None:
    assert [q.key for q in QUESTIONS] == keys(questions_for())
