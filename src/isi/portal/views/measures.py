"""A public measure page with a stable URL: /massnahmen/<id>/ (the slug is decoration)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _

from isi.catalog.models import ThemeLead
from isi.measures.models import Measure, MeasureRelation
from isi.measures.provenance import is_unconfirmed
from isi.measures.selectors import measures_with_details, public_measures


def measure_url_slug(measure: Measure) -> str:
    return slugify(measure.title)[:80] or "massnahme"


def missing_facts(measure: Measure) -> list[str]:
    """What a reader would look for and the record does not state, in the page's language."""
    missing = []
    if not measure.summary:
        missing.append(_("eine Beschreibung"))
    if not measure.goals:
        missing.append(_("Ziele"))
    if measure.status == Measure.Status.UNKNOWN:
        missing.append(_("den Stand (läuft die Maßnahme noch?)"))
    if not measure.start_date and not measure.end_date:
        missing.append(_("die Laufzeit"))
    if not (measure.contact_name or measure.contact_email or measure.contact_phone):
        missing.append(_("eine Ansprechperson"))
    if not measure.url:
        missing.append(_("eine Internetseite"))
    return missing


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
        "missing": missing_facts(measure),
        "from_nap_i": bool(measure.source_key and measure.source_key.startswith("nap-i/")),
        "areas_suggested": is_unconfirmed(measure, "areas"),
        "target_groups_suggested": is_unconfirmed(measure, "target_groups"),
        "classification_suggested": is_unconfirmed(measure, "classification"),
        "theme_leads": (
            [
                link.organisation
                for link in ThemeLead.objects.filter(theme=measure.nap_i_theme)
                .select_related("organisation")
                .order_by("position", "pk")
            ]
            if measure.nap_i_theme
            else []
        ),
    }
    return render(request, "portal/measure_detail.html", context)
