"""Check before you create (rule 3): which existing measures resemble a new one, and why.

A thin adapter for the work tool over the similarity engine (``isi.similarity``, through
``isi.coordination.similar``): German stems with TF-IDF plus character grams, combined with
shared areas and the other catalogue links. Lives in coordination (it was
``isi.measures.similarity``) because it reads the similarity index and search's stemmer, which
stand above ``measures``.

A match is *close* when its score reaches ``CLOSE_MATCH_THRESHOLD``; creating a measure despite
a close match requires ``similar_measures_reason`` (rule R3). The threshold is the engine's
(see ``isi.coordination.similar.CLOSE_MATCH_THRESHOLD`` for how it was calibrated).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Required, TypedDict, Unpack

from isi.coordination.similar import CLOSE_MATCH_THRESHOLD, SimilarResult, similar_to_text
from isi.search.text import STOPWORDS, stem, words
from isi.similarity import Doc

SimilarMeasure = SimilarResult
MIN_WORD_CHARS = 3

__all__ = [
    "CLOSE_MATCH_THRESHOLD",
    "SimilarMeasure",
    "TextMatch",
    "score_texts",
    "significant_words",
    "similar_measures",
]


@dataclass(frozen=True)
class TextMatch:
    """How similar one candidate text is to the query: score 0..1 and the shared words."""

    id: int
    score: float
    shared_words: tuple[str, ...] = field(default=())


def significant_words(text: str) -> list[str]:
    """The words that carry meaning: no stop words, no very short words; in text order, unique."""
    seen: set[str] = set()
    out: list[str] = []
    for word in words(text):
        lowered = word.lower()
        if len(lowered) < MIN_WORD_CHARS or lowered in STOPWORDS or lowered.isdigit():
            continue
        key = stem(lowered)
        if key not in seen:
            seen.add(key)
            out.append(word)
    return out


def score_texts(query: str, candidates: Sequence[tuple[int, str]]) -> list[TextMatch]:
    """Score each candidate text against the query with the engine's text score, best first.

    Pure: an index of just the candidates (so idf is theirs), no database.
    """
    if not significant_words(query):
        return []
    from isi.similarity.index import SimilarityIndex  # numpy and scipy: not at process start

    index = SimilarityIndex.build(Doc(id=cid, title=text) for cid, text in candidates)
    matches = index.query(Doc(id=-1, title=query), top=len(candidates))
    return [
        TextMatch(
            m.id,
            m.text_score,
            next((r.values for r in m.reasons if r.kind == "terms"), ()),
        )
        for m in matches
    ]


class Draft(TypedDict, total=False):
    """The draft's texts and catalogue links, as ``similar_to_text`` takes them."""

    title: Required[str]
    summary: str
    goals: str
    owner_id: int | None
    area_ids: Iterable[int]
    target_group_ids: Iterable[int]
    component_id: int | None
    level_id: int | None


def similar_measures(
    *,
    exclude_id: int | None = None,
    visible: Any = None,
    user: Any = None,
    top: int = 5,
    **draft: Unpack[Draft],
) -> list[SimilarMeasure]:
    """The most similar existing (not archived) measures, best first, with their reasons.

    Pass the ``user`` whose visibility applies (or, older style, ``visible``: a queryset of
    the measures the caller may see).
    """
    if not f"{draft['title']} {draft.get('summary', '')} {draft.get('goals', '')}".strip():
        return []
    results = similar_to_text(
        **draft,
        user=user,
        top=top if visible is None else top * 4,
        exclude_id=exclude_id,
        public_only=user is None and visible is None,
    )
    if visible is not None:
        seen = set(visible.filter(pk__in=[r.id for r in results]).values_list("pk", flat=True))
        results = [r for r in results if r.id in seen]
    return results[:top]
