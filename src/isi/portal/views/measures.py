"""A public measure page with a stable URL: /massnahmen/<id>/ (the slug is decoration)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify

from isi.measures.models import Measure, MeasureRelation
from isi.measures.selectors import measures_with_details, public_measures


def measure_url_slug(measure: Measure) -> str:
    return slugify(measure.title)[:80] or "massnahme"


def measure_detail(request: HttpRequest, pk: int, slug: str | None = None) -> HttpResponse:
    measure = measures_with_details(public_measures()).filter(pk=pk).first()
    if measure is None:
        # Unpublished, archived or unknown look the same from outside.
        raise Http404
    if slug is not None and slug != measure_url_slug(measure):
        return redirect("portal:measure_slug", pk=pk, slug=measure_url_slug(measure), permanent=True)
    public_ids = public_measures().values("pk")
    relations = MeasureRelation.objects.select_related("source", "target").filter(
        source=measure, target__in=public_ids
    )
    incoming = MeasureRelation.objects.select_related("source").filter(target=measure, source__in=public_ids)
    context = {
        "measure": measure,
        "slug": measure_url_slug(measure),
        "relations": relations,
        "incoming": incoming,
    }
    return render(request, "portal/measure_detail.html", context)
