"""Text → features for the similarity engine: German word stems and character n-grams of stems.

Pure (no Django). Stems, stop words and the synonym table come from ISI's one German text model
``isi.textmodel`` (Snowball German plus a second "-s" rule, umlauts folded), which the search uses
too, so both normalise words the same way.

- Word features: the stems of the significant words (no stop words, no numbers, at least
  ``MIN_WORD_CHARS`` letters), with their counts (the vectoriser applies a sublinear tf).
- Gram features: the character n-grams (``GRAM_SIZES``) of each distinct stem, padded with one
  space on both sides so that beginnings and ends of words are features of their own. Compounds
  share most of their grams with their parts: "Sprachkurs" (sprachkur) and "Berufssprachkurse"
  (berufssprachkur) share "spra", "prac", … "kur ". Grams are counted once per distinct stem
  that contains them, so a word repeated in a long text does not flood the gram block.

- Synonyms: a word of a domain synonym group (``isi/textmodel/data/synonyms.json``, e.g. Flüchtlinge /
  Geflüchtete / Schutzsuchende) becomes the feature ``SYNONYM_MARK`` + the group's canonical stem
  instead of its own stem, in documents and queries alike, so different members of a group are
  one word to the engine. Its grams are the canonical stem's. (Keeping the own stem as well was
  measured worse: the same word then counts twice and drowns the synonym matches.)

For the reasons shown to people, every stem remembers the first surface word it came from (a
synonym feature the word that brought it in).
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache

from isi.textmodel import STOPWORDS, WORD, stem, synonym_word_groups
from isi.textmodel import SYNONYMS_PATH as SYNONYMS_PATH  # re-exported (tests, bench)

MIN_WORD_CHARS = 3
MAX_WORD_CHARS = 40  # longer "words" are cut: nobody writes one, it only costs
# 4-grams only: they carry the parts of compounds ("spra", "prac", … "kur ") with about a third of
# the non-zeros that 3- to 5-grams together would add (the all-pairs cost grows with them).
GRAM_SIZES = (4,)
# Words that occur in nearly every measure text and say nothing about its content, as stems
# (Maßnahme, sowie, dabei, dafür, soll, werden, wurde, können, kann, ihr, sein, alle, mehr, etwa,
# damit, dies-, haben). Dropped like stop words: they are neither shared terms nor cost time.
DOMAIN_STOPWORDS = frozenset(
    {"massnahm", "sowi", "dabei", "dafur", "soll", "werd", "wurd", "konn", "kann", "ihr", "sein", "all"}
    | {"mehr", "etwa", "damit", "dies", "hab"}
)

SYNONYM_MARK = "="  # prefix of synonym features; no word ever contains it


@lru_cache(maxsize=1)
def synonym_groups() -> dict[str, tuple[str, ...]]:
    """Canonical stem → the group's words as written, from the text model's synonym table."""
    groups = synonym_word_groups()
    out: dict[str, tuple[str, ...]] = {}
    for group in groups:
        canonical = next((s for s in map(word_stem, group) if s is not None), None)
        if canonical is not None and canonical not in out:
            out[canonical] = tuple(group)
    return out


@lru_cache(maxsize=1)
def synonym_table() -> dict[str, str]:
    """Member stem → its group's canonical stem (the first member's)."""
    table: dict[str, str] = {}
    for canonical, group in synonym_groups().items():
        for member in map(word_stem, group):
            if member is not None:
                table.setdefault(member, canonical)  # a stem in two groups keeps its first
    return table


def is_synonym_feature(feature: str) -> bool:
    return feature.startswith(SYNONYM_MARK)


@lru_cache(maxsize=200_000)
def word_stem(word: str) -> str | None:
    """The stem of one word, or None when the word carries no meaning (stop word, number, short)."""
    lowered = word.lower()[:MAX_WORD_CHARS]
    if len(lowered) < MIN_WORD_CHARS or lowered in STOPWORDS or lowered.isdigit():
        return None
    stemmed = stem(lowered)
    if len(stemmed) < MIN_WORD_CHARS - 1 or stemmed in DOMAIN_STOPWORDS:
        return None
    return stemmed


@lru_cache(maxsize=200_000)
def stem_grams(stemmed: str) -> tuple[str, ...]:
    """The distinct character n-grams of one stem, padded with a space on both sides."""
    if is_synonym_feature(stemmed):
        stemmed = stemmed[len(SYNONYM_MARK) :]
    padded = f" {stemmed} "
    out: dict[str, None] = {}
    for n in GRAM_SIZES:
        if len(padded) < n:
            continue
        for i in range(len(padded) - n + 1):
            out[padded[i : i + n]] = None
    return tuple(out)


def analyse(text: str, surfaces: dict[str, str] | None = None) -> dict[str, int]:
    """Counts of the stems of the significant words of ``text`` (in order of first occurrence).

    A member of a synonym group counts as ``SYNONYM_MARK`` + the group's canonical stem.
    When ``surfaces`` is given, the first surface word seen for each new feature is recorded in it
    (feature → word as written), for reasons.
    """
    counts: dict[str, int] = {}
    get = counts.get
    synonyms = synonym_table()
    for word in WORD.findall(text):
        stemmed = word_stem(word)
        if stemmed is None:
            continue
        canonical = synonyms.get(stemmed)
        features = (stemmed,) if canonical is None else (SYNONYM_MARK + canonical,)
        for feature in features:
            seen = get(feature)
            if seen is None:
                counts[feature] = 1
                if surfaces is not None:
                    surfaces[feature] = word
            else:
                counts[feature] = seen + 1
    return counts


def grams_of(stems: dict[str, int]) -> Counter[str]:
    """How many distinct stems contain each n-gram."""
    grams: Counter[str] = Counter()
    for stemmed in stems:
        grams.update(stem_grams(stemmed))
    return grams
