"""Reminder e-mails: before and after the deadline, once a day, only to ministries with pending items."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from io import StringIO
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.tasks import task_backends
from django.test import override_settings
from django.utils import translation

from isi.accounts.models import User
from isi.catalog.models import Level
from isi.measures.models import Evaluation, Measure
from isi.organisations.models import Organisation
from isi.rounds import services, tasks
from isi.rounds.models import ReportingRound, RoundReminder
from isi.rounds.tasks import reminder_dates, reminder_kind, send_reminders_for_round, send_round_reminders

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def german() -> Iterator[None]:
    """Labels are checked in German, whatever language an earlier test left active."""
    with translation.override("de"):
        yield


DEADLINE = date.today() + timedelta(days=30)


def org(key: str) -> Organisation:
    return Organisation.objects.get(key=key)


@pytest.fixture
def round() -> ReportingRound:
    for key in ("bmi", "bmas"):
        User.objects.create_user(
            username=key,
            password="x",
            role="desk_officer",
            organisation=org(key),
            email=f"{key}@example.invalid",
        )
        # A measure that meets the rules: a confirmation "still correct" is refused otherwise.
        measure = Measure.objects.create(
            title=f"Maßnahme {key}",
            owner=org(key),
            level=Level.objects.get(key="bund"),
            offer_type=Measure.OfferType.COMPLEMENTARY,
            complementary_need="Beratung",
        )
        Evaluation.objects.create(measure=measure, state=Evaluation.State.PLANNED, method="Befragung")
    # Not a desk officer: gets no reminders.
    User.objects.create_user(
        username="bamf", password="x", role="agency", organisation=org("bamf"), email="b@x.invalid"
    )
    coordination = User.objects.create_user(
        username="k", password="x", role="coordination", organisation=org("ib")
    )
    opened = services.open_round(title="2. Halbjahr 2027", deadline=DEADLINE, actor=coordination)
    return opened


@pytest.mark.parametrize(
    ("days_before_deadline", "expected"),
    [
        (8, None),
        (7, "before"),
        (3, None),
        (1, "before"),
        (0, None),
        (-1, "overdue"),
        (-2, None),
        (-8, "overdue"),
        (-15, "overdue"),
    ],
)
def test_reminder_kind_by_day(days_before_deadline: int, expected: str | None) -> None:
    assert reminder_kind(DEADLINE, DEADLINE - timedelta(days=days_before_deadline)) == expected


def test_reminder_dates_cover_before_and_weekly_after() -> None:
    dates = reminder_dates(date(2027, 6, 30), horizon_weeks=2)
    assert dates == [
        date(2027, 6, 23),
        date(2027, 6, 29),
        date(2027, 7, 1),
        date(2027, 7, 8),
        date(2027, 7, 15),
    ]


def test_before_deadline_each_pending_ministry_gets_one_mail(round: ReportingRound) -> None:
    mail.outbox.clear()
    sent = send_reminders_for_round(round, DEADLINE - timedelta(days=7))
    assert {s.organisation for s in sent} == {org("bmi").name, org("bmas").name}
    assert sorted(m.to[0] for m in mail.outbox) == ["bmas@example.invalid", "bmi@example.invalid"]
    assert all("Frist endet in 7 Tagen" in m.subject for m in mail.outbox)
    assert "/arbeitsbereich/runden/aufgaben/" in mail.outbox[0].body


def test_idempotent_per_day(round: ReportingRound) -> None:
    mail.outbox.clear()
    day = DEADLINE - timedelta(days=1)
    assert len(send_reminders_for_round(round, day)) == 2
    assert send_reminders_for_round(round, day) == []
    assert len(mail.outbox) == 2
    assert RoundReminder.objects.filter(sent_on=day).count() == 2


def test_no_mail_on_other_days_or_for_done_ministries(round: ReportingRound) -> None:
    mail.outbox.clear()
    assert send_reminders_for_round(round, DEADLINE - timedelta(days=3)) == []
    bmi = User.objects.get(username="bmi")
    services.confirm_measure(round=round, measure=Measure.objects.get(owner__key="bmi"), actor=bmi)
    sent = send_reminders_for_round(round, DEADLINE + timedelta(days=1))
    assert [s.organisation for s in sent] == [org("bmas").name]
    assert [m.to for m in mail.outbox] == [["bmas@example.invalid"]]
    assert "Frist überschritten" in mail.outbox[0].subject


def test_overdue_weekly_then_nothing_after_closing(round: ReportingRound) -> None:
    mail.outbox.clear()
    send_reminders_for_round(round, DEADLINE + timedelta(days=1))
    send_reminders_for_round(round, DEADLINE + timedelta(days=8))
    assert len(mail.outbox) == 4
    services.close_round(round=round, actor=User.objects.get(username="k"))
    assert send_reminders_for_round(round, DEADLINE + timedelta(days=15)) == []


def test_task_runs_through_the_task_backend(round: ReportingRound) -> None:
    mail.outbox.clear()
    with mock.patch("isi.rounds.tasks.timezone.localdate", return_value=DEADLINE - timedelta(days=7)):
        result = send_round_reminders.enqueue(round.pk)
    assert result.return_value == 2
    assert len(mail.outbox) == 2


def test_management_command_is_idempotent(round: ReportingRound) -> None:
    mail.outbox.clear()
    out = StringIO()
    day = (DEADLINE - timedelta(days=1)).isoformat()
    call_command("send_round_reminders", "--date", day, stdout=out)
    call_command("send_round_reminders", "--date", day, stdout=out)
    assert len(mail.outbox) == 2
    assert "2 Erinnerung(en) versandt." in out.getvalue()
    assert "0 Erinnerung(en) versandt." in out.getvalue()


def test_opening_schedules_runs_where_the_backend_can_defer(round: ReportingRound) -> None:
    # The ImmediateBackend in tests cannot defer: nothing is enqueued, the command does the work.
    assert tasks.schedule_reminders(round) == 0
    with override_settings(TASKS={"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}):
        backend = task_backends["default"]
        assert backend.supports_defer
        count = tasks.schedule_reminders(round)
        results = list(backend.results)  # type: ignore[attr-defined]
    assert count == len(reminder_dates(round.deadline)) == len(results)
    run_afters = [r.task.run_after for r in results]
    assert run_afters == sorted(run_afters)
    assert run_afters[0].date() == DEADLINE - timedelta(days=7)
    assert all(r.args == [round.pk] for r in results)
