"""Overlap review and a consolidation proposal in a real Chromium, with axe on every page."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from isi.accounts.models import User
from isi.catalog.models import Area, Level, TargetGroup
from isi.coordination.models import ConsolidationProposal, OverlapCandidate
from isi.measures.models import Measure
from isi.organisations.models import Organisation
from tests.browser.conftest import PASSWORD
from tests.browser.support import axe_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]


@pytest.fixture
def people() -> dict[str, User]:
    specs = {
        "bmi": ("desk_officer", "bmi"),
        "bmfsfj": ("desk_officer", "bmfsfj"),
        "koordination": ("coordination", "ib"),
    }
    return {
        name: User.objects.create_user(
            username=name, password=PASSWORD, role=role, organisation=Organisation.objects.get(key=key)
        )
        for name, (role, key) in specs.items()
    }


def make(title: str, owner: str, summary: str) -> Measure:
    measure = Measure.objects.create(
        title=title,
        summary=summary,
        owner=Organisation.objects.get(key=owner),
        level=Level.objects.get(key="bund"),
        publication=Measure.Publication.RELEASED,
    )
    measure.areas.set(Area.objects.filter(key="sprache"))
    measure.target_groups.set(TargetGroup.objects.filter(key="familien"))
    return measure


@pytest.fixture
def measures() -> list[Measure]:
    from isi.coordination.similar import reset_index

    reset_index()
    return [
        make(
            "Sprachkurse für Eltern in Kindertagesstätten",
            "bmi",
            "Eltern lernen Deutsch in der Kita ihrer Kinder, mit Kinderbetreuung während des Sprachkurses.",
        ),
        make(
            "Deutschkurse für Eltern in der Kita",
            "bmfsfj",
            "Sprachkurse für Eltern direkt in der Kindertagesstätte, Kinderbetreuung inklusive.",
        ),
    ]


def test_coordination_marks_a_pair_and_a_proposal_flows_to_the_owner_and_back(
    live_server: LiveServer,
    sign_in_as: Callable[[str], Page],
    people: dict[str, User],
    measures: list[Measure],
) -> None:
    base = f"{live_server.url}/arbeitsbereich/koordination/"
    coordination = sign_in_as("koordination")
    coordination.goto(base)
    expect(coordination.get_by_role("heading", level=1)).to_have_text("Koordination")
    assert axe_violations(coordination) == []
    coordination.get_by_role("button", name="Alle Paare neu berechnen").click()
    # Every staff page has the (here empty) status region of workspace/base.html as well.
    expect(coordination.get_by_role("status").filter(has_text="Abgeschlossen")).to_be_visible()
    assert axe_violations(coordination) == []

    coordination.get_by_role("link", name="Zu den möglichen Überschneidungen").click()
    candidate = OverlapCandidate.objects.get()
    expect(coordination.locator(f"#paar-{candidate.pk}")).to_contain_text(
        "Deutschkurse für Eltern in der Kita"
    )
    assert axe_violations(coordination) == []
    coordination.get_by_label(f"Bewertung für Paar {candidate.pk}").select_option("overlap")
    coordination.locator(f"#paar-{candidate.pk}").get_by_role("button", name="Speichern").click()
    expect(coordination.get_by_role("status").first).to_contain_text("Bewertung gespeichert")
    expect(coordination.locator(f"#paar-{candidate.pk}")).to_have_count(0)  # open list: it is done
    candidate.refresh_from_db()
    assert candidate.decision == "overlap"

    # BMFSFJ proposes from the pair; BMI and BMFSFJ answer.
    bmfsfj = sign_in_as("bmfsfj")
    bmfsfj.goto(f"{base}ueberschneidungen/?decision=overlap")
    bmfsfj.locator(f"#paar-{candidate.pk}").get_by_role("link", name="Vorschlag machen").click()
    expect(bmfsfj.get_by_role("heading", level=1)).to_have_text("Konsolidierung vorschlagen")
    assert axe_violations(bmfsfj) == []
    bmfsfj.get_by_label("Art des Vorschlags").select_option("merge")
    bmfsfj.get_by_label("Begründung").fill("Beide Kurse erreichen dieselben Eltern in denselben Kitas.")
    bmfsfj.get_by_role("button", name="Vorschlag einreichen").click()
    expect(bmfsfj.locator("#proposal-status")).to_have_text("offen")
    proposal_url = bmfsfj.url
    assert axe_violations(bmfsfj) == []

    bmi = sign_in_as("bmi")
    bmi.goto(base)
    bmi.get_by_role("link", name=ConsolidationProposal.objects.get().title).click()
    bmi.get_by_label("Antwort (Pflichtfeld)", exact=True).select_option("accept")
    bmi.get_by_label("Begründung").fill("Das BMI stimmt zu; die Kurse werden gemeinsam ausgeschrieben.")
    bmi.get_by_role("button", name="Antwort speichern").click()
    expect(bmi.locator(".answer-list")).to_contain_text("gemeinsam ausgeschrieben")
    assert axe_violations(bmi) == []

    bmfsfj.goto(proposal_url)
    bmfsfj.get_by_label("Antwort (Pflichtfeld)", exact=True).select_option("accept")
    bmfsfj.get_by_label("Begründung").fill("Einverstanden.")
    bmfsfj.get_by_role("button", name="Antwort speichern").click()
    expect(bmfsfj.locator("#proposal-status")).to_have_text("angenommen")

    coordination.goto(f"{base}vorschlaege/")
    expect(coordination.get_by_role("table").last).to_contain_text("angenommen")
    assert axe_violations(coordination) == []

    # Nothing in the proposal changed a measure (rule 9).
    for measure in measures:
        measure.refresh_from_db()
        assert measure.version == 1


def test_detail_empty_list_and_form_errors_pass_axe(
    live_server: LiveServer,
    sign_in_as: Callable[[str], Page],
    people: dict[str, User],
    measures: list[Measure],
) -> None:
    from isi.coordination.models import OverlapRun
    from isi.coordination.services import merge_pairs
    from tests.integration.coordination_fixtures import pair

    base = f"{live_server.url}/arbeitsbereich/koordination/"
    coordination = sign_in_as("koordination")
    coordination.goto(f"{base}ueberschneidungen/")
    expect(coordination.get_by_text("Keine offenen Paare.")).to_be_visible()
    assert axe_violations(coordination) == []

    merge_pairs(OverlapRun.objects.create(state="done"), [pair(measures[0], measures[1], 0.7)])
    candidate = OverlapCandidate.objects.get()
    coordination.goto(f"{base}ueberschneidungen/{candidate.pk}/")
    expect(coordination.get_by_role("heading", level=1)).to_contain_text("70 %")
    assert axe_violations(coordination) == []
    coordination.get_by_label("Bewertung").select_option("complementary")
    coordination.get_by_role("button", name="Bewertung speichern").click()
    coordination.goto(f"{base}ueberschneidungen/{candidate.pk}/")
    expect(coordination.locator(".history-list")).to_contain_text("ergänzen sich")
    assert axe_violations(coordination) == []

    bmi = sign_in_as("bmi")
    bmi.goto(f"{base}vorschlaege/neu/")
    bmi.get_by_role("button", name="Vorschlag einreichen").click()
    expect(bmi.locator(".kern-error").first).to_be_visible()
    assert axe_violations(bmi) == []
    bmi.get_by_label("Weitere Maßnahmen suchen (Titel oder ID)").fill("Eltern")
    bmi.get_by_role("button", name="Maßnahmen suchen").click()
    expect(bmi.get_by_label("Deutschkurse für Eltern in der Kita", exact=False)).to_be_visible()
    assert axe_violations(bmi) == []
