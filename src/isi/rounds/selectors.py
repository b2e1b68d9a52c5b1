"""Reads for rounds: progress per ministry, a user's to-do list, measures that need a review."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from isi.measures.models import Measure, MeasureQuerySet
from isi.measures.permissions import editable_measures_q
from isi.measures.rules import REVIEW_INTERVAL_DAYS
from isi.measures.selectors import measures_with_details
from isi.measures.snapshots import measure_snapshot
from isi.organisations.models import Organisation
from isi.rounds.compare import SnapshotEntry
from isi.rounds.models import ReportingRound, RoundItem


def needs_review(queryset: MeasureQuerySet | None = None, *, today: date | None = None) -> MeasureQuerySet:
    """Rule 2: measures never reviewed or last reviewed more than REVIEW_INTERVAL_DAYS ago.

    Agrees with `isi.measures.rules.review_due`, which counts a review by its local calendar date.
    """
    base = queryset if queryset is not None else Measure.objects.all()
    today = today or timezone.localdate()
    cutoff = timezone.make_aware(datetime.combine(today - timedelta(days=REVIEW_INTERVAL_DAYS), time.min))
    return base.filter(Q(last_reviewed_at__isnull=True) | Q(last_reviewed_at__lt=cutoff))


def current_round() -> ReportingRound | None:
    return ReportingRound.objects.filter(state=ReportingRound.State.OPEN).first()


def closed_rounds() -> QuerySet[ReportingRound]:
    return ReportingRound.objects.filter(state=ReportingRound.State.CLOSED).order_by("-closed_at", "-id")


@dataclass(frozen=True)
class Progress:
    ministry: str
    organisation_id: int | None
    total: int
    confirmed: int
    updated: int

    @property
    def done(self) -> int:
        return self.confirmed + self.updated

    @property
    def pending(self) -> int:
        return self.total - self.done

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100


def _progress(items: QuerySet[RoundItem], label: str) -> Progress:
    counts = items.aggregate(
        total=Count("id"),
        confirmed=Count("id", filter=Q(status=RoundItem.Status.CONFIRMED)),
        updated=Count("id", filter=Q(status=RoundItem.Status.UPDATED)),
    )
    return Progress(label, None, counts["total"], counts["confirmed"], counts["updated"])


def progress_by_ministry(round: ReportingRound) -> list[Progress]:
    rows = (
        round.items.values("owner_id", "owner_name")
        .annotate(
            total=Count("id"),
            confirmed=Count("id", filter=Q(status=RoundItem.Status.CONFIRMED)),
            updated=Count("id", filter=Q(status=RoundItem.Status.UPDATED)),
        )
        .order_by("owner_name")
    )
    return [Progress(r["owner_name"], r["owner_id"], r["total"], r["confirmed"], r["updated"]) for r in rows]


def overall_progress(round: ReportingRound) -> Progress:
    return _progress(round.items.all(), "")


def ministry_progress(round: ReportingRound, organisation_id: int) -> Progress:
    items = round.items.filter(owner_id=organisation_id)
    first = items.first()
    return _progress(items, first.owner_name if first else "")


def todo_items(round: ReportingRound, user: Any) -> QuerySet[RoundItem]:
    """The items of `round` whose measures this user may change (their ministry's, their agency's)."""
    editable = editable_measures_q(user)
    if editable is None:
        return round.items.none()
    measure_ids = Measure.objects.filter(editable).values("pk")
    return (
        round.items.filter(measure_id__in=measure_ids)
        .select_related("measure", "reviewed_by")
        .order_by("status", "owner_name", "measure_title", "id")
    )


def snapshot_entries(round: ReportingRound) -> list[SnapshotEntry]:
    return [
        SnapshotEntry(
            item.measure_key,
            (item.snapshot or {}).get("title", item.measure_title),
            item.owner_name,
            item.snapshot or {},
        )
        for item in round.items.filter(snapshot__isnull=False).order_by("measure_key")
    ]


def responsible_ministry(measure: Measure) -> Organisation:
    """The ministry responsible for a measure: its owner, or the Ressort above an owning agency."""
    owner = measure.owner
    return owner.ressort() or owner


def current_entries(queryset: MeasureQuerySet | None = None) -> list[SnapshotEntry]:
    """The current state of all non-archived measures, as a round would freeze it now."""
    base = queryset if queryset is not None else Measure.objects.active()
    ministries: dict[int, str] = {}
    entries = []
    for measure in measures_with_details(base.order_by("pk")).iterator(chunk_size=500):
        if measure.owner_id not in ministries:
            ministries[measure.owner_id] = responsible_ministry(measure).name
        entries.append(
            SnapshotEntry(measure.pk, measure.title, ministries[measure.owner_id], measure_snapshot(measure))
        )
    return entries
