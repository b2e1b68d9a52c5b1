"""`{% measure_title m %}` and `{% measure_visible m as v %}`: templates name a measure only through
``isi.measures.visibility``, so a page never shows a title its reader may not see.

Answers are kept on the request for the rest of the page (one query per hidden measure at most).
"""

from __future__ import annotations

from typing import Any

from django import template

from isi.measures.models import Measure
from isi.measures.visibility import may_see_title, unpublished_label

register = template.Library()
CACHE = "_isi_measure_title_visible"


def _visible(context: template.Context, measure: Measure) -> bool:
    request = context.get("request")
    user = getattr(request, "user", None) if request is not None else context.get("user")
    cache: dict[int, bool] | None = getattr(request, CACHE, None) if request is not None else None
    if cache is None:
        cache = {}
        if request is not None:
            setattr(request, CACHE, cache)
    if measure.pk not in cache:
        cache[measure.pk] = may_see_title(user, measure)
    return cache[measure.pk]


@register.simple_tag(takes_context=True)
def measure_title(context: template.Context, measure: Any) -> str:
    """The title for this page's reader, or "Nicht veröffentlichte Maßnahme (ID n)"."""
    if measure is None:
        return "–"
    return str(measure.title) if _visible(context, measure) else unpublished_label(measure.pk)


@register.simple_tag(takes_context=True)
def measure_visible(context: template.Context, measure: Any) -> bool:
    return measure is not None and _visible(context, measure)
