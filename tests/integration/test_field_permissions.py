"""Field-level permissions on every write channel (issue #12, point 1: the ownership takeover).

The review's attack: `bamf` (an agency under BMI) implements BMAS's measure, opened its edit form
and posted owner = BAMF and level = Land; then BMAS got 403 on its own measure and BAMF archived
it. Each test below reproduces one channel of that attack; `test_write_channels_keep_owners` is
the property test over roles, channels and measures.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from isi.accounts.models import User
from isi.catalog.models import Level
from isi.core.changes import history_of
from isi.measures.models import Measure
from isi.measures.permissions import (
    can_change_measure,
    forbidden_measure_fields,
    is_owning_side,
    locked_measure_fields,
)
from isi.measures.services import ChangeNotPermitted, measure_update
from isi.organisations.services import record_succession
from tests.api.support import make_measure, make_user, org, token_for

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.api_urls")]

USERNAMES = ("bmi", "bmas", "bamf", "koordination", "leser")


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()


@pytest.fixture
def people() -> dict[str, User]:
    return {name: make_user(name) for name in USERNAMES}


@pytest.fixture
def measure9() -> Measure:
    """Like the demo's measure 9: owned by BMAS, BAMF named as implementing, released."""
    return make_measure("Berufssprachkurse Pflege", "bmas", released=True, implementer="bamf", **VALID)


# What a measure needs to pass the Leitfaden's rules, so that edits are judged on permissions.
VALID: dict[str, Any] = {
    "regular_system_reason": "Das Regelsystem erreicht Pflegekräfte im Beruf nicht.",
    "offer_type": "complementary",
    "complementary_need": "Sprache am Arbeitsplatz",
    "evaluation": {"state": "planned", "method": "Befragung der Teilnehmenden"},
}


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_client(user: User) -> Client:
    return Client(headers={"Authorization": f"Bearer {token_for(user)}"})


def edit_form_data(client: Client, measure: Measure) -> dict[str, Any]:
    """What the browser would post back unchanged: every rendered field with its current value."""
    response = client.get(reverse("workspace:measure_edit", args=[measure.pk]))
    assert response.status_code == 200
    form = response.context["form"]
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if hasattr(value, "pk"):
            value = value.pk
        if isinstance(value, list | tuple):
            value = [getattr(v, "pk", v) for v in value]
        elif hasattr(value, "all"):
            value = [v.pk for v in value.all()]
        if value is None:
            continue
        data[name] = value
    for name in ("areas", "target_groups", "funding_programmes"):
        if name in form.fields:
            data[name] = [o.pk for o in getattr(measure, name).all()]
    for name in ("imposes_obligation", "is_model_project"):
        if name in data and not data[name]:
            del data[name]
    return data


# --- the attack, channel by channel -------------------------------------------------------------


def test_implementer_edit_form_does_not_offer_owner_side_fields(
    people: dict[str, User], measure9: Measure
) -> None:
    html = signed_in(people["bamf"]).get(reverse("workspace:measure_edit", args=[measure9.pk])).content
    for name in (b'name="owner"', b'name="level"', b'name="publication"', b'name="org_1"'):
        assert name not in html
    # The owner's desk officer sees publication and level, but not the owner either.
    html = signed_in(people["bmas"]).get(reverse("workspace:measure_edit", args=[measure9.pk])).content
    assert b'name="publication"' in html and b'name="level"' in html
    assert b'name="owner"' not in html
    assert "Diese Angaben ändert nur die federführende Stelle".encode() in html


def test_implementer_cannot_take_over_through_the_form(people: dict[str, User], measure9: Measure) -> None:
    client = signed_in(people["bamf"])
    data = edit_form_data(client, measure9)
    data.update(
        owner=org("bamf").pk,
        level=Level.objects.get(key="land").pk,
        publication=Measure.Publication.DRAFT,
        org_1=org("bamf").pk,
        orgrole_1="partner",
        summary="Von BAMF überarbeitet.",
    )
    response = client.post(reverse("workspace:measure_edit", args=[measure9.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    measure9.refresh_from_db()
    # The content change waits for BMAS's release (issue 15, point 2); the owning side's fields
    # were never read, so the proposal holds the summary only.
    assert measure9.summary != "Von BAMF überarbeitet."
    revision = measure9.pending_revisions.get()
    assert revision.proposed == {"summary": "Von BAMF überarbeitet."}
    assert response["Location"] == reverse("workspace:revision_detail", args=[revision.pk])
    assert measure9.owner.key == "bmas"
    assert measure9.level.key == "bund"
    assert measure9.publication == Measure.Publication.RELEASED
    assert [link.role for link in measure9.organisation_links.all()] == ["responsible"]
    # BMAS keeps full control.
    bmas = signed_in(people["bmas"])
    assert bmas.get(reverse("workspace:measure_edit", args=[measure9.pk])).status_code == 200
    assert can_change_measure(people["bmas"], measure9)


def test_implementer_cannot_archive_or_restore(people: dict[str, User], measure9: Measure) -> None:
    url = reverse("workspace:measure_archive", args=[measure9.pk])
    bamf = signed_in(people["bamf"])
    assert bamf.get(url).status_code == 403
    assert bamf.post(url, {"version": measure9.version}).status_code == 403
    measure9.refresh_from_db()
    assert measure9.archived_at is None
    # The service refuses too, whatever channel calls it.
    from isi.measures.services import measure_archive

    with pytest.raises(ChangeNotPermitted):
        measure_archive(measure_id=measure9.pk, expected_version=measure9.version, actor=people["bamf"])
    measure9.refresh_from_db()
    assert measure9.archived_at is None
    # The owner archives.
    response = signed_in(people["bmas"]).post(url, {"version": measure9.version})
    assert response.status_code == 302
    measure9.refresh_from_db()
    assert measure9.archived_at is not None


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"owner": "bamf"}, 422),  # PATCH has no owner field at all: a succession moves measures
        ({"publication": "draft"}, 403),
        ({"level": "land"}, 403),
    ],
)
def test_implementer_cannot_take_over_through_the_api(
    people: dict[str, User], measure9: Measure, body: dict[str, Any], status: int
) -> None:
    response = api_client(people["bamf"]).patch(
        f"/api/v1/measures/{measure9.pk}",
        data=json.dumps({"version": measure9.version, **body}),
        content_type="application/json",
    )
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json()
    fresh = Measure.objects.get(pk=measure9.pk)
    assert fresh.version == measure9.version
    assert fresh.owner.key == "bmas"


def test_owner_moves_only_through_a_succession(people: dict[str, User], measure9: Measure) -> None:
    # Not even the owning ministry moves its measure to another owner by editing it.
    response = api_client(people["bmas"]).patch(
        f"/api/v1/measures/{measure9.pk}",
        data=json.dumps({"version": measure9.version, "owner": "bmi"}),
        content_type="application/json",
    )
    assert response.status_code == 422
    # Coordination records the succession; that moves it.
    from datetime import date

    record_succession(
        predecessor=org("bmas"),
        successor=org("bmi"),
        effective_on=date(2026, 1, 1),
        measures=[measure9],
        actor=people["koordination"],
    )
    measure9.refresh_from_db()
    assert measure9.owner.key == "bmi"


def test_succession_flag_does_not_let_an_editor_move_owners(
    people: dict[str, User], measure9: Measure
) -> None:
    with pytest.raises(ChangeNotPermitted):
        measure_update(
            measure_id=measure9.pk,
            expected_version=measure9.version,
            changes={"owner": org("bmas").parent or org("bmi")},
            actor=people["bmas"],
            succession=True,
        )


def test_restore_of_an_owner_side_version_is_refused_for_the_implementer(
    people: dict[str, User], measure9: Measure
) -> None:
    # The owner withdraws and releases again; the record after the withdrawal is "draft".
    first = measure_update(
        measure_id=measure9.pk,
        expected_version=measure9.version,
        changes={"publication": Measure.Publication.DRAFT},
        actor=people["bmas"],
    )
    measure_update(
        measure_id=first.pk,
        expected_version=first.version,
        changes={"publication": Measure.Publication.RELEASED},
        actor=people["bmas"],
    )
    measure9.refresh_from_db()
    record = history_of(measure9).filter(after__publication="draft").first()
    assert record is not None
    url = reverse("workspace:measure_restore", args=[measure9.pk, record.pk])
    response = signed_in(people["bamf"]).post(url, {"version": measure9.version})
    assert response.status_code == 409
    assert "Veröffentlichung" in response.content.decode()
    fresh = Measure.objects.get(pk=measure9.pk)
    assert fresh.publication == Measure.Publication.RELEASED
    assert fresh.version == measure9.version


def _csv(rows: list[dict[str, Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), delimiter=";")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def test_implementer_cannot_withdraw_through_an_upload(people: dict[str, User], measure9: Measure) -> None:
    client = signed_in(people["bamf"])
    data = _csv(
        [
            {
                "ID": measure9.pk,
                "Version": measure9.version,
                "Titel": measure9.title,
                "Veröffentlichung": "Entwurf (intern)",
            }
        ]
    )
    client.post(reverse("roundtrip:upload"), {"file": SimpleUploadedFile("m.csv", data)})
    from isi.imports.models import UploadJob

    job = UploadJob.objects.order_by("-pk").first()
    assert job is not None
    text = json.dumps(job.preview, ensure_ascii=False)
    assert "ändert nur die federführende Stelle" in text, text[:2000]
    assert job.state == UploadJob.State.REJECTED
    measure9.refresh_from_db()
    assert measure9.publication == Measure.Publication.RELEASED


def test_locked_fields_by_role(people: dict[str, User], measure9: Measure) -> None:
    assert locked_measure_fields(people["bamf"], measure9) == {
        "owner",
        "publication",
        "archived",
        "level",
        "organisations",
    }
    assert locked_measure_fields(people["bmas"], measure9) == {"owner"}
    assert forbidden_measure_fields(people["bmas"], measure9, {"title", "publication"}) == []
    assert forbidden_measure_fields(people["bmi"], measure9, {"title"}) == ["title"]
    assert forbidden_measure_fields(people["koordination"], measure9, {"title"}) == ["title"]


# --- the property: no write channel moves a measure away from its owner ---------------------------

CHANNELS = ("form", "api", "upload", "restore", "archive")
MUTATIONS = ("owner", "publication", "level", "organisations", "title", "archive")


def _editable_sets(users: list[User]) -> dict[str, set[int]]:
    ids = list(Measure.objects.values_list("pk", flat=True))
    return {
        user.username: {pk for pk in ids if can_change_measure(user, Measure.objects.get(pk=pk))}
        for user in users
    }


def _state() -> dict[int, tuple[Any, ...]]:
    return {
        m.pk: (m.owner_id, m.publication, m.archived_at is not None, m.level_id)
        for m in Measure.objects.order_by("pk")
    }


def _attempt(channel: str, actor: User, measure: Measure, mutation: str) -> None:
    """Try one write as `actor` through `channel`; the response does not matter, the data does."""
    target_org = org("bamf") if measure.owner.key != "bamf" else org("bmas")
    if channel == "archive" or mutation == "archive":
        signed_in(actor).post(
            reverse("workspace:measure_archive", args=[measure.pk]), {"version": measure.version}
        )
        return
    if channel == "api":
        body: dict[str, Any] = {"version": measure.version}
        body.update(
            {
                "owner": {"owner": target_org.key},
                "publication": {"publication": "draft" if measure.publication == "released" else "released"},
                "level": {"level": "land"},
                "organisations": {
                    "organisations": [{"organisation": target_org.key, "role": "implementing"}]
                },
                "title": {"title": measure.title + " (neu)"},
            }[mutation]
        )
        api_client(actor).patch(
            f"/api/v1/measures/{measure.pk}", data=json.dumps(body), content_type="application/json"
        )
        return
    if channel == "form":
        client = signed_in(actor)
        if client.get(reverse("workspace:measure_edit", args=[measure.pk])).status_code != 200:
            client.post(reverse("workspace:measure_edit", args=[measure.pk]), {"owner": target_org.pk})
            return
        data = edit_form_data(client, measure)
        data.update(
            {
                "owner": {"owner": target_org.pk},
                "publication": {"publication": "draft" if measure.publication == "released" else "released"},
                "level": {"level": Level.objects.get(key="land").pk},
                "organisations": {"org_1": target_org.pk, "orgrole_1": "implementing"},
                "title": {"title": measure.title + " (neu)"},
            }[mutation]
        )
        client.post(reverse("workspace:measure_edit", args=[measure.pk]), data)
        return
    if channel == "upload":
        row = {"ID": measure.pk, "Version": measure.version, "Titel": measure.title}
        if mutation == "publication":
            released = measure.publication == Measure.Publication.RELEASED
            row["Veröffentlichung"] = "Entwurf (intern)" if released else "freigegeben (öffentlich)"
        else:
            row["Titel"] = measure.title + " (neu)"
        client = signed_in(actor)
        client.post(reverse("roundtrip:upload"), {"file": SimpleUploadedFile("m.csv", _csv([row]))})
        from isi.imports.models import UploadJob

        job = UploadJob.objects.order_by("-pk").first()
        if job is not None and job.state == UploadJob.State.READY:
            client.post(reverse("roundtrip:apply", args=[job.token]))
        return
    if channel == "restore":
        for record in history_of(measure):
            url = reverse("workspace:measure_restore", args=[measure.pk, record.pk])
            signed_in(actor).post(url, {"version": Measure.objects.get(pk=measure.pk).version})
        return
    raise AssertionError(channel)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    actor_name=st.sampled_from(USERNAMES),
    measure_index=st.integers(min_value=0, max_value=3),
    channel=st.sampled_from(CHANNELS),
    mutation=st.sampled_from(MUTATIONS),
)
def test_write_channels_keep_owners(
    people: dict[str, User], actor_name: str, measure_index: int, channel: str, mutation: str
) -> None:
    """For every role and channel: after any write, no measure left its owner (no succession
    here), and a user who is not on the owning side changed neither publication, archive, level
    nor anybody else's editing rights."""
    with transaction.atomic():
        measures = [
            make_measure("BMAS, BAMF setzt um", "bmas", released=True, implementer="bamf", **VALID),
            make_measure("BMI-Maßnahme", "bmi", released=True, implementer="bamf", **VALID),
            make_measure("BAMF-eigene", "bamf", released=False, **VALID),
            make_measure("BMAS-Entwurf", "bmas", released=False, **VALID),
        ]
        # Older versions with the other publication and level, so restore has something to undo.
        for m in measures:
            original = m.publication
            other = "draft" if original == Measure.Publication.RELEASED else "released"
            m = measure_update(
                measure_id=m.pk,
                expected_version=m.version,
                changes={"level": Level.objects.get(key="land"), "publication": other},
                source="test",
            )
            measure_update(
                measure_id=m.pk,
                expected_version=m.version,
                changes={"level": Level.objects.get(key="bund"), "publication": original},
                source="test",
            )
        users = list(people.values())
        actor = people[actor_name]
        measure = Measure.objects.get(pk=measures[measure_index].pk)
        owning_side = is_owning_side(actor, measure)
        before_state = _state()
        others = [u for u in users if u.pk != actor.pk]
        before_sets = _editable_sets(others)
        _attempt(channel, actor, measure, mutation)
        after_state = _state()
        for pk, (owner, publication, archived, level) in after_state.items():
            old_owner, old_publication, old_archived, old_level = before_state[pk]
            assert owner == old_owner, f"{actor_name} via {channel} moved measure {pk}"
            if pk != measure.pk or not owning_side:
                assert (publication, archived, level) == (old_publication, old_archived, old_level), (
                    f"{actor_name} via {channel} changed owner-side fields of measure {pk}"
                )
        if not owning_side:
            assert _editable_sets(others) == before_sets, f"{actor_name} via {channel} changed others' rights"
        transaction.set_rollback(True)
