"""Writes for rounds. Each runs in a transaction; changes to measures leave change records.

- `open_round`: coordination opens a round with a deadline; one item per non-archived measure.
- `confirm_measure`: the owner's people confirm a measure unchanged; records a review.
- `mark_updated`: the hook other code calls after a measure was edited (also detected at closing).
- `close_round`: freezes a snapshot of every measure in scope; pending items stay pending.
- `compare_rounds`: what changed between two closed rounds, per ministry and overall.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from isi.core.changes import record_change
from isi.core.models import ChangeRecord
from isi.measures.models import Measure
from isi.measures.selectors import measures_with_details
from isi.measures.snapshots import measure_snapshot
from isi.organisations.models import Organisation
from isi.rounds.compare import RoundComparison, diff_rounds
from isi.rounds.models import ReportingRound, RoundItem
from isi.rounds.permissions import can_manage_rounds, can_review_in_round
from isi.rounds.selectors import current_entries, current_round, responsible_ministry, snapshot_entries

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
    from isi.rounds.tasks import schedule_reminders

    transaction.on_commit(lambda: schedule_reminders(round))
    return round


def _item_for_update(round: ReportingRound, measure: Measure) -> RoundItem:
    item = RoundItem.objects.select_for_update().filter(round=round, measure_key=measure.pk).first()
    if item is None:
        raise RoundError("Diese Maßnahme gehört nicht zu der Runde.")
    return item


def _record_review(measure: Measure, *, when: datetime, actor: Any, round: ReportingRound) -> None:
    """Set Measure.last_reviewed_at without bumping the version; leave a change record."""
    before = measure_snapshot(measure) | {"last_reviewed_at": _iso(measure.last_reviewed_at)}
    Measure.objects.filter(pk=measure.pk).update(last_reviewed_at=when)
    measure.last_reviewed_at = when
    after = before | {"last_reviewed_at": _iso(when)}
    record_change(
        measure,
        action=ChangeRecord.Action.UPDATE,
        before=before,
        after=after,
        actor=actor,
        source=f"{REVIEW_SOURCE}:{round.pk}",
    )


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


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
    item.status = RoundItem.Status.CONFIRMED
    item.reviewed_at = now
    item.reviewed_by = actor
    item.note = note.strip()
    item.save(update_fields=["status", "reviewed_at", "reviewed_by", "note"])
    _record_review(measure, when=now, actor=actor, round=round)
    return item


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
    Measure.objects.filter(pk=measure.pk).update(last_reviewed_at=now)
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
