"""Highlighted titles and snippets for search results: why a measure matched.

The index holds stems, not the text people read, so FTS5's snippet() and PostgreSQL's
ts_headline would show stems (or need a second full-text configuration); instead the page's
measures (20 at most) are highlighted here, the same way on both databases: a word is marked when
its stem contains one of the query's needles (the same rule the index applies, alternatives
included: "Deutschkurs" marks "Sprachkurse") or, for needles of one or two letters, equals it.

Safety: the text is split into words and the rest; every piece is HTML-escaped and only our own
``<mark>`` elements are added, so a title like ``<script>`` stays text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from isi.search.text import WORD, ParsedQuery, stem

SNIPPET_BEFORE = 10  # words shown before the first marked word
SNIPPET_WORDS = 32  # words in a snippet at most


def needles_of(parsed: ParsedQuery) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(needles that may occur inside a stem, short needles that must equal a stem)."""
    inside: dict[str, None] = {}
    whole: dict[str, None] = {}
    for clause in parsed.positive:
        for needle in clause.needles:
            for part in needle.split():
                (inside if len(part) >= 3 else whole)[part] = None
    return tuple(inside), tuple(whole)


def _marked(word: str, inside: Sequence[str], whole: Sequence[str]) -> bool:
    stemmed = stem(word)
    return stemmed in whole or any(n in stemmed for n in inside)


def _pieces(text: str) -> list[tuple[str, bool]]:
    """The text as (piece, is_word) in order."""
    out: list[tuple[str, bool]] = []
    last = 0
    for match in WORD.finditer(text):
        if match.start() > last:
            out.append((text[last : match.start()], False))
        out.append((match.group(), True))
        last = match.end()
    if last < len(text):
        out.append((text[last:], False))
    return out


def highlight(text: str, parsed: ParsedQuery) -> tuple[SafeString, bool]:
    """The whole text, escaped, with matching words in ``<mark>``; and whether any matched."""
    inside, whole = needles_of(parsed)
    html: list[str] = []
    found = False
    for piece, is_word in _pieces(text):
        if is_word and _marked(piece, inside, whole):
            html.append(f"<mark>{escape(piece)}</mark>")
            found = True
        else:
            html.append(escape(piece))
    return mark_safe("".join(html)), found  # noqa: S308 - every piece escaped above


def snippet(texts: Iterable[str], parsed: ParsedQuery) -> SafeString | None:
    """A window of the first text with a matching word, escaped and highlighted; None if none."""
    inside, whole = needles_of(parsed)
    if not inside and not whole:
        return None
    for text in texts:
        if not text:
            continue
        pieces = _pieces(" ".join(text.split()))
        word_positions = [i for i, (_, is_word) in enumerate(pieces) if is_word]
        hits = [n for n, i in enumerate(word_positions) if _marked(pieces[i][0], inside, whole)]
        if not hits:
            continue
        first_word = max(0, hits[0] - SNIPPET_BEFORE)
        last_word = min(len(word_positions), first_word + SNIPPET_WORDS) - 1
        start = word_positions[first_word]
        end = word_positions[last_word] + 1
        html = ["… " if first_word > 0 else ""]
        for piece, is_word in pieces[start:end]:
            if is_word and _marked(piece, inside, whole):
                html.append(f"<mark>{escape(piece)}</mark>")
            else:
                html.append(escape(piece))
        if last_word < len(word_positions) - 1:
            html.append(" …")
        return mark_safe("".join(html))  # noqa: S308 - every piece escaped above
    return None
