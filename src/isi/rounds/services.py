"""Writes for rounds. Each runs in a transaction; changes to measures leave change records.

- `open_round`: coordination opens a round with a deadline; one item per non-archived measure.
- `confirm_measure`: the owner's people confirm a measure unchanged; records a review.
- `mark_updated`: the hook other code calls after a measure was edited (also detected at closing).
- `close_round`: freezes a snapshot of every measure in scope; pending items stay pending.
- `compare_rounds`: what changed between two closed rounds, per ministry and overall.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from isi.measures.models import Measure
from isi.measures.selectors import measures_with_details
from isi.measures.services import RulesBroken, measure_confirm_reviewed, measure_mark_reviewed
from isi.measures.snapshots import measure_snapshot
from isi.organisations.models import Organisation
from isi.rounds.compare import RoundComparison, diff_rounds
from isi.rounds.models import ReportingRound, RoundItem
from isi.rounds.permissions import can_manage_rounds, can_review_in_round
from isi.rounds.selectors import current_entries, current_round, responsible_ministry, snapshot_entries

logger = logging.getLogger(__name__)

# Source of the change record a confirmation leaves on the measure.
REVIEW_SOURCE = "round_review"
# Rows handled per query when opening and closing a round (scales to many measures).
CHUNK = 500


class RoundError(Exception):
    """A round action that is not allowed now; the message is for the person."""


class RoundPermissionDenied(RoundError):
    """The person may not do this."""


@transaction.atomic
def open_round(*, title: str, deadline: date, actor: Any, now: datetime | None = None) -> ReportingRound:
    if not can_manage_rounds(actor):
        raise RoundPermissionDenied("Nur die Koordinierung kann eine Runde eröffnen.")
    now = now or timezone.now()
    if deadline < timezone.localdate(now):
        raise RoundError("Die Frist darf nicht in der Vergangenheit liegen.")
    if current_round() is not None:
        raise RoundError("Es ist bereits eine Runde offen. Schließen Sie sie, bevor Sie eine neue eröffnen.")
    try:
        with transaction.atomic():
            round = ReportingRound.objects.create(
                title=title.strip(), deadline=deadline, opened_at=now, opened_by=actor
            )
    except IntegrityError as exc:  # a concurrent opener won the race
        raise RoundError("Es ist bereits eine Runde offen.") from exc
    ministries: dict[int, Organisation] = {}
    batch: list[RoundItem] = []
    measures = Measure.objects.active().select_related("owner__parent__parent").order_by("pk")
    for measure in measures.iterator(chunk_size=CHUNK):
        if measure.owner_id not in ministries:
            ministries[measure.owner_id] = responsible_ministry(measure)
        ministry = ministries[measure.owner_id]
        batch.append(
            RoundItem(
                round=round,
                measure=measure,
                measure_key=measure.pk,
                measure_title=measure.title[:500],
                owner=ministry,
                owner_name=ministry.name,
                version_at_open=measure.version,
            )
        )
        if len(batch) >= CHUNK:
            RoundItem.objects.bulk_create(batch)
            batch = []
    RoundItem.objects.bulk_create(batch)
    from isi.rounds.tasks import schedule_reminders, send_round_announcement

    transaction.on_commit(lambda: schedule_reminders(round))
    # Announce the round at once (not only 7 days before the deadline): one mail per ministry.
    transaction.on_commit(lambda: _announce(round.pk, send_round_announcement))
    return round


def _announce(round_id: int, task: Any) -> None:
    """Enqueue the announcement; a failing queue or mail server must not undo the opened round."""
    try:
        task.enqueue(round_id)
    except Exception:
        logger.exception("round %s: the announcement could not be sent", round_id)


@dataclass(frozen=True)
class OpeningPreview:
    """What opening a round now would do: shown on the confirmation step before anything happens."""

    measures: int
    ministries: int
    announced_ministries: int
    recipients: int
    without_recipients: list[str]


def preview_round() -> OpeningPreview:
    """Measures and ministries a round opened now would cover, and who would get the announcement."""
    from isi.accounts.models import User
    from isi.rounds.tasks import MINISTRY_KINDS

    measures = Measure.objects.active().select_related("owner__parent__parent")
    owner_ids = set(measures.values_list("owner_id", flat=True).distinct())
    responsible: set[int] = set()
    for owner_id in owner_ids:
        sample = measures.filter(owner_id=owner_id).first()
        if sample is not None:
            responsible.add(responsible_ministry(sample).pk)
    announced = Organisation.objects.filter(
        Q(pk__in=responsible) | Q(kind__in=MINISTRY_KINDS, dissolved_on__isnull=True)
    ).order_by("name")
    officers = User.objects.filter(
        organisation__in=announced, role=User.Role.DESK_OFFICER, is_active=True
    ).exclude(email="")
    reached = set(officers.values_list("organisation_id", flat=True))
    return OpeningPreview(
        measures=measures.count(),
        ministries=len(responsible),
        announced_ministries=len(announced),
        recipients=officers.values("email").distinct().count(),
        without_recipients=[o.name for o in announced if o.pk not in reached],
    )


def _item_for_update(round: ReportingRound, measure: Measure) -> RoundItem:
    item = RoundItem.objects.select_for_update().filter(round=round, measure_key=measure.pk).first()
    if item is None:
        raise RoundError("Diese Maßnahme gehört nicht zu der Runde.")
    return item


class RoundRulesBroken(RoundError):
    """The measure breaks rules, so it cannot be confirmed as still correct; `messages` name them."""

    def __init__(self, messages: list[str]) -> None:
        self.messages = messages
        super().__init__("Nicht bestätigt – erst die Regelverstöße beheben: " + " ".join(messages))


def _record_review(measure: Measure, *, when: datetime, actor: Any, round: ReportingRound) -> None:
    """Through the write service: refused with the rules named when the measure breaks any."""
    try:
        measure_confirm_reviewed(
            measure_id=measure.pk, when=when, actor=actor, source=f"{REVIEW_SOURCE}:{round.pk}"
        )
    except RulesBroken as exc:
        raise RoundRulesBroken(list(exc.messages)) from exc
    measure.last_reviewed_at = when


@transaction.atomic
def confirm_measure(
    *, round: ReportingRound, measure: Measure, actor: Any, note: str = "", now: datetime | None = None
) -> RoundItem:
    """The owner confirms the measure is still correct: item confirmed, measure reviewed now."""
    round = ReportingRound.objects.select_for_update().get(pk=round.pk)
    if not round.is_open:
        raise RoundError("Die Runde ist abgeschlossen.")
    if not can_review_in_round(actor, measure, round):
        raise RoundPermissionDenied("Diese Maßnahme kann nur das federführende Ressort bestätigen.")
    item = _item_for_update(round, measure)
    now = now or timezone.now()
    measure = measures_with_details(Measure.objects.filter(pk=measure.pk)).get()
    # First the measure (refused when it breaks a rule), then the item.
    _record_review(measure, when=now, actor=actor, round=round)
    item.status = RoundItem.Status.CONFIRMED
    item.reviewed_at = now
    item.reviewed_by = actor
    item.note = note.strip()
    item.save(update_fields=["status", "reviewed_at", "reviewed_by", "note"])
    return item


@dataclass(frozen=True)
class RefusedConfirmation:
    """A measure not confirmed in a bulk confirmation, and why (rule messages, in German)."""

    measure_id: int
    title: str
    reasons: list[str]


@dataclass(frozen=True)
class BulkConfirmation:
    confirmed: list[RoundItem] = field(default_factory=list)
    refused: list[RefusedConfirmation] = field(default_factory=list)


# Measures confirmed at once; a ministry's to-do list in a round is rarely longer.
MAX_BULK_CONFIRM = 500


def confirm_measures(
    *, round: ReportingRound, measure_ids: list[int], actor: Any, note: str = "", now: datetime | None = None
) -> BulkConfirmation:
    """Confirm several measures unchanged at once; each is judged and confirmed on its own.

    A measure with a blocking rule error (Leitfaden or plausibility) is not confirmed – "still
    correct" cannot be said of it – and is returned with the rules it breaks; so is one the actor
    may not confirm or that is not in the round. The others are confirmed as by ``confirm_measure``.
    """
    if not round.is_open:
        raise RoundError("Die Runde ist abgeschlossen.")
    if not measure_ids:
        raise RoundError("Bitte wählen Sie mindestens eine Maßnahme aus.")
    if len(measure_ids) > MAX_BULK_CONFIRM:
        raise RoundError(f"Höchstens {MAX_BULK_CONFIRM} Maßnahmen auf einmal.")
    result = BulkConfirmation()
    measures = measures_with_details(Measure.objects.filter(pk__in=measure_ids)).order_by("title", "pk")
    for measure in measures:
        # The write service judges each confirmation (isi.measures.services.measure_confirm_reviewed).
        try:
            with transaction.atomic():
                result.confirmed.append(
                    confirm_measure(round=round, measure=measure, actor=actor, note=note, now=now)
                )
        except RoundRulesBroken as exc:
            result.refused.append(RefusedConfirmation(measure.pk, measure.title, exc.messages))
        except RoundError as exc:  # includes RoundPermissionDenied: not theirs to confirm
            result.refused.append(RefusedConfirmation(measure.pk, measure.title, [str(exc)]))
        except ValidationError as exc:  # the write path's own judgement of the confirmation
            result.refused.append(RefusedConfirmation(measure.pk, measure.title, list(exc.messages)))
    found = {m.pk for m in measures}
    for missing in sorted(set(measure_ids) - found):
        result.refused.append(
            RefusedConfirmation(missing, f"ID {missing}", ["Diese Maßnahme gibt es nicht."])
        )
    return result


@transaction.atomic
def mark_updated(measure: Measure, *, actor: Any = None, now: datetime | None = None) -> RoundItem | None:
    """Hook for code that saved a measure: counts as its update in the open round, if any.

    Call it after `measure_update` succeeded (the edit itself left the change record). An item already
    confirmed becomes "updated"; a measure outside the open round is ignored.
    """
    # Lock the open round: closing it waits for this, and this waits for a closing in progress.
    round = ReportingRound.objects.select_for_update().filter(state=ReportingRound.State.OPEN).first()
    if round is None:
        return None
    item = RoundItem.objects.select_for_update().filter(round=round, measure_key=measure.pk).first()
    if item is None:
        return None
    now = now or timezone.now()
    item.status = RoundItem.Status.UPDATED
    item.reviewed_at = now
    item.reviewed_by = actor if getattr(actor, "is_authenticated", False) else None
    item.save(update_fields=["status", "reviewed_at", "reviewed_by"])
    measure_mark_reviewed(measure_id=measure.pk, when=now)
    return item


@dataclass(frozen=True)
class CloseResult:
    round: ReportingRound
    frozen: int
    detected_updates: int
    pending: list[RoundItem]


@transaction.atomic
def close_round(*, round: ReportingRound, actor: Any, now: datetime | None = None) -> CloseResult:
    """Freeze a snapshot of every measure in scope. Items still pending stay pending and are reported."""
    if not can_manage_rounds(actor):
        raise RoundPermissionDenied("Nur die Koordinierung kann eine Runde abschließen.")
    given = round
    round = ReportingRound.objects.select_for_update().get(pk=round.pk)
    if not round.is_open:
        raise RoundError("Die Runde ist bereits abgeschlossen.")
    now = now or timezone.now()
    detected = frozen = 0
    pending: list[RoundItem] = []
    item_ids = list(round.items.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(item_ids), CHUNK):
        items = list(RoundItem.objects.filter(pk__in=item_ids[start : start + CHUNK]).order_by("pk"))
        ids = [item.measure_id for item in items if item.measure_id is not None]
        measures = {m.pk: m for m in measures_with_details(Measure.objects.filter(pk__in=ids))}
        for item in items:
            measure = measures.get(item.measure_id) if item.measure_id is not None else None
            if measure is None:  # deleted since opening: nothing to freeze
                continue
            frozen += 1
            item.snapshot = measure_snapshot(measure)
            item.version_at_close = measure.version
            if item.status != RoundItem.Status.UPDATED and measure.version > item.version_at_open:
                # Edited during the round (the hook may not have been called): that was its update.
                item.status = RoundItem.Status.UPDATED
                item.reviewed_at = item.reviewed_at or measure.updated_at
                detected += 1
            if item.status == RoundItem.Status.PENDING:
                pending.append(item)
        RoundItem.objects.bulk_update(items, ["snapshot", "version_at_close", "status", "reviewed_at"])
    round.state = ReportingRound.State.CLOSED
    round.closed_at = now
    round.closed_by = actor
    round.save(update_fields=["state", "closed_at", "closed_by"])
    # The caller's instance reflects the closing too.
    given.state, given.closed_at, given.closed_by = round.state, round.closed_at, round.closed_by
    return CloseResult(round=round, frozen=frozen, detected_updates=detected, pending=pending)


def compare_rounds(a: ReportingRound, b: ReportingRound) -> RoundComparison:
    """What changed from round `a` to round `b` (both closed), per ministry and overall."""
    if a.is_open or b.is_open:
        raise RoundError("Nur abgeschlossene Runden lassen sich vergleichen.")
    return diff_rounds(snapshot_entries(a), snapshot_entries(b))


def compare_with_current(a: ReportingRound) -> RoundComparison:
    """What changed since round `a` was closed, up to now ("seit der letzten Runde")."""
    if a.is_open:
        raise RoundError("Nur abgeschlossene Runden lassen sich vergleichen.")
    return diff_rounds(snapshot_entries(a), current_entries())
