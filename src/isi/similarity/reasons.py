"""Why two measures look alike, in words a person can check.

- ``terms``: the shared stems that contribute most to the word part of the dot product
  (idf × sublinear tf of the stored text), shown as written.
- ``word_parts``: a word of one text that is part of a compound of the other
  ("Sprachkurs ~ Berufssprachkurse") – what the character grams found.
- ``synonyms``: a shared synonym group (``text.synonym_groups``). The index keeps one word per
  feature, not each document's own, so the value names the query's word and the group's other
  words ("Geflüchtete ~ Flüchtlinge/Schutzsuchende"); between two stored documents the group.
- shared target groups and areas, the same component, level, region; the same owner.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from isi.similarity.model import Reason
from isi.similarity.scoring import MAX_REASON_TERMS, SET_KINDS, VALUE_KINDS
from isi.similarity.text import SYNONYM_MARK, is_synonym_feature, synonym_groups, word_stem

if TYPE_CHECKING:
    from isi.similarity.index import SimilarityIndex, _State

MIN_PART_CHARS = 5  # shorter stems are not shown as parts of compounds ("kur" in everything)
MAX_PARTS = 4
MAX_GROUP_WORDS = 3  # words of a synonym group shown in a reason


def synonym_value(feature: str, word: str | None = None) -> str:
    """A shared synonym group in words: "word (≈ other/words)", or the group's first words."""
    group = synonym_groups().get(feature[len(SYNONYM_MARK) :], ())
    own = word_stem(word) if word else None
    others = [w for w in group if word_stem(w) != own][:MAX_GROUP_WORDS]
    listed = "/".join(others)
    # The index keeps one written form per feature, not each document's own word: the other
    # side may use this very word or one of its equivalents, so the reason says "≈", not "~".
    return f"{word} (≈ {listed})" if word else listed


@dataclass(frozen=True)
class Side:
    """One side of a comparison: its stems (id → word as written) and its catalogue values."""

    stems: dict[int, str]
    unknown: dict[str, str] = field(default_factory=dict)  # stems the index does not know
    owner: str = ""
    target_groups: frozenset[str] = frozenset()
    areas: frozenset[str] = frozenset()
    component: str | None = None
    level: str | None = None
    region: str | None = None


def _row_stems(state: _State, pos: int) -> tuple[np.ndarray, np.ndarray]:
    start, end = state.W.indptr[pos], state.W.indptr[pos + 1]
    return state.W.indices[start:end], state.W.data[start:end]


def _row_set(index: SimilarityIndex, state: _State, kind: str, pos: int) -> frozenset[str]:
    matrix = state.sets[kind]
    cols = matrix.indices[matrix.indptr[pos] : matrix.indptr[pos + 1]]
    return frozenset(index.code_name(kind, int(c)) for c in cols)


def _row_value(index: SimilarityIndex, state: _State, kind: str, pos: int) -> str | None:
    code = int(state.values[kind][pos])
    return index.code_name(kind, code) if code >= 0 else None


def _row_owner(index: SimilarityIndex, state: _State, pos: int) -> str:
    code = int(state.owner[pos])
    return index.code_name("owner", code) if code >= 0 else ""


def side_of(index: SimilarityIndex, state: _State, pos: int) -> Side:
    """The stored document at ``pos`` as one side of a comparison."""
    stem_ids, _ = _row_stems(state, pos)
    return Side(
        stems={int(s): index.surface(int(s)) for s in stem_ids},
        owner=_row_owner(index, state, pos),
        target_groups=_row_set(index, state, "target_groups", pos),
        areas=_row_set(index, state, "areas", pos),
        component=_row_value(index, state, "component", pos),
        level=_row_value(index, state, "level", pos),
        region=_row_value(index, state, "region", pos),
    )


def _own_stem(feature: str, word: str) -> str:
    return (word_stem(word) or "") if is_synonym_feature(feature) else feature


def _word_parts(index: SimilarityIndex, side: Side, other: dict[int, str], shared: set[int]) -> list[str]:
    mine = [(index.stem_text(s), w) for s, w in side.stems.items() if s not in shared]
    mine += list(side.unknown.items())
    theirs = [(index.stem_text(s), w) for s, w in other.items() if s not in shared]
    # A word of a synonym group is its group's feature; on the query side the word itself is
    # known, so its own stem can still be part of a compound. Stored rows keep one word per
    # feature (not their own), so their group features are left out.
    mine = [(_own_stem(t, w), w) for t, w in mine]
    theirs = [(t, w) for t, w in theirs if not is_synonym_feature(t)]
    found: list[str] = []
    for stem_a, word_a in sorted(mine, key=lambda item: -len(item[0])):
        if len(stem_a) < MIN_PART_CHARS:
            continue
        for stem_b, word_b in theirs:
            if len(stem_b) < MIN_PART_CHARS or stem_a == stem_b:
                continue
            if stem_a in stem_b or stem_b in stem_a:
                found.append(f"{word_a} ~ {word_b}")
                break
        if len(found) >= MAX_PARTS:
            break
    return found


def explain(index: SimilarityIndex, state: _State, side: Side, pos: int) -> tuple[Reason, ...]:
    """The reasons why ``side`` resembles the stored document at ``pos``."""
    out: list[Reason] = []
    stem_ids, counts = _row_stems(state, pos)
    row_stems = stem_ids.tolist()
    shared = set(side.stems).intersection(row_stems)
    if shared:
        # The shared words with the largest contribution: idf² × the row's sublinear tf.
        weight = {
            s: state.idf_w_list[s] * (1.0 + math.log(c))
            for s, c in zip(row_stems, counts.tolist(), strict=True)
        }
        ranked = sorted(sorted(shared), key=weight.__getitem__, reverse=True)
        words = [s for s in ranked if not is_synonym_feature(index.stem_text(s))]
        if words:
            out.append(Reason("terms", tuple(side.stems[s] for s in words[:MAX_REASON_TERMS])))
        groups = [s for s in ranked if is_synonym_feature(index.stem_text(s))]
        if groups:
            values = (synonym_value(index.stem_text(s), side.stems[s]) for s in groups[:MAX_REASON_TERMS])
            out.append(Reason("synonyms", tuple(values)))
    other = {s: index.surface(s) for s in row_stems}
    parts = _word_parts(index, side, other, shared)
    if parts:
        out.append(Reason("word_parts", tuple(parts)))
    for kind in SET_KINDS:
        wanted: frozenset[str] = getattr(side, kind)
        if wanted:
            common = wanted & _row_set(index, state, kind, pos)
            if common:
                out.append(Reason(kind, tuple(sorted(common))))
    for kind in VALUE_KINDS:
        value = getattr(side, kind)
        if value and value == _row_value(index, state, kind, pos):
            out.append(Reason(kind, (value,)))
    if side.owner and side.owner == _row_owner(index, state, pos):
        out.append(Reason("owner", (side.owner,)))
    return tuple(out)


@dataclass(frozen=True)
class PairCache:
    """Per position, as plain Python lists: stems rarest first, catalogue codes, owner."""

    ranked: list[list[int]]
    sets: dict[str, list[frozenset[int]]]
    values: dict[str, list[int]]
    owner: list[int]
    made: dict[tuple[str, object], Reason] = field(default_factory=dict)  # catalogue reasons, reused


def _split(matrix: object, order_key: np.ndarray | None = None) -> list[list[int]]:
    indptr = matrix.indptr  # type: ignore[attr-defined]
    indices = matrix.indices  # type: ignore[attr-defined]
    n = len(indptr) - 1
    if order_key is not None:
        row_of = np.repeat(np.arange(n), np.diff(indptr))
        indices = indices[np.lexsort((indices, order_key, row_of))]
    flat = indices.tolist()
    bounds = indptr.tolist()
    return [flat[bounds[i] : bounds[i + 1]] for i in range(n)]


def pair_cache(state: _State) -> PairCache:
    """The lists ``explain_positions`` reads, built once per materialised state (vectorised)."""
    if state.pair_cache is None:
        idf = np.asarray(state.idf_w_list, dtype=np.float64)
        state.pair_cache = PairCache(
            # Each row's stems by their weight in the row (sublinear tf × idf), heaviest first.
            ranked=_split(state.W, -idf[state.W.indices] * (1.0 + np.log(state.W.data))),
            sets={kind: [frozenset(c) for c in _split(state.sets[kind])] for kind in SET_KINDS},
            values={kind: state.values[kind].tolist() for kind in VALUE_KINDS},
            owner=state.owner.tolist(),
        )
    return state.pair_cache


def explain_positions(index: SimilarityIndex, state: _State, a: int, b: int) -> tuple[Reason, ...]:
    """The reasons why the stored documents at positions ``a`` and ``b`` resemble each other.

    The fast path for all-pairs (plain lists, built once: ``pair_cache``); same kinds and
    order as ``explain``. Word parts are only looked for when few whole words are shared.
    """
    cache = pair_cache(state)
    out: list[Reason] = []
    ranked_a = cache.ranked[a]
    stems_b = set(cache.ranked[b])
    # The shared words in the order of their weight in a: the largest factors of the product.
    shared = [s for s in ranked_a if s in stems_b]
    surfaces = index.surfaces()
    words = [s for s in shared if not is_synonym_feature(index.stem_text(s))]
    if words:
        out.append(Reason("terms", tuple([surfaces[s] for s in words[:MAX_REASON_TERMS]])))
    if len(words) < len(shared):
        groups = [index.stem_text(s) for s in shared if is_synonym_feature(index.stem_text(s))]
        out.append(Reason("synonyms", tuple(synonym_value(g) for g in groups[:MAX_REASON_TERMS])))
    if len(shared) < 3:
        side = Side(stems={s: surfaces[s] for s in ranked_a})
        other = {s: surfaces[s] for s in stems_b}
        parts = _word_parts(index, side, other, set(shared))
        if parts:
            out.append(Reason("word_parts", tuple(parts)))
    made = cache.made
    for kind in SET_KINDS:
        common = cache.sets[kind][a] & cache.sets[kind][b]
        if common:
            reason = made.get((kind, common))
            if reason is None:
                names = tuple(sorted(index.code_name(kind, c) for c in common))
                reason = made[(kind, common)] = Reason(kind, names)
            out.append(reason)
    for kind in VALUE_KINDS:
        code = cache.values[kind][a]
        if code >= 0 and code == cache.values[kind][b]:
            reason = made.get((kind, code))
            if reason is None:
                reason = made[(kind, code)] = Reason(kind, (index.code_name(kind, code),))
            out.append(reason)
    owner = cache.owner[a]
    if owner >= 0 and owner == cache.owner[b]:
        reason = made.get(("owner", owner))
        if reason is None:
            reason = made[("owner", owner)] = Reason("owner", (index.code_name("owner", owner),))
        out.append(reason)
    return tuple(out)
