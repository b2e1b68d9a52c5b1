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

Cold start: at most one build from scratch runs in a process at a time (``_ensure_built``). It
runs outside the lock, so queries of an existing index and refreshes never wait for it. A caller
that may not wait (``wait=False``: the web requests) gets ``IndexNotReady`` with an estimate of
the seconds left when the build is expected to take longer than ``BACKGROUND_BUILD_SECONDS``
(estimated from the number of live measures): the build then runs in a daemon thread with its own
database connection, a failure is logged and the next request starts it again. Small databases
(tests, the demo) are built in the request, as before. Waiting callers (``isi similar``, tasks)
wait for a build under way instead of starting a second one.

Who sees what: the index holds every live measure; each query passes the ids the caller may
see (``isi.core.permissions``): public measures for anonymous callers, plus the drafts a
ministry may see; everything for roles that see everything. ``user=None`` is the trusted
internal caller (the ``isi similar`` command, background tasks): no restriction.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import connections, transaction
from django.db.models import Count, Max, Q

from isi.catalog.models import Area, Component, Level, Region, TargetGroup
from isi.core.hooks import report_rebuild
from isi.core.models import ChangeRecord
from isi.core.permissions import SEES_EVERYTHING, is_admin, staff_user
from isi.measures.models import Measure
from isi.organisations.models import Organisation
from isi.similarity import Doc, Pair, Reason

if TYPE_CHECKING:
    # numpy and scipy: imported by the first read of the index (_sync), not at process start.
    from isi.similarity.index import SimilarityIndex

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
# A build from scratch, in seconds per live measure: 47 s for 100,000 through Django on a busy
# 2-core machine (bench/README.md, "memory.py"), about 20 s on a quiet one; the busy figure, so
# that a Retry-After is rather too long than too short.
BUILD_SECONDS_PER_MEASURE = 47 / 100_000
# A build expected to take longer (about 10,000 live measures and more) runs in the background
# while web requests are answered "not ready yet"; a shorter one runs in the request.
BACKGROUND_BUILD_SECONDS = 5.0
# Retry-After once a build takes longer than its estimate.
OVERDUE_RETRY_SECONDS = 5

logger = logging.getLogger(__name__)

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


class IndexNotReady(Exception):
    """The index is being built in the background; ask again in about ``retry_after`` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"similarity index not built yet, retry in about {retry_after} s")
        self.retry_after = retry_after


@dataclass
class _Build:
    """One build from scratch under way (in a request's thread or in the background)."""

    generation: int
    expected: float  # estimated seconds
    background: bool
    started: float = field(default_factory=time.monotonic)
    done: threading.Event = field(default_factory=threading.Event)

    def retry_after(self) -> int:
        left = self.expected - (time.monotonic() - self.started)
        return math.ceil(left) if left >= 1 else OVERDUE_RETRY_SECONDS


@dataclass
class _Cache:
    index: SimilarityIndex | None = None
    build: _Build | None = None  # changed under _build_lock
    generation: int = 0  # counted up by reset_index: a build begun before installs nothing
    token: tuple[Any, ...] | None = None
    checked: float = 0.0  # time.monotonic() of the last full fingerprint check
    fingerprint: tuple[int, datetime | None] | None = None
    seen: datetime | None = None
    public_ids: set[int] = field(default_factory=set)


_cache = _Cache()
_lock = threading.RLock()
_build_lock = threading.Lock()  # guards _cache.build; never held while building or querying


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
    if index is None:
        # Only when the index was reset after _ensure_built: build it here, in the lock.
        _full_build(_cache.generation)
        if _cache.index is None:
            raise RuntimeError("the similarity index was reset while it was built")
        return _cache.index
    started = time.perf_counter()
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
    report_rebuild("similarity_index", "incremental", started)
    return index


def _full_build(generation: int) -> None:
    """Build the index from scratch without holding the lock, then install it.

    Token and fingerprint are read first: what changes during the build is picked up by the
    next read's incremental update (rows with ``updated_at`` from the fingerprint's on).
    """
    from isi.similarity.index import SimilarityIndex

    started = time.perf_counter()
    token, checked, fingerprint = _token(), time.monotonic(), _fingerprint()
    index = SimilarityIndex()
    public: set[int] = set()
    for doc, is_public in _docs(Measure.objects.all()):
        index.upsert(doc)
        if is_public:
            public.add(doc.id)
    surfaces = index.surfaces()
    if surfaces:
        # One query materialises the weighted matrix and its columns here, not in the first request.
        index.query(Doc(id=0, title=surfaces[0]), top=1)
    with _lock:
        if _cache.index is not None or _cache.generation != generation:
            return  # reset meanwhile (tests): this build is stale
        _cache.index = index
        _cache.public_ids = public
        _cache.token, _cache.checked = token, checked
        _cache.fingerprint = fingerprint
        _cache.seen = fingerprint[1]
    report_rebuild("similarity_index", "full", started)


def expected_build_seconds() -> float:
    """The estimated seconds of a build from scratch, from the number of live measures."""
    return Measure.objects.filter(archived_at__isnull=True).count() * BUILD_SECONDS_PER_MEASURE


def _run_build(build: _Build) -> None:
    """Run ``build`` in this thread. In the background a failure is logged (the next check
    starts a new build) and the thread's own database connections are closed at the end."""
    try:
        _full_build(build.generation)
    except Exception:
        if not build.background:
            raise
        logger.exception("similarity index: the build in the background failed; the next check retries")
    else:
        if build.background:
            logger.info(
                "similarity index: built in the background in %.1f s (estimated %.0f s)",
                time.monotonic() - build.started,
                build.expected,
            )
    finally:
        with _build_lock:
            if _cache.build is build:
                _cache.build = None
        if build.background:
            connections.close_all()
        build.done.set()


def _ensure_built(wait: bool) -> None:
    """Make sure the index exists: at most one build from scratch per process at a time.

    ``wait=False`` (web requests): a build expected to take longer than
    ``BACKGROUND_BUILD_SECONDS`` starts in a background thread (or is already under way) and
    ``IndexNotReady`` is raised at once. Otherwise the caller builds in its own thread, or waits
    for the build under way; if that one failed, it tries itself.
    """
    while _cache.index is None:
        mine = False
        # Counted outside the lock (a query may hang while the database is away); a build
        # started meanwhile by another thread wins and the count is not used.
        expected = expected_build_seconds() if _cache.build is None else 0.0
        with _build_lock:
            if _cache.index is not None:
                return
            build = _cache.build
            if build is None:
                background = not wait and expected > BACKGROUND_BUILD_SECONDS
                build = _cache.build = _Build(_cache.generation, expected, background)
                if background:
                    thread = threading.Thread(
                        target=_run_build, args=(build,), name="similarity-build", daemon=True
                    )
                    try:
                        thread.start()
                    except BaseException:
                        _cache.build = None
                        raise
                else:
                    mine = True
        if mine:
            _run_build(build)
            return
        if build.background and not wait:
            raise IndexNotReady(build.retry_after())
        build.done.wait()


def ensure_index(*, wait: bool = True) -> None:
    """Make sure this process has built its index; ``wait=False``: ``IndexNotReady`` while a long
    first build runs in the background (web requests: a page or an API answer meanwhile)."""
    _ensure_built(wait)


def wait_for_build(timeout: float | None = None) -> bool:
    """Wait for the build under way, if any; False if it is still running after ``timeout`` s."""
    build = _cache.build
    return build is None or build.done.wait(timeout)


def index_ready() -> bool:
    """Whether this process has built its index (a read then answers without a build from scratch)."""
    return _cache.index is not None


def current_index(*, wait: bool = True) -> SimilarityIndex:
    """The process-wide index of all live measures, current with the database.

    ``wait=False``: raise ``IndexNotReady`` rather than wait for a long build (see ``_ensure_built``).
    """
    _ensure_built(wait)
    with _lock:
        return _sync()


def reset_index() -> None:
    """Forget the cached index (the next read builds it again; a build under way installs nothing)."""
    with _lock:
        _cache.generation += 1
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
    wait: bool = True,
) -> list[SimilarResult]:
    """The live measures most similar to a draft, best first, that the caller may see.

    ``user=None`` (and not ``public_only``): every live measure (internal callers).
    ``wait=False`` (web requests): raise ``IndexNotReady`` while a long first build runs.
    """
    _ensure_built(wait)
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
