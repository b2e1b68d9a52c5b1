"""Similar measures from the database: the Django side of ``isi.similarity``.

One index per process, built lazily from the measures that are not archived and kept current
without rebuilding:

- Every read first compares a cheap token (the latest change record and the highest measure id,
  two primary-key lookups) with the one the index saw; when it differs, or every
  ``FULL_CHECK_SECONDS``, the fingerprint of the measure table (row count and latest
  ``updated_at``) is compared. When that differs, only the rows changed since then are re-read
  and upserted (archived ones removed); if the number of live measures still does not match,
  the ids are compared and the difference applied (deleted rows, rolled-back tests).
- Every write of the measure service announces the changed ids (``isi.measures.signals``);
  ``measures_changed`` refreshes them after the commit, so an edit is in the index before anyone
  asks.

Who sees what: the index holds every live measure; each query passes the ids the caller may
see (``isi.core.permissions``): public measures for anonymous callers, plus the drafts a
ministry may see; everything for roles that see everything. ``user=None`` is the trusted
internal caller (the ``isi similar`` command, background tasks): no restriction.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Count, Max, Q

from isi.catalog.models import Area, Component, Level, Region, TargetGroup
from isi.core.hooks import report_rebuild
from isi.core.models import ChangeRecord
from isi.core.permissions import SEES_EVERYTHING, is_admin, staff_user
from isi.measures.models import Measure
from isi.organisations.models import Organisation
from isi.similarity import Doc, Pair, Reason, SimilarityIndex

# Score (0..1) from which a match counts as close: creating a measure anyway then needs a reason
# (rule R3). Calibrated for the combined score of the engine (text, plus catalogue links when the
# draft has them) on two sets: the hand-made evaluation set over the NAP-I titles
# (bench/similarity_quality.py, text only: at 0.40 no wrong first hit is close and 10 % of the
# near misses are, against 20 % at 0.35 and 5 % at 0.45) and the synthetic paraphrases (title
# and summary: 95 % of them score ≥ 0.47 against the measure they reword). The old engine's 0.35
# was on a different scale (no idf over the whole corpus, no catalogue part).
CLOSE_MATCH_THRESHOLD = 0.40
# Matches below this text score share too little text to be shown (one common word part).
MIN_TEXT_SCORE = 0.05
MAX_TOP = 50
BUILD_CHUNK = 2000
# Between two full fingerprint checks (a scan of the measures) a cheap token is compared; a
# write that leaves no change record is seen at the latest after this many seconds.
FULL_CHECK_SECONDS = 2.0

FIELDS = (
    "id",
    "title",
    "summary",
    "goals",
    "publication",
    "owner__name",
    "component__name",
    "level__name",
    "region__name",
)


@dataclass(frozen=True)
class SimilarResult:
    id: int
    title: str
    owner_name: str
    score: float
    reasons: tuple[Reason, ...]
    text_score: float = 0.0

    @property
    def percent(self) -> int:
        return round(self.score * 100)

    @property
    def is_close(self) -> bool:
        return self.score >= CLOSE_MATCH_THRESHOLD

    @property
    def same_owner(self) -> bool:
        """Owned by the draft's own ministry: a possible double entry (Doppelerfassung)."""
        return any(reason.kind == "owner" for reason in self.reasons)

    @property
    def reason_labels(self) -> tuple[str, ...]:
        return tuple(reason.label() for reason in self.reasons)

    def as_json(self, label: Callable[[Reason], str] = Reason.label) -> dict[str, Any]:
        """The contract shape of one result (`isi similar --json`, `POST /api/v1/similar`)."""
        return {
            "id": self.id,
            "title": self.title,
            "owner": self.owner_name,
            "score": self.score,
            "text_score": self.text_score,
            "close": self.is_close,
            "reasons": [{"kind": r.kind, "values": list(r.values), "label": label(r)} for r in self.reasons],
        }


@dataclass
class _Cache:
    index: SimilarityIndex | None = None
    token: tuple[Any, ...] | None = None
    checked: float = 0.0  # time.monotonic() of the last full fingerprint check
    fingerprint: tuple[int, datetime | None] | None = None
    seen: datetime | None = None
    public_ids: set[int] = field(default_factory=set)


_cache = _Cache()
_lock = threading.RLock()


# --- measures → documents -------------------------------------------------------------------


def measure_doc(measure: Measure) -> Doc:
    """The engine's view of one measure (names of owner and catalogue entries)."""
    return Doc(
        id=measure.pk,
        title=measure.title,
        summary=measure.summary,
        goals=measure.goals,
        owner=measure.owner.name,
        target_groups=frozenset(g.name for g in measure.target_groups.all()),
        areas=frozenset(a.name for a in measure.areas.all()),
        component=measure.component.name if measure.component is not None else None,
        level=measure.level.name,
        region=measure.region.name if measure.region is not None else None,
    )


def _links(through: Any, column: str, ids: list[int] | None) -> dict[int, set[str]]:
    rows = through.objects.all()
    if ids is not None:
        rows = rows.filter(measure_id__in=ids)
    out: dict[int, set[str]] = defaultdict(set)
    for measure_id, name in rows.values_list("measure_id", f"{column}__name").iterator(chunk_size=5000):
        out[measure_id].add(name)
    return out


def _docs(queryset: Any) -> Iterator[tuple[Doc, bool]]:
    """(document, is public) for the live measures of ``queryset``, in chunks (bounded queries)."""
    ids = list(queryset.filter(archived_at__isnull=True).order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BUILD_CHUNK):
        chunk = ids[start : start + BUILD_CHUNK]
        groups = _links(Measure.target_groups.through, "targetgroup", chunk)
        areas = _links(Measure.areas.through, "area", chunk)
        for row in Measure.objects.filter(pk__in=chunk).order_by("pk").values_list(*FIELDS):
            pk, title, summary, goals, publication, owner, component, level, region = row
            doc = Doc(
                id=pk,
                title=title,
                summary=summary,
                goals=goals,
                owner=owner or "",
                target_groups=frozenset(groups.get(pk, ())),
                areas=frozenset(areas.get(pk, ())),
                component=component,
                level=level,
                region=region,
            )
            yield doc, publication == Measure.Publication.RELEASED


def _fingerprint() -> tuple[int, datetime | None]:
    """Count and latest ``updated_at`` of all measures: exact, but a scan of the table."""
    found = Measure.objects.aggregate(count=Count("id"), latest=Max("updated_at"))
    return int(found["count"]), found["latest"]


def _token() -> tuple[Any, ...]:
    """A cheap sign of change (two primary-key lookups): the latest change record, the highest id.

    Every write of the services leaves a change record (create, update, archive, restore,
    import, generate), so a write changes the token without scanning the measures.
    """
    latest = ChangeRecord.objects.order_by("-id").values_list("id", "created_at").first()
    return (latest, Measure.objects.aggregate(top=Max("id"))["top"])


def _apply(index: SimilarityIndex, queryset: Any) -> None:
    for doc, public in _docs(queryset):
        index.upsert(doc)
        if public:
            _cache.public_ids.add(doc.id)
        else:
            _cache.public_ids.discard(doc.id)


def _sync() -> SimilarityIndex:
    """The cached index, brought up to date with the database (see the module docstring)."""
    token = _token()
    index = _cache.index
    now = time.monotonic()
    if index is not None and token == _cache.token and now - _cache.checked < FULL_CHECK_SECONDS:
        return index
    fingerprint = _fingerprint()
    _cache.token, _cache.checked = token, now
    if index is not None and fingerprint == _cache.fingerprint:
        return index
    started, mode = time.perf_counter(), "full" if index is None else "incremental"
    if index is None:
        index = SimilarityIndex()
        _cache.public_ids = set()
        _apply(index, Measure.objects.all())
    else:
        changed = Measure.objects.all()
        if _cache.seen is not None:
            changed = changed.filter(updated_at__gte=_cache.seen)
        for pk in changed.filter(archived_at__isnull=False).values_list("pk", flat=True):
            index.remove(pk)
            _cache.public_ids.discard(pk)
        _apply(index, changed)
        live = Measure.objects.filter(archived_at__isnull=True)
        if live.count() != len(index):
            wanted = set(live.values_list("pk", flat=True))
            for pk in set(index.ids()) - wanted:
                index.remove(pk)
                _cache.public_ids.discard(pk)
            missing = wanted - set(index.ids())
            if missing:
                _apply(index, Measure.objects.filter(pk__in=missing))
    _cache.index = index
    _cache.fingerprint = fingerprint
    _cache.seen = fingerprint[1]
    report_rebuild("similarity_index", mode, started)
    return index


def current_index() -> SimilarityIndex:
    """The process-wide index of all live measures, current with the database."""
    with _lock:
        return _sync()


def reset_index() -> None:
    """Forget the cached index (the next read builds it again)."""
    with _lock:
        _cache.index = None
        _cache.token = None
        _cache.checked = 0.0
        _cache.fingerprint = None
        _cache.seen = None
        _cache.public_ids = set()


def refresh_measure(measure_id: int) -> None:
    """Bring one measure up to date in the cached index (if there is one)."""
    with _lock:
        index = _cache.index
        if index is None:
            return
        found = Measure.objects.filter(pk=measure_id)
        if not found.filter(archived_at__isnull=True).exists():
            index.remove(measure_id)
            _cache.public_ids.discard(measure_id)
            return
        _apply(index, found)


# More changed measures than this at once (an import, a generator batch): leave them to the
# index's own fingerprint check on the next read instead of refreshing one by one.
REFRESH_AT_ONCE = 50


def measures_changed(ids: list[int]) -> None:
    """``isi.measures.signals`` listener: refresh the changed measures once the transaction committed."""
    if _cache.index is None or len(ids) > REFRESH_AT_ONCE:
        return

    def refresh() -> None:
        for pk in ids:
            refresh_measure(pk)

    transaction.on_commit(refresh)


# --- queries --------------------------------------------------------------------------------


def _allowed_ids(user: Any, public_only: bool) -> set[int] | None:
    """The ids the caller may see, or None for no restriction."""
    if user is None and not public_only:
        return None
    staff = staff_user(user)
    if staff is None:
        return _cache.public_ids  # read under the lock, not changed while the query runs
    if is_admin(staff) or staff.role in SEES_EVERYTHING:
        return None
    from isi.measures.permissions import visible_measures

    public = Q(publication=Measure.Publication.RELEASED, archived_at__isnull=True)
    extra = visible_measures(staff).exclude(public).filter(archived_at__isnull=True)
    return set(_cache.public_ids) | set(extra.values_list("pk", flat=True))


def _names(model: Any, ids: Iterable[int]) -> frozenset[str]:
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return frozenset()
    return frozenset(model.objects.filter(pk__in=wanted).values_list("name", flat=True))


def _name(model: Any, pk: int | None) -> str | None:
    if pk is None:
        return None
    found: str | None = model.objects.filter(pk=pk).values_list("name", flat=True).first()
    return found


def similar_to_text(
    *,
    title: str,
    summary: str = "",
    goals: str = "",
    owner_id: int | None = None,
    area_ids: Iterable[int] = (),
    target_group_ids: Iterable[int] = (),
    component_id: int | None = None,
    level_id: int | None = None,
    region_id: int | None = None,
    user: Any = None,
    top: int = 10,
    exclude_id: int | None = None,
    public_only: bool = False,
) -> list[SimilarResult]:
    """The live measures most similar to a draft, best first, that the caller may see.

    ``user=None`` (and not ``public_only``): every live measure (internal callers).
    """
    doc = Doc(
        id=0,
        title=title,
        summary=summary,
        goals=goals,
        owner=_name(Organisation, owner_id) or "",
        target_groups=_names(TargetGroup, target_group_ids),
        areas=_names(Area, area_ids),
        component=_name(Component, component_id),
        level=_name(Level, level_id),
        region=_name(Region, region_id),
    )
    top = max(1, min(top, MAX_TOP))
    with _lock:
        index = _sync()
        allowed = _allowed_ids(user, public_only)
        matches = index.query(
            doc, top=top + 5, exclude=() if exclude_id is None else (exclude_id,), allowed=allowed
        )
    matches = [m for m in matches if m.text_score >= MIN_TEXT_SCORE]
    rows = {
        pk: (title, owner)
        for pk, title, owner in Measure.objects.filter(
            pk__in=[m.id for m in matches], archived_at__isnull=True
        ).values_list("pk", "title", "owner__name")
    }
    results = [
        SimilarResult(
            id=m.id,
            title=rows[m.id][0],
            owner_name=rows[m.id][1],
            score=m.score,
            reasons=m.reasons,
            text_score=m.text_score,
        )
        for m in matches
        if m.id in rows
    ]
    return results[:top]


def all_candidate_pairs(
    *, top_k: int = 10, min_score: float = 0.25, progress: Callable[[int, int], None] | None = None
) -> list[Pair]:
    """Candidate pairs among all live measures, best first.

    Pairs of different owners are possible overlaps; pairs within one ministry are kept too, as
    possible double entries (the review list marks them "mögliche Doppelerfassung").
    """
    index = current_index()
    with _lock:
        return index.all_pairs(top_k=top_k, min_score=min_score, different_owner=False, progress=progress)
