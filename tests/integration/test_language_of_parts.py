"""German catalogue values on pages in other languages carry lang="de" (WCAG 3.1.2 Language of Parts).

Catalogue entries show their English name on English pages when they have one, else their German
name – on Arabic, Persian, Russian, Turkish and Ukrainian pages always the German one. For every UI
language, the measure page, the search page with its facets, the NAP-I and organisation pages and
the offer finder's steps, check page and result are parsed, and every place a catalogue value's
German name (or the measure's German title) stands as a value must have the nearest ``lang`` of
"de" whenever the page is not German. On English pages an entry with an English name shows that,
not marked "de". With the caches on, a page rendered in one language is not served in another.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from isi.catalog.models import Area, Component, FundingProgramme, Level, Region, TargetGroup, Theme
from isi.measures.models import Measure
from tests.api.support import make_measure
from tests.integration.test_finder_web import EU_WORKER

pytestmark = pytest.mark.django_db

LANGUAGES = [code for code, _name in settings.LANGUAGES]
TITLE = "Lotsenprojekt Ankommen vor Ort"
# Elements whose text is never shown as page content (or cannot hold a marked part).
UNSHOWN = {"script", "style", "title", "template"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# A value stands alone or between the separators the pages put around values ("Land · Bayern",
# "Sprache; Gesellschaft", "Baustein: Integrationskurs (Grundangebot …)", „Thema“), never as part
# of a longer sentence ("Leichte Sprache").
BEFORE = r"(?:^|(?<=[;·(„:,])|(?<=[;·(„:,]\s))"
AFTER = r"(?=\s?(?:$|[;·)“,(]))"
STEP = re.compile(r"^(?:/[a-z]{2})?/angebotsfinder/frage/[a-z-]+/$")


@dataclass(frozen=True)
class Text:
    text: str
    lang: str | None  # the nearest lang attribute of an enclosing element


class Texts(HTMLParser):
    """The shown text nodes of a page, each with its nearest enclosing ``lang``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str | None]] = []
        self.texts: list[Text] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID:
            self.stack.append((tag, dict(attrs).get("lang")))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        pass

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth][0] == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        if not data.strip() or any(tag in UNSHOWN for tag, _lang in self.stack):
            return
        lang = next((lang for _tag, lang in reversed(self.stack) if lang is not None), None)
        self.texts.append(Text(" ".join(data.split()), lang))


def texts(html: str) -> list[Text]:
    parser = Texts()
    parser.feed(html)
    parser.close()
    return parser.texts


def occurrences(page: list[Text], value: str) -> list[Text]:
    """The text nodes in which `value` stands as a value (see BEFORE, AFTER)."""
    pattern = re.compile(BEFORE + re.escape(value) + AFTER)
    return [text for text in page if pattern.search(text.text)]


@dataclass(frozen=True)
class World:
    measure: Measure
    german: dict[str, str]  # every German value the pages show → its English form on English pages
    english: list[str]  # English names that English pages must show, not marked "de"


@pytest.fixture
def world() -> World:
    # An entry without an English name: German on English pages too.
    local = Area.objects.create(key="teilhabe-vor-ort", name="Teilhabe vor Ort", name_en="", position=99)
    areas = [Area.objects.get(key="gesellschaft"), local]
    groups = [TargetGroup.objects.get(key="eu-buerger")]
    programmes = [FundingProgramme.objects.get(key="bundeshaushalt")]
    component = Component.objects.select_related("basic_offer").get(key="information-beratung")
    level = Level.objects.get(key="land")
    theme = Theme.objects.select_related("phase").get(phase__number=2, position=2)
    measure = make_measure(
        TITLE,
        "bmi",
        released=True,
        level=level,
        region=Region.objects.get(code="09"),
        areas=areas,
        target_groups=groups,
        funding_programmes=programmes,
        offer_type=Measure.OfferType.COMPONENT,
        component=component,
        nap_i_theme=theme,
        nap_i_number=1,
    )
    entries: list[Any] = [*areas, *groups, *programmes, component, component.basic_offer, level]
    german = {entry.name: entry.name_en or entry.name for entry in entries}
    # Shown in German in every language: the measure's title, the Land, the NAP-I theme.
    german.update({TITLE: TITLE, "Bayern": "Bayern", theme.title: theme.title})
    return World(measure, german, [entry.name_en for entry in entries if entry.name_en])


def prefix(language: str) -> str:
    return "" if language == "de" else f"/{language}"


def finder_pages(client: Client, language: str) -> Iterator[tuple[str, str]]:
    """The finder's step pages, check page and result for a person whose target groups include
    the measure's (EU citizens), in `language`."""
    location = client.post(f"{prefix(language)}/angebotsfinder/start/", {})["Location"]
    while STEP.match(location):
        yield location, client.get(location).content.decode()
        step = location.rstrip("/").rsplit("/", 1)[1]
        location = client.post(location, {"antwort": EU_WORKER[step]})["Location"]
    assert location.endswith("/angebotsfinder/pruefen/"), location
    yield location, client.get(location).content.decode()
    result = f"{prefix(language)}/angebotsfinder/ergebnis/"
    yield result, client.get(result).content.decode()


def pages(client: Client, world: World, language: str) -> Iterator[tuple[str, str]]:
    start = prefix(language)
    for path in (
        f"/massnahmen/{world.measure.pk}/",
        "/massnahmen/",
        "/massnahmen/?q=Lotsenprojekt",
        "/",
        "/nap-i/",
        "/nap-i/phase-2/",
        "/nap-i/phase-2/thema-2/",
        "/organisationen/bmi/",
    ):
        response = client.get(start + path)
        assert response.status_code == 200, start + path
        yield start + path, response.content.decode()
    yield from finder_pages(client, language)


def check_page(url: str, html: str, world: World, language: str) -> int:
    """Assert the page's German values are marked; the number of places checked."""
    page = texts(html)
    checked = 0
    for german, english in world.german.items():
        if language == "en" and english != german:
            continue  # shown in English
        for text in occurrences(page, german):
            assert text.lang == "de", f"{url}: {german!r} not marked lang=de in {text.text!r}"
            checked += 1
    if language == "en":
        for english in world.english:
            for text in occurrences(page, english):
                assert text.lang != "de", f"{url}: English {english!r} marked lang=de"
                checked += 1
    return checked


@pytest.mark.parametrize("language", LANGUAGES)
def test_german_catalogue_values_are_marked_on_every_page(world: World, language: str) -> None:
    client = Client()
    checked = {url: check_page(url, html, world, language) for url, html in pages(client, world, language)}
    # The checks looked at what they are meant to: the values are on the pages.
    assert checked[f"{prefix(language)}/massnahmen/{world.measure.pk}/"] >= len(world.german)
    assert checked[f"{prefix(language)}/massnahmen/"] > 0  # facets and the result line
    assert checked[f"{prefix(language)}/angebotsfinder/ergebnis/"] > 0  # the measure's title


def test_english_pages_show_english_names_unmarked_and_german_ones_marked(world: World) -> None:
    html = Client().get(f"/en/massnahmen/{world.measure.pk}/").content.decode()
    page = texts(html)
    for english in world.english:
        found = occurrences(page, english)
        assert found and all(text.lang != "de" for text in found), english
    (local,) = occurrences(page, "Teilhabe vor Ort")
    assert local.lang == "de"
    facets = texts(Client().get("/en/massnahmen/").content.decode())
    assert [text.lang for text in occurrences(facets, "Teilhabe vor Ort")] == ["de"]
    assert all(text.lang != "de" for text in occurrences(facets, "Society"))


def test_a_german_page_does_not_mark_german_values() -> None:
    """On a German page the page's own lang says it: no span around each value."""
    measure = make_measure("Sprachcafé", "bmi", released=True)
    html = Client().get(f"/massnahmen/{measure.pk}/").content.decode()
    assert '<dd><span lang="de">Bund</span>' not in html and "<dd>Bund</dd>" in html


def test_a_page_kept_in_one_language_is_not_served_in_another(world: World, caches_on: None) -> None:
    client = Client()
    for language in ["ru", "en", "de", "ru", "en", "ar", "de"]:  # each twice or after another
        for path in (f"/massnahmen/{world.measure.pk}/", "/massnahmen/"):
            url = prefix(language) + path
            html = client.get(url).content.decode()
            assert check_page(url, html, world, language) > 0
            page = texts(html)
            gesellschaft = occurrences(page, "Gesellschaft")
            if language == "en":
                assert not gesellschaft and occurrences(page, "Society"), url
            else:
                assert gesellschaft and all(text.lang == "de" for text in gesellschaft), url
