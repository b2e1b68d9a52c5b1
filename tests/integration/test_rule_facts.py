"""Stored measures read into rule facts, and the rules judging them end to end."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from isi.catalog.models import Component, FundingProgramme, Level, TargetGroup
from isi.measures.facts import facts_from_measure
from isi.measures.models import Evaluation, Measure
from isi.measures.rules import check_measure, check_owner, is_publicly_visible
from isi.measures.rules import core as rule_values
from isi.measures.rules.funding import EU_PROGRAMMES
from isi.organisations.models import Organisation

pytestmark = pytest.mark.django_db

TODAY = date(2025, 6, 30)


def make_measure(owner_key: str = "bmi", **fields: object) -> Measure:
    return Measure.objects.create(
        title=str(fields.pop("title", "Integrationskurs")),
        owner=Organisation.objects.get(key=owner_key),
        level=Level.objects.get(key="bund"),
        **fields,
    )


def test_stored_measure_becomes_plain_facts() -> None:
    measure = make_measure(
        offer_type=Measure.OfferType.COMPONENT,
        component=Component.objects.get(key="integrationskurs"),
        funding_note="Kofinanziert aus dem AMIF",
        imposes_obligation=True,
        obligation_control="Meldung an die Ausländerbehörde",
    )
    measure.target_groups.set(TargetGroup.objects.filter(key__in=["frauen-maedchen", "eu-buerger"]))
    measure.funding_programmes.set(FundingProgramme.objects.filter(key="bundeshaushalt"))

    facts = facts_from_measure(measure, similar_measure_ids=[4, 9], is_new=True)

    assert facts.title == "Integrationskurs"
    assert (facts.owner_key, facts.owner_name, facts.owner_is_ressort) == (
        "bmi",
        "Bundesministerium des Innern",
        True,
    )
    assert facts.level_key == "bund"
    assert facts.component_key == "integrationskurs"
    assert facts.target_group_keys == {"frauen-maedchen", "eu-buerger"}
    assert facts.target_group_keys_of_kind("specific") == {"frauen-maedchen"}
    assert facts.funding_programme_keys == {"bundeshaushalt"}
    assert facts.similar_measure_ids == (4, 9)
    assert facts.is_new
    assert facts.evaluation_state is None
    assert facts.publication == "draft"
    assert not facts.archived


def test_rules_judge_a_stored_measure_end_to_end() -> None:
    measure = make_measure(
        offer_type=Measure.OfferType.COMPONENT,
        component=Component.objects.get(key="integrationskurs"),
        funding_note="Kofinanziert aus dem AMIF",
        imposes_obligation=True,
        obligation_control="Meldung an die Ausländerbehörde",
    )
    found = {(v.rule, v.field) for v in check_measure(facts_from_measure(measure), today=TODAY)}
    assert found == {
        ("R2-review-overdue", "last_reviewed_at"),
        ("R5-obligation-sanction", "obligation_sanction"),
        ("R7-evaluation-missing", "evaluation"),
        ("R11-eu-funding-programme", "funding_programmes"),
    }

    measure.obligation_sanction = "Leistungskürzung"
    measure.last_reviewed_at = datetime(2025, 6, 1, 9, 0, tzinfo=UTC)
    measure.save()
    measure.funding_programmes.add(FundingProgramme.objects.get(key="amif"))
    Evaluation.objects.create(measure=measure, state=Evaluation.State.NOT_PROPORTIONATE)
    measure = Measure.objects.get(pk=measure.pk)

    found_after = check_measure(facts_from_measure(measure), today=TODAY)
    assert [(v.rule, v.field) for v in found_after] == [("R7-effort-note-missing", "evaluation.effort_note")]


def test_measure_owned_by_an_agency_breaks_rule_1() -> None:
    measure = make_measure(owner_key="bamf")
    facts = facts_from_measure(measure)
    assert not facts.owner_is_ressort
    assert [v.rule for v in check_owner(facts, today=TODAY)] == ["R1-owner-not-ressort"]


def test_evaluation_entry_is_read_into_the_facts() -> None:
    measure = make_measure()
    Evaluation.objects.create(
        measure=measure, state=Evaluation.State.PLANNED, method="Befragung", due_date=date(2026, 3, 31)
    )
    facts = facts_from_measure(Measure.objects.get(pk=measure.pk))
    assert facts.evaluation_state == "planned"
    assert facts.evaluation_method == "Befragung"
    assert facts.evaluation_due_date == date(2026, 3, 31)


def test_review_time_is_read_in_local_time() -> None:
    # 23:30 UTC on 31 December is already 1 January in Berlin.
    measure = make_measure(last_reviewed_at=datetime(2024, 12, 31, 23, 30, tzinfo=UTC))
    reviewed = facts_from_measure(measure).last_reviewed_at
    assert isinstance(reviewed, datetime)
    assert reviewed.date() == date(2025, 1, 1)


def test_unsaved_measure_reads_without_touching_relations() -> None:
    measure = Measure(
        title="Neu", owner=Organisation.objects.get(key="bmas"), level=Level.objects.get(key="bund")
    )
    facts = facts_from_measure(measure, is_new=True)
    assert facts.target_groups == frozenset()
    assert facts.funding_programme_keys == frozenset()
    assert facts.evaluation_state is None


def test_publication_helper_agrees_with_the_model() -> None:
    released = make_measure(title="Freigegeben", publication=Measure.Publication.RELEASED)
    draft = make_measure(title="Entwurf")
    for measure in (released, draft):
        facts = facts_from_measure(measure)
        assert is_publicly_visible(facts.publication, facts.archived) == measure.is_public
    assert list(Measure.objects.public()) == [released]


def test_rule_constants_match_the_stored_choice_values() -> None:
    """The rules repeat choice values to stay free of model imports; they must not drift."""
    assert rule_values.LEVEL_FEDERAL in Level.objects.values_list("key", flat=True)
    assert {
        rule_values.TARGET_GROUP_PRIMARY,
        rule_values.TARGET_GROUP_SPECIFIC,
        rule_values.TARGET_GROUP_HOST_SOCIETY,
    } == set(TargetGroup.Kind.values)
    assert {
        rule_values.OFFER_UNDECIDED,
        rule_values.OFFER_COMPONENT,
        rule_values.OFFER_COMPLEMENTARY,
        rule_values.OFFER_PRE_INTEGRATION,
    } == set(Measure.OfferType.values)
    assert rule_values.SCALE_PENDING == Measure.ScaleDecision.PENDING
    assert rule_values.PUBLICATION_RELEASED == Measure.Publication.RELEASED
    assert {
        rule_values.EVALUATION_PLANNED,
        rule_values.EVALUATION_RUNNING,
        rule_values.EVALUATION_DONE,
        rule_values.EVALUATION_NOT_PROPORTIONATE,
    } == set(Evaluation.State.values)
    assert rule_values.PUBLICATION_DRAFT == Measure.Publication.DRAFT


def test_eu_programme_keys_exist_in_the_catalogue() -> None:
    eu_keys = set(FundingProgramme.objects.filter(is_eu=True).values_list("key", flat=True))
    assert {programme.key for programme in EU_PROGRAMMES} == eu_keys
