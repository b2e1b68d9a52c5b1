"""The public measures as columns in memory: what facet counts, filters and orders read.

A search needs, for every public measure it finds, a handful of small values: level, status,
owner, NAP-I theme, component, region, areas, target groups, and its place in each sort order.
Reading them from the database for every hit costs one index probe per hit (most of a broad
search's time at 100,000 measures, bench/README.md). So each process keeps them as numpy arrays,
one row per public measure (`Measure.objects.public()`, rule 10), sorted by id, and the
evaluator (isi.search.evaluate) counts and filters with array operations.

Freshness: a snapshot belongs to a *token* read from the database on every search — the newest
change record and the newest measure id (two primary-key lookups). Every service write records a
change (isi.core.changes), so the next search in any process sees a new token and builds a new
snapshot. Writes that bypass the services (`QuerySet.update()`, raw SQL, a deleted row) are seen
after `ISI_SEARCH_SNAPSHOT_SECONDS` at the latest (0: build for every search; tests do). The
selectors read the page's measures through `Measure.objects.public()` again, so a stale snapshot
can show an old count for that long, never a measure that is no longer public.

Snapshots built inside a transaction are not kept: they may hold rows that are rolled back.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.conf import settings
from django.db import connection
from django.db.models import Window
from django.db.models.functions import RowNumber

from isi.catalog.models import Region
from isi.core.hooks import timed_rebuild
from isi.core.models import ChangeRecord
from isi.measures.models import Measure
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
    built_at: float = field(default_factory=time.monotonic)
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


def build(current_token: tuple[object, ...]) -> Snapshot:
    table = Measure._meta.db_table
    # The same rule as Measure.objects.public() (rule 10); tests hold them equal.
    where = " WHERE publication = %s AND archived_at IS NULL"
    read = _read_columns(table, ["id", *COLUMNS.values()], where, [Measure.Publication.RELEASED])
    unsorted = ints(read[0])
    order = np.argsort(unsorted, kind="stable")
    ids = unsorted[order]
    columns = {}
    for (name, field_name), text in zip(COLUMNS.items(), read[1:], strict=True):
        if field_name in TEXT_COLUMNS:
            columns[name] = _column(np.array(text.split(",") if text else [], dtype=str)[order], missing="")
        else:
            columns[name] = _column(ints(text)[order], missing=-1)
    snapshot = Snapshot(current_token, ids, columns, {}, {})
    for param, through in PAIRS.items():
        measure_ids, values = _read_columns(through._meta.db_table, ["measure_id", PAIR_COLUMN[param]])
        rows = snapshot.rows_at(ints(measure_ids))
        public = rows >= 0
        column = _column(ints(values)[public], missing=-1)
        snapshot.pairs[param] = Pairs(rows[public].astype(np.int32), column.codes, column.values)
    snapshot.regions.update(
        (pk, (code, land)) for pk, code, land in Region.objects.values_list("pk", "code", "land__code")
    )
    return snapshot


_lock = threading.Lock()
_kept: dict[str, Snapshot] = {}


def current() -> Snapshot:
    """The snapshot for the database as it is now (built if the data changed)."""
    seconds = int(getattr(settings, "ISI_SEARCH_SNAPSHOT_SECONDS", 0))
    key = f"{connection.alias}:{connection.settings_dict['NAME']}"
    now = token()
    with _lock:
        found = _kept.get(key)
    if found is not None and found.token == now and time.monotonic() - found.built_at < seconds:
        return found
    with timed_rebuild("search_snapshot"):
        snapshot = build(now)
    if seconds > 0 and keepable():
        with _lock:
            _kept[key] = snapshot
    return snapshot


def keepable() -> bool:
    """Outside a transaction only: inside one, the snapshot may hold rows that are rolled back."""
    return not connection.in_atomic_block


def clear() -> None:
    with _lock:
        _kept.clear()
