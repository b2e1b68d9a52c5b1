"""Consolidation proposals: a ministry proposes, the owners answer, nothing changes a measure (rule 9)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import reverse

from isi.accounts.models import User
from isi.coordination.models import ConsolidationProposal, OverlapCandidate, ProposalResponse
from isi.coordination.selectors import open_proposals
from isi.coordination.services import (
    proposal_create,
    proposal_respond,
    proposal_withdraw,
    status_from_answers,
)
from isi.core.changes import history_of
from isi.measures.models import Measure
from tests.integration.coordination_fixtures import make_measure, org, pair, people, run_with

pytestmark = pytest.mark.django_db
__all__ = ["people"]


@pytest.fixture
def world() -> dict[str, Measure]:
    return {
        "bmi": make_measure("Sprachkurse für Eltern", "bmi"),
        "bmfsfj": make_measure("Elternkurse Deutsch", "bmfsfj"),
        "bmas": make_measure("Berufssprachkurse", "bmas"),
        "bmas_draft": make_measure("Entwurf Jobbrücke", "bmas", released=False),
    }


def propose(actor: User, *measures: Measure, kind: str = "merge") -> ConsolidationProposal:
    return proposal_create(
        actor=actor,
        kind=kind,
        title="Elternkurse bündeln",
        reasons="Gleiche Zielgruppe, gleicher Ort.",
        measures=list(measures),
    )


def snapshot(measure: Measure) -> dict[str, object]:
    measure.refresh_from_db()
    data = model_to_dict(measure)
    data["version"] = measure.version
    data["updated_at"] = measure.updated_at
    return data


# --- services ----------------------------------------------------------------------------------


def test_status_rule() -> None:
    assert status_from_answers([1, 2], {}) == "open"
    assert status_from_answers([1, 2], {1: "accept"}) == "open"
    assert status_from_answers([1, 2], {1: "accept", 2: "accept"}) == "accepted"
    assert status_from_answers([1, 2], {1: "accept", 2: "decline"}) == "declined"


def test_ministry_proposes_for_others_and_owners_accept_without_changing_measures(
    people: dict[str, User], world: dict[str, Measure]
) -> None:
    before = {k: snapshot(m) for k, m in world.items()}
    proposal = propose(people["bmas"], world["bmi"], world["bmfsfj"])
    assert proposal.status == "open" and proposal.proposer_organisation == org("bmas")
    assert {i.owner.key for i in proposal.items.all()} == {"bmi", "bmfsfj"}
    proposal_respond(
        proposal=proposal,
        actor=people["bmi"],
        organisation=org("bmi"),
        answer="accept",
        reason="Einverstanden.",
    )
    proposal.refresh_from_db()
    assert proposal.status == "open"
    proposal_respond(
        proposal=proposal, actor=people["bmfsfj"], organisation=org("bmfsfj"), answer="accept", reason="Ja."
    )
    proposal.refresh_from_db()
    assert proposal.status == "accepted"
    assert {k: snapshot(m) for k, m in world.items()} == before
    # Newest first: the status change to accepted, then the creation (an answer alone changes no status).
    assert [r.action for r in history_of(proposal)] == ["update", "create"]


def test_one_decline_declines_and_answers_close(people: dict[str, User], world: dict[str, Measure]) -> None:
    proposal = propose(people["bmi"], world["bmi"], world["bmas"], kind="align")
    proposal_respond(
        proposal=proposal, actor=people["bmas"], organisation=org("bmas"), answer="decline", reason="Nein."
    )
    proposal.refresh_from_db()
    assert proposal.status == "declined"
    with pytest.raises(ValidationError):
        proposal_respond(
            proposal=proposal, actor=people["bmi"], organisation=org("bmi"), answer="accept", reason="Ja"
        )


def test_owner_may_change_its_answer_while_open(people: dict[str, User], world: dict[str, Measure]) -> None:
    proposal = propose(people["bmas"], world["bmi"], world["bmfsfj"])
    proposal_respond(
        proposal=proposal, actor=people["bmi"], organisation=org("bmi"), answer="accept", reason="Ja."
    )
    proposal_respond(
        proposal=proposal,
        actor=people["bmi"],
        organisation=org("bmi"),
        answer="accept",
        reason="Ja, mit Hinweis.",
    )
    response = ProposalResponse.objects.get()
    assert response.reason == "Ja, mit Hinweis."
    records = list(history_of(response).order_by("pk"))
    assert [r.action for r in records] == ["create", "update"]


def test_only_owners_answer_and_reason_is_required(
    people: dict[str, User], world: dict[str, Measure]
) -> None:
    proposal = propose(people["bmas"], world["bmi"], world["bmfsfj"])
    for who in ("bmas", "koordination", "leser", "admin"):
        with pytest.raises(PermissionDenied):
            proposal_respond(
                proposal=proposal, actor=people[who], organisation=org("bmi"), answer="accept", reason="x"
            )
    with pytest.raises(PermissionDenied):  # BMI cannot answer for BMFSFJ
        proposal_respond(
            proposal=proposal, actor=people["bmi"], organisation=org("bmfsfj"), answer="accept", reason="x"
        )
    with pytest.raises(ValidationError) as error:
        proposal_respond(
            proposal=proposal, actor=people["bmi"], organisation=org("bmi"), answer="decline", reason=" "
        )
    assert "reason" in error.value.message_dict
    proposal.refresh_from_db()
    assert proposal.status == "open"


def test_proposal_needs_two_visible_measures_and_a_ministry(
    people: dict[str, User], world: dict[str, Measure]
) -> None:
    with pytest.raises(ValidationError) as error:
        propose(people["bmi"], world["bmi"], world["bmi"])
    assert "measures" in error.value.message_dict
    with pytest.raises(ValidationError):  # a draft of another ministry is not visible to BMI
        propose(people["bmi"], world["bmi"], world["bmas_draft"])
    for who in ("leser", "admin"):
        with pytest.raises(PermissionDenied):
            propose(people[who], world["bmi"], world["bmas"])
    assert propose(people["koordination"], world["bmi"], world["bmas_draft"]).items.count() == 2


def test_withdraw_by_proposer_only_while_open_with_version(
    people: dict[str, User], world: dict[str, Measure]
) -> None:
    proposal = propose(people["bmas"], world["bmi"], world["bmfsfj"])
    with pytest.raises(PermissionDenied):
        proposal_withdraw(proposal=proposal, actor=people["bmi"], version=proposal.version)
    with pytest.raises(ValidationError):
        proposal_withdraw(proposal=proposal, actor=people["bmas"], version=proposal.version + 5)
    withdrawn = proposal_withdraw(proposal=proposal, actor=people["bmas"], version=proposal.version)
    assert withdrawn.status == "withdrawn"
    with pytest.raises(ValidationError):
        proposal_withdraw(proposal=withdrawn, actor=people["bmas"])


def test_open_proposals_selector(people: dict[str, User], world: dict[str, Measure]) -> None:
    first = propose(people["bmas"], world["bmi"], world["bmfsfj"])
    second = propose(people["koordination"], world["bmas"], world["bmfsfj"])
    done = propose(people["bmi"], world["bmi"], world["bmas"])
    proposal_withdraw(proposal=done, actor=people["bmi"])
    assert set(open_proposals()) == {first, second}
    assert set(open_proposals(owner=org("bmi"))) == {first}
    assert set(open_proposals(owner=org("bmas"))) == {first, second}
    assert set(open_proposals(owner=org("bmfsfj"))) == {first, second}
    assert set(open_proposals(owner=org("ib"))) == {second}


# --- views -------------------------------------------------------------------------------------


def test_from_pair_to_answer_through_the_pages(
    client: Client, people: dict[str, User], world: dict[str, Measure]
) -> None:
    run_with([pair(world["bmi"], world["bmfsfj"], 0.7)])
    candidate = OverlapCandidate.objects.get()
    before = {k: snapshot(m) for k, m in world.items()}
    client.force_login(people["bmfsfj"])
    form = client.get(reverse("coordination:proposal_create"), {"paar": candidate.pk})
    assert form.status_code == 200
    html = form.content.decode()
    assert "Sprachkurse für Eltern" in html and "Elternkurse Deutsch" in html and "checked" in html
    response = client.post(
        reverse("coordination:proposal_create"),
        {
            "kind": "merge",
            "title": "Elternkurse zusammenlegen",
            "reasons": "Beide Kurse richten sich an dieselben Eltern.",
            "measures": [world["bmi"].pk, world["bmfsfj"].pk],
            "candidate": candidate.pk,
            "action": "submit",
        },
    )
    proposal = ConsolidationProposal.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "coordination:proposal", args=[proposal.pk]
    )
    assert proposal.candidate == candidate and proposal.proposer == people["bmfsfj"]

    client.force_login(people["bmi"])
    detail = client.get(response["Location"])
    assert detail.status_code == 200 and "Ihre Antwort" in detail.content.decode()
    answer_url = reverse("coordination:proposal_answer", args=[proposal.pk])
    invalid = client.post(answer_url, {"organisation": org("bmi").pk, "answer": "accept", "reason": ""})
    assert invalid.status_code == 400
    client.post(answer_url, {"organisation": org("bmi").pk, "answer": "accept", "reason": "Passt."})
    client.force_login(people["bmfsfj"])
    client.post(answer_url, {"organisation": org("bmfsfj").pk, "answer": "accept", "reason": "Gern."})
    proposal.refresh_from_db()
    assert proposal.status == "accepted"
    page = client.get(reverse("coordination:proposal", args=[proposal.pk])).content.decode()
    assert "angenommen" in page and "Passt." in page and "Gern." in page
    assert {k: snapshot(m) for k, m in world.items()} == before


def test_search_keeps_input_and_adds_results(
    client: Client, people: dict[str, User], world: dict[str, Measure]
) -> None:
    client.force_login(people["bmas"])
    response = client.post(
        reverse("coordination:proposal_create"),
        {"kind": "align", "title": "Sprache", "reasons": "", "q": "kurse", "action": "search"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Sprache"' in html
    assert "Sprachkurse für Eltern" in html and "Elternkurse Deutsch" in html
    assert not ConsolidationProposal.objects.exists()
    by_id = client.post(
        reverse("coordination:proposal_create"), {"q": str(world["bmi"].pk), "action": "search"}
    )
    assert "Sprachkurse für Eltern" in by_id.content.decode()
    invalid = client.post(
        reverse("coordination:proposal_create"),
        {
            "kind": "align",
            "title": "Sprache",
            "reasons": "Grund",
            "measures": [world["bmi"].pk],
            "action": "submit",
        },
    )
    assert invalid.status_code == 400 and "mindestens zwei" in invalid.content.decode()


def test_visibility_of_proposals(client: Client, people: dict[str, User], world: dict[str, Measure]) -> None:
    proposal = propose(people["bmas"], world["bmi"], world["bmas"])
    url = reverse("coordination:proposal", args=[proposal.pk])
    expected = {"bmas": 200, "bmi": 200, "koordination": 200, "admin": 200, "bmfsfj": 403, "leser": 403}
    # BAMF is an agency under BMI but may not change BMI's own measures: it is not an owner here.
    expected["bamf"] = 403
    for who, status in expected.items():
        client.force_login(people[who])
        assert client.get(url).status_code == status, who
    client.force_login(people["bmfsfj"])
    assert proposal.pk not in [
        p.pk for p in client.get(reverse("coordination:proposals")).context["open_proposals"]
    ]
    assert (
        client.post(
            reverse("coordination:proposal_answer", args=[proposal.pk]),
            {"organisation": org("bmi").pk, "answer": "decline", "reason": "x"},
        ).status_code
        == 403
    )
    assert (
        client.post(
            reverse("coordination:proposal_withdraw", args=[proposal.pk]), {"version": proposal.version}
        ).status_code
        == 403
    )
    proposal.refresh_from_db()
    assert proposal.status == "open"


def test_withdraw_through_the_page(
    client: Client, people: dict[str, User], world: dict[str, Measure]
) -> None:
    proposal = propose(people["bmas"], world["bmi"], world["bmas"])
    client.force_login(people["bmi"])
    assert (
        "Vorschlag zurückziehen"
        not in client.get(reverse("coordination:proposal", args=[proposal.pk])).content.decode()
    )
    client.force_login(people["bmas"])
    url = reverse("coordination:proposal_withdraw", args=[proposal.pk])
    response = client.post(url, {"version": proposal.version})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "withdrawn"
    page = client.get(reverse("coordination:proposal", args=[proposal.pk])).content.decode()
    assert "zurückgezogen" in page and "Ihre Antwort" not in page


def test_overview_lists_open_proposals_of_my_ministry(
    client: Client, people: dict[str, User], world: dict[str, Measure]
) -> None:
    mine = propose(people["bmas"], world["bmi"], world["bmfsfj"])
    other = propose(people["koordination"], world["bmas"], world["bmfsfj"])
    client.force_login(people["bmi"])
    response = client.get(reverse("coordination:index"))
    assert [p.pk for p in response.context["my_proposals"]] == [mine.pk]
    assert other.pk not in [p.pk for p in response.context["my_proposals"]]


def test_owners_are_told_by_mail_and_the_proposer_hears_the_outcome(
    people: dict[str, User], world: dict[str, Measure], django_capture_on_commit_callbacks: Any
) -> None:
    for name in ("bmi", "bmfsfj", "bmas"):
        people[name].email = f"{name}@example.org"
        people[name].save()
    with django_capture_on_commit_callbacks(execute=True):
        proposal = propose(people["bmas"], world["bmi"], world["bmfsfj"])
    assert sorted(m.to[0] for m in mail.outbox) == ["bmfsfj@example.org", "bmi@example.org"]
    assert "Elternkurse bündeln" in mail.outbox[0].subject
    assert f"/arbeitsbereich/koordination/vorschlaege/{proposal.pk}/" in mail.outbox[0].body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        proposal_respond(
            proposal=proposal, actor=people["bmi"], organisation=org("bmi"), answer="decline", reason="Nein."
        )
    assert [m.to for m in mail.outbox] == [["bmas@example.org"]]
    assert "abgelehnt" in mail.outbox[0].subject


def test_a_failing_mail_server_does_not_undo_the_proposal(
    people: dict[str, User],
    world: dict[str, Measure],
    django_capture_on_commit_callbacks: Any,
    monkeypatch: Any,
) -> None:
    people["bmi"].email = "bmi@example.org"
    people["bmi"].save()

    def broken(*args: Any, **kwargs: Any) -> int:
        raise OSError("mail server down")

    monkeypatch.setattr("isi.coordination.notify.send_mail", broken)
    with django_capture_on_commit_callbacks(execute=True):
        proposal = propose(people["bmas"], world["bmi"], world["bmfsfj"])
    assert ConsolidationProposal.objects.filter(pk=proposal.pk).exists()


def test_proposal_to_a_ministry_nobody_in_isi_can_answer_for_is_refused_with_that_reason(
    client: Client, people: dict[str, User], world: dict[str, Measure]
) -> None:
    people["bmfsfj"].is_active = False
    people["bmfsfj"].save()
    with pytest.raises(ValidationError) as refused:
        propose(people["bmas"], world["bmi"], world["bmfsfj"])
    message = " ".join(refused.value.message_dict["measures"])
    assert org("bmfsfj").name in message and "niemanden" in message
    assert org("bmi").name not in message  # BMI has someone: only the unreachable owner is named
    assert not ConsolidationProposal.objects.exists()
    # Once BMFSFJ has an active user again, the proposal goes through.
    people["bmfsfj"].is_active = True
    people["bmfsfj"].save()
    assert propose(people["bmas"], world["bmi"], world["bmfsfj"]).status == "open"


def test_proposal_form_shows_the_nobody_to_notify_reason(
    client: Client, people: dict[str, User], world: dict[str, Measure]
) -> None:
    User.objects.filter(organisation__key="bmfsfj").update(is_active=False)
    client.force_login(people["bmas"])
    response = client.post(
        reverse("coordination:proposal_create"),
        {
            "kind": "merge",
            "title": "Elternkurse bündeln",
            "reasons": "Gleiche Zielgruppe.",
            "measures": [world["bmi"].pk, world["bmfsfj"].pk],
        },
    )
    assert response.status_code in (200, 400)
    assert "niemanden, der benachrichtigt werden" in response.content.decode()
    assert not ConsolidationProposal.objects.exists()
