"""German text normalisation for the search index and for queries: words → stems.

Both sides of a search go through `stem()`: the document text when it is indexed and the words of a
query when it is parsed, so whatever the normalisation does, it does to both.

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
and emoji never reach the index or a query.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer  # type: ignore[import-untyped]

WORD = re.compile(r"[^\W_]+")
_S_ENDING = frozenset("bdfghklmnrt")
_STEMMER = snowballstemmer.stemmer("german")

# Function words dropped from a query when it has other words ("Sprachkurse für Frauen" → sprachkur,
# frau). They stay in the index so that quoted phrases can contain them.
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

MAX_QUERY_CHARS = 500  # a query is cut here before parsing
MAX_CLAUSES = 12  # more words than this are ignored
MAX_WORD_CHARS = 60  # a longer "word" is cut (nobody types one; it only costs)


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The normalised stem of one word (see the module docstring)."""
    lowered = unicodedata.normalize("NFC", word.lower())
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


def stemmed_text(*parts: str) -> str:
    """The stems of all parts, space separated, with a leading and a trailing space.

    The padding lets a short query word match as a whole word (" eu ") while longer stems match
    anywhere, including inside compounds.
    """
    out = [stem(w) for part in parts if part for w in WORD.findall(part)]
    return f" {' '.join(out)} " if out else " "


@dataclass(frozen=True)
class Clause:
    """One required (or, if `negated`, excluded) part of a query: a word or a phrase.

    `needle` is what must occur in the stemmed text: a stem of three or more characters matches
    anywhere (so inside compounds); a shorter one only as a whole word (padded with spaces); a
    phrase is its stems joined by single spaces. `words` are the original words (lower case), for
    the PostgreSQL `german` configuration.
    """

    needle: str
    words: tuple[str, ...]
    negated: bool = False

    @property
    def is_phrase(self) -> bool:
        return len(self.words) > 1


@dataclass(frozen=True)
class ParsedQuery:
    clauses: tuple[Clause, ...]

    @property
    def positive(self) -> tuple[Clause, ...]:
        return tuple(c for c in self.clauses if not c.negated)

    @property
    def negative(self) -> tuple[Clause, ...]:
        return tuple(c for c in self.clauses if c.negated)

    @property
    def is_empty(self) -> bool:
        return not self.clauses


_TOKEN = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')


def _raw_tokens(q: str) -> Iterator[tuple[bool, bool, list[str]]]:
    """(negated, quoted, words) for each whitespace- or quote-delimited token of the query."""
    for match in _TOKEN.finditer(q):
        if match.group(2) is not None:
            yield bool(match.group(1)), True, words(match.group(2))
        else:
            token = match.group(4)
            # "-" only negates when it starts a token and is followed by a word ("Kita-Einstieg"
            # and "--" are not negations).
            negated = bool(match.group(3)) and bool(WORD.match(token))
            yield negated, False, words(token)


def _needle(stemmed: list[str]) -> str:
    if len(stemmed) == 1 and len(stemmed[0]) < 3:
        return f" {stemmed[0]} "
    return " ".join(stemmed)


def parse_query(q: str) -> ParsedQuery:
    """Split a user's query into clauses. Never raises; anything unusable is dropped.

    - Words are required (AND). A token that splits into several words (Kita-Einstieg, 'NAP-I')
      and a "quoted phrase" must occur as a sequence of stems.
    - `-word` or `-"a phrase"` excludes; a query of exclusions only finds everything else.
    - Stop words are dropped unless the query has nothing else.
    """
    clauses: list[Clause] = []
    seen: set[tuple[str, bool]] = set()
    for negated, _quoted, found in _raw_tokens(q[:MAX_QUERY_CHARS]):
        lowered = [w.lower()[:MAX_WORD_CHARS] for w in found]
        if not lowered:
            continue
        stemmed = [stem(w) for w in lowered]
        clause = Clause(needle=_needle(stemmed), words=tuple(lowered), negated=negated)
        if (clause.needle, negated) not in seen:
            seen.add((clause.needle, negated))
            clauses.append(clause)
    content = [c for c in clauses if c.negated or c.is_phrase or c.words[0] not in STOPWORDS]
    if any(not c.negated for c in content):
        clauses = content
    return ParsedQuery(tuple(clauses[:MAX_CLAUSES]))
