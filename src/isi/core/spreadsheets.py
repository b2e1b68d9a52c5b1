"""The one formula guard for every CSV and XLSX cell ISI writes, and its inverse for uploads.

Spreadsheet programs run a cell as a formula when it starts with ``=``, ``+``, ``-`` or ``@``,
and tab, carriage return and line feed at the start make them re-read the cell (OWASP, "CSV
Injection"). Excel, LibreOffice and Google Sheets also skip leading blanks and quotes on import
("Trim spaces", quoted fields), so ``"   =1+1"``, ``" +1"`` and ``"\"=1"`` are just as dangerous.

The guard puts one apostrophe in front of such a cell: spreadsheets show the text as it is and
never evaluate it. ``unguard`` removes exactly that apostrophe again, so for every text
``unguard(spreadsheet_safe(text)) == text`` (the Excel round trip relies on it).
"""

from __future__ import annotations

GUARD = "'"
# Characters that start a formula when they are the first "real" character of a cell. The
# full-width forms are converted to the ASCII ones by Excel's East Asian input handling.
FORMULA_TRIGGERS = frozenset("=+-@＝＋－＠")
# Control characters that make a spreadsheet re-read the cell when they lead it. Line feed is
# included because XLSX stores a carriage return as a line feed: the guard must survive that.
CONTROL_TRIGGERS = frozenset("\t\r\n")
# Characters spreadsheet programs skip (or may skip) in front of a formula.
QUOTES = frozenset("'\"")


def _lead_length(text: str) -> int:
    """How many leading characters are blanks or quotes."""
    for index, char in enumerate(text):
        if not (char.isspace() or char in QUOTES):
            return index
    return len(text)


def needs_guard(text: str) -> bool:
    """True if a spreadsheet could read `text` as a formula (or re-read it because of a control
    character in front).

    Leading blanks and quotes are looked through: the first other character decides, and a tab,
    carriage return or line feed among the leading characters is a trigger of its own.
    """
    lead = _lead_length(text)
    if lead < len(text) and text[lead] in FORMULA_TRIGGERS:
        return True
    return any(char in CONTROL_TRIGGERS for char in text[:lead])


def spreadsheet_safe(value: str) -> str:
    """Neutralise formula injection: a leading apostrophe makes the cell plain text.

    Used for every text cell of every CSV and XLSX file ISI writes.
    """
    return GUARD + value if needs_guard(value) else value


def unguard(value: str) -> str:
    """Undo `spreadsheet_safe` exactly: ``unguard(spreadsheet_safe(text)) == text`` for any text.

    A text that starts with an apostrophe but would not have been guarded without it is left alone
    ("'Zitat'" stays as it is).
    """
    if value.startswith(GUARD) and needs_guard(value[len(GUARD) :]):
        return value[len(GUARD) :]
    return value
