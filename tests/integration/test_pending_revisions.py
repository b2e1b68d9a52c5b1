"""The owner's release (issue 15, point 2) and the one write path's refusals (point 1).

The issue's walk-through: `bamf` edits BMAS's measure 9 → BMAS sees a pending release with the
diff and a mail; the public page still shows the released text until BMAS releases. Rejecting
needs a reason, which the author receives. A stale proposal shows its conflict. Restoring an old
state that breaks a rule is refused with the rule named.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from isi.accounts.models import User
from isi.core.changes import history_of
from isi.measures.models import Evaluation, Measure, PendingRevision
from isi.measures.revisions import RevisionConflict, release
from isi.measures.services import ChangeNotPermitted, RulesBroken, measure_change, measure_update
from isi.measures.signals import listeners
from isi.organisations.models import Organisation
from tests.api.support import API, make_measure, org, token_for

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.api_urls")]

OLD = "Zusammenfassung von Berufssprachkurse Pflege"
NEW = "Von BAMF überarbeitet: Kurse jetzt auch abends."

VALID: dict[str, Any] = {
    "regular_system_reason": "Das Regelsystem erreicht Pflegekräfte im Beruf nicht.",
    "offer_type": "complementary",
    "complementary_need": "Sprache am Arbeitsplatz",
    "evaluation": {"state": "planned", "method": "Befragung der Teilnehmenden"},
}


def person(username: str, role: str, org_key: str) -> User:
    return User.objects.create_user(
        username=username,
        password="x",
        role=role,
        organisation=org(org_key),
        email=f"{username}@example.invalid",
    )


@pytest.fixture
def people() -> dict[str, User]:
    return {
        "bmas": person("bmas", "desk_officer", "bmas"),
        "bmas2": person("bmas2", "desk_officer", "bmas"),
        "bamf": person("bamf", "agency", "bamf"),
        "bmi": person("bmi", "desk_officer", "bmi"),
    }


@pytest.fixture
def measure9() -> Measure:
    """Like the demo's measure 9: owned by BMAS, BAMF named as implementing, released."""
    return make_measure("Berufssprachkurse Pflege", "bmas", released=True, implementer="bamf", **VALID)


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


from tests.integration.test_field_permissions import edit_form_data  # noqa: E402 - one helper


def public_page(measure: Measure) -> str:
    return Client().get(reverse("portal:measure", args=[measure.pk])).content.decode()


def bamf_proposes(people: dict[str, User], measure: Measure, capture: Any) -> PendingRevision:
    client = signed_in(people["bamf"])
    data = edit_form_data(client, measure)
    data["summary"] = NEW
    with capture(execute=True):
        response = client.post(reverse("workspace:measure_edit", args=[measure.pk]), data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    revision = PendingRevision.objects.get(measure=measure)
    assert response["Location"] == reverse("workspace:revision_detail", args=[revision.pk])
    return revision


def test_agency_edit_of_a_ministrys_measure_waits_for_the_owners_release(
    people: dict[str, User], measure9: Measure, django_capture_on_commit_callbacks: Any
) -> None:
    mail.outbox.clear()
    revision = bamf_proposes(people, measure9, django_capture_on_commit_callbacks)

    # Nothing public changed: the measure row keeps the released text and version.
    measure9.refresh_from_db()
    assert measure9.summary == OLD and measure9.version == 1
    assert OLD in public_page(measure9) and NEW not in public_page(measure9)
    assert revision.state == PendingRevision.State.PENDING
    assert revision.before == {"summary": OLD} and revision.proposed == {"summary": NEW}
    assert revision.author == people["bamf"] and revision.base_version == 1

    # BMAS is told by mail (both desk officers, not the author) …
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == ["bmas2@example.invalid", "bmas@example.invalid"]
    assert "Berufssprachkurse Pflege" in message.subject
    assert f"/arbeitsbereich/freigaben/{revision.pk}/" in message.body

    # … sees it on the work tool's list and start page, and the diff on its page.
    bmas = signed_in(people["bmas"])
    listing = bmas.get(reverse("workspace:revision_list")).content.decode()
    assert reverse("workspace:revision_detail", args=[revision.pk]) in listing
    assert list(PendingRevision.objects.awaiting(people["bmas"])) == [revision]
    assert list(PendingRevision.objects.awaiting(people["bamf"])) == []  # not the author's to release
    assert list(PendingRevision.objects.awaiting(people["bmi"])) == []
    page = bmas.get(reverse("workspace:revision_detail", args=[revision.pk])).content.decode()
    assert OLD in page and NEW in page and "Freigeben" in page
    detail = bmas.get(reverse("workspace:measure_detail", args=[measure9.pk])).content.decode()
    assert reverse("workspace:revision_detail", args=[revision.pk]) in detail

    # The author sees the proposal but may not release it; another ministry does not see it.
    author_page = signed_in(people["bamf"]).get(reverse("workspace:revision_detail", args=[revision.pk]))
    assert author_page.status_code == 200 and b'value="release"' not in author_page.content
    assert (
        signed_in(people["bmi"]).get(reverse("workspace:revision_detail", args=[revision.pk])).status_code
        == 404
    )
    refused = signed_in(people["bamf"]).post(
        reverse("workspace:revision_detail", args=[revision.pk]), {"action": "release"}
    )
    assert refused.status_code == 403

    # BMAS releases: the public sees the new text; the change names both people.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = bmas.post(reverse("workspace:revision_detail", args=[revision.pk]), {"action": "release"})
    assert response.status_code == 302
    measure9.refresh_from_db()
    assert measure9.summary == NEW and measure9.version == 2
    assert NEW in public_page(measure9)
    record = history_of(measure9).first()
    assert record is not None and record.actor == people["bmas"]
    assert record.source == f"freigabe:{revision.pk} von bamf"
    revision.refresh_from_db()
    assert revision.state == PendingRevision.State.RELEASED and revision.decided_by == people["bmas"]
    assert [m.to for m in mail.outbox] == [["bamf@example.invalid"]]
    assert "freigegeben" in mail.outbox[0].body


def test_reject_needs_a_reason_which_the_author_receives(
    people: dict[str, User], measure9: Measure, django_capture_on_commit_callbacks: Any
) -> None:
    revision = bamf_proposes(people, measure9, django_capture_on_commit_callbacks)
    bmas = signed_in(people["bmas"])
    url = reverse("workspace:revision_detail", args=[revision.pk])
    without = bmas.post(url, {"action": "reject", "reason": "  "})
    assert without.status_code == 422 and "Bitte begründen" in without.content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = bmas.post(url, {"action": "reject", "reason": "Abendkurse sind nicht finanziert."})
    assert response.status_code == 302
    revision.refresh_from_db()
    assert revision.state == PendingRevision.State.REJECTED
    assert revision.reason == "Abendkurse sind nicht finanziert."
    measure9.refresh_from_db()
    assert measure9.summary == OLD and measure9.version == 1
    assert [m.to for m in mail.outbox] == [["bamf@example.invalid"]]
    assert "abgelehnt" in mail.outbox[0].body and "Abendkurse sind nicht finanziert." in mail.outbox[0].body
    with pytest.raises(Exception):  # noqa: B017 - a decided proposal cannot be decided again
        release(revision_id=revision.pk, actor=people["bmas"])


def test_a_stale_proposal_shows_the_conflict_and_is_released_only_on_purpose(
    people: dict[str, User], measure9: Measure
) -> None:
    outcome = measure_change(
        measure_id=measure9.pk, expected_version=1, changes={"summary": NEW}, actor=people["bamf"]
    )
    assert outcome.pending and outcome.revision is not None
    revision = outcome.revision
    # Meanwhile BMAS changes the same field itself.
    measure_update(
        measure_id=measure9.pk, expected_version=1, changes={"summary": "BMAS-Fassung"}, actor=people["bmas"]
    )
    with pytest.raises(RevisionConflict) as conflict:
        release(revision_id=revision.pk, actor=people["bmas"])
    assert conflict.value.fields == ["summary"]
    page = signed_in(people["bmas"]).post(
        reverse("workspace:revision_detail", args=[revision.pk]), {"action": "release"}
    )
    assert page.status_code == 409
    html = page.content.decode()
    assert (
        "Seit dem Vorschlag geändert" in html
        and "BMAS-Fassung" in html
        and "Trotz Konflikt freigeben" in html
    )
    measure9.refresh_from_db()
    assert measure9.summary == "BMAS-Fassung"
    release(revision_id=revision.pk, actor=people["bmas"], overwrite=True)
    measure9.refresh_from_db()
    assert measure9.summary == NEW and measure9.version == 3


def test_a_stale_proposal_on_other_fields_releases_without_conflict(
    people: dict[str, User], measure9: Measure
) -> None:
    revision = measure_change(
        measure_id=measure9.pk, expected_version=1, changes={"summary": NEW}, actor=people["bamf"]
    ).revision
    assert revision is not None
    measure_update(
        measure_id=measure9.pk, expected_version=1, changes={"goals": "Neue Ziele"}, actor=people["bmas"]
    )
    release(revision_id=revision.pk, actor=people["bmas"])
    measure9.refresh_from_db()
    assert (measure9.summary, measure9.goals) == (NEW, "Neue Ziele")


def test_implementer_still_cannot_propose_owning_side_fields(
    people: dict[str, User], measure9: Measure
) -> None:
    with pytest.raises(ChangeNotPermitted):
        measure_change(
            measure_id=measure9.pk,
            expected_version=1,
            changes={"publication": Measure.Publication.DRAFT},
            actor=people["bamf"],
        )
    assert not PendingRevision.objects.exists()


def test_a_proposal_that_breaks_a_rule_is_refused_not_stored(
    people: dict[str, User], measure9: Measure
) -> None:
    with pytest.raises(RulesBroken) as broken:
        measure_change(
            measure_id=measure9.pk,
            expected_version=1,
            changes={"imposes_obligation": True},
            actor=people["bamf"],
        )
    assert {v.rule_number for v in broken.value.violations} == {5}
    assert not PendingRevision.objects.exists()


def test_a_ministry_can_require_a_second_persons_release(people: dict[str, User], measure9: Measure) -> None:
    Organisation.objects.filter(key="bmas").update(second_release=True)
    outcome = measure_change(
        measure_id=measure9.pk, expected_version=1, changes={"summary": NEW}, actor=people["bmas"]
    )
    assert outcome.pending and outcome.revision is not None
    measure9.refresh_from_db()
    assert measure9.summary == OLD
    with pytest.raises(Exception):  # noqa: B017 - not by the author
        release(revision_id=outcome.revision.pk, actor=people["bmas"])
    release(revision_id=outcome.revision.pk, actor=people["bmas2"])
    measure9.refresh_from_db()
    assert measure9.summary == NEW
    # A draft needs no second release: nothing public is at stake.
    draft = make_measure("Entwurf", "bmas", released=False, **VALID)
    assert not measure_change(
        measure_id=draft.pk, expected_version=1, changes={"summary": "x"}, actor=people["bmas"]
    ).pending


def test_api_patch_by_an_implementer_is_202_with_the_pending_revision(
    people: dict[str, User], measure9: Measure
) -> None:
    client = Client(headers={"Authorization": f"Bearer {token_for(people['bamf'])}"})
    response = client.patch(
        f"{API}/measures/{measure9.pk}", {"version": 1, "summary": NEW}, content_type="application/json"
    )
    assert response.status_code == 202, response.content
    body = response.json()
    revision = PendingRevision.objects.get()
    assert body["revision_id"] == revision.pk and body["state"] == "pending"
    assert body["proposed"] == {"summary": NEW} and body["before"] == {"summary": OLD}
    public = Client().get(f"{API}/measures/{measure9.pk}").json()
    assert public["summary"] == OLD and public["version"] == 1
    schema = json.loads(Client().get(f"{API}/openapi.json").content)
    patch = schema["paths"]["/api/v1/measures/{measure_id}"]["patch"]
    assert "202" in patch["responses"]
    assert "PendingRevisionOut" in json.dumps(patch["responses"]["202"])


def test_restoring_a_state_that_breaks_a_rule_is_refused_with_the_rule_named(
    people: dict[str, User],
) -> None:
    # Imported without an Erfolgskontrolle (imports do not block), then completed by BMAS.
    without = {key: value for key, value in VALID.items() if key != "evaluation"}
    measure = make_measure("Importiert", "bmas", released=True, **without)
    created = history_of(measure).get()
    measure_update(
        measure_id=measure.pk,
        expected_version=1,
        changes={"evaluation": {"state": "planned", "method": "Befragung"}},
        actor=people["bmas"],
    )
    url = reverse("workspace:measure_restore", args=[measure.pk, created.pk])
    bmas = signed_in(people["bmas"])
    page = bmas.get(url).content.decode()
    assert "Regel 7" in page and "Wiederherstellen</span>" not in page
    response = bmas.post(url, {"version": "2"})
    assert response.status_code == 422
    assert "Regel 7" in response.content.decode()
    measure.refresh_from_db()
    assert measure.version == 2 and Evaluation.objects.filter(measure=measure).exists()


def test_search_and_similarity_listen_through_the_measures_hook() -> None:
    from isi.coordination.similar import measures_changed as similarity_listener
    from isi.search.indexing import reindex_measures

    assert reindex_measures in listeners()
    assert similarity_listener in listeners()


def test_pending_text_is_not_found_by_the_public_search(people: dict[str, User], measure9: Measure) -> None:
    measure_change(
        measure_id=measure9.pk,
        expected_version=1,
        changes={"summary": "Abendkurse Zauberwort"},
        actor=people["bamf"],
    )
    assert Client().get(f"{API}/measures?q=Zauberwort").json()["count"] == 0
    release(revision_id=PendingRevision.objects.get().pk, actor=people["bmas"])
    assert Client().get(f"{API}/measures?q=Zauberwort").json()["count"] == 1


def test_an_implementers_spreadsheet_row_becomes_a_proposal(
    people: dict[str, User], measure9: Measure
) -> None:
    from tests.integration.test_roundtrip_flow import download, edit_xlsx, last_job, upload

    client = signed_in(people["bamf"])
    edited = edit_xlsx(download(client), {measure9.pk: {"Kurzbeschreibung": NEW}})
    response = upload(client, "bamf.xlsx", edited)
    assert response.status_code == 302
    job = last_job()
    assert [r["id"] for r in job.preview["rows"]] == [str(measure9.pk)], job.preview
    assert job.preview["rows"][0]["proposal"] is True
    page = client.get(reverse("roundtrip:job", args=[job.token])).content.decode()
    assert "zur Freigabe vorgelegt" in page
    assert client.post(reverse("roundtrip:apply", args=[job.token])).status_code == 302
    measure9.refresh_from_db()
    assert measure9.summary == OLD and measure9.version == 1
    revision = PendingRevision.objects.get()
    assert revision.proposed == {"summary": NEW} and revision.author == people["bamf"]
    assert revision.source == "excel"


def test_an_admin_sets_the_second_release_per_ministry() -> None:
    admin_user = User.objects.create_superuser(username="root", password="x", email="root@example.invalid")
    client = Client(REMOTE_ADDR="127.0.0.1")
    client.force_login(admin_user)
    bmas = org("bmas")
    url = reverse("admin:organisations_organisation_change", args=[bmas.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"second_release": "on"})
    assert response.status_code == 302
    bmas.refresh_from_db()
    assert bmas.second_release is True
