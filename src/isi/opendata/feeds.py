"""Atom feed of new and changed public measures (issue 16, point 4): /daten/massnahmen.atom.

The same URL parameters as the search page (`q`, the facets; isi.search.filters.MeasureFilter) give
the feed of any search, so a person can follow "Sprachkurs" in Berlin. Entries are the public
measures of that selection (`filtered_public_measures`: never a draft or an archived measure),
newest change first, at most `MAX_ENTRIES`; each entry's `updated` is the measure's last change,
its `published` the creation, its id a stable tag URI built from the measure's id. The catalogue
(isi.opendata.dcat) lists the feed as a distribution of every dataset (application/atom+xml).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from isi.core.locale import canonical_reverse
from isi.measures.models import Measure
from isi.search.filters import MeasureFilter
from isi.search.selectors import filtered_public_measures

MAX_ENTRIES = 50


class MeasureFeed(Feed[Measure, MeasureFilter]):
    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, *args: object, **kwargs: object) -> MeasureFilter:
        self.request = request
        return MeasureFilter.from_params(request.GET)

    def title(self, obj: MeasureFilter) -> str:
        base = _("ISI – neue und geänderte Integrationsmaßnahmen")
        return f"{base}: „{obj.q}“" if obj.q.strip() else base

    def subtitle(self, obj: MeasureFilter) -> str:
        if obj.is_empty:
            return _("Öffentliche Maßnahmen des Informationssystems Integration, zuletzt geänderte zuerst.")
        return _("Öffentliche Maßnahmen zu dieser Suche, zuletzt geänderte zuerst.")

    def link(self, obj: MeasureFilter) -> str:
        query = obj.querystring()
        return canonical_reverse("portal:search") + (f"?{query}" if query else "")

    def feed_url(self, obj: MeasureFilter) -> str:
        query = obj.querystring()
        return reverse("opendata:measures_atom") + (f"?{query}" if query else "")

    def author_name(self, obj: MeasureFilter) -> str:
        """The feed's author (RFC 4287 wants one when an entry has none): the open-data publisher."""
        from isi.opendata.dcat import publisher_name  # rdflib: not at process start

        return publisher_name()

    def feed_guid(self, obj: MeasureFilter) -> str:
        return self.request.build_absolute_uri(self.feed_url(obj))

    def items(self, obj: MeasureFilter) -> list[Measure]:
        newest = filtered_public_measures(replace(obj, sort="-updated"))
        return list(newest.select_related("owner")[:MAX_ENTRIES])

    def item_title(self, item: Measure) -> str:
        return item.title

    def item_description(self, item: Measure) -> str:
        return item.summary or item.goals or ""

    def item_link(self, item: Measure) -> str:
        return canonical_reverse("portal:measure", args=[item.pk])

    def item_guid(self, item: Measure) -> str:
        host = self.request.get_host().split(":")[0] or "isi"
        return f"tag:{host},2020:measure:{item.pk}"

    item_guid_is_permalink = False

    def item_updateddate(self, item: Measure) -> datetime:
        return item.updated_at

    def item_pubdate(self, item: Measure) -> datetime:
        return item.created_at

    def item_author_name(self, item: Measure) -> str:
        return item.owner.name


measure_feed = MeasureFeed()
