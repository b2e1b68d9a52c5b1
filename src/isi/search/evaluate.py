"""Count, page and facet counts of one search, computed over the snapshot of public measures.

The database answers the text part only (isi.search.engine's text plan): the ids of every hit,
as one comma-separated string, and the ranking where the page is ordered by relevance.
Everything else happens on the arrays of isi.search.snapshot:

- the hits are mapped to snapshot rows (a hit that is not public has no row and drops out);
- each selected facet is a boolean mask over the rows; a facet is counted under every mask but
  its own (disjunctive multi-select), with `np.bincount`;
- the page by relevance: without facet filters, the best `RANKED_CANDIDATES` ids come with the
  hits (one statement) and the page is the first of them that are public (the whole ranking
  is asked for only when they run out: deep pages); with facet filters, a second statement
  ranks exactly the chosen hits (`WHERE id IN` them), so bm25 / ts_rank is computed for those
  only. In other orders: the chosen rows with the smallest places in the snapshot's order.

A process that keeps its snapshot also keeps the text part of recent queries (every hit, ranked;
isi.search.textcache), updated by measure id after edits: then the page by relevance is the
first chosen rows of that ranking, and the database is asked only about measures changed since.

The result equals what one SQL statement over the measures would give (tests compare it with
the ORM on SQLite and PostgreSQL); it is faster because a broad query no longer probes an index
for each of tens of thousands of hits (bench/README.md).
"""

# SQL here is assembled from constant fragments and the text plan's own SQL; every value is a
# bound parameter.
# ruff: noqa: S608

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np
from django.db import connection, transaction

from isi.search import reference, textcache
from isi.search import snapshot as snapshots
from isi.search.engine import MAX_VALUES_PER_FACET, Result, Statement, TextPlan
from isi.search.filters import FACET_PARAMS

# Ranked ids fetched with the hits when no facet filter narrows them: enough for the first pages.
RANKED_CANDIDATES = 1000
PG_WORK_MEM = "64MB"  # for the text statement: its CTE and sort stay in memory

# Which snapshot column a facet counts and filters on (phase and basic offer via theme and
# component, Land via region).
_COLUMN = {
    "level": "level_id",
    "status": "status",
    "owner": "owner_id",
    "phase": "theme_id",
    "theme": "theme_id",
    "basic_offer": "component_id",
    "land": "region_id",
}


def _fetch(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL work_mem = '{PG_WORK_MEM}'")
            cursor.execute(sql, params)
            rows: list[tuple[Any, ...]] = cursor.fetchall()
            return rows
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
        return rows


def text_hits(plan: TextPlan, *, ranked: int | None = 0) -> tuple[np.ndarray, np.ndarray | None]:
    """All hit ids (any order) and, if `ranked` is not 0, the best-ranked ids in order.

    `ranked=None` asks for the whole ranking. One statement: the text is matched once.
    """
    hits_sql, params = plan.sql(ranked=ranked != 0)
    if ranked == 0:
        rows = _fetch(f"SELECT {snapshots.concat('CAST(id AS TEXT)')} FROM ({hits_sql}) h", params)
        return snapshots.ints(rows[0][0] if rows else None), None
    limit = "" if ranked is None else " LIMIT %s"
    rows = _fetch(
        f"WITH h AS MATERIALIZED ({hits_sql}) "
        f"SELECT 0, (SELECT {snapshots.concat('CAST(id AS TEXT)')} FROM h) UNION ALL "
        "SELECT ROW_NUMBER() OVER (ORDER BY t.score DESC, t.id), CAST(t.id AS TEXT) "
        f"FROM (SELECT id, score FROM h ORDER BY score DESC, id{limit}) t",
        [*params, *([] if ranked is None else [ranked])],
    )
    everything = next((text for number, text in rows if number == 0), None)
    order = np.array([int(text) for _, text in sorted(r for r in rows if r[0] != 0)], dtype=np.int64)
    return snapshots.ints(everything), order


class _Masks:
    """One boolean mask over all snapshot rows per selected facet."""

    def __init__(self, statement: Statement, snap: snapshots.Snapshot) -> None:
        self.snap = snap
        self.masks: dict[str, np.ndarray] = {}
        for param in FACET_PARAMS:
            keys = list(statement.f.facet_values(param)[:MAX_VALUES_PER_FACET])
            if keys:
                self.masks[param] = self._mask(param, self._refs(statement, param, keys))

    def _refs(self, statement: Statement, param: str, keys: list[str]) -> set[str]:
        """The selected values as the snapshot holds them (ids and codes as text)."""
        catalogue = statement.catalogue
        if param == "owner":
            by_key = reference.organisations(self.snap).by_key
            return {str(by_key[key]) for key in keys if key in by_key}
        if param == "status":
            return set(keys)
        if param == "land":
            wanted = set(keys)
            return {
                str(pk) for pk, (code, land) in self.snap.regions.items() if code in wanted or land in wanted
            }
        refs = set(catalogue.refs(param, keys))
        if param == "phase":
            return {t for t, phase in catalogue.theme_phase.items() if phase in refs}
        if param == "basic_offer":
            return {c for c, offer in catalogue.component_offer.items() if offer in refs}
        return refs

    def _mask(self, param: str, refs: set[str]) -> np.ndarray:
        if param in snapshots.PAIRS:
            pairs = self.snap.pairs[param]
            chosen = np.isin(pairs.codes, [i for i, v in enumerate(pairs.values) if v in refs])
            has = np.zeros(self.snap.size, dtype=bool)
            has[pairs.rows[chosen]] = True
            return has
        column = self.snap.columns[_COLUMN[param]]
        mask: np.ndarray = np.isin(column.codes, column.codes_of(refs))
        return mask

    def all_but(self, skip: str | None = None) -> np.ndarray:
        """Rows passing every selection but `skip`'s."""
        mask = np.ones(self.snap.size, dtype=bool)
        for param, own in self.masks.items():
            if param != skip:
                mask &= own
        return mask


def _count(snap: snapshots.Snapshot, param: str, rows: np.ndarray, catalogue: Any) -> dict[str, int]:
    """Value (as text) → number of rows, only values that occur, like a GROUP BY."""
    if param in snapshots.PAIRS:
        pairs = snap.pairs[param]
        chosen = np.zeros(snap.size, dtype=bool)
        chosen[rows] = True
        numbers = np.bincount(pairs.codes[chosen[pairs.rows]], minlength=len(pairs.values))
        return {pairs.values[i]: int(n) for i, n in enumerate(numbers) if n}
    column = snap.columns[_COLUMN[param]]
    codes = column.codes[rows]
    numbers = np.bincount(codes[codes >= 0], minlength=len(column.values))
    found = {column.values[i]: int(n) for i, n in enumerate(numbers) if n}
    if param in ("land", "phase", "basic_offer"):
        summed: dict[str, int] = defaultdict(int)
        for ref, n in found.items():
            parent: str | None
            if param == "land":
                parent = snap.land_of_region(int(ref))
            else:
                parent = (catalogue.theme_phase if param == "phase" else catalogue.component_offer).get(ref)
            if parent:
                summed[parent] += n
        return dict(summed)
    return found


def _first(ordered_rows: np.ndarray, allowed: np.ndarray, wanted: int) -> np.ndarray:
    """The first `wanted` of rows (in order) that are allowed."""
    first: np.ndarray = ordered_rows[allowed[ordered_rows]][:wanted]
    return first


def ranked_among(plan: TextPlan, ids: np.ndarray, wanted: int) -> list[int]:
    """The `wanted` best-ranked of the given hit ids, in order: the text matched again, only they ranked."""
    hits_sql, params = plan.sql(ranked=True)
    value: Any
    if connection.vendor == "postgresql":
        among, value = "h.id = ANY(%s)", [int(pk) for pk in ids]
    else:
        # The unary plus keeps SQLite from driving the FTS5 match once per listed id.
        among, value = "+h.id IN (SELECT value FROM json_each(%s))", json.dumps(ids.tolist())
    rows = _fetch(
        f"SELECT h.id FROM ({hits_sql}) h WHERE {among} ORDER BY h.score DESC, h.id LIMIT %s",
        [*params, value, wanted],
    )
    return [int(pk) for (pk,) in rows]


def _best_public(
    plan: TextPlan, snap: snapshots.Snapshot, chosen: np.ndarray, order: np.ndarray, wanted: int
) -> np.ndarray:
    """The first `wanted` chosen rows in the ranking; the whole ranking if the first ids fall short."""
    allowed = np.zeros(snap.size, dtype=bool)
    allowed[chosen] = True
    rows = _first(snap.rows_of(order), allowed, wanted)
    if len(rows) < wanted and len(order) >= RANKED_CANDIDATES:
        _, everything = text_hits(plan, ranked=None)
        rows = _first(snap.rows_of(everything if everything is not None else order), allowed, wanted)
    return rows


def _sorted_page(
    snap: snapshots.Snapshot, sort: str, chosen: np.ndarray, limit: int, offset: int
) -> list[int]:
    keys = snap.positions(sort)[chosen]
    wanted = offset + limit
    if len(keys) > wanted:
        best = np.argpartition(keys, wanted - 1)[:wanted]
        best = best[np.argsort(keys[best])]
    else:
        best = np.argsort(keys)
    return [int(pk) for pk in snap.ids[chosen[best][offset:]]]


def run(
    statement: Statement,
    *,
    facets: Sequence[str],
    limit: int | None,
    offset: int = 0,
    snap: snapshots.Snapshot | None = None,
) -> Result:
    """Count, page of ids (if `limit`) and facet counts (value ref → count) for the statement, on
    `snap` (default: the current snapshot)."""
    snap = snap if snap is not None else snapshots.current()
    plan = statement.plan
    masks = _Masks(statement, snap)
    passing = masks.all_but()
    by_relevance = limit is not None and statement.ranked
    order: np.ndarray | None = None
    match = textcache.lookup(plan, snap) if plan is not None else None
    ranked_rows: np.ndarray | None = None
    if plan is None:
        rows = np.arange(snap.size, dtype=np.int64)
    elif match is not None:
        ranked_rows = snap.rows_of(match.ranked)  # every public hit, best first
        hit = np.zeros(snap.size, dtype=bool)
        hit[ranked_rows] = True
        rows = np.flatnonzero(hit)
    else:
        at_once = RANKED_CANDIDATES if by_relevance and not masks.masks else 0
        hit_ids, order = text_hits(plan, ranked=at_once)
        rows = np.unique(snap.rows_of(hit_ids))
    chosen = rows[passing[rows]]
    result = Result(count=len(chosen), epoch=snap.epoch if snap.kept else 0)
    for param in facets:
        subset = chosen if param not in masks.masks else rows[masks.all_but(param)[rows]]
        result.counts[param] = _count(snap, param, subset, statement.catalogue)
    if limit is None or not len(chosen):
        return result
    if by_relevance and plan is not None:
        if ranked_rows is not None:
            allowed = np.zeros(snap.size, dtype=bool)
            allowed[chosen] = True
            best = snap.ids[_first(ranked_rows, allowed, offset + limit)]
        elif order is not None:
            best = snap.ids[_best_public(plan, snap, chosen, order, offset + limit)]
        else:
            best = np.array(ranked_among(plan, snap.ids[chosen], offset + limit), dtype=np.int64)
        result.page_ids = [int(pk) for pk in best[offset:]]
    else:
        sort = statement.f.sort if statement.f.sort != "relevance" else "nap_i"
        result.page_ids = _sorted_page(snap, sort, chosen, limit, offset)
    return result
