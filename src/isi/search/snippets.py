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
from html import escape

from django.utils.safestring import SafeString, mark_safe

from isi.search.text import WORD, ParsedQuery, stem

SNIPPET_BEFORE = 10  # words shown before the first marked word
SNIPPET_WORDS = 32  # words in a snippet at most
MAX_SCAN_CHARS = 4000  # characters of one text looked at for a snippet


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


def _render(
    text: str, spans: list[tuple[int, int]], inside: Sequence[str], whole: Sequence[str]
) -> tuple[str, bool]:
    """text[spans[0][0]:spans[-1][1]] escaped, the matching words in <mark>; whether any matched."""
    html: list[str] = []
    found = False
    if not spans:
        return "", False
    position = spans[0][0]
    for begin, end in spans:
        word = text[begin:end]
        if _marked(word, inside, whole):
            html.append(escape(text[position:begin]))  # the unmarked run before, in one piece
            html.append(f"<mark>{escape(word)}</mark>")
            position = end
            found = True
    html.append(escape(text[position : spans[-1][1]]))
    return "".join(html), found


def highlight(text: str, parsed: ParsedQuery) -> tuple[SafeString, bool]:
    """The whole text, escaped, with matching words in ``<mark>``; and whether any matched."""
    inside, whole = needles_of(parsed)
    spans = [m.span() for m in WORD.finditer(text)]
    if not spans:
        return mark_safe(escape(text)), False  # noqa: S308 - escaped
    body, found = _render(text, spans, inside, whole)
    html = escape(text[: spans[0][0]]) + body + escape(text[spans[-1][1] :])
    return mark_safe(html), found  # noqa: S308 - every piece escaped in _render


def snippet(texts: Iterable[str], parsed: ParsedQuery) -> SafeString | None:
    """A window of the first text with a matching word, escaped and highlighted; None if none.

    Only the first `MAX_SCAN_CHARS` of each text are looked at (a snippet shows where a long
    text matches first; the rest costs time on every result page).
    """
    inside, whole = needles_of(parsed)
    if not inside and not whole:
        return None
    for text in texts:
        if not text:
            continue
        text = " ".join(text[:MAX_SCAN_CHARS].split())
        spans = [m.span() for m in WORD.finditer(text)]
        first = next((i for i, (a, b) in enumerate(spans) if _marked(text[a:b], inside, whole)), None)
        if first is None:
            continue
        first_word = max(0, first - SNIPPET_BEFORE)
        last_word = min(len(spans), first_word + SNIPPET_WORDS)
        body, _ = _render(text, spans[first_word:last_word], inside, whole)
        prefix = "… " if first_word > 0 else ""
        suffix = " …" if last_word < len(spans) else escape(text[spans[-1][1] :])
        return mark_safe(prefix + body + suffix)  # noqa: S308 - every piece escaped in _render
    return None
