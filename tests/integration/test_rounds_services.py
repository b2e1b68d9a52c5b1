"""Six-monthly rounds: open, confirm, update, close, compare – and who may do which."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from django.db.models import F
from django.utils import timezone, translation

from isi.accounts.models import User
from isi.catalog.models import Level
from isi.core.models import ChangeRecord
from isi.measures.models import Evaluation, Measure, MeasureOrganisation
from isi.measures.services import measure_update
from isi.organisations.models import Organisation
from isi.rounds import services
from isi.rounds.models import ReportingRound, RoundItem
from isi.rounds.selectors import needs_review, progress_by_ministry, todo_items

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def german() -> Iterator[None]:
    """Labels are checked in German, whatever language an earlier test left active."""
    with translation.override("de"):
        yield


def org(key: str) -> Organisation:
    return Organisation.objects.get(key=key)


def make_user(username: str, role: str, org_key: str | None) -> User:
    return User.objects.create_user(
        username=username,
        password="x",
        role=role,
        organisation=org(org_key) if org_key else None,
        email=f"{username}@example.invalid",
    )


def make_measure(
    title: str, owner: str, *, implementer: str | None = None, archived: bool = False, valid: bool = True
) -> Measure:
    """A measure; `valid`: it meets the rules (classified, Erfolgskontrolle), so it can be confirmed."""
    measure = Measure.objects.create(
        title=title,
        owner=org(owner),
        level=Level.objects.get(key="bund"),
        archived_at=timezone.now() if archived else None,
        **({"offer_type": "complementary", "complementary_need": "Beratung vor Ort"} if valid else {}),
    )
    if valid:
        Evaluation.objects.create(measure=measure, state="planned", method="Befragung")
    if implementer:
        MeasureOrganisation.objects.create(measure=measure, organisation=org(implementer), role="responsible")
    return measure


@pytest.fixture
def people() -> dict[str, User]:
    return {
        "bmi": make_user("bmi", "desk_officer", "bmi"),
        "bmas": make_user("bmas", "desk_officer", "bmas"),
        "bamf": make_user("bamf", "agency", "bamf"),
        "koordination": make_user("koordination", "coordination", "ib"),
        "leser": make_user("leser", "reader", None),
    }


@pytest.fixture
def measures() -> dict[str, Measure]:
    return {
        "bmi": make_measure("Integrationskurs", "bmi", implementer="bamf"),
        "bamf": make_measure("Migrationsberatung", "bamf"),
        "bmas": make_measure("Berufssprachkurse", "bmas"),
        "archived": make_measure("Altes Programm", "bmi", archived=True),
    }


DEADLINE = date.today() + timedelta(days=30)


def open_round(people: dict[str, User]) -> ReportingRound:
    return services.open_round(title="1. Halbjahr 2027", deadline=DEADLINE, actor=people["koordination"])


def test_open_round_creates_an_item_per_active_measure_under_its_ministry(
    people: dict[str, User], measures: dict[str, Measure]
) -> None:
    round = open_round(people)
    items = {i.measure_key: i for i in round.items.all()}
    assert set(items) == {measures["bmi"].pk, measures["bamf"].pk, measures["bmas"].pk}
    # An agency's own measure belongs to its ministry's list.
    assert items[measures["bamf"].pk].owner == org("bmi")
    assert all(i.status == RoundItem.Status.PENDING for i in items.values())
    assert round.opened_by == people["koordination"]


def test_only_one_round_is_open_at_a_time(people: dict[str, User], measures: dict[str, Measure]) -> None:
    open_round(people)
    with pytest.raises(services.RoundError):
        open_round(people)
    assert ReportingRound.objects.count() == 1


@pytest.mark.parametrize("who", ["bmi", "bmas", "bamf", "leser"])
def test_only_coordination_opens_and_closes(
    who: str, people: dict[str, User], measures: dict[str, Measure]
) -> None:
    with pytest.raises(services.RoundPermissionDenied):
        services.open_round(title="x", deadline=DEADLINE, actor=people[who])
    round = open_round(people)
    with pytest.raises(services.RoundPermissionDenied):
        services.close_round(round=round, actor=people[who])
    assert ReportingRound.objects.get().is_open


def test_deadline_in_the_past_is_refused(people: dict[str, User]) -> None:
    with pytest.raises(services.RoundError):
        services.open_round(
            title="x", deadline=date.today() - timedelta(days=1), actor=people["koordination"]
        )


def test_confirm_marks_item_and_records_the_review(
    people: dict[str, User], measures: dict[str, Measure]
) -> None:
    round = open_round(people)
    measure = measures["bmi"]
    item = services.confirm_measure(round=round, measure=measure, actor=people["bmi"], note="passt")
    assert item.status == RoundItem.Status.CONFIRMED
    assert item.reviewed_by == people["bmi"]
    measure.refresh_from_db()
    assert measure.last_reviewed_at is not None
    assert measure.version == 1  # a review changes no content
    record = ChangeRecord.objects.filter(object_id=measure.pk, source=f"round_review:{round.pk}").get()
    assert record.actor == people["bmi"]
    assert record.changed_fields() == ["last_reviewed_at"]


def test_agency_confirms_what_it_implements(people: dict[str, User], measures: dict[str, Measure]) -> None:
    round = open_round(people)
    services.confirm_measure(round=round, measure=measures["bmi"], actor=people["bamf"])
    assert round.items.get(measure_key=measures["bmi"].pk).status == RoundItem.Status.CONFIRMED


@pytest.mark.parametrize("who", ["bmi", "koordination", "leser", "bamf"])
def test_others_cannot_confirm_a_bmas_measure(
    who: str, people: dict[str, User], measures: dict[str, Measure]
) -> None:
    round = open_round(people)
    measure = measures["bmas"]
    with pytest.raises(services.RoundPermissionDenied):
        services.confirm_measure(round=round, measure=measure, actor=people[who])
    item = round.items.get(measure_key=measure.pk)
    assert item.status == RoundItem.Status.PENDING and item.reviewed_at is None
    measure.refresh_from_db()
    assert measure.last_reviewed_at is None
    assert not ChangeRecord.objects.filter(object_id=measure.pk, source__startswith="round_review").exists()


def test_confirm_of_a_measure_with_a_blocking_error_is_refused_naming_the_rule(
    people: dict[str, User], measures: dict[str, Measure]
) -> None:
    """Issue 15: "Unverändert bestätigen" accepted a measure with a blocking rule error."""
    broken = make_measure("Ohne Erfolgskontrolle", "bmi", valid=False)
    round = open_round(people)
    with pytest.raises(services.RoundRulesBroken) as refused:
        services.confirm_measure(round=round, measure=broken, actor=people["bmi"])
    assert any("Regel 7" in message for message in refused.value.messages)
    assert "Regel 6" in str(refused.value)
    item = round.items.get(measure_key=broken.pk)
    assert item.status == RoundItem.Status.PENDING and item.reviewed_at is None
    broken.refresh_from_db()
    assert broken.last_reviewed_at is None
    assert not ChangeRecord.objects.filter(object_id=broken.pk, source__startswith="round_review").exists()


def test_confirm_in_a_closed_round_is_refused(people: dict[str, User], measures: dict[str, Measure]) -> None:
    round = open_round(people)
    services.close_round(round=round, actor=people["koordination"])
    with pytest.raises(services.RoundError):
        services.confirm_measure(round=round, measure=measures["bmi"], actor=people["bmi"])


def test_mark_updated_hook(people: dict[str, User], measures: dict[str, Measure]) -> None:
    assert services.mark_updated(measures["bmi"], actor=people["bmi"]) is None  # no open round
    round = open_round(people)
    item = services.mark_updated(measures["bmi"], actor=people["bmi"])
    assert item is not None and item.status == RoundItem.Status.UPDATED
    measures["bmi"].refresh_from_db()
    assert measures["bmi"].last_reviewed_at is not None
    assert round.items.get(measure_key=measures["bmas"].pk).status == RoundItem.Status.PENDING


def test_close_freezes_snapshots_detects_edits_and_reports_pending(
    people: dict[str, User], measures: dict[str, Measure]
) -> None:
    round = open_round(people)
    services.confirm_measure(round=round, measure=measures["bmi"], actor=people["bmi"])
    # Edited without the service's hooks (e.g. directly in the database): detected at closing.
    Measure.objects.filter(pk=measures["bamf"].pk).update(summary="neu", version=F("version") + 1)
    result = services.close_round(round=round, actor=people["koordination"])
    round.refresh_from_db()
    assert not round.is_open and round.closed_by == people["koordination"]
    assert result.frozen == 3 and result.detected_updates == 1
    assert [i.measure_key for i in result.pending] == [measures["bmas"].pk]
    statuses = {i.measure_key: i.status for i in round.items.all()}
    assert statuses == {
        measures["bmi"].pk: RoundItem.Status.CONFIRMED,
        measures["bamf"].pk: RoundItem.Status.UPDATED,
        measures["bmas"].pk: RoundItem.Status.PENDING,
    }
    frozen = round.items.get(measure_key=measures["bamf"].pk)
    assert frozen.snapshot is not None and frozen.snapshot["summary"] == "neu"
    # Later edits do not touch the frozen snapshot.
    measure_update(measure_id=measures["bamf"].pk, expected_version=2, changes={"summary": "später"})
    frozen.refresh_from_db()
    assert frozen.snapshot["summary"] == "neu"
    with pytest.raises(services.RoundError):
        services.close_round(round=round, actor=people["koordination"])


def test_compare_two_rounds_per_ministry_and_overall(
    people: dict[str, User], measures: dict[str, Measure]
) -> None:
    first = open_round(people)
    services.close_round(round=first, actor=people["koordination"])
    measure_update(
        measure_id=measures["bmi"].pk,
        expected_version=1,
        changes={"title": "Integrationskurs (neu)", "status": Measure.Status.RUNNING},
    )
    new = make_measure("Neue Maßnahme", "bmas")
    Measure.objects.filter(pk=measures["bamf"].pk).update(archived_at=timezone.now())
    second = open_round(people)
    services.close_round(round=second, actor=people["koordination"])

    comparison = services.compare_rounds(first, second)
    overall = comparison.overall
    assert [d.measure_id for d in overall.added] == [new.pk]
    assert [d.measure_id for d in overall.removed] == [measures["bamf"].pk]
    assert [d.measure_id for d in overall.changed] == [measures["bmi"].pk]
    assert overall.unchanged == 1
    changes = {c.name: c for c in overall.changed[0].changes}
    assert set(changes) == {"title", "status"}
    assert changes["title"].label == "Titel"
    assert changes["status"].after_text == "laufend"
    by_ministry = {g.ministry: g for g in comparison.ministries}
    assert set(by_ministry) == {org("bmi").name, org("bmas").name}
    assert len(by_ministry[org("bmi").name].changed) == 1
    assert len(by_ministry[org("bmi").name].removed) == 1
    assert len(by_ministry[org("bmas").name].added) == 1
    with pytest.raises(services.RoundError):
        services.compare_rounds(first, open_round(people))


def test_progress_and_todo(people: dict[str, User], measures: dict[str, Measure]) -> None:
    round = open_round(people)
    services.confirm_measure(round=round, measure=measures["bmi"], actor=people["bmi"])
    rows = {p.ministry: p for p in progress_by_ministry(round)}
    assert (rows[org("bmi").name].done, rows[org("bmi").name].total) == (1, 2)
    assert rows[org("bmi").name].percent == 50
    assert (rows[org("bmas").name].done, rows[org("bmas").name].total) == (0, 1)
    assert {i.measure_key for i in todo_items(round, people["bmi"])} == {
        measures["bmi"].pk,
        measures["bamf"].pk,
    }
    assert {i.measure_key for i in todo_items(round, people["bamf"])} == {
        measures["bmi"].pk,
        measures["bamf"].pk,
    }
    assert {i.measure_key for i in todo_items(round, people["bmas"])} == {measures["bmas"].pk}
    assert not todo_items(round, people["koordination"]).exists()


def test_needs_review_selector_agrees_with_the_rule(measures: dict[str, Measure]) -> None:
    now = timezone.now()
    Measure.objects.filter(pk=measures["bmi"].pk).update(last_reviewed_at=now - timedelta(days=10))
    Measure.objects.filter(pk=measures["bamf"].pk).update(last_reviewed_at=now - timedelta(days=200))
    flagged = set(needs_review(Measure.objects.active()).values_list("pk", flat=True))
    assert flagged == {measures["bamf"].pk, measures["bmas"].pk}


def test_compare_with_current_state(people: dict[str, User], measures: dict[str, Measure]) -> None:
    round = open_round(people)
    services.close_round(round=round, actor=people["koordination"])
    assert services.compare_with_current(round).overall.measures == []
    measure_update(measure_id=measures["bmas"].pk, expected_version=1, changes={"goals": "Mehr Teilnehmende"})
    comparison = services.compare_with_current(round)
    assert [(d.measure_id, [c.label for c in d.changes]) for d in comparison.overall.changed] == [
        (measures["bmas"].pk, ["Ziele"])
    ]
