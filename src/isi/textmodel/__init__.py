"""ISI's one German text model, shared by the search (isi.search) and the similarity engine
(isi.similarity). Pure: the standard library and the Snowball stemmer, no Django, no app.

Words → stems
-------------
`stem(word)`:

1. lower case, Unicode NFC;
2. the Snowball German stemmer (`snowballstemmer`): inflection endings go, umlauts fold
   (Ausländer, Auslaender → ausland), ß → ss;
3. Snowball's own "-s" rule applied once more: Snowball removes only one ending, so
   Sprachkurs → sprachkur but Sprachkurse → sprachkurs; removing a final s after one of
   b d f g h k l m n r t (Snowball's valid s-endings) makes both sprachkur. Applying the whole
   stemmer twice would be worse (Einbürgerungstest → einburg);
4. remaining diacritics are dropped (é → e) so the stored stems are plain.

A *word* is a run of letters and digits (`[^\\W_]+`): punctuation, quotes, operators, underscores
and emoji never reach an index or a query.

Domain vocabulary (data/)
-------------------------
- `data/synonyms.json`: groups of interchangeable words of integration policy (Flüchtlinge /
  Geflüchtete / Schutzsuchende …). The similarity engine folds each group into one feature
  (isi.similarity.text); the search expands a query word to every member of its group.
- `data/search_terms.json`: what only the search uses, at query time: compound *heads* and
  *modifiers* (for decompounding: Deutschkurs → deutsch + kur), *related* modifiers that may
  replace each other inside a compound (Deutsch ~ Sprache: Deutschkurs → Sprachkurs), and one-way
  *expansions* of everyday words to the words the measures use (Deutschkurs → Integrationskurs,
  Berufssprachkurs). Kept apart from the synonyms because they are broader than synonyms: folded
  into the similarity features they would make different measures look alike.

`query_alternatives(word)` combines all of this into the needles one query word may match.
"""

from __future__ import annotations

import json
import re
import threading
import unicodedata
from functools import lru_cache
from pathlib import Path

import snowballstemmer  # type: ignore[import-untyped]

DATA = Path(__file__).parent / "data"
SYNONYMS_PATH = DATA / "synonyms.json"
SEARCH_TERMS_PATH = DATA / "search_terms.json"

WORD = re.compile(r"[^\W_]+")
_S_ENDING = frozenset("bdfghklmnrt")
_STEMMER = snowballstemmer.stemmer("german")
# A Snowball stemmer keeps the word it works on in the instance: two threads of one worker (gunicorn
# threads) stemming at once corrupt each other (IndexError, or a wrong stem that lru_cache keeps).
_STEMMER_LOCK = threading.Lock()

# Function words: dropped from a query when it has other words ("Sprachkurse für Frauen" →
# sprachkur, frau) and from the similarity features.
# fmt: off
STOPWORDS = frozenset(
    {
        "aber", "als", "am", "an", "auch", "auf", "aus", "bei", "beim", "bis", "da", "das", "dass", "de",
        "dem", "den", "der", "des", "die", "dies", "diese", "diesem", "diesen", "dieser", "dieses", "du",
        "durch", "ein", "eine", "einem", "einen", "einer", "eines", "er", "es", "für", "fuer", "gegen",
        "hat", "ihr", "im", "in", "ins", "ist", "mit", "nach", "noch", "ob", "oder", "ohne", "sich", "sie",
        "sind", "so", "über", "ueber", "um", "und", "unter", "vom", "von", "vor", "was", "wie", "wir",
        "wird", "werden", "zu", "zum", "zur", "zwischen",
    }
)
# fmt: on

MAX_ALTERNATIVES = 10  # needles per query word, the word's own stem included
MIN_PART = 3  # shortest compound part (stem characters)
# Modifiers ending like this take a linking "s" before the head (Integration-s-kurs).
_LINKING_S = ("ion", "ung", "heit", "keit", "schaft", "tat", "itat")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The normalised stem of one word (see the module docstring)."""
    lowered = unicodedata.normalize("NFC", word.lower())
    with _STEMMER_LOCK:
        stemmed: str = _STEMMER.stemWord(lowered)
    if len(stemmed) >= 4 and stemmed[-1] == "s" and stemmed[-2] in _S_ENDING:
        stemmed = stemmed[:-1]
    if not stemmed.isascii():
        decomposed = unicodedata.normalize("NFKD", stemmed)
        stemmed = "".join(ch for ch in decomposed if not unicodedata.combining(ch)) or stemmed
    return stemmed


def words(text: str) -> list[str]:
    return WORD.findall(text)


def stems(text: str) -> list[str]:
    return [stem(w) for w in WORD.findall(text)]


def phrase_stem(text: str) -> str:
    """The stems of a word or a phrase joined by single spaces ("frühe Bildung" → "fruh bildung")."""
    return " ".join(stems(text))


# --- the domain vocabulary ----------------------------------------------------------------------


@lru_cache(maxsize=1)
def synonym_word_groups() -> tuple[tuple[str, ...], ...]:
    """The synonym groups as written in ``data/synonyms.json``."""
    groups: list[list[str]] = json.loads(SYNONYMS_PATH.read_text(encoding="utf-8"))["groups"]
    return tuple(tuple(group) for group in groups)


@lru_cache(maxsize=1)
def _search_terms() -> dict[str, object]:
    data: dict[str, object] = json.loads(SEARCH_TERMS_PATH.read_text(encoding="utf-8"))
    return data


def _stem_groups(groups: object) -> dict[str, tuple[str, ...]]:
    """stem → the stems of every group it belongs to (itself included), in table order."""
    out: dict[str, list[str]] = {}
    for group in groups if isinstance(groups, list | tuple) else ():
        members = list(dict.fromkeys(phrase_stem(w) for w in group if phrase_stem(w)))
        for member in members:
            known = out.setdefault(member, [member])
            known.extend(m for m in members if m not in known)
    return {k: tuple(v) for k, v in out.items()}


@lru_cache(maxsize=1)
def synonym_stems() -> dict[str, tuple[str, ...]]:
    """Stem → the stems of its synonym group (itself first)."""
    return _stem_groups(synonym_word_groups())


@lru_cache(maxsize=1)
def related_stems() -> dict[str, tuple[str, ...]]:
    """Compound modifier stem → modifiers that may replace it inside a compound (itself first)."""
    return _stem_groups(_search_terms().get("related", []))


@lru_cache(maxsize=1)
def expansion_stems() -> dict[str, tuple[str, ...]]:
    """Stem of an everyday word → stems (or stem phrases) of the words measures use for it."""
    raw = _search_terms().get("expansions", {})
    out: dict[str, tuple[str, ...]] = {}
    if isinstance(raw, dict):
        for word, targets in raw.items():
            out[stem(word)] = tuple(dict.fromkeys(phrase_stem(t) for t in targets if phrase_stem(t)))
    return out


@lru_cache(maxsize=1)
def compound_parts() -> tuple[frozenset[str], frozenset[str]]:
    """(heads, modifiers) as stems: the listed ones plus every single-word synonym and expansion."""
    terms = _search_terms()
    heads = {stem(w) for w in terms.get("heads", []) if isinstance(w, str)}  # type: ignore[attr-defined]
    modifiers = {stem(w) for w in terms.get("modifiers", []) if isinstance(w, str)}  # type: ignore[attr-defined]
    modifiers |= set(related_stems())
    return frozenset(h for h in heads if len(h) >= MIN_PART), frozenset(
        m for m in modifiers if len(m) >= MIN_PART
    )


@lru_cache(maxsize=50_000)
def decompound(stemmed: str) -> tuple[str, str] | None:
    """A compound stem split into (modifier, head) from the known parts, or None.

    The longest known head wins; a linking "s" between the parts is dropped
    (integrationskur → integration + kur, deutschkur → deutsch + kur).
    """
    heads, modifiers = compound_parts()
    for cut in range(MIN_PART, len(stemmed) - MIN_PART + 1):
        left, head = stemmed[:cut], stemmed[cut:]
        if head not in heads:
            continue
        if left in modifiers:
            return left, head
        if left.endswith("s") and left[:-1] in modifiers:
            return left[:-1], head
    return None


def _join(modifier: str, head: str) -> tuple[str, ...]:
    if modifier.endswith(_LINKING_S):
        return (modifier + "s" + head,)
    return (modifier + head,)


@lru_cache(maxsize=50_000)
def query_alternatives(stemmed: str) -> tuple[str, ...]:
    """The needles one query stem may match, its own first (at most ``MAX_ALTERNATIVES``):

    its synonyms; its one-way expansions; and, for a compound, the same head with a related or
    synonymous modifier and the same modifier with a synonymous head (deutschkur → sprachkur).
    """
    out: dict[str, None] = {stemmed: None}
    for member in synonym_stems().get(stemmed, ()):
        out[member] = None
    for target in expansion_stems().get(stemmed, ()):
        out[target] = None
    split = decompound(stemmed)
    if split is not None:
        modifier, head = split
        others = (*related_stems().get(modifier, ()), *synonym_stems().get(modifier, ()))
        for other in dict.fromkeys(others):
            for joined in _join(other, head):
                out[joined] = None
        for other_head in synonym_stems().get(head, ()):
            if " " not in other_head:
                for joined in _join(modifier, other_head):
                    out[joined] = None
    return tuple(out)[:MAX_ALTERNATIVES]


def vocabulary_words() -> tuple[str, ...]:
    """Every word the domain tables name as written (for "did you mean" suggestions)."""
    terms = _search_terms()
    found: dict[str, None] = {}
    for group in synonym_word_groups():
        found.update(dict.fromkeys(group))
    for key in ("heads", "modifiers"):
        found.update(dict.fromkeys(w for w in terms.get(key, []) if isinstance(w, str)))  # type: ignore[attr-defined]
    for group in terms.get("related", []):  # type: ignore[attr-defined]
        found.update(dict.fromkeys(group))
    expansions = terms.get("expansions", {})
    if isinstance(expansions, dict):
        for word, targets in expansions.items():
            found[word] = None
            found.update(dict.fromkeys(targets))
    return tuple(w for w in found if " " not in w)
