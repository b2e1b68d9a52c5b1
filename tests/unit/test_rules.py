"""The Leitfaden rules (DESIGN §4) as pure functions: one passing and one failing case per clause."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta

import pytest

from isi.measures.rules import (
    NON_FIELD,
    REVIEW_INTERVAL_DAYS,
    RULES,
    MeasureFacts,
    TargetGroupRef,
    Violation,
    check_basic_fields,
    check_basic_offer,
    check_change_origin,
    check_eu_funding,
    check_evaluation,
    check_measure,
    check_model_project,
    check_obligation,
    check_owner,
    check_precedence,
    check_release,
    check_review,
    check_status_independence,
    eu_programmes_mentioned,
    has_errors,
    is_aimed_at_specific_target_groups,
    is_publicly_visible,
    review_due,
)

TODAY = date(2025, 6, 30)

WOMEN = TargetGroupRef("frauen-maedchen", "specific")
CHILDREN = TargetGroupRef("kinder-jugendliche", "specific")
EU_CITIZENS = TargetGroupRef("eu-buerger", "primary")
REFUGEES = TargetGroupRef("humanitaer-gute-bleibeperspektive", "primary")
HOST_SOCIETY = TargetGroupRef("aufnahmegesellschaft", "host_society")


def complete(**changes: object) -> MeasureFacts:
    """A federal measure that satisfies every rule; tests change one thing at a time."""
    facts = MeasureFacts(
        title="Integrationskurs",
        summary="Sprache, Rechtsordnung, Kultur und Geschichte in Deutschland.",
        start_date=date(2020, 1, 1),
        end_date=date(2026, 12, 31),
        owner_key="bmi",
        owner_name="Bundesministerium des Innern",
        owner_is_ressort=True,
        level_key="bund",
        target_groups=frozenset({EU_CITIZENS, REFUGEES}),
        offer_type="component",
        component_key="integrationskurs",
        evaluation_state="planned",
        evaluation_method="Wirkungsanalyse mit Vergleichsgruppe",
        publication="released",
        last_reviewed_at=TODAY - timedelta(days=30),
        funding_note="Bundeshaushalt",
        funding_programme_keys=frozenset({"bundeshaushalt"}),
    )
    return dataclasses.replace(facts, **changes)  # type: ignore[arg-type]


def only(violations: list[Violation], rule: str, field: str, severity: str = "error") -> Violation:
    """Exactly one violation, of this rule, on this field, with both messages naming the rule."""
    assert [(v.rule, v.field) for v in violations] == [(rule, field)]
    return assert_well_formed(violations[0], severity)


def assert_well_formed(found: Violation, severity: str = "error") -> Violation:
    assert found.severity == severity
    assert found.rule.startswith(f"R{found.rule_number}-")
    assert found.message_de.strip() and found.message_en.strip()
    if found.rule_number == 0:
        assert "Grundprüfung" in found.message_de
        assert "basic check" in found.message_en
    else:
        assert f"Regel {found.rule_number})" in found.message_de
        assert f"rule {found.rule_number})" in found.message_en
    return found


# --- the whole set -----------------------------------------------------------------------------


def test_complete_measure_passes_every_rule() -> None:
    assert check_measure(complete(), today=TODAY) == []


def test_rules_run_in_rule_number_order_with_one_signature() -> None:
    numbers = [v.rule_number for v in check_measure(MeasureFacts(publication="released"), today=TODAY)]
    assert numbers == sorted(numbers)
    assert len(set(RULES)) == len(RULES)
    for rule in RULES:
        assert rule.__name__.startswith("check_")
        assert isinstance(rule(complete(), today=TODAY), list)


def test_empty_imported_measure_gets_violations_but_no_exception() -> None:
    found = check_measure(MeasureFacts(), today=TODAY)
    assert {v.rule for v in found} >= {
        "R0-title-required",
        "R1-owner-required",
        "R2-review-overdue",
        "R6-offer-type-missing",
        "R7-evaluation-missing",
    }
    for violation in found:
        assert_well_formed(violation, violation.severity)


def test_facts_are_immutable() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        complete().title = "x"  # type: ignore[misc]


def test_violation_message_picks_the_language() -> None:
    found = check_basic_fields(complete(title=""), today=TODAY)[0]
    assert found.message("en") == found.message_en
    assert found.message("en-gb") == found.message_en
    assert found.message("de") == found.message_de
    assert found.message(None) == found.message_de
    assert found.message_de != found.message_en


def test_has_errors_ignores_warnings() -> None:
    warning = check_review(complete(last_reviewed_at=None), today=TODAY)
    assert warning and not has_errors(warning)
    assert has_errors(check_basic_fields(complete(title=""), today=TODAY))


# --- R0 basic checks -----------------------------------------------------------------------------


def test_missing_title_names_the_title_field() -> None:
    only(check_basic_fields(complete(title=""), today=TODAY), "R0-title-required", "title")


def test_title_of_only_spaces_counts_as_missing() -> None:
    only(check_basic_fields(complete(title="   "), today=TODAY), "R0-title-required", "title")


def test_end_before_start_names_the_end_date_field() -> None:
    facts = complete(start_date=date(2024, 5, 1), end_date=date(2024, 4, 30))
    found = only(check_basic_fields(facts, today=TODAY), "R0-end-before-start", "end_date")
    assert "30.04.2024" in found.message_de
    assert "2024-04-30" in found.message_en


@pytest.mark.parametrize(
    ("start", "end"), [(date(2024, 5, 1), date(2024, 5, 1)), (date(2024, 5, 1), None), (None, None)]
)
def test_same_day_or_open_ended_dates_are_fine(start: date | None, end: date | None) -> None:
    assert check_basic_fields(complete(start_date=start, end_date=end), today=TODAY) == []


# --- R1 owner ------------------------------------------------------------------------------------


def test_federal_measure_owned_by_a_ministry_passes() -> None:
    assert check_owner(complete(), today=TODAY) == []


@pytest.mark.parametrize("level", ["bund", "land", "kommune"])
def test_measure_without_owner_names_the_owner_field(level: str) -> None:
    facts = complete(owner_key=None, owner_name="", owner_is_ressort=False, level_key=level)
    only(check_owner(facts, today=TODAY), "R1-owner-required", "owner")


def test_federal_measure_owned_by_an_agency_names_the_agency() -> None:
    facts = complete(
        owner_key="bamf", owner_name="Bundesamt für Migration und Flüchtlinge", owner_is_ressort=False
    )
    found = only(check_owner(facts, today=TODAY), "R1-owner-not-ressort", "owner")
    assert "Bundesamt für Migration und Flüchtlinge" in found.message_de
    assert "Bundesamt für Migration und Flüchtlinge" in found.message_en


def test_measure_without_level_is_judged_as_federal() -> None:
    facts = complete(level_key=None, owner_key="bamf", owner_is_ressort=False)
    only(check_owner(facts, today=TODAY), "R1-owner-not-ressort", "owner")


@pytest.mark.parametrize("level", ["land", "kommune"])
def test_land_or_kommune_measure_accepts_its_own_organisation_as_owner(level: str) -> None:
    facts = complete(
        level_key=level, owner_key="nrw", owner_name="Nordrhein-Westfalen", owner_is_ressort=False
    )
    assert check_owner(facts, today=TODAY) == []


# --- R2 review -----------------------------------------------------------------------------------


def test_review_interval_is_half_a_year() -> None:
    assert REVIEW_INTERVAL_DAYS == 183


def test_review_is_due_when_never_reviewed() -> None:
    assert review_due(None, TODAY)


def test_review_is_not_due_on_the_last_day_of_the_interval() -> None:
    assert not review_due(TODAY - timedelta(days=REVIEW_INTERVAL_DAYS), TODAY)


def test_review_is_due_the_day_after_the_interval() -> None:
    assert review_due(TODAY - timedelta(days=REVIEW_INTERVAL_DAYS + 1), TODAY)


def test_review_due_accepts_a_datetime_and_counts_its_date() -> None:
    reviewed = datetime(2025, 1, 1, 23, 59, tzinfo=UTC)
    assert not review_due(reviewed, date(2025, 7, 3))  # 183 days
    assert review_due(reviewed, date(2025, 7, 4))


def test_recently_reviewed_measure_is_not_flagged() -> None:
    assert check_review(complete(), today=TODAY) == []


def test_overdue_review_is_a_warning_on_last_reviewed_at() -> None:
    facts = complete(last_reviewed_at=date(2024, 1, 15))
    found = only(check_review(facts, today=TODAY), "R2-review-overdue", "last_reviewed_at", "warning")
    assert "15.01.2024" in found.message_de
    assert "2024-01-15" in found.message_en


def test_never_reviewed_measure_is_flagged_as_never_reviewed() -> None:
    found = only(
        check_review(complete(last_reviewed_at=None), today=TODAY),
        "R2-review-overdue",
        "last_reviewed_at",
        "warning",
    )
    assert "noch nie" in found.message_de
    assert "never" in found.message_en


def test_measure_being_created_is_not_flagged_for_review() -> None:
    facts = complete(is_new=True, last_reviewed_at=None, regular_system_reason="x")
    assert check_review(facts, today=TODAY) == []


# --- R3 precedence of regular system and existing measures ---------------------------------------


def new(**changes: object) -> MeasureFacts:
    """A new measure with its regular-system reason given."""
    base: dict[str, object] = {
        "is_new": True,
        "regular_system_reason": "Das Regelsystem erreicht die Zielgruppe nicht.",
    }
    base.update(changes)
    return complete(**base)


def test_new_measure_with_similar_measures_and_no_reason_names_the_reason_field() -> None:
    found = only(
        check_precedence(new(similar_measure_ids=(3, 7)), today=TODAY),
        "R3-similar-measures-reason",
        "similar_measures_reason",
    )
    assert "2 ähnliche" in found.message_de
    assert "2 similar" in found.message_en


def test_new_measure_with_one_similar_measure_speaks_in_the_singular() -> None:
    found = check_precedence(new(similar_measure_ids=(3,)), today=TODAY)[0]
    assert "eine ähnliche bestehende Maßnahme." in found.message_de
    assert "There is 1 similar existing measure." in found.message_en


def test_new_measure_with_similar_measures_and_a_reason_passes() -> None:
    facts = new(similar_measure_ids=(3,), similar_measures_reason="Andere Zielgruppe, anderer Ansatz.")
    assert check_precedence(facts, today=TODAY) == []


def test_new_measure_without_similar_measures_needs_no_similarity_reason() -> None:
    assert check_precedence(new(similar_measure_ids=()), today=TODAY) == []


def test_new_measure_without_regular_system_reason_names_that_field() -> None:
    only(
        check_precedence(new(regular_system_reason=" "), today=TODAY),
        "R3-regular-system-reason",
        "regular_system_reason",
    )


def test_new_measure_missing_both_reasons_gets_both_violations() -> None:
    found = check_precedence(new(similar_measure_ids=(1,), regular_system_reason=""), today=TODAY)
    assert [v.field for v in found] == ["similar_measures_reason", "regular_system_reason"]


def test_existing_measure_is_not_asked_for_precedence_reasons() -> None:
    facts = complete(is_new=False, similar_measure_ids=(3,), regular_system_reason="")
    assert check_precedence(facts, today=TODAY) == []


# --- R4 status independence ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "groups",
    [
        pytest.param({WOMEN}, id="one-specific-group"),
        pytest.param({WOMEN, CHILDREN}, id="only-specific-groups"),
        pytest.param({REFUGEES}, id="one-primary-group"),
        pytest.param({REFUGEES, WOMEN}, id="one-primary-group-narrowed-further"),
        pytest.param({REFUGEES, HOST_SOCIETY}, id="one-primary-group-meeting-host-society"),
    ],
)
def test_measure_for_specific_target_groups_without_reason_names_the_reason_field(
    groups: set[TargetGroupRef],
) -> None:
    facts = complete(target_groups=frozenset(groups))
    assert is_aimed_at_specific_target_groups(facts)
    only(
        check_status_independence(facts, today=TODAY),
        "R4-status-independence-reason",
        "status_independence_reason",
    )


@pytest.mark.parametrize(
    "groups",
    [
        pytest.param(set(), id="no-groups-recorded"),
        pytest.param({EU_CITIZENS, REFUGEES}, id="several-primary-groups"),
        pytest.param({EU_CITIZENS, REFUGEES, WOMEN}, id="several-primary-groups-and-specific"),
        pytest.param({HOST_SOCIETY}, id="host-society"),
    ],
)
def test_measure_open_across_statuses_needs_no_reason(groups: set[TargetGroupRef]) -> None:
    facts = complete(target_groups=frozenset(groups))
    assert not is_aimed_at_specific_target_groups(facts)
    assert check_status_independence(facts, today=TODAY) == []


def test_measure_for_specific_target_groups_with_reason_passes() -> None:
    facts = complete(
        target_groups=frozenset({WOMEN}),
        status_independence_reason="Geschützter Raum für Frauen ist Voraussetzung der Teilnahme.",
    )
    assert check_status_independence(facts, today=TODAY) == []


# --- R5 obligation -------------------------------------------------------------------------------


def obliged(**changes: object) -> MeasureFacts:
    base: dict[str, object] = {
        "imposes_obligation": True,
        "obligation_control": "Teilnahmebescheinigung an die Ausländerbehörde.",
        "obligation_sanction": "Kürzung von Leistungen nach SGB II.",
    }
    base.update(changes)
    return complete(**base)


def test_measure_without_obligation_needs_no_control_or_sanction() -> None:
    assert check_obligation(complete(imposes_obligation=False), today=TODAY) == []


def test_obligation_with_control_and_sanction_passes() -> None:
    assert check_obligation(obliged(), today=TODAY) == []


def test_obligation_without_control_names_the_control_field() -> None:
    found = only(
        check_obligation(obliged(obligation_control=""), today=TODAY),
        "R5-obligation-control",
        "obligation_control",
    )
    assert "kontrolliert" in found.message_de
    assert "controlled" in found.message_en


def test_obligation_without_sanction_names_the_sanction_field() -> None:
    found = only(
        check_obligation(obliged(obligation_sanction=""), today=TODAY),
        "R5-obligation-sanction",
        "obligation_sanction",
    )
    assert "sanktioniert" in found.message_de
    assert "sanctioned" in found.message_en


def test_obligation_without_either_gets_one_violation_per_field() -> None:
    found = check_obligation(obliged(obligation_control="", obligation_sanction=""), today=TODAY)
    assert [(v.rule, v.field) for v in found] == [
        ("R5-obligation-control", "obligation_control"),
        ("R5-obligation-sanction", "obligation_sanction"),
    ]


# --- R6 basic offer ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"offer_type": "component", "component_key": "anerkennung"}, id="component"),
        pytest.param(
            {"offer_type": "complementary", "component_key": None, "complementary_need": "Frauenspezifisch"},
            id="complementary",
        ),
        pytest.param({"offer_type": "pre_integration", "component_key": None}, id="pre-integration"),
    ],
)
def test_measure_placed_in_the_system_of_offers_passes(changes: dict[str, object]) -> None:
    assert check_basic_offer(complete(**changes), today=TODAY) == []


def test_component_measure_without_component_names_the_component_field() -> None:
    only(check_basic_offer(complete(component_key=None), today=TODAY), "R6-component-missing", "component")


def test_complementary_measure_without_need_names_the_need_field() -> None:
    facts = complete(offer_type="complementary", component_key=None, complementary_need="")
    only(check_basic_offer(facts, today=TODAY), "R6-complementary-need-missing", "complementary_need")


def test_unclassified_measure_names_the_offer_type_field() -> None:
    only(check_basic_offer(complete(offer_type=""), today=TODAY), "R6-offer-type-missing", "offer_type")


def test_unknown_offer_type_is_named_in_the_message() -> None:
    found = only(
        check_basic_offer(complete(offer_type="other"), today=TODAY), "R6-offer-type-missing", "offer_type"
    )
    assert "other" in found.message_de
    assert "other" in found.message_en


# --- R7 Erfolgskontrolle --------------------------------------------------------------------------


def test_measure_without_evaluation_entry_names_the_evaluation() -> None:
    only(
        check_evaluation(complete(evaluation_state=None), today=TODAY), "R7-evaluation-missing", "evaluation"
    )


@pytest.mark.parametrize("state", ["planned", "running", "done"])
def test_evaluation_with_method_passes(state: str) -> None:
    assert check_evaluation(complete(evaluation_state=state), today=TODAY) == []


@pytest.mark.parametrize("state", ["planned", "running", "done"])
def test_evaluation_without_method_names_the_method_field(state: str) -> None:
    facts = complete(evaluation_state=state, evaluation_method="")
    only(check_evaluation(facts, today=TODAY), "R7-evaluation-method-missing", "evaluation.method")


def test_disproportionate_effort_without_reason_names_the_effort_note() -> None:
    facts = complete(evaluation_state="not_proportionate", evaluation_method="", evaluation_effort_note="")
    only(check_evaluation(facts, today=TODAY), "R7-effort-note-missing", "evaluation.effort_note")


def test_disproportionate_effort_with_reason_needs_no_method() -> None:
    facts = complete(
        evaluation_state="not_proportionate",
        evaluation_method="",
        evaluation_effort_note="Fördervolumen 20.000 EUR; eine Evaluation kostete mehr.",
    )
    assert check_evaluation(facts, today=TODAY) == []


# --- R8 model projects ---------------------------------------------------------------------------


def model_project(**changes: object) -> MeasureFacts:
    base: dict[str, object] = {
        "is_model_project": True,
        "test_phase_start": date(2023, 1, 1),
        "test_phase_end": date(2026, 12, 31),
    }
    base.update(changes)
    return complete(**base)


def test_measure_that_is_no_model_project_needs_no_test_phase() -> None:
    assert check_model_project(complete(is_model_project=False), today=TODAY) == []


def test_model_project_with_running_test_phase_passes() -> None:
    assert check_model_project(model_project(), today=TODAY) == []


def test_model_project_without_test_phase_start_names_the_start_field() -> None:
    facts = model_project(test_phase_start=None)
    only(check_model_project(facts, today=TODAY), "R8-test-phase-start", "test_phase_start")


def test_model_project_without_test_phase_end_names_the_end_field() -> None:
    facts = model_project(test_phase_end=None)
    only(check_model_project(facts, today=TODAY), "R8-test-phase-end", "test_phase_end")


def test_test_phase_ending_before_it_starts_names_the_end_field() -> None:
    facts = model_project(test_phase_start=date(2027, 1, 1), test_phase_end=date(2026, 12, 31))
    only(check_model_project(facts, today=TODAY), "R8-test-phase-order", "test_phase_end")


def test_test_phase_ending_today_needs_no_decision_yet() -> None:
    assert check_model_project(model_project(test_phase_end=TODAY), today=TODAY) == []


def test_ended_test_phase_without_decision_warns_while_evaluation_runs() -> None:
    facts = model_project(test_phase_end=date(2025, 3, 31), evaluation_state="running")
    found = only(check_model_project(facts, today=TODAY), "R8-scale-decision", "scale_decision", "warning")
    assert "31.03.2025" in found.message_de


def test_ended_test_phase_without_decision_is_an_error_once_evaluated() -> None:
    facts = model_project(test_phase_end=date(2025, 3, 31), evaluation_state="done")
    found = only(check_model_project(facts, today=TODAY), "R8-scale-decision", "scale_decision", "error")
    assert "abgeschlossen" in found.message_de
    assert "evaluation is done" in found.message_en


@pytest.mark.parametrize("decision", ["scale", "transfer", "scale_and_transfer", "end"])
def test_ended_test_phase_with_decision_passes(decision: str) -> None:
    facts = model_project(test_phase_end=date(2025, 3, 31), evaluation_state="done", scale_decision=decision)
    assert check_model_project(facts, today=TODAY) == []


# --- R9 the owner decides ------------------------------------------------------------------------


@pytest.mark.parametrize("origin", ["consultation_comment", "consolidation_proposal"])
def test_comment_or_proposal_cannot_change_a_measure_by_itself(origin: str) -> None:
    found = only(check_change_origin(origin), "R9-owner-decides", NON_FIELD)
    assert "entscheidet" in found.message_de
    assert "decides" in found.message_en


def test_refusals_say_what_tried_to_change_the_measure() -> None:
    comment = check_change_origin("consultation_comment")[0]
    proposal = check_change_origin("consolidation_proposal")[0]
    assert "Stellungnahme" in comment.message_de
    assert "Konsolidierungsvorschlag" in proposal.message_de


@pytest.mark.parametrize("origin", ["owner_edit", "owner_decision", "import", "reporting_round", ""])
def test_other_change_origins_are_allowed(origin: str) -> None:
    assert check_change_origin(origin) == []


# --- R10 publication -----------------------------------------------------------------------------


def test_released_measure_is_public() -> None:
    assert is_publicly_visible("released", archived=False)


def test_draft_measure_is_not_public() -> None:
    assert not is_publicly_visible("draft", archived=False)


def test_archived_released_measure_is_not_public() -> None:
    assert not is_publicly_visible("released", archived=True)


def test_released_measure_with_owner_and_title_passes() -> None:
    assert check_release(complete(), today=TODAY) == []


def test_released_measure_without_owner_names_the_owner_field() -> None:
    facts = complete(owner_key=None, owner_is_ressort=False)
    only(check_release(facts, today=TODAY), "R10-release-needs-owner", "owner")


def test_released_measure_without_title_names_the_title_field() -> None:
    only(check_release(complete(title=""), today=TODAY), "R10-release-needs-title", "title")


def test_draft_without_owner_or_title_is_no_release_problem() -> None:
    facts = complete(publication="draft", owner_key=None, title="")
    assert check_release(facts, today=TODAY) == []


# --- R11 EU funding ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("note", "key"),
    [
        ("Kofinanzierung aus dem AMIF", "amif"),
        ("amif-Mittel", "amif"),
        ("Asyl-, Migrations- und Integrationsfonds", "amif"),
        ("ESF Plus", "esf-plus"),
        ("ESF+", "esf-plus"),
        ("ESF-Bundesprogramm", "esf-plus"),
        ("Mittel des Europäischen Sozialfonds", "esf-plus"),
        ("EFRE", "efre"),
        ("European Regional Development Fund", "efre"),
        ("Erasmus+", "erasmus-plus"),
        ("erasmus plus", "erasmus-plus"),
    ],
)
def test_eu_programme_in_funding_note_is_recognised(note: str, key: str) -> None:
    assert [p.key for p in eu_programmes_mentioned(note)] == [key]


@pytest.mark.parametrize(
    "note",
    ["", "Bundeshaushalt, Kapitel 0603", "Bundesfreiwilligendienstes", "Erasmusstraße 1, Berlin", "AMIFA"],
)
def test_words_that_merely_contain_a_programme_name_are_not_recognised(note: str) -> None:
    assert eu_programmes_mentioned(note) == []


def test_eu_programme_in_note_but_not_recorded_names_the_programme() -> None:
    facts = complete(
        funding_note="Gefördert aus dem AMIF", funding_programme_keys=frozenset({"bundeshaushalt"})
    )
    found = only(check_eu_funding(facts, today=TODAY), "R11-eu-funding-programme", "funding_programmes")
    assert "AMIF" in found.message_de
    assert "AMIF" in found.message_en


def test_eu_programme_in_note_and_recorded_passes() -> None:
    facts = complete(
        funding_note="Gefördert aus dem ESF Plus", funding_programme_keys=frozenset({"esf-plus"})
    )
    assert check_eu_funding(facts, today=TODAY) == []


def test_each_missing_eu_programme_gets_its_own_violation() -> None:
    facts = complete(
        funding_note="ESF+ und AMIF, außerdem Erasmus+",
        funding_programme_keys=frozenset({"esf-plus"}),
    )
    found = check_eu_funding(facts, today=TODAY)
    assert [v.rule for v in found] == ["R11-eu-funding-programme"] * 2
    assert "AMIF" in found[0].message_en
    assert "Erasmus+" in found[1].message_en
