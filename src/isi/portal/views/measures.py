"""A public measure page with a stable URL: /massnahmen/<id>/ (the slug is decoration).

Cost (bench/page_cost.py, issue #13): the page is the most requested one after the search. The
measure's own part of it (title, facts, labels, theme leads) is the same for every visitor in a
language, so it is rendered once and kept in Django's cache (settings.CACHES; shared by the
workers of a host) under a key made of what the database says *now*, read in one query on every
request:

- the measure's id, ``version`` and ``updated_at`` (every change of the measure, rule 10 included:
  an unpublished or archived measure is not found and answers 404 as before);
- the newest change record that is not a measure's (isi.measures.selectors.newest_other_change):
  every service write records one (isi.core.changes), so a renamed catalogue entry or
  organisation gives a new key in every process at once, while an edit of another measure
  leaves this page's key as it was (under a steady stream of edits the old key, the newest
  change record of all, ended every kept page at every edit);
- the language and the script prefix (the links inside).

Writes that bypass the services (``QuerySet.update()``, raw SQL, data migrations, the NAP-I
import's theme leads) are seen after ``ISI_PAGE_CACHE_SECONDS`` at the latest (0: no caching;
tests that do not test the cache). The related measures are read for every request (the stamp
says whether there are any; two small queries when there are), so that one that is no longer
public disappears at once whatever wrote it. Nothing of the
signed-in user (header, messages, CSRF token) is inside the cached part: the layout around it is
rendered for every request.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Exists, F, OuterRef, Q, Value
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import truncatewords
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from isi.catalog.labels import Label, entry_label
from isi.catalog.models import Area, FundingProgramme, TargetGroup, ThemeLead
from isi.measures.models import Measure, MeasureOrganisation, MeasureRelation
from isi.measures.provenance import is_unconfirmed
from isi.measures.selectors import newest_other_change, public_measures

CACHE_PREFIX = "isi:portal:measure-page:1"
# The three label lists of a measure, read together in one query (kind → the many-to-many field).
LABEL_KINDS: dict[str, tuple[str, type[Area | TargetGroup | FundingProgramme]]] = {
    "areas": ("areas", Area),
    "target_groups": ("target_groups", TargetGroup),
    "funding_programmes": ("funding_programmes", FundingProgramme),
}


def measure_url_slug(measure: Measure) -> str:
    return title_slug(measure.title)


def title_slug(title: str) -> str:
    return slugify(title)[:80] or "massnahme"


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


@dataclass(frozen=True)
class Stamp:
    """What decides whether a kept rendering of the page is still the page: read on every request."""

    pk: int
    title: str
    version: int
    updated_at: Any
    other_change: int | None
    has_relations: bool = True

    def cache_key(self) -> str:
        moment = self.updated_at.isoformat() if self.updated_at else ""
        return (
            f"{CACHE_PREFIX}:{self.pk}:{self.version}:{moment}:{self.other_change}"
            f":{get_language()}:{get_script_prefix()}"
        )


def page_stamp(pk: int) -> Stamp | None:
    """The public measure's stamp, the newest change record that is not a measure's and whether
    the measure has relations at all (most have none: then no query for them), in one query;
    None: not public."""
    related = MeasureRelation.objects.filter(Q(source=OuterRef("pk")) | Q(target=OuterRef("pk")))
    row = (
        public_measures()
        .filter(pk=pk)
        .order_by()
        .annotate(other_change=newest_other_change(), has_relations=Exists(related))
        .values_list("pk", "title", "version", "updated_at", "other_change", "has_relations")[:1]
    )
    found = list(row)
    return Stamp(*found[0]) if found else None


def catalogue_labels(measure: Measure) -> dict[str, list[Label]]:
    """Areas, target groups and funding programmes of the measure, in the page's language, in one
    query (a UNION of the three link tables), each list in the catalogue's order; each label with
    its language, so the template marks a German one on a page in another (``catalog_label``)."""
    parts = []
    for kind, (field, model) in LABEL_KINDS.items():
        through: Any = getattr(Measure, field).through
        column = model._meta.model_name
        parts.append(
            through.objects.filter(measure_id=measure.pk)
            .annotate(
                kind=Value(kind),
                entry_position=F(f"{column}__position"),
                entry_name=F(f"{column}__name"),
                entry_name_en=F(f"{column}__name_en"),
                entry_pk=F(f"{column}__pk"),
            )
            .values_list("kind", "entry_position", "entry_name", "entry_name_en", "entry_pk")
        )
    first, *rest = parts
    rows = sorted(first.union(*rest, all=True), key=lambda row: (row[0], row[1], row[2], row[4]))
    labels: dict[str, list[Label]] = {kind: [] for kind in LABEL_KINDS}
    for kind, _position, name, name_en, _pk in rows:
        # The catalogue's own rule for the label (German, or English when the page is English).
        labels[kind].append(entry_label(name, name_en))
    return labels


@dataclass(frozen=True)
class Related:
    """A relation of the page's measure to another public measure, as the page shows it."""

    kind: str
    pk: int
    title: str

    def get_kind_display(self) -> str:
        # As Model.get_FOO_display(): the label of a known kind, else the stored value.
        return str(dict(MeasureRelation.Kind.choices).get(self.kind, self.kind))


def related_measures(pk: int) -> tuple[list[Related], list[Related]]:
    """Relations to and from other public measures (rule 10): (outgoing, incoming).

    Read for every request that the stamp says has relations (most measures have none), so kept
    cheap: one small query for the relations and one for the titles of the others that are public.
    """
    rows = list(
        MeasureRelation.objects.filter(Q(source=pk) | Q(target=pk))
        .order_by("pk")
        .values_list("source_id", "target_id", "kind")
    )
    if not rows:
        return [], []
    others = {target if source == pk else source for source, target, _kind in rows}
    titles = dict(public_measures().filter(pk__in=others).order_by().values_list("pk", "title"))
    outgoing: list[Related] = []
    incoming: list[Related] = []
    for source, target, kind in rows:
        other = target if source == pk else source
        if other in titles:
            (outgoing if source == pk else incoming).append(Related(kind, other, titles[other]))
    return outgoing, incoming


def page_parts(pk: int) -> dict[str, Any]:
    """The visitor-independent parts of the page: id, title, meta description and the body HTML."""
    measure = (
        public_measures()
        .select_related("owner", "level", "region", "component__basic_offer", "nap_i_theme__phase")
        .order_by()
        .get(pk=pk)
    )
    org_links = list(
        MeasureOrganisation.objects.filter(measure=measure)
        .select_related("organisation")
        .only("role", "organisation__name")
        .order_by("position", "pk")
    )
    labels = catalogue_labels(measure)
    theme_leads = (
        [
            link.organisation
            for link in ThemeLead.objects.filter(theme=measure.nap_i_theme_id)
            .select_related("organisation")
            .only("organisation__key", "organisation__name")
            .order_by("position", "pk")
        ]
        if measure.nap_i_theme_id
        else []
    )
    context = {
        "measure": measure,
        "org_links": org_links,
        "areas": labels["areas"],
        "target_groups": labels["target_groups"],
        "funding_programmes": labels["funding_programmes"],
        "missing": missing_facts(measure),
        "from_nap_i": bool(measure.source_key and measure.source_key.startswith("nap-i/")),
        "areas_suggested": is_unconfirmed(measure, "areas"),
        "target_groups_suggested": is_unconfirmed(measure, "target_groups"),
        "classification_suggested": is_unconfirmed(measure, "classification"),
        "theme_leads": theme_leads,
    }
    if measure.summary:
        description = truncatewords(measure.summary, 30)
    else:
        description = _("Integrationsmaßnahme von %(owner)s.") % {"owner": measure.owner.name}
    return {
        "pk": measure.pk,
        "title": measure.title,
        "description": description,
        "body": render_to_string("portal/_measure_body.html", context),
    }


def measure_detail(request: HttpRequest, pk: int, slug: str | None = None) -> HttpResponse:
    stamp = page_stamp(pk)
    if stamp is None:
        # Unpublished, archived or unknown look the same from outside.
        raise Http404
    if slug is not None and slug != title_slug(stamp.title):
        return redirect("portal:measure_slug", pk=pk, slug=title_slug(stamp.title), permanent=True)
    seconds = int(getattr(settings, "ISI_PAGE_CACHE_SECONDS", 0))
    parts: dict[str, Any] | None = None
    if seconds > 0:
        key = stamp.cache_key()
        parts = cache.get(key)
        if parts is None:
            try:
                parts = page_parts(pk)
            except Measure.DoesNotExist:  # unpublished between the two reads
                raise Http404 from None
            cache.set(key, parts, seconds)
    else:
        try:
            parts = page_parts(pk)
        except Measure.DoesNotExist:
            raise Http404 from None
    outgoing, incoming = related_measures(pk) if stamp.has_relations else ([], [])
    context = {"page": parts, "slug": title_slug(stamp.title), "relations": outgoing, "incoming": incoming}
    return render(request, "portal/measure_detail.html", context)
