"""All-pairs candidate overlaps without an N×N matrix: blocked exact scoring (an inverted file).

Measure texts share many words ("Integration", "Förderung", …), so nearly every pair shares
some feature and a plain sparse product X·Xᵀ is in effect dense: at 100,000 measures that is
10¹⁰ scores. Instead:

1. **Embed** every row in a small dense space (``EMBED_DIM``): the top singular directions of a
   random sample of rows (a randomised SVD), so that the coarse geometry of the texts survives.
2. **Cluster** the embeddings with spherical k-means (on a sample, ``TARGET_CLUSTER`` rows per
   cluster on average); every row is *stored* in its nearest cluster and *probes* its
   ``PROBES`` nearest clusters.
3. **Score exactly** per cluster: the rows probing it against the rows stored in it, with the
   full vectors (the probing rows sparse, the stored rows dense over the cluster's columns: the
   cost is non-zeros × stored rows) and the structured part — the same combined score as
   ``SimilarityIndex.query``. Same-owner pairs and self-pairs are masked.
4. Keep each row's ``top_k`` over its probed clusters; a pair is reported if either side has the
   other among its top; duplicates are merged (a < b).

Clusters are independent, so ``WORKERS`` threads score them side by side (scipy's sparse
products and numpy's partitions release the GIL).

Candidates are approximate (a true neighbour stored in a cluster the row does not probe is
missed — the benchmark measures that recall against brute force), scores are exact. Small
indexes (≤ ``EXACT_LIMIT`` rows) are scored as one block, exactly.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp  # type: ignore[import-untyped]

from isi.similarity.scoring import SET_KINDS, STRUCTURE_WEIGHTS, TEXT_WEIGHT, VALUE_KINDS

if TYPE_CHECKING:
    from isi.similarity.index import SimilarityIndex, _State

EXACT_LIMIT = 1000
EMBED_DIM = 32
OVERSAMPLE = 8
SVD_SAMPLE = 4000
TARGET_CLUSTER = 240
PROBES = 2
PROBE_MARGIN = 0.1  # cosine of the embeddings; a wider margin probes more, finds more
KMEANS_ITERATIONS = 8
KMEANS_SAMPLE_PER_CLUSTER = 20
QUERY_CHUNK = 1024  # rows scored at once against one cluster (bounds memory)
PROGRESS_STEPS = 100  # progress is reported about this many times
SEED = 20240501
WORKERS = max(1, min(4, os.cpu_count() or 1))  # threads scoring clusters side by side

# Positions a, positions b, scores, text scores of the reported pairs (a ≠ b, each pair once).
Found = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]
# One block's rows, columns, scores and text scores.
Part = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]
EMPTY: Found = (
    np.zeros(0, np.int64),
    np.zeros(0, np.int64),
    np.zeros(0, np.float32),
    np.zeros(0, np.float32),
)


def _remap(rows: sp.csr_matrix, colmap: np.ndarray, width: int) -> sp.csr_matrix:
    """``rows`` over the columns ``colmap`` maps to 0..width-1; unmapped columns (0) meet a zero row.

    The block's row 0 is all zeros, so a column outside the block needs no filtering: one
    gather of the indices, the structure of ``rows`` kept.
    """
    return sp.csr_matrix((rows.data, colmap[rows.indices], rows.indptr), shape=(rows.shape[0], width))


def _embed(X: sp.csr_matrix, rng: np.random.Generator) -> np.ndarray:
    """Rows of X projected on the top singular directions of a sample; rows L2-normalised."""
    n = X.shape[0]
    sample = np.sort(rng.choice(n, size=min(n, SVD_SAMPLE), replace=False))
    Xs = X[sample]
    width = min(EMBED_DIM + OVERSAMPLE, Xs.shape[0], X.shape[1])
    omega = rng.standard_normal((X.shape[1], width)).astype(np.float32)
    Y = np.asarray(Xs @ omega)
    Y = np.asarray(Xs @ np.asarray(Xs.T @ Y))  # one power iteration sharpens the spectrum
    # float64 for LAPACK: its float32 routines are an order of magnitude slower here.
    Q, _ = np.linalg.qr(Y.astype(np.float64))
    B = np.asarray(Xs.T @ Q).T  # width × features
    _, _, vt = np.linalg.svd(B, full_matrices=False)
    V = np.ascontiguousarray(vt[:EMBED_DIM].T, dtype=np.float32)
    E = np.asarray(X @ V, dtype=np.float32)
    norms = np.linalg.norm(E, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    out: np.ndarray = E / norms
    return out


def _kmeans(E: np.ndarray, clusters: int, rng: np.random.Generator) -> np.ndarray:
    """Spherical k-means on a sample of E; returns the unit centroids."""
    n = E.shape[0]
    sample = E[rng.choice(n, size=min(n, clusters * KMEANS_SAMPLE_PER_CLUSTER), replace=False)]
    centroids = sample[rng.choice(sample.shape[0], size=clusters, replace=False)].copy()
    for _ in range(KMEANS_ITERATIONS):
        nearest = np.argmax(sample @ centroids.T, axis=1)
        sums = np.zeros_like(centroids)
        np.add.at(sums, nearest, sample)
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        empty = norms[:, 0] == 0
        sums[empty] = centroids[empty]  # an empty cluster keeps its centroid
        norms[empty] = 1.0
        centroids = (sums / norms).astype(np.float32)
    result: np.ndarray = centroids
    return result


def _assign(E: np.ndarray, centroids: np.ndarray, probes: int) -> np.ndarray:
    """The ``probes`` nearest centroids of each row, nearest first (rows × probes).

    A farther cluster is probed only if it is nearly as close as the nearest
    (``PROBE_MARGIN``); otherwise its place holds -1.
    """
    out = np.empty((E.shape[0], probes), dtype=np.int32)
    for start in range(0, E.shape[0], 8192):
        sims = E[start : start + 8192] @ centroids.T
        top = np.argpartition(-sims, probes - 1, axis=1)[:, :probes]
        top_sims = np.take_along_axis(sims, top, axis=1)
        order = np.argsort(-top_sims, axis=1)
        top = np.take_along_axis(top, order, axis=1)
        top_sims = np.take_along_axis(top_sims, order, axis=1)
        top[top_sims < top_sims[:, :1] - PROBE_MARGIN] = -1
        out[start : start + 8192] = top
    return out


class _Structure:
    """Per-position arrays for the structured part, shaped for products over blocks.

    ``den`` of a pair is a sum over the kinds both sides have: a product of the 0/1 "has a
    value" matrix with itself, weighted. Equal single values meet in a product of one-hot rows
    (weighted on the left; "none" has no column, so it never equals anything); sets use their
    overlap counts (Jaccard).
    """

    def __init__(self, state: _State) -> None:
        kinds = (*SET_KINDS, *VALUE_KINDS)
        n = len(state.ids)
        self.has = np.zeros((n, len(kinds)), dtype=np.float32)
        for k, kind in enumerate(kinds):
            present = state.set_sizes[kind] > 0 if kind in SET_KINDS else state.values[kind] >= 0
            self.has[:, k] = present
        self.weights = np.asarray([STRUCTURE_WEIGHTS[kind] for kind in kinds], dtype=np.float32)
        self.weighted_has = self.has * self.weights
        # Single values as one-hot rows (weighted on the left): equal values meet in a product.
        columns, offset = [], 0
        for kind in VALUE_KINDS:
            codes = state.values[kind]
            columns.append(np.where(codes >= 0, codes + offset, -1))
            offset += int(codes.max(initial=-1)) + 1
        stacked = np.stack(columns, axis=1)
        weights = np.broadcast_to(
            np.asarray([STRUCTURE_WEIGHTS[kind] for kind in VALUE_KINDS], dtype=np.float32), stacked.shape
        )
        present = stacked >= 0
        row_of = np.repeat(np.arange(n), len(VALUE_KINDS)).reshape(stacked.shape)
        self.onehot = sp.csr_matrix(
            (np.ones(int(present.sum()), dtype=np.float32), (row_of[present], stacked[present])),
            shape=(n, offset),
        )
        self.weighted_onehot = sp.csr_matrix(
            (weights[present], (row_of[present], stacked[present])), shape=(n, offset)
        )
        # Sets as dense 0/1 rows (catalogues are small: a few dozen columns).
        self.sets = {kind: state.sets[kind].toarray() for kind in SET_KINDS}
        self.sizes = {kind: state.set_sizes[kind] for kind in SET_KINDS}

    def scores(self, rows: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Σ w_k·sim_k and Σ w_k (kinds both sides have) for every (row, col) combination."""
        den = self.weighted_has[rows] @ self.has[cols].T
        num = np.asarray(self.weighted_onehot[rows] @ self.onehot[cols].toarray().T, dtype=np.float32)
        for kind in SET_KINDS:
            matrix = self.sets[kind]
            if matrix.shape[1] == 0:
                continue
            inter = matrix[rows] @ matrix[cols].T
            union = self.sizes[kind][rows][:, None] + self.sizes[kind][cols][None, :]
            union -= inter
            np.maximum(union, 1, out=union)
            inter *= np.float32(STRUCTURE_WEIGHTS[kind])
            inter /= union
            num += inter
        return num, den


def _score_block(
    state: _State,
    structure: _Structure,
    rows: np.ndarray,
    stored: np.ndarray,
    stored_dense_t: np.ndarray,
    colmap: np.ndarray,
    *,
    top_k: int,
    min_score: float,
    different_owner: bool,
) -> Part:
    """Each of ``rows``' best ``top_k`` among ``stored``: (row, col, score, text) arrays."""
    # Sparse rows times the dense block of the stored rows: ~non-zeros × stored products.
    text = np.asarray(_remap(state.X[rows], colmap, stored_dense_t.shape[0]) @ stored_dense_t)
    num, den = structure.scores(rows, stored)
    score = text * np.float32(TEXT_WEIGHT)
    score += num
    den += np.float32(TEXT_WEIGHT)
    score /= den
    invalid = text <= 1e-6
    invalid |= rows[:, None] == stored[None, :]
    if different_owner:
        oa = state.owner[rows][:, None]
        invalid |= (oa == state.owner[stored][None, :]) & (oa >= 0)
    score[invalid] = -np.inf
    k = min(top_k, len(stored))
    if k < len(stored):
        best = np.argpartition(-score, k - 1, axis=1)[:, :k]
    else:
        best = np.tile(np.arange(len(stored)), (len(rows), 1))
    best_scores = np.take_along_axis(score, best, axis=1)
    best_text = np.take_along_axis(text, best, axis=1)
    keep = best_scores >= min_score
    row_ids = np.broadcast_to(rows[:, None], best.shape)[keep]
    return row_ids, stored[best[keep]], best_scores[keep], best_text[keep]


def candidate_pairs(
    index: SimilarityIndex,
    state: _State,
    *,
    top_k: int,
    min_score: float,
    different_owner: bool,
    progress: Callable[[int, int], None] | None,
) -> Found:
    """Positions, scores and text scores of every reported pair (each once, in no order)."""
    n = len(state.ids)
    if n < 2 or top_k <= 0 or state.X.nnz == 0:
        if progress:
            progress(n, n)
        return EMPTY
    X = state.X
    if n <= EXACT_LIMIT:
        everything = np.arange(n)
        plan = [(everything, everything)]
    else:
        rng = np.random.default_rng(SEED)
        E = _embed(X, rng)
        clusters = max(2, n // TARGET_CLUSTER)
        centroids = _kmeans(E, clusters, rng)
        probes = _assign(E, centroids, min(PROBES, clusters))
        home = probes[:, 0]
        stored_by = np.argsort(home, kind="stable")
        stored_bounds = np.searchsorted(home[stored_by], np.arange(clusters + 1))
        flat = probes.ravel()
        probing_by = np.argsort(flat, kind="stable")
        probe_bounds = np.searchsorted(flat[probing_by], np.arange(clusters + 1))
        row_of_probe = probing_by // probes.shape[1]
        plan = []
        for c in range(clusters):
            stored = stored_by[stored_bounds[c] : stored_bounds[c + 1]]
            probing = np.sort(row_of_probe[probe_bounds[c] : probe_bounds[c + 1]])
            if len(stored) and len(probing):
                plan.append((probing, stored))
    total_work = sum(len(q) for q, _ in plan) or 1
    done_work = reported = 0
    parts: list[Part] = []
    structure = _Structure(state)

    def score_cluster(item: tuple[np.ndarray, np.ndarray]) -> list[Part]:
        probing, stored = item
        stored_rows = X[stored]
        # The block's columns: those the stored rows use, numbered from 1 (0 is the zero row).
        used = np.zeros(X.shape[1], dtype=bool)
        used[stored_rows.indices] = True
        cols = np.flatnonzero(used)
        colmap = np.zeros(X.shape[1], dtype=np.int32)
        colmap[cols] = np.arange(1, len(cols) + 1, dtype=np.int32)
        stored_dense_t = np.ascontiguousarray(_remap(stored_rows, colmap, len(cols) + 1).toarray().T)
        return [
            _score_block(
                state,
                structure,
                probing[start : start + QUERY_CHUNK],
                stored,
                stored_dense_t,
                colmap,
                top_k=top_k,
                min_score=min_score,
                different_owner=different_owner,
            )
            for start in range(0, len(probing), QUERY_CHUNK)
        ]

    for (probing, _), found in zip(plan, _run(score_cluster, plan), strict=True):
        parts.extend(found)
        done_work += len(probing)
        done = min(n, n * done_work // total_work)
        if progress and (done - reported >= n // PROGRESS_STEPS or done == n):
            progress(done, n)
            reported = done
    if not parts:
        return EMPTY
    rows = np.concatenate([p[0] for p in parts])
    cols_found = np.concatenate([p[1] for p in parts])
    scores = np.concatenate([p[2] for p in parts])
    texts = np.concatenate([p[3] for p in parts])
    # Each row's top_k over all the clusters it probed; a neighbour found in several clusters
    # (float sums in another order) is kept once, with its highest score. One-key sorts only:
    # np.lexsort is ten times slower than a stable argsort of one int64 or float64 key.
    order = np.argsort(rows.astype(np.int64) * n + cols_found, kind="stable")
    pair_key = rows[order].astype(np.int64) * n + cols_found[order]
    starts = np.flatnonzero(np.r_[True, pair_key[1:] != pair_key[:-1]])
    scores = np.maximum.reduceat(scores[order], starts)
    texts = np.maximum.reduceat(texts[order], starts)
    rows, cols_found = pair_key[starts] // n, pair_key[starts] % n
    # Within each row best first (ties stay in column order): rows are spaced 4 apart and
    # 2 - score lies in [0.9, 3] for every score in [-1, 1.1].
    order = np.argsort(rows * 4.0 + (2.0 - scores.astype(np.float64)), kind="stable")
    rows, cols_found, scores, texts = rows[order], cols_found[order], scores[order], texts[order]
    rank = np.arange(len(rows)) - np.searchsorted(rows, rows, side="left")
    keep = rank < top_k
    a = np.minimum(rows[keep], cols_found[keep])
    b = np.maximum(rows[keep], cols_found[keep])
    s, t = scores[keep], texts[keep]
    order = np.argsort(a * n + b, kind="stable")
    key = (a * n + b)[order]
    unique_at = order[np.r_[True, key[1:] != key[:-1]]]
    return a[unique_at], b[unique_at], s[unique_at], t[unique_at]


def _run(
    score_cluster: Callable[[tuple[np.ndarray, np.ndarray]], list[Part]],
    plan: list[tuple[np.ndarray, np.ndarray]],
) -> Iterator[list[Part]]:
    """Each cluster's parts, in plan order; ``WORKERS`` threads when there is more than one cluster."""
    if WORKERS == 1 or len(plan) < 2:
        yield from map(score_cluster, plan)
        return
    with ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="isi-allpairs") as pool:
        yield from pool.map(score_cluster, plan)
