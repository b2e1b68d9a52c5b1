"""Queries for the search index: the user's text → clauses of needles (stems) and exact keys.

Words become stems through ISI's one German text model (isi.textmodel, shared with the similarity
engine): the document text when it is indexed and the words of a query when it is parsed, so
whatever the normalisation does, it does to both. A query word also brings its alternatives from
the text model (synonyms, compound parts with related modifiers, one-way expansions:
"Deutschkurs" → deutschkur | sprachkur | integrationskur | …), any one of which may match.

Exact keys (indexed by isi.search.indexing in the document's `keys` column, never stemmed):

- a NAP-I number typed as "1.4.1" (phase.theme.measure) is the key `napi_1_4_1`;
- a single word of 2–7 letters may be an organisation's short name (BAMF, BMAS): it also
  matches the key `org_bamf` of the measures that organisation owns or takes part in.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from isi.textmodel import STOPWORDS, WORD, query_alternatives, stem, stems, words

__all__ = [
    "STOPWORDS",
    "WORD",
    "Clause",
    "ParsedQuery",
    "key_of_org",
    "napi_key",
    "parse_query",
    "stem",
    "stemmed_text",
    "stems",
    "words",
]

MAX_QUERY_CHARS = 500  # a query is cut here before parsing
MAX_CLAUSES = 12  # more words than this are ignored
MAX_WORD_CHARS = 60  # a longer "word" is cut (nobody types one; it only costs)


NAPI_NUMBER = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{1,3})\.?$")
ORG_SHORT = re.compile(r"^[^\W\d_]{2,7}$")


def napi_key(phase: int, theme: int, number: int) -> str:
    """The exact key of a NAP-I place: napi_1_4_1."""
    return f"napi_{phase}_{theme}_{number}"


def key_of_org(short_name: str) -> str:
    """The exact key of an organisation's short name or key: org_bamf ("" if it has no letters)."""
    cleaned = "".join(WORD.findall(short_name.lower()))
    return f"org_{cleaned}" if cleaned else ""


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
    phrase is its stems joined by single spaces. `alternatives` are further needles, any of which
    may match instead (synonyms, compounds with related parts, expansions; isi.textmodel);
    `keys` are exact keys of the `keys` column (napi_1_4_1, org_bamf). A clause with an empty
    needle matches by its keys only. `words` are the original words (lower case), for the
    PostgreSQL `german` configuration.
    """

    needle: str
    words: tuple[str, ...]
    negated: bool = False
    alternatives: tuple[str, ...] = ()
    keys: tuple[str, ...] = ()

    @property
    def is_phrase(self) -> bool:
        return len(self.words) > 1

    @property
    def needles(self) -> tuple[str, ...]:
        """Every stem needle of the clause, its own first."""
        return (self.needle, *self.alternatives) if self.needle else self.alternatives

    @property
    def key_only(self) -> bool:
        return not self.needle and not self.alternatives


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


def _raw_tokens(q: str) -> Iterator[tuple[bool, bool, list[str], str]]:
    """(negated, quoted, words, token) for each whitespace- or quote-delimited token of the query."""
    for match in _TOKEN.finditer(q):
        if match.group(2) is not None:
            yield bool(match.group(1)), True, words(match.group(2)), match.group(2)
        else:
            token = match.group(4)
            # "-" only negates when it starts a token and is followed by a word ("Kita-Einstieg"
            # and "--" are not negations).
            negated = bool(match.group(3)) and bool(WORD.match(token))
            yield negated, False, words(token), token.lstrip("-") if negated else token


def _needle(stemmed: list[str]) -> str:
    if len(stemmed) == 1 and len(stemmed[0]) < 3:
        return f" {stemmed[0]} "
    return " ".join(stemmed)


def _padded(needle: str) -> str:
    return f" {needle} " if len(needle) < 3 and " " not in needle else needle


def _clause(lowered: list[str], token: str, *, negated: bool, quoted: bool) -> Clause:
    napi = NAPI_NUMBER.match(token.strip())
    if napi and not quoted:
        phase, theme, number = (int(g) for g in napi.groups())
        key = napi_key(phase, theme, number)
        return Clause(needle="", words=tuple(lowered), negated=negated, keys=(key,))
    stemmed = [stem(w) for w in lowered]
    needle = _needle(stemmed)
    if negated or len(stemmed) > 1:
        return Clause(needle=needle, words=tuple(lowered), negated=negated)
    alternatives = tuple(_padded(a) for a in query_alternatives(stemmed[0])[1:])
    keys = (key_of_org(lowered[0]),) if ORG_SHORT.match(lowered[0]) and lowered[0] not in STOPWORDS else ()
    return Clause(needle=needle, words=tuple(lowered), alternatives=alternatives, keys=keys)


def parse_query(q: str) -> ParsedQuery:
    """Split a user's query into clauses. Never raises; anything unusable is dropped.

    - Words are required (AND). A token that splits into several words (Kita-Einstieg, 'NAP-I')
      and a "quoted phrase" must occur as a sequence of stems.
    - `-word` or `-"a phrase"` excludes; a query of exclusions only finds everything else.
    - Stop words are dropped unless the query has nothing else.
    - A single word also matches its alternatives (isi.textmodel.query_alternatives) and, if it
      could be a short name, the organisation key; "1.4.1" matches the NAP-I key only.
    """
    clauses: list[Clause] = []
    seen: set[tuple[str, bool]] = set()
    for negated, quoted, found, token in _raw_tokens(q[:MAX_QUERY_CHARS]):
        lowered = [w.lower()[:MAX_WORD_CHARS] for w in found]
        if not lowered:
            continue
        clause = _clause(lowered, token, negated=negated, quoted=quoted)
        marker = clause.needle or " ".join(clause.keys)
        if (marker, negated) not in seen:
            seen.add((marker, negated))
            clauses.append(clause)
    content = [c for c in clauses if c.negated or c.is_phrase or c.words[0] not in STOPWORDS]
    if any(not c.negated for c in content):
        clauses = content
    return ParsedQuery(tuple(clauses[:MAX_CLAUSES]))
