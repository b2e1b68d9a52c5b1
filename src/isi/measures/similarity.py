"""Check before you create (rule 3): which existing measures resemble a new one, and why.

The best similarity available now; the coordination work will replace it with the overlap engine.

- ``score_texts`` is pure: TF-IDF cosine over German stems (``isi.search.text``: Snowball stems,
  so "Sprachkurse" and "Sprachkurs" meet) blended with character-trigram cosine on the stems
  (so compounds share material: "Berufssprachkurs" and "Sprachkurs"). Reasons name the shared
  words.
- ``similar_measures`` is the thin database wrapper: it takes candidates from the search engine
  (one text plan per significant word of the query, union), scores them with ``score_texts``,
  and adds a bonus for the same owner and shared areas.

A match is *close* when its score reaches ``CLOSE_MATCH_THRESHOLD``; creating a measure despite
a close match requires ``similar_measures_reason`` (rule R3).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from isi.search.text import STOPWORDS, stem, words

# Score (0..1) from which a match counts as close and a reason for creating anyway is required.
CLOSE_MATCH_THRESHOLD = 0.35
# Share of the word TF-IDF cosine in the text score; the rest is the trigram cosine.
WORD_WEIGHT = 0.6
OWNER_BONUS = 0.05
AREA_BONUS = 0.05
MIN_WORD_CHARS = 3
MAX_CANDIDATE_WORDS = 8
CANDIDATES_PER_WORD = 200


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


def _stems(text: str) -> list[str]:
    return [stem(w.lower()) for w in significant_words(text)]


def _trigrams(stems: Iterable[str]) -> Counter[str]:
    grams: Counter[str] = Counter()
    for s in stems:
        padded = f" {s} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


def _cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if not a or not b:
        return 0.0
    dot = sum(value * b.get(key, 0.0) for key, value in a.items())
    norm = math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values()))
    return dot / norm if norm else 0.0


def score_texts(query: str, candidates: Sequence[tuple[int, str]]) -> list[TextMatch]:
    """Score each candidate text against the query, best first; zero scores are dropped.

    IDF is computed over the candidates plus the query, so words every candidate shares weigh
    little. Pure: no database, deterministic for the same input.
    """
    query_stems = _stems(query)
    if not query_stems:
        return []
    docs = [(cid, _stems(text)) for cid, text in candidates]
    df: Counter[str] = Counter()
    for _, stems in docs:
        df.update(set(stems))
    df.update(set(query_stems))
    total = len(docs) + 1

    def tfidf(stems: list[str]) -> dict[str, float]:
        counts = Counter(stems)
        return {s: (1 + math.log(c)) * (math.log((1 + total) / (1 + df[s])) + 1) for s, c in counts.items()}

    query_vector = tfidf(query_stems)
    query_grams = {k: float(v) for k, v in _trigrams(query_stems).items()}
    query_words = {stem(w.lower()): w for w in significant_words(query)}
    matches: list[TextMatch] = []
    for cid, stems in docs:
        word_score = _cosine(query_vector, tfidf(stems))
        gram_score = _cosine(query_grams, {k: float(v) for k, v in _trigrams(stems).items()})
        score = WORD_WEIGHT * word_score + (1 - WORD_WEIGHT) * gram_score
        if score <= 0:
            continue
        shared = tuple(query_words[s] for s in dict.fromkeys(stems) if s in query_words)
        matches.append(TextMatch(cid, round(score, 4), shared))
    matches.sort(key=lambda m: (-m.score, m.id))
    return matches


# --- database wrapper -------------------------------------------------------------------------


@dataclass(frozen=True)
class SimilarMeasure:
    id: int
    title: str
    owner_name: str
    score: float
    reasons: tuple[str, ...]

    @property
    def is_close(self) -> bool:
        return self.score >= CLOSE_MATCH_THRESHOLD

    @property
    def percent(self) -> int:
        return round(self.score * 100)


def _candidate_ids(text: str) -> set[int]:
    from django.db import connection

    from isi.search.engine import text_plan
    from isi.search.indexing import ensure_index_current
    from isi.search.text import parse_query

    use_index = ensure_index_current()
    found: set[int] = set()
    chosen = sorted(significant_words(text), key=len, reverse=True)[:MAX_CANDIDATE_WORDS]
    for word in chosen:
        plan = text_plan(parse_query(word), use_index=use_index)
        sql, params = plan.sql(ranked=False)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id FROM ({sql}) hits LIMIT {CANDIDATES_PER_WORD}", params)  # noqa: S608
            found.update(int(row[0]) for row in cursor.fetchall())
    return found


def similar_measures(
    *,
    title: str,
    summary: str = "",
    owner_id: int | None = None,
    area_ids: Iterable[int] = (),
    exclude_id: int | None = None,
    visible: object = None,
    top: int = 5,
) -> list[SimilarMeasure]:
    """The most similar existing (not archived) measures, best first, with plain reasons.

    ``visible`` is a queryset limiting the candidates to what the caller may see.
    """
    from isi.measures.models import Measure

    query = f"{title} {summary}".strip()
    if not significant_words(query):
        return []
    ids = _candidate_ids(query)
    if exclude_id is not None:
        ids.discard(exclude_id)
    if not ids:
        return []
    base = visible if visible is not None else Measure.objects.all()
    rows = list(
        base.filter(pk__in=ids, archived_at__isnull=True)  # type: ignore[attr-defined]
        .select_related("owner")
        .prefetch_related("areas")
    )
    by_id = {m.pk: m for m in rows}
    wanted_areas = set(area_ids)
    results: list[SimilarMeasure] = []
    for match in score_texts(query, [(m.pk, f"{m.title} {m.summary}") for m in rows]):
        measure = by_id[match.id]
        score = match.score
        reasons: list[str] = []
        if match.shared_words:
            reasons.append("gemeinsame Wörter: " + ", ".join(match.shared_words[:8]))
        if owner_id is not None and measure.owner_id == owner_id:
            score += OWNER_BONUS
            reasons.append("gleiches federführendes Ressort")
        shared_areas = [a.name for a in measure.areas.all() if a.pk in wanted_areas]
        if shared_areas:
            score += AREA_BONUS
            reasons.append("gleicher Bereich: " + ", ".join(shared_areas))
        results.append(
            SimilarMeasure(
                measure.pk, measure.title, measure.owner.name, round(min(score, 1.0), 4), tuple(reasons)
            )
        )
    results.sort(key=lambda r: (-r.score, r.id))
    return results[:top]
