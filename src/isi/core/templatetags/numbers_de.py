"""`{{ share|percent_de }}`: a share 0..1 as a German percentage figure ("79,7"), rounded half up.

The same rounding as the PDF and the spreadsheets (``isi.core.numbers``); the template adds " %".
"""

from __future__ import annotations

from decimal import Decimal

from django import template

from isi.core.numbers import percent_number

register = template.Library()


@register.filter
def percent_de(share: float | int | Decimal | None) -> str:
    return percent_number(share)
