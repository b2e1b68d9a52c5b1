"""The similarity index: sparse TF-IDF vectors of measures, queried one at a time or all pairs.

Storage is incremental. Each document keeps its own small arrays (stem ids and counts, catalogue
codes); the vocabulary (stems, grams, the stem → gram incidence) only grows. ``upsert`` analyses
one text, ``remove`` drops one; nothing else is ever analysed again.

The weighted matrix is *materialised* on the first read after changes:

- a full re-weighting (document frequencies, idf, the gram block as a sparse product of
  distinct stems × stem→gram incidence, sublinear tf, L2 normalisation; all vectorised, O(non-
  zeros)) while the index is small (``FULL_REWEIGHT_ROWS``) – then a changed index scores
  exactly like a fresh build of the same documents – and after ``REWEIGHT_SHARE`` of the
  documents changed;
- otherwise a *delta*: the changed documents' rows are weighted with the current idf and
  appended, their old rows masked. That costs one small product and a copy of the row arrays
  (``_apply_delta``), not a rebuild. ``all_pairs`` and ``refresh()`` always re-weight fully.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp  # type: ignore[import-untyped]

from isi.similarity import reasons as reasons_mod
from isi.similarity.model import Doc, Match, Pair, Reason
from isi.similarity.scoring import (
    GRAM_SCALE,
    SET_KINDS,
    STRUCTURE_WEIGHTS,
    TEXT_WEIGHT,
    VALUE_KINDS,
    WORD_SCALE,
)
from isi.similarity.text import analyse, grams_of, stem_grams
from isi.similarity.threads import paused_gc, single_blas_thread

FloatArray = np.ndarray
IntArray = np.ndarray

# Up to this many documents every change re-weights the whole index (cheap, and exact).
FULL_REWEIGHT_ROWS = 5000
# Above it, changes are applied as deltas until this share of the documents changed.
REWEIGHT_SHARE = 0.02
# Columns kept free for words and grams that deltas bring (at least ROOM_MIN, or this share).
ROOM_SHARE = 0.05
ROOM_MIN = 256


class _Codes:
    """Values of one catalogue kind ↔ small integer codes."""

    def __init__(self) -> None:
        self.codes: dict[str, int] = {}
        self.names: list[str] = []

    def code(self, value: str) -> int:
        found = self.codes.get(value)
        if found is None:
            found = self.codes[value] = len(self.names)
            self.names.append(value)
        return found

    def get(self, value: str | None) -> int:
        if value is None or value == "":
            return -1
        return self.codes.get(value, -2)  # -2: a value no document has (never equal)


@dataclass(slots=True)
class _Row:
    stem_ids: IntArray  # int32, in order of first occurrence in the text
    counts: FloatArray  # float32
    owner: int
    target_groups: tuple[int, ...]
    areas: tuple[int, ...]
    component: int
    level: int
    region: int


@dataclass
class _Blocks:
    W: sp.csr_matrix  # rows × stems: counts
    G: sp.csr_matrix  # rows × grams: number of distinct stems containing the gram
    owner: IntArray
    values: dict[str, IntArray]
    sets: dict[str, sp.csr_matrix]
    set_sizes: dict[str, FloatArray]


@dataclass
class _State:
    """The materialised index: one position per document version, in insertion order.

    Positions of removed or replaced documents stay until the next re-weighting, masked by
    ``alive``; ``pos`` maps each live id to its current position.
    """

    ids: IntArray  # int64 doc ids by position
    pos: dict[int, int]
    alive: np.ndarray  # bool by position
    # positions × (n_words + n_grams), blended, rows L2-normalised. Once a query built XT, only
    # the positions from base_rows on (appended by deltas): the rows before are in XT, and a web
    # worker's index would otherwise hold its largest matrix twice (bench/memory.py).
    X: sp.csr_matrix
    W: sp.csr_matrix  # positions × stems, raw counts (which stems a row has)
    idf_w: FloatArray
    idf_g: FloatArray
    n_words: int  # word columns of X: the stems at the last re-weighting plus room for new ones
    n_grams: int  # gram columns of X, likewise
    n_docs: int  # documents at the last re-weighting
    owner: IntArray
    values: dict[str, IntArray]  # component, level, region codes by position (-1: none)
    sets: dict[str, sp.csr_matrix]  # target_groups, areas: n × codes, binary
    set_sizes: dict[str, FloatArray]
    idf_w_list: list[float]  # idf_w as Python floats, for the reasons
    stale: int = 0  # changes applied as deltas since the last re-weighting
    pair_cache: reasons_mod.PairCache | None = None  # built by the first all-pairs explanation
    # Columns of X for the rows up to base_rows (positions added by deltas are scored from X):
    # a query reads only its own features' columns. Built by the first query (which then drops
    # those rows from X; ``_all_rows`` joins them again for all-pairs).
    XT: sp.csr_matrix | None = None
    base_rows: int = 0
    set_columns: dict[str, sp.csc_matrix] = field(default_factory=dict)  # sets by column, for queries


def _smooth_idf(df: np.ndarray, n: int) -> FloatArray:
    return (np.log((1.0 + n) / (1.0 + df)) + 1.0).astype(np.float32)


def _normalise_rows(matrix: sp.csr_matrix) -> None:
    """L2-normalise the rows of a CSR matrix in place (zero rows stay zero)."""
    if matrix.nnz == 0:
        return
    rows = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
    norms = np.sqrt(np.bincount(rows, weights=matrix.data.astype(np.float64) ** 2, minlength=matrix.shape[0]))
    norms[norms == 0] = 1.0
    matrix.data /= norms[rows].astype(np.float32)


class SimilarityIndex:
    """Similar measures for one draft (``query``) and candidate overlaps of all (``all_pairs``)."""

    def __init__(self) -> None:
        self._stem_id: dict[str, int] = {}
        self._stems: list[str] = []
        self._surface: list[str] = []
        self._gram_id: dict[str, int] = {}
        self._inc_stem: list[int] = []
        self._inc_gram: list[int] = []
        self._rows: dict[int, _Row] = {}
        self._codes: dict[str, _Codes] = {kind: _Codes() for kind in ("owner", *SET_KINDS, *VALUE_KINDS)}
        self._state: _State | None = None
        self._changed: dict[int, bool] = {}  # id → present, since the state was last brought up to date
        self._incidence_cache: sp.csr_matrix | None = None

    # --- building and changing ------------------------------------------------------------

    @classmethod
    def build(cls, docs: Iterable[Doc]) -> SimilarityIndex:
        index = cls()
        for doc in docs:
            index.upsert(doc)
        return index

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._rows

    def ids(self) -> list[int]:
        return list(self._rows)

    def _new_stem(self, stemmed: str, surface: str) -> int:
        found = self._stem_id[stemmed] = len(self._stems)
        self._stems.append(stemmed)
        self._surface.append(surface)
        for gram in stem_grams(stemmed):
            gram_id = self._gram_id.get(gram)
            if gram_id is None:
                gram_id = self._gram_id[gram] = len(self._gram_id)
            self._inc_stem.append(found)
            self._inc_gram.append(gram_id)
        return found

    def upsert(self, doc: Doc) -> None:
        """Add the document, or replace the one with the same id. Only this text is analysed."""
        surfaces: dict[str, str] = {}
        counts = analyse(doc.text, surfaces)
        stem_id = self._stem_id
        shortest = self._surface
        ids: list[int] = []
        for stemmed in counts:
            found = stem_id.get(stemmed)
            if found is None:
                found = self._new_stem(stemmed, surfaces[stemmed])
            elif len(surfaces[stemmed]) < len(shortest[found]):
                shortest[found] = surfaces[stemmed]  # the shortest form reads best ("Sprachkurs")
            ids.append(found)
        codes = self._codes
        self._rows.pop(doc.id, None)  # a replaced document moves to the end
        self._rows[doc.id] = _Row(
            stem_ids=np.array(ids, dtype=np.int32),
            counts=np.array(list(counts.values()), dtype=np.float32),
            owner=codes["owner"].code(doc.owner) if doc.owner else -1,
            target_groups=tuple(sorted(codes["target_groups"].code(v) for v in doc.target_groups)),
            areas=tuple(sorted(codes["areas"].code(v) for v in doc.areas)),
            component=codes["component"].code(doc.component) if doc.component else -1,
            level=codes["level"].code(doc.level) if doc.level else -1,
            region=codes["region"].code(doc.region) if doc.region else -1,
        )
        self._changed[doc.id] = True

    def remove(self, doc_id: int) -> None:
        if self._rows.pop(doc_id, None) is not None:
            self._changed[doc_id] = False

    def refresh(self) -> None:
        """Re-weight everything now (idf of all features from the current documents)."""
        self._state = None
        self._materialise()

    # --- materialisation ------------------------------------------------------------------

    def _incidence(self) -> sp.csr_matrix:
        """Stems × grams, 1 where the stem contains the gram (cached until the vocabulary grows)."""
        shape = (len(self._stems), len(self._gram_id))
        if self._incidence_cache is None or self._incidence_cache.shape != shape:
            self._incidence_cache = sp.csr_matrix(
                (
                    np.ones(len(self._inc_stem), dtype=np.float32),
                    (np.asarray(self._inc_stem, dtype=np.int32), np.asarray(self._inc_gram, dtype=np.int32)),
                ),
                shape=shape,
            )
        return self._incidence_cache

    def _blocks(self, rows: list[_Row]) -> _Blocks:
        """The raw matrices of ``rows``: word counts, gram counts, catalogue codes."""
        n = len(rows)
        n_words = len(self._stems)
        lengths = np.fromiter((len(r.stem_ids) for r in rows), dtype=np.int64, count=n)
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        indices = np.concatenate([r.stem_ids for r in rows]) if n else np.zeros(0, np.int32)
        counts = np.concatenate([r.counts for r in rows]) if n else np.zeros(0, np.float32)
        W = sp.csr_matrix((counts, indices, indptr), shape=(n, n_words))
        present = sp.csr_matrix((np.ones_like(counts), indices, indptr), shape=(n, n_words))
        G = sp.csr_matrix(present @ self._incidence())
        G.sort_indices()
        sets: dict[str, sp.csr_matrix] = {}
        sizes: dict[str, FloatArray] = {}
        for kind in SET_KINDS:
            members = [getattr(r, kind) for r in rows]
            lens = np.fromiter((len(m) for m in members), dtype=np.int64, count=n)
            ptr = np.zeros(n + 1, dtype=np.int64)
            np.cumsum(lens, out=ptr[1:])
            cols = np.fromiter((c for m in members for c in m), dtype=np.int32, count=int(ptr[-1]))
            sets[kind] = sp.csr_matrix(
                (np.ones(len(cols), dtype=np.float32), cols, ptr), shape=(n, len(self._codes[kind].names))
            )
            sizes[kind] = lens.astype(np.float32)
        return _Blocks(
            W=W,
            G=G,
            owner=np.fromiter((r.owner for r in rows), dtype=np.int32, count=n),
            values={
                kind: np.fromiter((getattr(r, kind) for r in rows), dtype=np.int32, count=n)
                for kind in VALUE_KINDS
            },
            sets=sets,
            set_sizes=sizes,
        )

    @staticmethod
    def _weighted(
        blocks: _Blocks, idf_w: FloatArray, idf_g: FloatArray, n_words: int, n_grams: int
    ) -> sp.csr_matrix:
        """Sublinear tf × idf, each block L2-normalised and scaled; columns cut to the widths.

        ``idf_w``/``idf_g`` cover at least every column of the blocks; ``n_words`` and
        ``n_grams`` are the widths of the two blocks in the result (with room for new features).
        """
        Xw = blocks.W.copy()
        Xw.data = ((1.0 + np.log(Xw.data)) * idf_w[Xw.indices]).astype(np.float32)
        _normalise_rows(Xw)
        Xw.data *= np.float32(WORD_SCALE)
        Xg = blocks.G.astype(np.float32)
        Xg.data = ((1.0 + np.log(Xg.data)) * idf_g[Xg.indices]).astype(np.float32)
        _normalise_rows(Xg)
        Xg.data *= np.float32(GRAM_SCALE)
        Xw.resize((Xw.shape[0], n_words))
        Xg.resize((Xg.shape[0], n_grams))
        return sp.csr_matrix(sp.hstack([Xw, Xg], format="csr", dtype=np.float32))

    def _materialise(self) -> _State:
        """The weighted matrix, current with every upsert and remove (see the module docstring)."""
        state = self._state
        if state is not None and not self._changed:
            return state
        if (
            state is not None
            and len(self._rows) > FULL_REWEIGHT_ROWS
            and state.stale + len(self._changed) <= REWEIGHT_SHARE * len(self._rows)
            and len(self._stems) <= state.n_words
            and len(self._gram_id) <= state.n_grams
        ):
            self._apply_delta(state)
            return state
        self._changed = {}
        self._state = None  # the old matrices can go before the new ones are built
        rows = list(self._rows.values())
        n = len(rows)
        blocks = self._blocks(rows)
        # Room for the features of later deltas: they get the idf of a feature in one document.
        n_words = blocks.W.shape[1] + max(ROOM_MIN, int(ROOM_SHARE * blocks.W.shape[1]))
        n_grams = blocks.G.shape[1] + max(ROOM_MIN, int(ROOM_SHARE * blocks.G.shape[1]))
        idf_w = _smooth_idf(np.bincount(blocks.W.indices, minlength=n_words), n)
        idf_g = _smooth_idf(np.bincount(blocks.G.indices, minlength=n_grams), n)
        idf_w[blocks.W.shape[1] :] = _smooth_idf(np.ones(1), n)[0]
        idf_g[blocks.G.shape[1] :] = _smooth_idf(np.ones(1), n)[0]
        ids = np.fromiter(self._rows.keys(), dtype=np.int64, count=n)
        self._state = _State(
            ids=ids,
            pos={int(doc_id): i for i, doc_id in enumerate(ids)},
            alive=np.ones(n, dtype=bool),
            X=self._weighted(blocks, idf_w, idf_g, n_words, n_grams),
            W=blocks.W,
            idf_w=idf_w,
            idf_g=idf_g,
            n_words=n_words,
            n_grams=n_grams,
            n_docs=n,
            owner=blocks.owner,
            values=blocks.values,
            sets=blocks.sets,
            set_sizes=blocks.set_sizes,
            idf_w_list=idf_w.tolist(),
        )
        return self._state

    def _apply_delta(self, state: _State) -> None:
        """Apply the changes since the last re-weighting without touching the other rows.

        Replaced and removed rows are masked (``alive``); new versions are appended, weighted
        with the idf of the last re-weighting. Words and grams that did not exist then take the
        columns kept free for them (``ROOM_SHARE``), weighted like a feature of one document.
        When that room is used up, or ``REWEIGHT_SHARE`` of the rows changed, the next read
        re-weights everything.
        """
        changed, self._changed = self._changed, {}
        state.pair_cache = None
        state.set_columns = {}
        for doc_id in changed:
            old = state.pos.pop(doc_id, None)
            if old is not None:
                state.alive[old] = False
        new_ids = [doc_id for doc_id, present in changed.items() if present and doc_id in self._rows]
        state.stale += len(changed)
        if not new_ids:
            return
        blocks = self._blocks([self._rows[doc_id] for doc_id in new_ids])
        start = len(state.ids)
        added = self._weighted(blocks, state.idf_w, state.idf_g, state.n_words, state.n_grams)
        state.X = sp.csr_matrix(sp.vstack([state.X, added], format="csr"))
        state.W.resize((state.W.shape[0], blocks.W.shape[1]))
        state.W = sp.csr_matrix(sp.vstack([state.W, blocks.W], format="csr"))
        state.ids = np.concatenate([state.ids, np.asarray(new_ids, dtype=np.int64)])
        state.alive = np.concatenate([state.alive, np.ones(len(new_ids), dtype=bool)])
        for offset, doc_id in enumerate(new_ids):
            state.pos[doc_id] = start + offset
        state.owner = np.concatenate([state.owner, blocks.owner])
        for kind in VALUE_KINDS:
            state.values[kind] = np.concatenate([state.values[kind], blocks.values[kind]])
        for kind in SET_KINDS:
            matrix = state.sets[kind]
            matrix.resize((matrix.shape[0], blocks.sets[kind].shape[1]))
            state.sets[kind] = sp.csr_matrix(sp.vstack([matrix, blocks.sets[kind]], format="csr"))
            state.set_sizes[kind] = np.concatenate([state.set_sizes[kind], blocks.set_sizes[kind]])

    # --- one query --------------------------------------------------------------------------

    def _query_vector(self, doc: Doc, state: _State) -> tuple[FloatArray, dict[str, str]]:
        """The query's blended vector (dense, over the known features) and its stem → word map."""
        surfaces: dict[str, str] = {}
        counts = analyse(doc.text, surfaces)
        unknown_idf = math.log(1.0 + state.n_docs) + 1.0
        vector = np.zeros(state.X.shape[1], dtype=np.float32)
        for scale, items, ids, idf, offset, limit in (
            (WORD_SCALE, counts, self._stem_id, state.idf_w, 0, state.n_words),
            (GRAM_SCALE, grams_of(counts), self._gram_id, state.idf_g, state.n_words, state.n_grams),
        ):
            cols: list[int] = []
            weights: list[float] = []
            norm = 0.0
            for key, count in items.items():
                found = ids.get(key)
                # Features no indexed row had at the last re-weighting have no column.
                known = found is not None and found < limit
                weight = (1.0 + math.log(count)) * (float(idf[found]) if known else unknown_idf)
                norm += weight * weight
                if known:
                    cols.append(offset + found)  # type: ignore[operator]
                    weights.append(weight)
            if cols and norm > 0:
                vector[np.asarray(cols)] = np.asarray(weights, dtype=np.float32) * np.float32(
                    scale / math.sqrt(norm)
                )
        return vector, surfaces

    def _structure(self, doc: Doc, state: _State) -> tuple[FloatArray, FloatArray]:
        """Σ w_k·sim_k and Σ w_k over the kinds both the query and each row have."""
        n = len(state.ids)
        num = np.zeros(n, dtype=np.float32)
        den = np.zeros(n, dtype=np.float32)
        for kind in SET_KINDS:
            wanted: frozenset[str] = getattr(doc, kind)
            if not wanted:
                continue
            codes = [c for c in (self._codes[kind].get(v) for v in wanted) if c >= 0]
            sizes = state.set_sizes[kind]
            weight = np.float32(STRUCTURE_WEIGHTS[kind])
            has = (sizes > 0).astype(np.float32)
            if codes:
                if kind not in state.set_columns:
                    state.set_columns[kind] = sp.csc_matrix(state.sets[kind])
                column = state.set_columns[kind][:, codes]
                inter = np.asarray(column.sum(axis=1), dtype=np.float32).ravel()
                union = sizes + np.float32(len(wanted)) - inter
                num += weight * inter / np.maximum(union, 1)
            den += weight * has
        for kind in VALUE_KINDS:
            value = getattr(doc, kind)
            if not value:
                continue
            code = self._codes[kind].get(value)
            column = state.values[kind]
            weight = np.float32(STRUCTURE_WEIGHTS[kind])
            num += weight * (column == code)
            den += weight * (column >= 0)
        return num, den

    def _text_scores(self, state: _State, vector: FloatArray) -> FloatArray:
        """X · vector, reading only the columns of the query's features."""
        if state.XT is None:
            state.base_rows = len(state.ids)
            state.XT = sp.csr_matrix(state.X.T)
            state.X = state.X[state.base_rows :]  # those rows are in XT now: not kept twice
        cols = np.flatnonzero(vector)
        text = np.empty(len(state.ids), dtype=np.float32)
        base = state.base_rows
        text[:base] = np.asarray(state.XT[cols].T @ vector[cols], dtype=np.float32).ravel()
        if len(state.ids) > base:
            text[base:] = np.asarray(state.X @ vector, dtype=np.float32).ravel()
        return text

    @staticmethod
    def _all_rows(state: _State) -> None:
        """Make ``state.X`` hold every position again (after a query moved its rows into XT)."""
        if state.XT is None:
            return
        state.X = sp.csr_matrix(sp.vstack([sp.csr_matrix(state.XT.T), state.X], format="csr"))
        state.XT = None
        state.base_rows = 0

    def query(
        self,
        doc: Doc,
        *,
        top: int = 10,
        exclude: Collection[int] = (),
        allowed: Collection[int] | None = None,
    ) -> list[Match]:
        """The ``top`` documents most similar to ``doc`` (best first), sharing some text with it.

        ``exclude``: ids never returned (the draft itself); ``allowed``: if given, only these ids.
        """
        state = self._materialise()
        n = len(state.ids)
        if n == 0 or top <= 0:
            return []
        vector, surfaces = self._query_vector(doc, state)
        if not vector.any():
            return []
        text = self._text_scores(state, vector)
        num, den = self._structure(doc, state)
        score = (np.float32(TEXT_WEIGHT) * text + num) / (np.float32(TEXT_WEIGHT) + den)
        score = np.where((text > 1e-6) & state.alive, score, -1.0)
        if exclude:
            score[np.isin(state.ids, np.fromiter(exclude, dtype=np.int64))] = -1.0
        if allowed is not None:
            score[~np.isin(state.ids, np.fromiter(allowed, dtype=np.int64))] = -1.0
        k = min(top, n)
        best = np.argpartition(-score, k - 1)[:k] if k < n else np.arange(n)
        best = best[score[best] > 0]
        order = sorted(best.tolist(), key=lambda i: (-float(score[i]), int(state.ids[i])))
        query_row = self._query_row(doc, surfaces)
        return [
            Match(
                id=int(state.ids[i]),
                score=round(min(float(score[i]), 1.0), 4),
                text_score=round(min(float(text[i]), 1.0), 4),
                reasons=reasons_mod.explain(self, state, query_row, i),
            )
            for i in order
        ]

    def _query_row(self, doc: Doc, surfaces: dict[str, str]) -> reasons_mod.Side:
        return reasons_mod.Side(
            stems={self._stem_id[s]: w for s, w in surfaces.items() if s in self._stem_id},
            unknown={s: w for s, w in surfaces.items() if s not in self._stem_id},
            owner=doc.owner,
            target_groups=doc.target_groups,
            areas=doc.areas,
            component=doc.component,
            level=doc.level,
            region=doc.region,
        )

    # --- all pairs --------------------------------------------------------------------------

    def all_pairs(
        self,
        *,
        top_k: int = 10,
        min_score: float = 0.25,
        different_owner: bool = True,
        progress: Callable[[int, int], None] | None = None,
        explain: bool = True,
    ) -> list[Pair]:
        """Each document's ``top_k`` most similar others (score ≥ ``min_score``), as pairs a < b.

        Blocked and sparse (``isi.similarity.allpairs``): no N×N matrix is ever formed.
        ``explain=False`` leaves ``reasons`` empty (``explain_pair`` gives them later).
        """
        from isi.similarity.allpairs import candidate_pairs

        state = self._materialise()
        if state.stale:  # a batch job: re-weight so that every row has the current idf
            self.refresh()
            state = self._materialise()
        self._all_rows(state)
        with single_blas_thread():
            found = candidate_pairs(
                self,
                state,
                top_k=top_k,
                min_score=min_score,
                different_owner=different_owner,
                progress=progress,
            )
        pos_a, pos_b, scores, texts = found
        # Order each pair by id (a < b) and the pairs best first, vectorised before any object.
        swap = state.ids[pos_a] > state.ids[pos_b]
        pos_a, pos_b = np.where(swap, pos_b, pos_a), np.where(swap, pos_a, pos_b)
        ids_a, ids_b = state.ids[pos_a], state.ids[pos_b]
        scores = np.round(np.minimum(scores.astype(np.float64), 1.0), 4)
        texts = np.round(np.minimum(texts.astype(np.float64), 1.0), 4)
        order = np.lexsort((ids_b, ids_a, -scores))
        columns = (
            ids_a[order].tolist(),
            ids_b[order].tolist(),
            scores[order].tolist(),
            texts[order].tolist(),
        )
        if not explain:
            with paused_gc():
                return list(map(Pair._make, zip(*columns, itertools.repeat(()))))
        return [
            Pair(a, b, score, text, reasons_mod.explain_positions(self, state, pa, pb))
            for a, b, score, text, pa, pb in zip(
                *columns, pos_a[order].tolist(), pos_b[order].tolist(), strict=True
            )
        ]

    def explain_pair(self, a: int, b: int) -> tuple[Reason, ...]:
        """The reasons why the stored documents ``a`` and ``b`` (ids) resemble each other."""
        state = self._materialise()
        return reasons_mod.explain_positions(self, state, state.pos[a], state.pos[b])

    # --- for reasons and the glue ------------------------------------------------------------

    def stem_text(self, stem_id: int) -> str:
        return self._stems[stem_id]

    def surface(self, stem_id: int) -> str:
        return self._surface[stem_id]

    def surfaces(self) -> list[str]:
        """Every stem's word as written, by stem id (read-only)."""
        return self._surface

    def code_name(self, kind: str, code: int) -> str:
        return self._codes[kind].names[code]
