"""Reminder e-mails for open rounds, as a Django task.

Which mails go out is decided by the day, so the task is safe to run any number of times:

- 7 days and 1 day before the deadline: "Frist läuft ab" to ministries with pending items;
- the day after the deadline, then weekly (+8, +15, … days): "Frist überschritten".

Each (round, ministry, day) is recorded in `RoundReminder`; a second run on the same day sends nothing.
Recipients are the active desk officers (role desk_officer) of the ministry with an e-mail address.

Two ways to run it, both documented in the README of this app (see `isi send_round_reminders --help`):

1. When a round opens and the task backend can defer (`django_tasks_db`), one run is enqueued for
   each reminder day up to REMINDER_HORIZON_WEEKS after the deadline (`run_after`), and processed by
   the task worker (`isi db_worker`).
2. `isi send_round_reminders`, scheduled daily by operations (cron or a systemd timer) – works with
   any backend, and re-running it is harmless.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.tasks import default_task_backend, task
from django.urls import reverse
from django.utils import timezone

from isi.accounts.models import User
from isi.organisations.models import Organisation
from isi.rounds.models import ReportingRound, RoundItem, RoundReminder

log = logging.getLogger(__name__)

BEFORE_DAYS = (7, 1)
REMINDER_HORIZON_WEEKS = 8
# Reminder runs start early in the morning (local time), before people read their mail.
REMINDER_TIME = time(6, 0)


def reminder_kind(deadline: date, today: date) -> str | None:
    """Which reminder (if any) is due today for a round with this deadline."""
    days_left = (deadline - today).days
    if days_left in BEFORE_DAYS:
        return RoundReminder.Kind.BEFORE
    overdue = -days_left
    if overdue >= 1 and (overdue - 1) % 7 == 0:
        return RoundReminder.Kind.OVERDUE
    return None


def reminder_dates(deadline: date, horizon_weeks: int = REMINDER_HORIZON_WEEKS) -> list[date]:
    before = [deadline - timedelta(days=d) for d in BEFORE_DAYS]
    after = [deadline + timedelta(days=1 + 7 * w) for w in range(horizon_weeks + 1)]
    return sorted(before + after)


@dataclass(frozen=True)
class SentReminder:
    organisation: str
    kind: str
    pending: int
    recipients: tuple[str, ...]


def _recipients(organisation: Organisation) -> list[str]:
    users = User.objects.filter(
        organisation=organisation, role=User.Role.DESK_OFFICER, is_active=True
    ).exclude(email="")
    return sorted({u.email for u in users})


def _message(
    round: ReportingRound, organisation: Organisation, kind: str, pending: int, today: date
) -> tuple[str, str]:
    deadline = round.deadline.strftime("%d.%m.%Y")
    if kind == RoundReminder.Kind.BEFORE:
        days = (round.deadline - today).days
        when = "morgen" if days == 1 else f"in {days} Tagen"
        subject = f"ISI: {round.title} – Frist endet {when} ({deadline})"
        intro = f"die Frist der Runde „{round.title}“ endet {when}, am {deadline}."
    else:
        subject = f"ISI: {round.title} – Frist überschritten ({deadline})"
        intro = f"die Frist der Runde „{round.title}“ ist am {deadline} abgelaufen."
    body = (
        f"Guten Tag,\n\n{intro}\n"
        f"Für {organisation.name} sind noch {pending} Maßnahme(n) weder bestätigt noch aktualisiert.\n\n"
        f"Ihre Aufgaben: {_link('rounds:todo')}\n\n{FOOTER}"
    )
    return subject, body


def send_reminders_for_round(round: ReportingRound, today: date | None = None) -> list[SentReminder]:
    """Send today's reminders for one round; returns what was sent (nothing on a second run)."""
    today = today or timezone.localdate()
    if not round.is_open:
        return []
    kind = reminder_kind(round.deadline, today)
    if kind is None:
        return []
    sent: list[SentReminder] = []
    for owner_id, pending in _pending_by_ministry(round).items():
        organisation = Organisation.objects.get(pk=owner_id)
        subject, body = _message(round, organisation, kind, pending, today)
        found = _claim_and_send(
            round, organisation, kind=kind, pending=pending, today=today, subject=subject, body=body
        )
        if found is not None:
            sent.append(found)
    return sent


def _link(name: str) -> str:
    base = str(getattr(settings, "ISI_PUBLIC_BASE_URL", "") or "http://127.0.0.1:8000")
    return f"{base.rstrip('/')}{reverse(name)}"


FOOTER = "Diese Nachricht wurde vom Informationssystem Integration automatisch versandt.\n"
MINISTRY_KINDS = (Organisation.Kind.FEDERAL_MINISTRY, Organisation.Kind.FEDERAL_COMMISSIONER)


def _claim_and_send(
    round: ReportingRound,
    organisation: Organisation,
    *,
    kind: str,
    pending: int,
    today: date,
    subject: str,
    body: str,
) -> SentReminder | None:
    """Record (round, ministry, day, kind) and send; None when it was already sent today."""
    recipients = _recipients(organisation)
    try:
        with transaction.atomic():
            # Claim the day first: a concurrent run hits the unique constraint and sends nothing.
            RoundReminder.objects.create(
                round=round,
                organisation=organisation,
                sent_on=today,
                kind=kind,
                pending=pending,
                recipients=recipients,
            )
            if recipients:
                send_mail(subject, body, None, recipients)
    except IntegrityError:
        return None
    if not recipients:
        # An announcement to a ministry without users is normal (not every ministry works in ISI).
        level = logging.INFO if kind == RoundReminder.Kind.ANNOUNCEMENT else logging.WARNING
        log.log(level, "round %s: no desk officer with e-mail for %s", round.pk, organisation.key)
    return SentReminder(organisation.name, kind, pending, tuple(recipients))


def _pending_by_ministry(round: ReportingRound) -> dict[int, int]:
    rows = (
        round.items.filter(status=RoundItem.Status.PENDING, owner__isnull=False)
        .values("owner_id")
        .annotate(pending=Count("id"))
        .order_by("owner_id")
    )
    return {row["owner_id"]: row["pending"] for row in rows}


def send_announcement(round: ReportingRound, today: date | None = None) -> list[SentReminder]:
    """The mail at opening: to the desk officers of every ministry, with its number of measures.

    Every federal ministry (and commissioner) hears of the round, also one without measures in it
    (it may have new ones to enter). Sent once per round and ministry, however often this runs.
    """
    today = today or timezone.localdate()
    if not round.is_open or round.reminders.filter(kind=RoundReminder.Kind.ANNOUNCEMENT).exists():
        return []
    counts = {
        row["owner_id"]: row["total"]
        for row in round.items.filter(owner__isnull=False).values("owner_id").annotate(total=Count("id"))
    }
    ministries = Organisation.objects.filter(
        Q(pk__in=list(counts)) | Q(kind__in=MINISTRY_KINDS, dissolved_on__isnull=True)
    ).order_by("name")
    deadline = round.deadline.strftime("%d.%m.%Y")
    sent: list[SentReminder] = []
    for ministry in ministries:
        total = counts.get(ministry.pk, 0)
        what = (
            f"Für {ministry.name} sind {total} Maßnahme(n) zu prüfen: bitte jede bestätigen, wenn sie "
            "noch stimmt, oder aktualisieren."
            if total
            else f"Für {ministry.name} sind derzeit keine Maßnahmen erfasst. Neue Maßnahmen legen Sie im "
            "Arbeitsbereich an."
        )
        body = (
            f"Guten Tag,\n\ndie Koordinierung hat die halbjährliche Aktualisierung „{round.title}“ eröffnet. "
            f"Frist: {deadline}.\n{what}\n\nIhre Aufgaben: {_link('rounds:todo')}\n\n{FOOTER}"
        )
        found = _claim_and_send(
            round,
            ministry,
            kind=RoundReminder.Kind.ANNOUNCEMENT,
            pending=total,
            today=today,
            subject=f"ISI: Runde „{round.title}“ eröffnet – Frist {deadline}",
            body=body,
        )
        if found is not None:
            sent.append(found)
    return sent


@dataclass(frozen=True)
class OnDemandResult:
    """What "Erinnerung jetzt senden" did, per ministry with pending measures."""

    sent: list[SentReminder]
    already_today: list[str]  # ministries reminded on demand earlier today: nothing sent again
    nobody: list[str]  # ministries without a desk officer with an e-mail address: nobody told


def send_reminders_now(
    round: ReportingRound, *, organisation_ids: list[int] | None = None, today: date | None = None
) -> OnDemandResult:
    """Remind now the ministries (all, or those named) that still have pending measures."""
    today = today or timezone.localdate()
    pending = _pending_by_ministry(round) if round.is_open else {}
    if organisation_ids is not None:
        pending = {pk: count for pk, count in pending.items() if pk in set(organisation_ids)}
    deadline = round.deadline.strftime("%d.%m.%Y")
    days = (round.deadline - today).days
    when = (
        f"endet am {deadline} (in {days} Tagen)"
        if days > 1
        else (
            "endet morgen" if days == 1 else ("endet heute" if days == 0 else f"ist am {deadline} abgelaufen")
        )
    )
    result = OnDemandResult(sent=[], already_today=[], nobody=[])
    for ministry in Organisation.objects.filter(pk__in=list(pending)).order_by("name"):
        count = pending[ministry.pk]
        body = (
            f"Guten Tag,\n\ndie Frist der Runde „{round.title}“ {when}.\n"
            f"Für {ministry.name} sind noch {count} Maßnahme(n) weder bestätigt noch aktualisiert.\n\n"
            f"Ihre Aufgaben: {_link('rounds:todo')}\n\n{FOOTER}"
        )
        found = _claim_and_send(
            round,
            ministry,
            kind=RoundReminder.Kind.ON_DEMAND,
            pending=count,
            today=today,
            subject=f"ISI: Erinnerung – Runde „{round.title}“, Frist {deadline}",
            body=body,
        )
        if found is None:
            result.already_today.append(ministry.name)
        elif not found.recipients:
            result.nobody.append(ministry.name)
        else:
            result.sent.append(found)
    return result


@task
def send_round_announcement(round_id: int) -> int:
    """Background task: the announcement of a newly opened round (once per ministry). Returns mails."""
    round = ReportingRound.objects.filter(pk=round_id).first()
    if round is None:
        return 0
    return sum(1 for sent in send_announcement(round) if sent.recipients)


def send_all_reminders(today: date | None = None) -> list[SentReminder]:
    sent: list[SentReminder] = []
    for round in ReportingRound.objects.filter(state=ReportingRound.State.OPEN):
        sent += send_reminders_for_round(round, today)
    return sent


@task
def send_round_reminders(round_id: int) -> int:
    """Background task: send today's reminders for a round (idempotent per day). Returns mails sent."""
    round = ReportingRound.objects.filter(pk=round_id).first()
    if round is None:
        return 0
    return len(send_reminders_for_round(round))


def schedule_reminders(round: ReportingRound) -> int:
    """Enqueue one task run per reminder day, where the backend can defer. Returns runs enqueued."""
    if not default_task_backend.supports_defer:
        log.info("task backend cannot defer; reminders come from `isi send_round_reminders`")
        return 0
    tz = timezone.get_current_timezone()
    now = timezone.now()
    count = 0
    for day in reminder_dates(round.deadline):
        when = timezone.make_aware(datetime.combine(day, REMINDER_TIME), tz)
        if when <= now:
            continue
        send_round_reminders.using(run_after=when).enqueue(round.pk)
        count += 1
    return count


__all__ = [
    "OnDemandResult",
    "SentReminder",
    "reminder_dates",
    "reminder_kind",
    "schedule_reminders",
    "send_all_reminders",
    "send_announcement",
    "send_reminders_for_round",
    "send_reminders_now",
    "send_round_announcement",
    "send_round_reminders",
]
