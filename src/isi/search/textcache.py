"""The text part of recent queries, kept per process and brought up to date by measure id.

Matching a broad query is most of a cold search's time (at 100,000 measures on PostgreSQL,
ts_rank over tens of thousands of hits: 200+ ms), and visitors ask the same few queries again
and again, but every staff edit moves the search snapshot's token, so a cache keyed by the token
would rarely hit. A `Match` is instead kept for the snapshot's *epoch*
(isi.search.snapshot): while the epoch lasts, the snapshot's log names every measure changed
since, so a kept match is updated by matching the query again against those measures only (one
statement restricted to their ids, milliseconds) and merging them into the ranking. The result
equals matching anew, with one exception: SQLite's bm25 weighs a term by statistics over all
documents, which every edit moves a little; the scores of the other hits keep the statistics of
the match's first run (PostgreSQL's ts_rank depends on the document alone). A match is run anew
after `ISI_SEARCH_TEXT_CACHE_SECONDS` (which also bounds how long a write that bypasses the
services can stay unseen, as `ISI_SEARCH_SNAPSHOT_SECONDS` does for the snapshot), and whenever
a new epoch starts (a change not known by measure: catalogue, organisations, deletions).

Memory: at most `ISI_SEARCH_TEXT_CACHE_IDS` hit ids over all kept matches (16 bytes each), the
least recently used dropped first.
"""

# SQL here is assembled from the text plan's own SQL and integers this module read; every
# value is a bound parameter.
# ruff: noqa: S608

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.conf import settings
from django.db import connection, transaction

from isi.search import snapshot as snapshots
from isi.search.engine import TextPlan

WORK_MEM = "64MB"  # PostgreSQL: the sort of all hits stays in memory
MAX_UPDATE_IDS = 1000  # more changed measures since a match than this: match anew

Key = tuple[Any, ...]


@dataclass(frozen=True)
class Match:
    """Every hit of a query, best first (score descending, then id), with its score."""

    ranked: np.ndarray  # int64 ids
    scores: np.ndarray  # float64, aligned with `ranked`
    epoch: int
    seen: int  # how many entries of the epoch's log are in it
    made: float  # time.monotonic() of the full match

    @property
    def size(self) -> int:
        return len(self.ranked)


def _score_text() -> str:
    # Exact round trip of a double: PostgreSQL's float output is shortest-exact since version 12.
    return "CAST(score AS TEXT)" if connection.vendor == "postgresql" else "printf('%.17g', score)"


def _ranked_rows(sql: str, params: tuple[Any, ...], where: str = "") -> tuple[np.ndarray, np.ndarray]:
    """(ids, scores) of the plan's hits, best first (score descending, then id).

    Two unordered aggregates over one scan, ranked here: an ordered aggregate made PostgreSQL
    sort every hit with its score expression, twice the time (100,000 measures, a query with
    47,000 hits: 440 ms against 235 ms; numpy's sort of the result takes a few).
    """
    ids_agg, scores_agg = snapshots.concat("CAST(id AS TEXT)"), snapshots.concat(_score_text())
    query = f"SELECT {ids_agg}, {scores_agg} FROM ({sql}) h{where}"
    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
            cursor.execute(query, params)
            row = cursor.fetchone()
    else:
        with connection.cursor() as cursor:
            cursor.execute(query, params)
            row = cursor.fetchone()
    ids_text, scores_text = row if row else (None, None)
    ids = snapshots.ints(ids_text)
    scores = np.fromstring(scores_text or "", dtype=np.float64, sep=",")
    order = np.lexsort((ids, -scores))
    return ids[order], scores[order]


def full(plan: TextPlan, snap: snapshots.Snapshot) -> Match:
    ids, scores = _ranked_rows(*plan.sql(ranked=True))
    return Match(ids, scores, snap.epoch, len(snap.log), time.monotonic())


def updated(match: Match, plan: TextPlan, snap: snapshots.Snapshot) -> Match:
    """`match` (of an earlier snapshot of the same epoch) after the changes logged since."""
    changed = np.unique(np.concatenate(snap.log[match.seen :]))
    sql, params = plan.sql(ranked=True)
    new_ids, new_scores = _ranked_rows(sql, params, f" WHERE id IN ({snapshots.id_list(changed.tolist())})")
    keep = ~np.isin(match.ranked, changed)
    ids, scores = match.ranked[keep], match.scores[keep]
    if len(new_ids):
        ids, scores = np.concatenate([ids, new_ids]), np.concatenate([scores, new_scores])
        order = np.lexsort((ids, -scores))
        ids, scores = ids[order], scores[order]
    return Match(ids, scores, match.epoch, len(snap.log), match.made)


class _Kept:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.matches: OrderedDict[Key, Match] = OrderedDict()
        self.size = 0

    def get(self, key: Key) -> Match | None:
        with self.lock:
            found = self.matches.get(key)
            if found is not None:
                self.matches.move_to_end(key)
            return found

    def put(self, key: Key, match: Match, limit: int) -> None:
        with self.lock:
            old = self.matches.pop(key, None)
            self.size -= old.size if old else 0
            if match.size > limit:
                return
            self.matches[key] = match
            self.size += match.size
            while self.size > limit:
                _, dropped = self.matches.popitem(last=False)
                self.size -= dropped.size

    def clear(self) -> None:
        with self.lock:
            self.matches.clear()
            self.size = 0


_kept = _Kept()


# One thread per query (per stripe of queries) matches or updates it; threads asking the same
# query meanwhile wait and take its result: at a worker's start, its threads asking a broad query
# at once would otherwise each run the same full match (hundreds of ms each at 100,000 measures).
_stripes = [threading.Lock() for _ in range(64)]


def _usable(found: Match | None, snap: snapshots.Snapshot, seconds: int) -> Match | None:
    if found is None or found.epoch != snap.epoch or time.monotonic() - found.made >= seconds:
        return None  # another epoch, or too old
    return found


def lookup(plan: TextPlan, snap: snapshots.Snapshot) -> Match | None:
    """The plan's hits for the database as `snap` sees it (or later); None: not cacheable here.

    Only for a snapshot the process keeps (outside a transaction, ISI_SEARCH_SNAPSHOT_SECONDS
    above 0): a match read inside a transaction could hold rows that are rolled back.
    """
    seconds = int(getattr(settings, "ISI_SEARCH_TEXT_CACHE_SECONDS", 0))
    if seconds <= 0 or not snap.kept or not snapshots.keepable():
        return None
    key = (connection.alias, str(connection.settings_dict["NAME"]), plan.sql(ranked=True))
    found = _usable(_kept.get(key), snap, seconds)
    if found is not None and found.seen >= len(snap.log):
        return found  # as new as the snapshot (or newer: another thread saw a later one)
    with _stripes[hash(key) % len(_stripes)]:
        found = _usable(_kept.get(key), snap, seconds)  # another thread may have done it
        if found is not None and found.seen >= len(snap.log):
            return found
        if found is not None and sum(len(ids) for ids in snap.log[found.seen :]) > MAX_UPDATE_IDS:
            found = None  # so many changes that matching anew costs about the same
        match = updated(found, plan, snap) if found is not None else full(plan, snap)
        _kept.put(key, match, int(getattr(settings, "ISI_SEARCH_TEXT_CACHE_IDS", 2_000_000)))
    return match


def clear() -> None:
    _kept.clear()
