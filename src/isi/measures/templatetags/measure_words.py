"""Measure values in words for people: machine suggestions and amounts.

``{% machine_suggestions measure as items %}``: the keyword rules' suggestions (NAP-I import) as
(field label, reasons) pairs – "Bereiche: Sprachförderung genannt" instead of the stored
``areas: ['…']``. ``{{ amount|euro }}``: "1.500.000,50 €".
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from isi.core.parsing import format_decimal_de
from isi.measures.services import field_label

register = template.Library()


def suggestions_in_words(fields: Any, notes: Any) -> list[tuple[str, str]]:
    """(label, reasons) per suggested field, in the stored order; reasons joined as a sentence."""
    names = [str(name) for name in (fields or [])]
    reasons = notes if isinstance(notes, dict) else {}
    for name in reasons:
        if name not in names:
            names.append(str(name))
    shown: list[tuple[str, str]] = []
    for name in names:
        why = reasons.get(name) or []
        if isinstance(why, str):
            why = [why]
        shown.append((field_label(name), " ".join(str(reason) for reason in why if str(reason).strip())))
    return shown


@register.simple_tag
def machine_suggestions(measure: Any) -> list[tuple[str, str]]:
    return suggestions_in_words(
        getattr(measure, "suggested_fields", None), getattr(measure, "suggestion_notes", None)
    )


@register.filter
def euro(amount: Decimal | int | float | None) -> str:
    return f"{format_decimal_de(amount)} €" if amount is not None else "—"
