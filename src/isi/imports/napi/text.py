"""Text clean-up shared by the NAP-I parser and gazetteer. Pure, no Django.

The NAP-I web text carries layout debris: U+2800 (Braille blank) after headings and
non-breaking spaces where the web editor put them. Both are noise, never content.
"""

from __future__ import annotations

import re

BRAILLE_BLANK = "\u2800"
# Invisible characters that are dropped outright (word joiners, stray byte-order marks).
_DROPPED = str.maketrans("", "", "\u2800\ufeff\u200b\u2060")
# Runs of blanks; a run is "created by the clean-up" when it holds anything but plain spaces.
_BLANK_RUN = re.compile(r"[\s\u2800\ufeff\u200b\u2060]+")


def drop_invisible(text: str) -> str:
    """Remove U+2800 and zero-width characters."""
    return text.translate(_DROPPED)


def collapse(text: str) -> str:
    """All whitespace (NBSP included) to single spaces, invisible characters dropped, trimmed."""
    return " ".join(drop_invisible(text).split())


def clean_title(text: str) -> str:
    """Trim; NBSP becomes a space and U+2800 goes, and only the runs so created are collapsed.

    Runs made of plain spaces only are left as printed: a title is kept exactly as written.
    """

    def fix(match: re.Match[str]) -> str:
        run = match.group(0)
        if set(run) <= {" "}:
            return run
        visible = drop_invisible(run)
        return " " if visible else ""

    return _BLANK_RUN.sub(fix, text).strip()


def indent_width(text: str) -> int:
    """Width of the leading blank space (NBSP counts as a space, tabs as four)."""
    visible = drop_invisible(text)
    stripped = visible.lstrip()
    return len(visible[: len(visible) - len(stripped)].expandtabs(4))


def fold(text: str) -> str:
    """Lower case for matching, one character per character so positions stay aligned."""
    return "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)
