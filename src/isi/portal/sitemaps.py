"""Every public page a search engine should know: static pages, measures, phases, themes.

The pages whose text is translated (static pages, NAP-I phases and themes with their translated
chrome) are listed in every language of settings.LANGUAGES, each with its ``hreflang`` alternates
and the German page as x-default. Measures are German content and listed once, in German (the
HTML pages name their alternates); seven times as many entries would only slow the sitemap down."""

from __future__ import annotations

from typing import Any

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from isi.catalog.models import Phase, Theme
from isi.measures.models import Measure
from isi.measures.selectors import public_measures

STATIC_PAGES = [
    "portal:home",
    "portal:search",
    "portal:finder",
    "portal:phases",
    "portal:organisations",
    "portal:open_data",
    "portal:easy_language",
    "portal:accessibility",
    "portal:imprint",
    "portal:privacy",
]


class TranslatedSitemap:
    """Mixin: one entry per language, with alternates and x-default (the German page)."""

    i18n = True
    alternates = True
    x_default = True


class StaticSitemap(TranslatedSitemap, Sitemap[str]):
    def items(self) -> list[str]:
        return STATIC_PAGES

    def location(self, item: str) -> str:
        return reverse(item)


class MeasureSitemap(Sitemap[Measure]):
    limit = 10000

    def items(self) -> Any:
        return public_measures().order_by("pk").only("pk", "updated_at")

    def location(self, item: Measure) -> str:
        return reverse("portal:measure", args=[item.pk])

    def lastmod(self, item: Measure) -> Any:
        return item.updated_at


class NapISitemap(TranslatedSitemap, Sitemap[Any]):
    def items(self) -> list[Any]:
        return [*Phase.objects.all(), *Theme.objects.select_related("phase")]

    def location(self, item: Any) -> str:
        if isinstance(item, Phase):
            return reverse("portal:phase", args=[item.number])
        return reverse("portal:theme", args=[item.phase.number, item.position])


SITEMAPS: dict[str, type[Sitemap[Any]] | Sitemap[Any]] = {
    "seiten": StaticSitemap,
    "massnahmen": MeasureSitemap,
    "nap-i": NapISitemap,
}
