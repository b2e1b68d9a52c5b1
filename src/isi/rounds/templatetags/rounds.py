"""`{% load rounds %}{% review_badge measure %}`: flags a measure whose review is overdue (rule 2)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from isi.measures.rules import review_due

register = template.Library()


@register.filter
def needs_review(measure: Any) -> bool:
    """`{% if measure|needs_review %}` – True when the last review is missing or too old."""
    last = getattr(measure, "last_reviewed_at", None)
    if last is not None and timezone.is_aware(last):
        last = timezone.localtime(last)
    return review_due(last, timezone.localdate())


@register.inclusion_tag("rounds/_review_badge.html")
def review_badge(measure: Any) -> dict[str, Any]:
    return {"due": needs_review(measure), "last_reviewed_at": getattr(measure, "last_reviewed_at", None)}


@register.inclusion_tag("rounds/_progress.html")
def round_progress(progress: Any, label: str) -> dict[str, Any]:
    """An accessible progress bar: role=progressbar with value, bounds and the numbers as text."""
    return {"progress": progress, "label": label}
