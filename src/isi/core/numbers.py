"""Shares and percentages, rounded one way everywhere: PDF, XLSX, CSV and the dashboards.

A share (0..1) becomes a percentage with one decimal, rounded half up (79,65 % → 79,7 %), and is
written with the German decimal comma. Rounding happens here once, on the decimal value, so the
PDF (text), the spreadsheet (a number with the format "0.0%") and the dashboard show the same
figure: before, Django's number formatting cut the digits off (79,6 %) while the dashboard rounded
(79,7 %).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

ONE_DECIMAL = Decimal("0.1")
SHARE_PLACES = Decimal("0.001")  # a share with three places is a percentage with one


def _decimal(value: float | int | Decimal) -> Decimal:
    # str() first: Decimal(0.797) would carry the binary float's noise into the rounding.
    return value if isinstance(value, Decimal) else Decimal(str(value))


def percent_value(share: float | int | Decimal) -> Decimal:
    """The percentage of a share, one decimal, half up: 0.79652 → Decimal("79.7")."""
    return (_decimal(share) * 100).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def rounded_share(share: float | int | Decimal) -> Decimal:
    """The share rounded as `percent_value` rounds it, for spreadsheets formatted "0.0%"."""
    return _decimal(share).quantize(SHARE_PLACES, rounding=ROUND_HALF_UP)


def percent_number(share: float | int | Decimal | None) -> str:
    """The percentage as German text without the sign: "79,7"; "–" when there is no share."""
    if share is None:
        return "–"
    value = percent_value(share)
    whole, _, fraction = f"{value:.1f}".partition(".")
    sign = "-" if whole.startswith("-") else ""
    digits = whole.lstrip("-")
    grouped = f"{int(digits):,}".replace(",", ".")
    return f"{sign}{grouped},{fraction}"


def format_percent(share: float | int | Decimal | None) -> str:
    """The percentage as German text: 0.7965 → "79,7 %"; "–" when there is no share."""
    if share is None:
        return "–"
    return f"{percent_number(share)} %"


def share_of(part: int, whole: int) -> Decimal | None:
    """part / whole as an exact decimal share, None when there is no whole."""
    if not whole:
        return None
    return Decimal(part) / Decimal(whole)
