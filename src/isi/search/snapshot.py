"""The public measures as columns in memory: what facet counts, filters and orders read.

A search needs, for every public measure it finds, a handful of small values: level, status,
owner, NAP-I theme, component, region, areas, target groups, and its place in each sort order.
Reading them from the database for every hit costs one index probe per hit (most of a broad
search's time at 100,000 measures, bench/README.md). So each process keeps them as numpy arrays,
one row per public measure (`Measure.objects.public()`, rule 10), sorted by id, and the
evaluator (isi.search.evaluate) counts and filters with array operations.

Freshness: a snapshot belongs to a *token* read from the database on every search — the newest
change record and the newest measure id (two primary-key lookups). Every service write records a
change (isi.core.changes), so the next search in any process sees a new token. The process then
*patches* its snapshot (`patch`) instead of building it anew: the change records since the old
token name the measures changed (`object_id` of records of type "measures.measure"), together
with the measures whose id is above the old one; only their columns and their area and
target-group links are read (by id), their rows are replaced, removed or inserted, and new
values are appended to a column's `values` (nothing relies on their order). The places in the
sort orders the process had read are kept for the other rows, whose order cannot have changed;
each re-read row's place is found by a search among them that asks the database about 64 rows
at a time (its collation decides; with more than a few re-read rows the order is dropped and
read anew when needed); the other rows take the free places in their order (cost against a full
build: bench/snapshot_update.py). A patched snapshot equals a fresh build (tests/integration/
test_snapshot_incremental.py). The process builds anew instead when a record names anything but
a measure (a catalogue entry or a region can change every row's order or a region's Land; other
kinds are not told apart), when more than a few percent of the rows changed, or when records or
measures were deleted.

A change record whose id was taken before the token's but that was not visible yet (a
transaction that commits after a later one, PostgreSQL's sequences) is looked for again in the
next patch, so the next write brings it in. Writes that bypass the services (`QuerySet.update()`,
raw SQL, a deleted row) leave no record: a patch keeps the time of the last full build, and
`ISI_SEARCH_SNAPSHOT_SECONDS` after it the next search builds anew (0: build for every search;
tests do). The selectors read the page's measures through `Measure.objects.public()` again, so a
stale snapshot can show an old count or order for that long, never a measure that is no longer
public.

Snapshots built or patched inside a transaction are not kept: they may hold rows that are rolled
back.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.conf import settings
from django.db import connection
from django.db.models import F, OrderBy, Q, Window
from django.db.models.functions import RowNumber

from isi.catalog.models import Region
from isi.core.hooks import report_rebuild, timed_rebuild
from isi.core.models import ChangeRecord
from isi.measures.models import Measure
from isi.measures.selectors import MEASURE_RECORDS
from isi.search.engine import sort_keys

# Single-valued facet columns: the name the evaluator uses → the Measure field.
COLUMNS = {
    "level_id": "level_id",
    "status": "status",
    "owner_id": "owner_id",
    "theme_id": "nap_i_theme_id",
    "component_id": "component_id",
    "region_id": "region_id",
}
PAIRS: dict[str, Any] = {"area": Measure.areas.through, "target_group": Measure.target_groups.through}
PAIR_COLUMN = {"area": "area_id", "target_group": "targetgroup_id"}
TEXT_COLUMNS = {"status"}


_EPOCHS = itertools.count(1)
# A snapshot's log of changed ids is cut (a new epoch begins) after this many patches.
MAX_LOG = 5000


def token() -> tuple[object, ...]:
    """What changes whenever searchable data changes through the services."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT MAX(id) FROM {ChangeRecord._meta.db_table}), "  # noqa: S608 - constant names
            f"(SELECT MAX(id) FROM {Measure._meta.db_table})"
        )
        row = cursor.fetchone()
    return tuple(row) if row else ()


@dataclass(frozen=True)
class Column:
    """One value per row, as a code into `values` (the value as text, like SQL's CAST AS TEXT)."""

    codes: np.ndarray  # int32 per row; -1: no value
    values: tuple[str, ...]

    def codes_of(self, refs: set[str]) -> np.ndarray:
        return np.array([i for i, v in enumerate(self.values) if v in refs], dtype=np.int32)


@dataclass(frozen=True)
class Pairs:
    """A many-to-many facet: one (row, value code) per link."""

    rows: np.ndarray  # int32
    codes: np.ndarray  # int32
    values: tuple[str, ...]


def _column(raw: np.ndarray, *, missing: object) -> Column:
    """Codes for the values of one column (`missing` is no value)."""
    values, codes = np.unique(raw, return_inverse=True)
    codes = codes.astype(np.int32)
    if len(values) and values[0] == missing:
        return Column(codes - 1, tuple(str(v) for v in values[1:]))
    return Column(codes, tuple(str(v) for v in values))


def _read_columns(
    table: str, columns: Sequence[str], where: str = "", params: Sequence[Any] = ()
) -> list[str]:
    """Whole columns as comma-separated text, aligned row by row (NULL: -1, or "" for text).

    One aggregate per column over one scan instead of a Python tuple per row (numpy splits the
    text): five times faster at 100,000 rows.
    """
    # No ORDER BY: the aggregates of one group see the rows in the same order, which keeps the
    # columns aligned (an ORDER BY per aggregate would sort each on its own, ties apart).
    parts = [concat(f"COALESCE(CAST({c} AS TEXT), {"''" if c in TEXT_COLUMNS else "'-1'"})") for c in columns]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(parts)} FROM {table}{where}", params)  # noqa: S608 - constants
        row = cursor.fetchone()
    return [text or "" for text in row]


def concat(text_expression: str) -> str:
    """The aggregate joining a text column with commas, in this database's dialect."""
    function = "string_agg" if connection.vendor == "postgresql" else "group_concat"
    return f"{function}({text_expression}, ',')"


def ints(text: str | None) -> np.ndarray:
    """Comma-separated integers (as `concat` gives them) as an array."""
    return np.fromstring(text or "", dtype=np.int64, sep=",")


@dataclass
class Snapshot:
    token: tuple[object, ...]
    ids: np.ndarray  # int64, ascending: row i is the public measure ids[i]
    columns: dict[str, Column]
    pairs: dict[str, Pairs]
    regions: dict[int, tuple[str, str | None]]  # region id → (code, its Land's code)
    # When the snapshot was built in full (a patch keeps it: ISI_SEARCH_SNAPSHOT_SECONDS bounds
    # how long writes that bypass the services can stay unseen).
    built_at: float = field(default_factory=time.monotonic)
    unseen: frozenset[int] = frozenset()  # change-record ids at or below the token, not visible yet
    # What later caches of text matches (isi.search.textcache) need to follow this snapshot: an
    # epoch that stays the same while every change since its start is known by measure id, and
    # those ids, one array per patch (or timed rebuild) since then.
    epoch: int = field(default_factory=lambda: next(_EPOCHS))
    log: tuple[np.ndarray, ...] = ()
    kept: bool = False  # the process keeps it (current()): only then may later caches follow it
    # The search index was found complete at this token (isi.search.selectors, ensure_index_current):
    # the token names the newest measure, so the ends of the id range cannot have moved since.
    index_complete: bool = False
    _positions: dict[str, np.ndarray] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def size(self) -> int:
        return len(self.ids)

    def rows_at(self, ids: np.ndarray) -> np.ndarray:
        """The row of each given measure id; -1 where it is not public."""
        if not self.size:
            return np.full(len(ids), -1, dtype=np.int64)
        rows = np.searchsorted(self.ids, ids)
        rows[rows >= self.size] = 0
        rows[self.ids[rows] != ids] = -1
        return rows

    def rows_of(self, ids: np.ndarray) -> np.ndarray:
        """The rows of the given measure ids, in their order; ids that are not public are dropped."""
        rows = self.rows_at(ids)
        found: np.ndarray = rows[rows >= 0]
        return found

    def land_of_region(self, region_id: int) -> str | None:
        """As the Land facet counts: the region's Land, or the region itself if it is a Land."""
        code, land = self.regions.get(region_id, ("", None))
        return land if land is not None else (code if len(code) == 2 else None)

    def positions(self, sort: str) -> np.ndarray:
        """Each row's place in a sort order of the measure list (`engine.order_by_sort`)."""
        with self._lock:
            if sort not in self._positions:
                self._positions[sort] = self._read_positions(sort)
            return self._positions[sort]

    def _read_positions(self, sort: str) -> np.ndarray:
        # Each public measure numbered in the order, by the database (its collation decides).
        numbered = Measure.objects.public().annotate(place=Window(RowNumber(), order_by=sort_keys(sort)))
        inner, params = numbered.order_by().values_list("pk", "place").query.sql_with_params()
        ids, places = _read_columns(f"({inner}) z", ["pk", "place"], params=params)
        # A row the numbering did not see (a write in between) goes last, by id.
        positions = np.arange(self.size, dtype=np.int64) + self.size + 1
        rows = self.rows_at(ints(ids))
        found = rows >= 0
        positions[rows[found]] = ints(places)[found]
        return positions


def _read_public(only: str = "") -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The public measures' ids (ascending) and each column's raw values in the same order.

    `only` narrows the rows further (an SQL condition starting with " AND").
    """
    # The same rule as Measure.objects.public() (rule 10); tests hold them equal.
    where = " WHERE publication = %s AND archived_at IS NULL" + only
    read = _read_columns(
        Measure._meta.db_table, ["id", *COLUMNS.values()], where, [Measure.Publication.RELEASED]
    )
    unsorted = ints(read[0])
    order = np.argsort(unsorted, kind="stable")
    raw = {}
    for (name, field_name), text in zip(COLUMNS.items(), read[1:], strict=True):
        if field_name in TEXT_COLUMNS:
            raw[name] = np.array(text.split(",") if text else [], dtype=str)[order]
        else:
            raw[name] = ints(text)[order]
    return unsorted[order], raw


def _read_pairs(param: str, where: str = "") -> tuple[np.ndarray, np.ndarray]:
    """The (measure id, value id) links of a many-to-many facet, as two aligned arrays."""
    through = PAIRS[param]
    measure_ids, values = _read_columns(through._meta.db_table, ["measure_id", PAIR_COLUMN[param]], where)
    return ints(measure_ids), ints(values)


def _missing(name: str) -> object:
    return "" if COLUMNS[name] in TEXT_COLUMNS else -1


def build(current_token: tuple[object, ...]) -> Snapshot:
    ids, raw = _read_public()
    columns = {name: _column(values, missing=_missing(name)) for name, values in raw.items()}
    snapshot = Snapshot(current_token, ids, columns, {}, {}, unseen=_unseen_below(current_token))
    for param in PAIRS:
        measure_ids, values = _read_pairs(param)
        rows = snapshot.rows_at(measure_ids)
        public = rows >= 0
        column = _column(values[public], missing=-1)
        snapshot.pairs[param] = Pairs(rows[public].astype(np.int32), column.codes, column.values)
    snapshot.regions.update(
        (pk, (code, land)) for pk, code, land in Region.objects.values_list("pk", "code", "land__code")
    )
    return snapshot


# --- incremental update ----------------------------------------------------------------------

# Change records of measures name the measure (object_id); every other record sends a full build
# (MEASURE_RECORDS, imported above).
# A patch re-reads at most this many measures: PATCH_MAX_IDS, and PATCH_MAX_SHARE of the rows
# (but always PATCH_MIN_IDS). Beyond, a full build costs little more (10,000 measures, SQLite:
# 1,000 rows re-read in 70 ms, the full build 115 ms).
PATCH_MAX_IDS = 1000
PATCH_MAX_SHARE = 0.05
PATCH_MIN_IDS = 50
PATCH_MAX_RECORDS = 5000  # change records to read for one patch
# Change-record ids at or below the token that were not visible (a transaction that took its id
# before a later one but commits after it, or was rolled back): looked for again in the next
# patch. A full build looks back this far; more of them than PATCH_MAX_UNSEEN: full build.
UNSEEN_WINDOW = 100
PATCH_MAX_UNSEEN = 1000
# The places of re-read rows in a cached sort order: up to SEARCH_MAX_IDS rows, each is found
# among the kept rows (in their order) by a search that asks the database about SEARCH_FANOUT
# of them at a time (three statements up to 270,000 rows, four up to 17 million). With more
# rows, the order is dropped and read anew when a search asks for it (at 10,000 measures on
# SQLite a row's search took about 8 ms per order, reading the whole order 130 ms; one aggregate
# counting the rows before each of 50 rows took 0.7 s).
SEARCH_MAX_IDS = 8
SEARCH_FANOUT = 64


def _token_ints(value: tuple[object, ...]) -> tuple[int, int] | None:
    if len(value) != 2:
        return None
    record, measure = value
    return int(record or 0), int(measure or 0)  # type: ignore[call-overload]


def id_list(ids: Iterable[int]) -> str:
    """Integers as an SQL list (they are ids this module read: no parameter needed)."""
    return ",".join(str(int(pk)) for pk in ids) or "NULL"


def _unseen_below(current_token: tuple[object, ...]) -> frozenset[int]:
    """Change-record ids just below the token that are not (yet) visible."""
    numbers = _token_ints(current_token)
    if numbers is None or not numbers[0]:
        return frozenset()
    newest = numbers[0]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {ChangeRecord._meta.db_table} WHERE id > %s AND id <= %s",  # noqa: S608
            [newest - UNSEEN_WINDOW, newest],
        )
        found = {pk for (pk,) in cursor.fetchall()}
    return frozenset(range(max(1, newest - UNSEEN_WINDOW + 1), newest + 1)) - found


def _changed_since(old: Snapshot, now: tuple[object, ...]) -> tuple[set[int], frozenset[int]] | None:
    """The ids of the measures changed since `old` and the change records still unseen.

    None when the change cannot be patched: records deleted, too many of them, or a record
    that is not a measure's (catalogue, regions, organisations …).
    """
    before, after = _token_ints(old.token), _token_ints(now)
    if before is None or after is None:
        return None
    (old_record, old_measure), (new_record, new_measure) = before, after
    if new_record < old_record or new_measure < old_measure or new_record - old_record > PATCH_MAX_RECORDS:
        return None
    again = f" OR id IN ({id_list(sorted(old.unseen))})" if old.unseen else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, object_type, object_id FROM {ChangeRecord._meta.db_table} "  # noqa: S608
            f"WHERE (id > %s AND id <= %s){again}",
            [old_record, new_record],
        )
        records = cursor.fetchall()
        cursor.execute(
            f"SELECT id FROM {Measure._meta.db_table} WHERE id > %s ORDER BY id LIMIT %s",  # noqa: S608
            [old_measure, PATCH_MAX_IDS + 1],
        )
        changed = {pk for (pk,) in cursor.fetchall()}
    if any(object_type != MEASURE_RECORDS for _, object_type, _ in records):
        return None
    changed.update(int(object_id) for _, _, object_id in records)
    unseen = (old.unseen | set(range(old_record + 1, new_record + 1))) - {pk for pk, _, _ in records}
    if len(unseen) > PATCH_MAX_UNSEEN:
        return None
    return changed, frozenset(unseen)


def _extended(
    values: tuple[str, ...], raw: np.ndarray, missing: object
) -> tuple[tuple[str, ...], np.ndarray]:
    """Codes of `raw` in `values`, which grow by the values not in them yet."""
    index = {value: code for code, value in enumerate(values)}
    grown = list(values)
    codes = np.empty(len(raw), dtype=np.int32)
    for i, value in enumerate(raw.tolist()):
        if value == missing:
            codes[i] = -1
            continue
        text = str(value)
        code = index.get(text)
        if code is None:
            code = index[text] = len(grown)
            grown.append(text)
        codes[i] = code
    return tuple(grown), codes


def patch(old: Snapshot, now: tuple[object, ...]) -> Snapshot | None:
    """`old` brought up to the token `now` by re-reading only the measures changed since.

    A new snapshot (threads may still read `old`); None when a full build is needed instead.
    The result equals `build(now)` up to the order of `values` and of the pairs.
    """
    delta = _changed_since(old, now)
    if delta is None:
        return None
    changed, unseen = delta
    if len(changed) > min(PATCH_MAX_IDS, max(PATCH_MIN_IDS, PATCH_MAX_SHARE * old.size)):
        return None
    listed = np.array(sorted(changed), dtype=np.int64)
    new_ids, raw = _read_public(f" AND id IN ({id_list(listed)})") if len(listed) else (listed, {})
    keep = ~np.isin(old.ids, listed)
    kept_ids = old.ids[keep]
    at = np.searchsorted(kept_ids, new_ids)
    ids = np.insert(kept_ids, at, new_ids)
    columns = {}
    for name, column in old.columns.items():
        values, codes = _extended(column.values, raw.get(name, np.array([], dtype=np.int64)), _missing(name))
        columns[name] = Column(np.insert(column.codes[keep], at, codes), values)
    # Where each kept row is now, and where the re-read rows went.
    kept_rows = np.arange(len(kept_ids)) + np.searchsorted(new_ids, kept_ids)
    new_rows = at + np.arange(len(new_ids))
    moved = np.full(old.size, -1, dtype=np.int64)
    moved[keep] = kept_rows
    snapshot = Snapshot(
        now, ids, columns, {}, old.regions, built_at=old.built_at, unseen=unseen, **_continued(old, listed)
    )
    for param, pairs in old.pairs.items():
        rows = moved[pairs.rows]
        alive = rows >= 0
        measure_ids, raw_values = (
            _read_pairs(param, f" WHERE measure_id IN ({id_list(listed)})")
            if len(listed)
            else (listed, listed)
        )
        added_rows = snapshot.rows_at(measure_ids)
        public = added_rows >= 0
        values, codes = _extended(pairs.values, raw_values[public], -1)
        snapshot.pairs[param] = Pairs(
            np.concatenate([rows[alive], added_rows[public]]).astype(np.int32),
            np.concatenate([pairs.codes[alive], codes]).astype(np.int32),
            values,
        )
    with old._lock:
        cached = dict(old._positions)
    for sort, positions in cached.items():
        patched = _patched_positions(
            sort, positions, keep, kept_ids, kept_rows, new_rows, new_ids, snapshot.size
        )
        if patched is not None:
            snapshot._positions[sort] = patched
    return snapshot


def _continued(old: Snapshot, changed: np.ndarray) -> dict[str, Any]:
    """The epoch and log of a snapshot that follows `old` with these measures changed."""
    if len(old.log) >= MAX_LOG:
        return {}
    return {"epoch": old.epoch, "log": (*old.log, changed)}


def _patched_positions(
    sort: str,
    old: np.ndarray,
    keep: np.ndarray,
    kept_ids: np.ndarray,
    kept_rows: np.ndarray,
    new_rows: np.ndarray,
    new_ids: np.ndarray,
    size: int,
) -> np.ndarray | None:
    """A sort order's places after the patch; None: drop them (read anew when asked for).

    The kept rows keep their order (their sort keys did not change: a change of a measure
    records it, catalogue changes build anew); each re-read row gets its place from the
    database, and the kept rows fill the other places in their order.
    """
    if (len(old) and int(old.max()) != len(old)) or len(new_ids) > SEARCH_MAX_IDS:
        return None  # not the places 1…n (a row the numbering had not seen), or too many rows
    kept = old[keep]
    gone = np.sort(old[~keep])
    in_kept = kept - np.searchsorted(gone, kept)  # 1…len(kept), in the old order
    ordered = np.empty(len(kept_ids), dtype=np.int64)
    ordered[in_kept - 1] = kept_ids
    places = _places(sort, new_ids, ordered, size)
    if places is None:
        return None
    taken = np.zeros(size + 1, dtype=bool)
    taken[places] = True
    free = np.flatnonzero(~taken[1:]) + 1
    positions = np.empty(size, dtype=np.int64)
    positions[kept_rows] = free[in_kept - 1]
    positions[new_rows] = places
    return positions


def _keyed(sort: str) -> tuple[list[OrderBy], list[str], Any]:
    """The order's keys, a name for each, and the public measures with the keys as annotations."""
    keys = sort_keys(sort)
    names = [f"k{i}" for i in range(len(keys))]
    public = Measure.objects.public().annotate(
        **{name: key.expression for name, key in zip(names, keys, strict=True)}
    )
    return keys, names, public


def _places(sort: str, ids: np.ndarray, kept: np.ndarray, size: int) -> np.ndarray | None:
    """Each given public measure's place in the order among all public measures, as the
    database compares (its collation); None if the database no longer agrees with the patch.

    A measure's place: the kept rows before it (`kept`: their ids in the order), found by a
    search of a few primary-key lookups, plus the given measures before it.
    """
    keys, names, public = _keyed(sort)
    found = list(public.filter(pk__in=ids.tolist()).order_by(*keys).values_list("pk", *names))
    if len(found) != len(ids):
        return None
    place = {}
    for among_given, (pk, *values) in enumerate(found):
        before = _kept_before(public, _before(keys, names, tuple(values)), kept)
        if before is None:
            return None
        place[pk] = before + among_given + 1
    places = np.array([place[pk] for pk in ids.tolist()], dtype=np.int64)
    if len(np.unique(places)) != len(places) or (len(places) and places.max() > size):
        return None
    return places


def _kept_before(public: Any, before: Q, kept: np.ndarray) -> int | None:
    """How many of `kept` (ids in the order) come before the row `before` describes: a search
    asking about SEARCH_FANOUT of them per statement. None if the answers are not a prefix of
    the order (the database's order of the kept rows is not the snapshot's any more)."""
    # Compiled once; each step only lists other ids (integers this module read).
    inner, params = (
        public.filter(before)
        .annotate(row_id=F("pk"))
        .order_by()
        .values_list("row_id")
        .query.sql_with_params()
    )
    lo, hi = 0, len(kept)
    with connection.cursor() as cursor:
        while lo < hi:
            last = hi - lo <= SEARCH_FANOUT
            if last:
                probe = np.arange(lo, hi)
            else:
                probe = lo + (hi - lo) * np.arange(1, SEARCH_FANOUT + 1) // (SEARCH_FANOUT + 1)
            asked = kept[probe].tolist()
            cursor.execute(f"SELECT row_id FROM ({inner}) z WHERE row_id IN ({id_list(asked)})", params)  # noqa: S608
            hits = {pk for (pk,) in cursor.fetchall()}
            flags = np.array([pk in hits for pk in asked], dtype=bool)
            count = int(flags.sum())
            if not flags[:count].all():
                return None
            if last:
                return lo + count
            lo, hi = (
                (int(probe[count - 1]) + 1 if count else lo),
                (int(probe[count]) if count < len(probe) else hi),
            )
    return lo


def _before(keys: list[OrderBy], names: list[str], values: tuple[object, ...]) -> Q:
    """The rows that come before a row with these key values in the order `keys` (the last key
    is unique, so no two rows tie)."""
    postgres = connection.vendor == "postgresql"
    never = Q(pk__isnull=True)
    before = never
    same = Q()
    for key, name, value in zip(keys, names, values, strict=True):
        # Where NULL goes: as asked, else the database's default (PostgreSQL: as the largest
        # value; SQLite: as the smallest).
        nulls_after = bool(key.nulls_last) or (not key.nulls_first and postgres != key.descending)
        if value is None:
            earlier = Q(**{f"{name}__isnull": False}) if nulls_after else never
            equal = Q(**{f"{name}__isnull": True})
        else:
            earlier = Q(**{f"{name}__gt" if key.descending else f"{name}__lt": value})
            if not nulls_after:
                earlier |= Q(**{f"{name}__isnull": True})
            equal = Q(**{name: value})
        before |= same & earlier
        same &= equal
    return before


_lock = threading.Lock()
_kept: dict[str, Snapshot] = {}
# One thread of a process builds or patches the kept snapshot; threads asking meanwhile wait and
# take its result. A build at 100,000 measures costs about a second; each of a worker's threads
# doing the same build at once (at start, and when ISI_SEARCH_SNAPSHOT_SECONDS runs out) made
# every search of that worker wait for several.
_making = threading.Lock()


def _at_least(have: tuple[object, ...], want: tuple[object, ...]) -> bool:
    """`have` is the token `want` or a later one (each part at least as high)."""
    if have == want:
        return True
    pairs = list(zip(have, want, strict=False))
    return len(have) == len(want) and all(
        isinstance(a, int) and isinstance(b, int) and a >= b for a, b in pairs
    )


def _fresh(found: Snapshot | None, seconds: int) -> bool:
    return found is not None and time.monotonic() - found.built_at < seconds


def current() -> Snapshot:
    """The snapshot for the database as it is now (patched or built if the data changed)."""
    seconds = int(getattr(settings, "ISI_SEARCH_SNAPSHOT_SECONDS", 0))
    key = f"{connection.alias}:{connection.settings_dict['NAME']}"
    now = token()
    with _lock:
        found = _kept.get(key)
    if found is not None and _fresh(found, seconds) and found.token == now:
        return found
    if seconds <= 0 or not keepable():
        return _made(found, _fresh(found, seconds), now)
    with _making:
        with _lock:
            found = _kept.get(key)
        fresh = _fresh(found, seconds)
        if found is not None and fresh and _at_least(found.token, now):
            return found  # another thread made it while this one waited
        snapshot = _made(found, fresh, now)
        snapshot.kept = True
        with _lock:
            _kept[key] = snapshot
    return snapshot


def _made(found: Snapshot | None, fresh: bool, now: tuple[object, ...]) -> Snapshot:
    """A snapshot for token `now`: `found` patched if it is fresh and the changes are few, else
    built anew (continuing `found`'s epoch where every change since is known by measure)."""
    snapshot = None
    if found is not None and fresh:
        started = time.perf_counter()
        snapshot = patch(found, now)
        if snapshot is not None:
            report_rebuild("search_snapshot", "incremental", started)
    if snapshot is None:
        with timed_rebuild("search_snapshot"):
            snapshot = build(now)
        if found is not None and not fresh and keepable():
            # Built anew only because it was due: if the changes since are all known by measure,
            # the text matches cached for the old snapshot can still follow this one.
            delta = _changed_since(found, now)
            if delta is not None:
                continued = _continued(found, np.array(sorted(delta[0]), dtype=np.int64))
                snapshot.epoch = continued.get("epoch", snapshot.epoch)
                snapshot.log = continued.get("log", ())
    return snapshot


def keepable() -> bool:
    """Outside a transaction only: inside one, the snapshot may hold rows that are rolled back."""
    return not connection.in_atomic_block


def clear() -> None:
    with _lock:
        _kept.clear()
