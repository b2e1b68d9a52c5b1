"""Parsing untrusted text into numbers – one place, so the rules are the same everywhere.

``str.isdigit()`` is no guard for ``int()``: it accepts superscripts (``"²"``), which ``int()``
refuses, and ``int()`` itself accepts Arabic-Indic (``"١٢"``) and fullwidth (``"１２"``) digits,
surrounding whitespace, signs and underscores. Request parameters, form fields and file
contents that should be a whole number go through ``parse_int`` instead: ASCII digits only,
with a bounded length, so that nothing odd reaches the database and nothing raises.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# JSON the application reads (request bodies, answers, facts) nests a few levels; this is ample.
DEFAULT_MAX_JSON_DEPTH = 64

# Enough for any database id (PostgreSQL bigint has 19 digits) and any page number.
DEFAULT_MAX_DIGITS = 18

_PATTERNS: dict[int, re.Pattern[str]] = {}


def _pattern(max_digits: int) -> re.Pattern[str]:
    found = _PATTERNS.get(max_digits)
    if found is None:
        found = _PATTERNS[max_digits] = re.compile(rf"[0-9]{{1,{max_digits}}}", re.ASCII)
    return found


def is_int(raw: object, *, max_digits: int = DEFAULT_MAX_DIGITS) -> bool:
    """True when `raw` is a string of 1 to `max_digits` ASCII digits (nothing else, no sign)."""
    if max_digits < 1:
        raise ValueError("max_digits must be at least 1")
    return isinstance(raw, str) and _pattern(max_digits).fullmatch(raw) is not None


def parse_int(
    raw: object,
    *,
    max_digits: int = DEFAULT_MAX_DIGITS,
    minimum: int | None = None,
    maximum: int | None = None,
) -> int | None:
    """The whole number `raw` spells in ASCII digits, or None.

    None for anything else: no string, empty, a sign, spaces, non-ASCII digits, more than
    `max_digits` digits, or a value outside `minimum`..`maximum` (when given).
    """
    if not is_int(raw, max_digits=max_digits):
        return None
    value = int(str(raw))
    if minimum is not None and value < minimum:
        return None
    if maximum is not None and value > maximum:
        return None
    return value


def parse_ints(raws: Iterable[object], *, max_digits: int = DEFAULT_MAX_DIGITS) -> list[int]:
    """The values of `raws` that `parse_int` accepts, in order; the others are left out."""
    return [value for raw in raws if (value := parse_int(raw, max_digits=max_digits)) is not None]


class JsonTooDeep(ValueError):
    """JSON nested deeper than allowed (instead of a RecursionError somewhere later)."""

    def __init__(self, max_depth: int) -> None:
        super().__init__(f"JSON nested deeper than {max_depth} levels")
        self.max_depth = max_depth


def json_depth_exceeds(value: object, max_depth: int) -> bool:
    """True when lists and objects in `value` nest deeper than `max_depth` (checked without recursion)."""
    stack: list[tuple[object, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: list[object] = list(item.values())
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth + 1 > max_depth:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def loads_json(data: str | bytes, *, max_depth: int = DEFAULT_MAX_JSON_DEPTH) -> object:
    """`json.loads` that raises `JsonTooDeep` (a ValueError) for nesting beyond `max_depth`.

    Other problems raise what `json.loads` raises: `json.JSONDecodeError` and `UnicodeDecodeError`
    (both ValueErrors), or ValueError for integers with more digits than Python converts.
    """
    try:
        value = json.loads(data)
    except RecursionError:
        raise JsonTooDeep(max_depth) from None
    if json_depth_exceeds(value, max_depth):
        raise JsonTooDeep(max_depth)
    return value


# --- German numbers and dates (forms and the Excel/CSV round trip) -----------------------------

# "1.500.000,50": dots group thousands, the comma starts the decimals. "1.500" alone is a
# German thousand (the work tool is German); a single dot followed by other than three digits
# ("1500.50") is the ISO decimal point, so machine-written input keeps working.
_GERMAN_NUMBER = re.compile(r"([0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+)(?:,([0-9]+))?", re.ASCII)
_ISO_NUMBER = re.compile(r"([0-9]+)\.([0-9]+)", re.ASCII)
_MINUS_SIGNS = ("-", "\u2212", "\u2013")  # hyphen-minus, minus sign, en dash (Word's "minus")
_SPACES = (" ", "\u00a0", "\u202f")  # space, no-break space, narrow no-break space
_CURRENCY_SUFFIXES = ("€", "eur", "euro")
MAX_NUMBER_CHARS = 40


def parse_decimal_de(raw: object) -> Decimal | None:
    """The amount `raw` spells in German ("1.500.000,50", "−5.000 €") or ISO ("1500000.50") notation.

    None for anything else (no string, empty, letters, non-ASCII digits, dots not grouping
    thousands before a comma, "1,500,000.50"). A leading minus sign is kept, so a negative amount
    reaches the plausibility rule that names it instead of a bare "not a number".
    """
    if not isinstance(raw, str) or len(raw) > MAX_NUMBER_CHARS:
        return None
    text = raw.strip()
    for space in _SPACES:
        text = text.replace(space, "")
    folded = text.casefold()
    for suffix in _CURRENCY_SUFFIXES:
        if folded.endswith(suffix):
            text = text[: -len(suffix)]
            break
    sign = ""
    if text[:1] in _MINUS_SIGNS:
        sign, text = "-", text[1:]
    elif text[:1] == "+":
        text = text[1:]
    german = _GERMAN_NUMBER.fullmatch(text)
    if german is not None:
        whole, fraction = german.group(1).replace(".", ""), german.group(2)
    else:
        iso = _ISO_NUMBER.fullmatch(text)
        if iso is None:
            return None
        whole, fraction = iso.group(1), iso.group(2)
    try:
        return Decimal(f"{sign}{whole}.{fraction}" if fraction else f"{sign}{whole}")
    except InvalidOperation:  # pragma: no cover - the patterns admit only digits
        return None


GERMAN_DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y")


def parse_date_de(raw: object) -> date | None:
    """The date `raw` spells as "7.12.2026", "07.12.26" or ISO "2026-12-07"; None otherwise."""
    if not isinstance(raw, str) or len(raw) > 20:
        return None
    text = raw.strip()
    if not text.isascii():
        return None
    for fmt in GERMAN_DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def format_decimal_de(value: Decimal | int | float | None, *, places: int = 2) -> str:
    """`value` in German notation with thousands dots: Decimal("1500000.5") → "1.500.000,50"."""
    if value is None:
        return ""
    quantised = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{quantised:,.{places}f}"
    return text.replace(",", "\u0000").replace(".", ",").replace("\u0000", ".")
