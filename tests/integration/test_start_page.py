"""A desk officer's start page (issue 15, point 5) and the staff list's options and export."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook  # type: ignore[import-untyped]

from isi.accounts.models import User
from isi.catalog.models import Level
from isi.measures.models import Measure
from isi.measures.services import measure_create
from isi.organisations.models import Organisation
from isi.workspace.models import SavedFilter

pytestmark = pytest.mark.django_db

START = "/arbeitsbereich/start/"
PASSWORD = "ein-sicheres-Testpasswort-42"


def user(name: str, role: str, org: str | None = None) -> User:
    organisation = Organisation.objects.get(key=org) if org else None
    return User.objects.create_user(username=name, password=PASSWORD, role=role, organisation=organisation)


def client_for(person: User) -> Client:
    client = Client()
    client.force_login(person)
    return client


def measure(title: str, owner: str, **extra: Any) -> Measure:
    return measure_create(
        fields={
            "title": title,
            "summary": extra.pop("summary", "Kurzbeschreibung."),
            "owner": Organisation.objects.get(key=owner),
            "level": Level.objects.get(key="bund"),
            **extra,
        },
        source="test",
        check_rules=False,  # imported-style measures may carry open points: the page lists them
    )


def test_staff_land_on_their_start_page_after_signing_in() -> None:
    user("referentin", "desk_officer", "bmi")
    response = Client().post(reverse("accounts:login"), {"username": "referentin", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == START


def test_sign_in_with_next_still_goes_to_next() -> None:
    user("referentin", "desk_officer", "bmi")
    response = Client().post(
        reverse("accounts:login") + "?next=/arbeitsbereich/runden/",
        {"username": "referentin", "password": PASSWORD, "next": "/arbeitsbereich/runden/"},
    )
    assert response["Location"] == "/arbeitsbereich/runden/"


def test_people_without_a_staff_role_are_sent_to_the_home_page() -> None:
    response = client_for(user("buerger", "public")).get(START)
    assert response.status_code == 302 and response["Location"] == reverse("portal:home")
    anonymous = Client().get(START)
    assert anonymous.status_code == 302 and "/konto/anmelden/" in anonymous["Location"]


def test_desk_officer_sees_own_measures_with_rule_errors_or_overdue_review() -> None:
    broken = measure("Maßnahme ohne Einordnung", "bmi")  # no offer type, no evaluation: rule errors
    stale = measure("Lange nicht geprüft", "bmi")
    Measure.objects.filter(pk=stale.pk).update(last_reviewed_at=timezone.now() - timedelta(days=400))
    measure("Fremde Maßnahme mit Fehlern", "bmas")
    html = client_for(user("referentin", "desk_officer", "bmi")).get(START).content.decode()
    section = html.split('id="start-attention"')[1].split("</section>")[0]
    assert broken.title in section
    assert "Regelfehler" in section
    assert stale.title in section
    assert "zuletzt geprüft am" in section
    assert "Fremde Maßnahme" not in html  # another ministry's measure is not my work


def test_reader_and_coordination_get_the_page_without_measures_of_their_own() -> None:
    measure("Maßnahme ohne Einordnung", "bmi")
    for person in (user("leser", "reader"), user("koordination", "coordination", "ib")):
        response = client_for(person).get(START)
        html = response.content.decode()
        assert response.status_code == 200
        assert "Maßnahme ohne Einordnung" not in html
        assert "Keine: Ihre Maßnahmen haben keine Regelfehler" in html


def test_start_page_names_round_tasks_and_keeps_a_slot_for_releases() -> None:
    from isi.rounds import services as rounds

    measure("Maßnahme in der Runde", "bmi")
    coordination = user("koordination", "coordination", "ib")
    rounds.open_round(
        title="1. Halbjahr 2027", deadline=timezone.localdate() + timedelta(days=30), actor=coordination
    )
    html = client_for(user("referentin", "desk_officer", "bmi")).get(START).content.decode()
    round_section = html.split('id="start-round"')[1].split("</section>")[0]
    assert "1. Halbjahr 2027" in round_section
    assert reverse("rounds:todo") in round_section
    assert 'id="start-releases"' in html


def test_changes_waiting_for_my_release_are_listed_for_the_owner_only() -> None:
    from isi.measures.models import PendingRevision

    own = measure("Sprachkurs für Eltern", "bmi")
    bamf = user("bamf", "agency", "bamf")
    revision = PendingRevision.objects.create(
        measure=own,
        base_version=own.version,
        before={"title": own.title},
        proposed={"title": "Sprachkurs für Eltern (neu)"},
        author=bamf,
        source="test",
    )
    html = client_for(user("referentin", "desk_officer", "bmi")).get(START).content.decode()
    section = html.split('id="start-releases"')[1].split("</section>")[0]
    assert reverse("workspace:revision_detail", args=[revision.pk]) in section
    assert "Sprachkurs für Eltern" in section and "bamf" in section
    other = client_for(user("kollege", "desk_officer", "bmas")).get(START).content.decode()
    assert reverse("workspace:revision_detail", args=[revision.pk]) not in other


def test_saved_filters_belong_to_their_owner() -> None:
    bmi = user("referentin", "desk_officer", "bmi")
    client = client_for(bmi)
    response = client.post(
        reverse("workspace:saved_filter_create"),
        {"name": "Meine Entwürfe", "query": "publication=draft&spalten=status&pro_seite=10&boese=1"},
    )
    assert response.status_code == 302
    saved = SavedFilter.objects.get(user=bmi)
    assert saved.query == "publication=draft&spalten=status&pro_seite=10"  # unknown parameters dropped
    assert "Meine Entwürfe" in client.get(START).content.decode()
    other = client_for(user("kollege", "desk_officer", "bmas"))
    assert "Meine Entwürfe" not in other.get(reverse("workspace:measure_list")).content.decode()
    other.post(reverse("workspace:saved_filter_delete", args=[saved.pk]))
    assert SavedFilter.objects.filter(pk=saved.pk).exists()
    client.post(reverse("workspace:saved_filter_delete", args=[saved.pk]))
    assert not SavedFilter.objects.filter(pk=saved.pk).exists()


def test_columns_and_page_size_of_the_staff_list() -> None:
    for number in range(12):
        measure(f"Maßnahme {number:02d}", "bmi")
    client = client_for(user("referentin", "desk_officer", "bmi"))
    html = client.get(
        reverse("workspace:measure_list") + "?spalten=updated&spalten=areas&pro_seite=10"
    ).content.decode()
    header = html.split('<thead class="kern-table__head">')[1].split("</thead>")[0]
    assert "zuletzt geändert" in header and "Bereiche" in header
    assert "Ressort" not in header
    assert html.count('<tr class="kern-table__row') == 10 + 1  # ten rows and the header
    assert "seite=2" in html and "pro_seite=10" in html  # the next page keeps the choice


def test_export_of_the_staff_list_is_guarded_and_follows_the_selection() -> None:
    measure('=HYPERLINK("http://boese.example")', "bmi", status="running")
    measure("Geplante Maßnahme", "bmi", status="planned")
    measure("Fremder Entwurf", "bmas")
    client = client_for(user("referentin", "desk_officer", "bmi"))
    csv_response = client.get(
        reverse("workspace:measure_export", args=["csv"]) + "?status=running&spalten=status"
    )
    assert csv_response.status_code == 200
    text = csv_response.content.decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0].startswith("Titel;Status;")
    assert len(lines) == 2
    assert lines[1].startswith("\"'=HYPERLINK(") or lines[1].startswith("'=HYPERLINK(")
    assert "Fremder Entwurf" not in text and "Geplante" not in text

    xlsx = client.get(reverse("workspace:measure_export", args=["xlsx"]) + "?spalten=owner")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("Titel", "Ressort")
    titles = {row[0] for row in rows[1:]}
    assert '\'=HYPERLINK("http://boese.example")' in titles
    assert "Fremder Entwurf" not in titles  # a draft of another ministry is not visible to BMI
    assert client.get("/arbeitsbereich/massnahmen/export.pdf").status_code == 404


def test_proposals_and_consultations_waiting_for_me_until_i_have_answered() -> None:
    from isi.consultations.models import Consultation, ConsultationComment
    from isi.coordination.models import ConsolidationProposal, ProposalMeasure, ProposalResponse

    bmi_measure = measure("Elternkurs BMI", "bmi")
    bmas_measure = measure("Elternkurs BMAS", "bmas")
    referentin = user("referentin", "desk_officer", "bmi")
    bmas = user("bmas-referent", "desk_officer", "bmas")
    coordination = user("koordination", "coordination", "ib")
    proposal = ConsolidationProposal.objects.create(
        kind=ConsolidationProposal.Kind.values[0],
        title="Elternkurse zusammenlegen",
        reasons="Dieselben Eltern.",
        proposer=coordination,
        proposer_organisation=coordination.organisation,
    )
    for item in (bmi_measure, bmas_measure):
        ProposalMeasure.objects.create(proposal=proposal, measure=item, owner=item.owner)
    consultation = Consultation.objects.create(
        measure=bmas_measure,
        kind=Consultation.Kind.values[0],
        summary="Bitte um Stellungnahme",
        comment_until=timezone.localdate() + timedelta(days=10),
        submitted_by=bmas,
    )
    client = client_for(referentin)
    html = client.get(START).content.decode()
    proposals = html.split('id="start-proposals"')[1].split("</section>")[0]
    consultations = html.split('id="start-consultations"')[1].split("</section>")[0]
    assert "Elternkurse zusammenlegen" in proposals
    assert reverse("consultations:detail", args=[consultation.pk]) in consultations

    ProposalResponse.objects.create(
        proposal=proposal,
        organisation=Organisation.objects.get(key="bmi"),
        answer="accept",
        reason="Ja.",
        by=referentin,
    )
    ConsultationComment.objects.create(consultation=consultation, author=referentin, text="Einverstanden.")
    html = client.get(START).content.decode()
    assert "Elternkurse zusammenlegen" not in html.split('id="start-proposals"')[1].split("</section>")[0]
    assert reverse("consultations:detail", args=[consultation.pk]) not in html
    # The submitting ministry does not comment on its own consultation.
    assert (
        reverse("consultations:detail", args=[consultation.pk])
        not in client_for(bmas).get(START).content.decode()
    )
