""" "Meinten Sie …": a spelling suggestion for a query that finds nothing.

The vocabulary is every word (four letters or more) of the public measures' titles, summaries and
goals, of the organisation names, and of the text model's domain tables (isi.textmodel: synonyms,
compound parts, expansions), each with how often it occurs. A pure-Python trigram index over it
(like pg_trgm: the word lower-cased, padded with two spaces in front and one behind) is built on
first use and kept per process for the same snapshot token as the search snapshot
(isi.search.snapshot.token), so it follows the data without a rebuild per search; after a change
it is rebuilt at most every `MAX_AGE_SECONDS` (five times ISI_SEARCH_SNAPSHOT_SECONDS, if less;
tests set that to 0) (a suggestion from a vocabulary a few minutes old is
still a good one, and a busy site does not rebuild it for every edit). Same on SQLite and
PostgreSQL.

A query word that the vocabulary knows (as a word or as a stem) stays; an unknown one is replaced
by the most similar vocabulary word (trigram Jaccard similarity ≥ `MIN_SIMILARITY`; ties go to
the more frequent word). The selectors offer the result only if it finds something.

Cost: building reads the three text columns of the `MAX_MEASURES` most recently changed public
measures and counts their words (100,000 measures on PostgreSQL: 0.4 s to read, 1.2 s to count);
a lookup touches the words sharing a trigram with the query
word. Only a query that finds nothing asks for it. With more than `BACKGROUND_FROM` public
measures the build runs in a background thread and searches meanwhile go without a suggestion
(or use the previous vocabulary).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connections

from isi.measures.models import Measure
from isi.organisations.models import Organisation
from isi.search import snapshot as snapshots
from isi.search.text import STOPWORDS, WORD, stem
from isi.textmodel import vocabulary_words

log = logging.getLogger(__name__)

MIN_CHARS = 4
MIN_SIMILARITY = 0.4
MAX_WORDS = 200_000  # distinct words kept (the most frequent)
MAX_MEASURES = 50_000  # the most recently changed public measures feed the vocabulary
MAX_AGE_SECONDS = 300  # a vocabulary is rebuilt after a change only when it is older than this
BACKGROUND_FROM = 5_000  # more public measures: built in a background thread (see vocabulary())


def trigrams(word: str) -> frozenset[str]:
    padded = f"  {word.lower()} "
    return frozenset(padded[i : i + 3] for i in range(len(padded) - 2))


@dataclass
class Vocabulary:
    words: list[str] = field(default_factory=list)  # surface form as most often written
    counts: list[int] = field(default_factory=list)
    grams: list[frozenset[str]] = field(default_factory=list)
    index: dict[str, list[int]] = field(default_factory=dict)
    known: set[str] = field(default_factory=set)  # lower-cased words and their stems

    @classmethod
    def build(cls, texts: list[str]) -> Vocabulary:
        # Counted in C (one findall over all texts, Counter over the list); Python loops only over
        # distinct words: a word at a time took 2.3 s for 100,000 measures, 12–16 s under load.
        counted = Counter(WORD.findall("\n".join(texts)))
        counted.update(vocabulary_words())
        surfaces: dict[str, Counter[str]] = defaultdict(Counter)
        for word, count in counted.items():
            if len(word) >= MIN_CHARS and word.isalpha():
                surfaces[word.lower()][word] += count
        ranked = sorted(surfaces.items(), key=lambda item: -sum(item[1].values()))[:MAX_WORDS]
        vocabulary = cls()
        index: dict[str, list[int]] = defaultdict(list)
        for number, (lowered, forms) in enumerate(ranked):
            vocabulary.words.append(forms.most_common(1)[0][0])
            vocabulary.counts.append(sum(forms.values()))
            grams = trigrams(lowered)
            vocabulary.grams.append(grams)
            for gram in grams:
                index[gram].append(number)
            vocabulary.known.add(lowered)
            vocabulary.known.add(stem(lowered))
        vocabulary.index = dict(index)
        return vocabulary

    def knows(self, word: str) -> bool:
        lowered = word.lower()
        return lowered in self.known or stem(lowered) in self.known

    def closest(self, word: str) -> str | None:
        """The most similar vocabulary word, or None if none is similar enough."""
        grams = trigrams(word)
        shared: Counter[int] = Counter()
        for gram in grams:
            shared.update(self.index.get(gram, ()))
        best: tuple[float, int, str] | None = None
        for number, common in shared.items():
            similarity = common / (len(grams) + len(self.grams[number]) - common)
            candidate = (similarity, self.counts[number], self.words[number])
            if similarity >= MIN_SIMILARITY and (best is None or candidate[:2] > best[:2]):
                best = candidate
        return best[2] if best else None


_lock = threading.Lock()
_cached: tuple[tuple[object, ...], float, Vocabulary] | None = None
_building: threading.Thread | None = None


def _texts() -> list[str]:
    texts: list[str] = []
    rows = Measure.objects.public().order_by("-updated_at").values_list("title", "summary", "goals")
    for title, summary, goals in rows[:MAX_MEASURES].iterator():
        texts.extend(t for t in (title, summary, goals) if t)
    texts.extend(n for n in Organisation.objects.values_list("name", flat=True) if n)
    return texts


def _snapshot_seconds() -> int:
    """ISI_SEARCH_SNAPSHOT_SECONDS (0 in tests: the vocabulary then follows every change at once)."""
    return int(getattr(settings, "ISI_SEARCH_SNAPSHOT_SECONDS", 0))


def vocabulary() -> Vocabulary | None:
    """The vocabulary for the current data (built once per snapshot token and process).

    None while the first one is built in the background: with more than `BACKGROUND_FROM`
    public measures a build takes seconds of pure Python (12–16 s under load at 100,000,
    bench/load.py), so a search that finds nothing does not wait for it; it goes without a
    suggestion, and a rebuild after changes keeps answering from the old vocabulary meanwhile.
    """
    global _cached
    token = snapshots.token()
    now = time.monotonic()
    with _lock:
        cached = _cached
    if cached is not None:
        fresh = now - cached[1] < min(MAX_AGE_SECONDS, _snapshot_seconds() * 5)
        if cached[0] == token or fresh:
            return cached[2]
    if Measure.objects.public().count() > BACKGROUND_FROM:
        _build_in_background()
        return cached[2] if cached is not None else None
    built = Vocabulary.build(_texts())
    with _lock:
        _cached = (token, now, built)
    return built


def _build_in_background() -> None:
    """Start one build in a background thread of this process (none if one is under way)."""
    global _building
    with _lock:
        if _building is not None and _building.is_alive():
            return
        _building = threading.Thread(target=_build_now, name="suggest-vocabulary", daemon=True)
        _building.start()


def _build_now() -> None:
    global _cached
    try:
        token, started = snapshots.token(), time.monotonic()
        built = Vocabulary.build(_texts())
        with _lock:
            _cached = (token, started, built)
        log.info("suggestion vocabulary built in the background in %.1f s", time.monotonic() - started)
    except Exception:
        log.exception("suggestion vocabulary: the build in the background failed; the next search retries")
    finally:
        connections.close_all()  # this thread's own connections


def suggest_query(q: str) -> str | None:
    """The query with each unknown word replaced by its closest known word; None if nothing changes."""
    tokens = q.split()
    if not tokens or len(tokens) > 12:
        return None
    words = vocabulary()
    if words is None:
        return None
    changed = False
    out: list[str] = []
    for token in tokens:
        found = WORD.fullmatch(token)
        if (
            found is None
            or len(token) < MIN_CHARS
            or not token.isalpha()
            or token.lower() in STOPWORDS
            or words.knows(token)
        ):
            out.append(token)
            continue
        better = words.closest(token)
        if better is not None and better.lower() != token.lower():
            out.append(better)
            changed = True
        else:
            out.append(token)
    return " ".join(out) if changed else None
