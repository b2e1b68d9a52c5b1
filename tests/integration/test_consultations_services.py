"""IMAG consultation services: submit, comment within the period, decision by the owner (rule 9)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from isi.accounts.models import User
from isi.catalog.models import Level
from isi.consultations.models import Consultation, ConsultationComment
from isi.consultations.services import comment_add, comment_update, consultation_decide, consultation_submit
from isi.core.changes import history_of
from isi.measures.models import Measure
from isi.measures.rules.governance import ORIGIN_CONSULTATION_COMMENT, check_change_origin
from isi.organisations.models import Organisation

pytestmark = pytest.mark.django_db


def org(key: str) -> Organisation:
    return Organisation.objects.get(key=key)


def user(username: str, role: str, org_key: str | None) -> User:
    return User.objects.create_user(
        username=username, password="x", role=role, organisation=org(org_key) if org_key else None
    )


@pytest.fixture
def people() -> dict[str, User]:
    return {
        "bmi": user("bmi", "desk_officer", "bmi"),
        "bmas": user("bmas", "desk_officer", "bmas"),
        "bamf": user("bamf", "agency", "bamf"),
        "koordination": user("koordination", "coordination", "ib"),
        "leser": user("leser", "reader", None),
    }


@pytest.fixture
def measure() -> Measure:
    return Measure.objects.create(
        title="Neues Programm Sprachkita", owner=org("bmi"), level=Level.objects.get(key="bund")
    )


def today() -> date:
    return timezone.localdate()


def submit(measure: Measure, actor: User, days: int = 14) -> Consultation:
    return consultation_submit(
        measure=measure,
        actor=actor,
        kind=Consultation.Kind.NEW_PROGRAMME,
        summary="Bitte um Abstimmung des neuen Programms.",
        comment_until=today() + timedelta(days=days),
    )


def test_owner_submits_others_may_not(people: dict[str, User], measure: Measure) -> None:
    consultation = submit(measure, people["bmi"])
    assert consultation.state == Consultation.State.OPEN
    assert consultation.submitted_by == people["bmi"]
    for who in ("bmas", "koordination", "leser", "bamf"):
        with pytest.raises(PermissionDenied):
            submit(measure, people[who])


def test_submit_validates_deadline_and_duplicates(people: dict[str, User], measure: Measure) -> None:
    with pytest.raises(ValidationError) as error:
        submit(measure, people["bmi"], days=-1)
    assert "comment_until" in error.value.message_dict
    submit(measure, people["bmi"])
    with pytest.raises(ValidationError) as error:
        submit(measure, people["bmi"])
    assert "measure" in error.value.message_dict


def test_other_ministries_and_coordination_comment_within_period(
    people: dict[str, User], measure: Measure
) -> None:
    consultation = submit(measure, people["bmi"])
    comment = comment_add(
        consultation=consultation, actor=people["bmas"], text="BMAS: Schnittstelle zu SGB II."
    )
    assert comment.organisation == org("bmas")
    comment_add(consultation=consultation, actor=people["koordination"], text="Bitte mit BAMF abstimmen.")
    # The owner's side (ministry and its agency) and readers do not comment.
    for who in ("bmi", "bamf", "leser"):
        with pytest.raises(PermissionDenied):
            comment_add(consultation=consultation, actor=people[who], text="…")
    with pytest.raises(ValidationError):
        comment_add(consultation=consultation, actor=people["bmas"], text="   ")
    assert consultation.comments.count() == 2


def test_no_comments_after_the_deadline(people: dict[str, User], measure: Measure) -> None:
    consultation = submit(measure, people["bmi"], days=3)
    later = today() + timedelta(days=4)
    assert consultation.current_state(later) == Consultation.State.CLOSED
    with pytest.raises(ValidationError) as error:
        comment_add(consultation=consultation, actor=people["bmas"], text="zu spät", today=later)
    assert "Frist" in error.value.message_dict["text"][0]
    on_the_day = today() + timedelta(days=3)
    comment_add(consultation=consultation, actor=people["bmas"], text="gerade noch", today=on_the_day)


def test_only_author_edits_comment_and_only_before_deadline(
    people: dict[str, User], measure: Measure
) -> None:
    consultation = submit(measure, people["bmi"], days=3)
    comment = comment_add(consultation=consultation, actor=people["bmas"], text="Erste Fassung")
    comment_update(comment=comment, actor=people["bmas"], text="Zweite Fassung")
    assert ConsultationComment.objects.get(pk=comment.pk).text == "Zweite Fassung"
    with pytest.raises(PermissionDenied):
        comment_update(comment=comment, actor=people["koordination"], text="fremd")
    with pytest.raises(ValidationError):
        comment_update(
            comment=comment, actor=people["bmas"], text="zu spät", today=today() + timedelta(days=4)
        )
    assert ConsultationComment.objects.get(pk=comment.pk).text == "Zweite Fassung"


def test_comments_never_change_the_measure(people: dict[str, User], measure: Measure) -> None:
    """Rule 9: a comment is no origin of a change — no version bump, no change record."""
    assert check_change_origin(ORIGIN_CONSULTATION_COMMENT)[0].rule == "R9-owner-decides"
    version, updated_at = measure.version, measure.updated_at
    changes_before = history_of(measure).count()
    consultation = submit(measure, people["bmi"])
    comment = comment_add(
        consultation=consultation, actor=people["bmas"], text="Bitte den Titel in 'Sprach-Kita plus' ändern."
    )
    comment_update(comment=comment, actor=people["bmas"], text="Bitte Zielgruppe erweitern.")
    consultation_decide(
        consultation=consultation, actor=people["bmi"], decision="proceed_unchanged", reasons="Passt so."
    )
    measure.refresh_from_db()
    assert measure.version == version
    assert measure.updated_at == updated_at
    assert measure.title == "Neues Programm Sprachkita"
    assert history_of(measure).count() == changes_before


def test_only_owner_decides_once(people: dict[str, User], measure: Measure) -> None:
    consultation = submit(measure, people["bmi"])
    for who in ("bmas", "koordination", "leser"):
        with pytest.raises(PermissionDenied):
            consultation_decide(consultation=consultation, actor=people[who], decision="agreed", reasons="x")
    with pytest.raises(ValidationError) as error:
        consultation_decide(consultation=consultation, actor=people["bmi"], decision="agreed", reasons=" ")
    assert "decision_reasons" in error.value.message_dict
    decided = consultation_decide(
        consultation=consultation,
        actor=people["bmi"],
        decision="changed",
        reasons="Hinweise des BMAS übernommen.",
    )
    assert decided.state == Consultation.State.DECIDED
    assert decided.decided_by == people["bmi"]
    assert decided.decided_at is not None
    with pytest.raises(ValidationError):
        consultation_decide(consultation=decided, actor=people["bmi"], decision="agreed", reasons="nochmal")
    with pytest.raises(ValidationError):
        comment_add(consultation=decided, actor=people["bmas"], text="nach der Entscheidung")
