"""Atom feed of new and changed public measures, overall and per search (issue 16, point 4).

feedparser is not a dependency: the structure is checked with xml.etree against RFC 4287 (the
Atom namespace; feed and every entry with id, title, updated and a link; well-formed XML).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime

import pytest
from django.test import Client
from django.utils import timezone
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT

from isi.catalog.models import Level
from isi.measures.models import Measure
from isi.organisations.models import Organisation
from isi.search.indexing import rebuild_search_index

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def measures() -> dict[str, Measure]:
    owner = Organisation.objects.get(key="bmi")
    bund = Level.objects.get(key="bund")

    def make(title: str, **fields: object) -> Measure:
        fields.setdefault("publication", Measure.Publication.RELEASED)
        return Measure.objects.create(
            title=title, summary=f"{title} – Kurzbeschreibung", owner=owner, level=bund, **fields
        )

    made = {
        "sprach": make("Sprachkurse für Eltern"),
        "beratung": make("Migrationsberatung <vor Ort> & online"),
        "draft": make("Sprachkurs im Entwurf", publication=Measure.Publication.DRAFT),
        "archived": make("Sprachkurs archiviert", archived_at=timezone.now()),
    }
    rebuild_search_index()
    return made


def parse_atom(client: Client, query: dict[str, str] | None = None) -> ET.Element:
    response = client.get("/daten/massnahmen.atom", query or {})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own response; well-formed or this raises
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert (root.findtext(f"{ATOM}{required}") or "").strip(), required
    assert root.find(f"{ATOM}link[@rel='self']") is not None
    assert (root.findtext(f"{ATOM}author/{ATOM}name") or "").strip()
    for entry in root.findall(f"{ATOM}entry"):
        for required in ("id", "title", "updated"):
            assert (entry.findtext(f"{ATOM}{required}") or "").strip(), required
        link = entry.find(f"{ATOM}link")
        assert link is not None and link.get("href", "").startswith("http")
        datetime.fromisoformat(entry.findtext(f"{ATOM}updated") or "")  # RFC 3339
    return root


def titles(root: ET.Element) -> list[str]:
    return [entry.findtext(f"{ATOM}title") or "" for entry in root.findall(f"{ATOM}entry")]


def test_overall_feed_is_atom_with_public_measures_newest_change_first(
    client: Client, measures: dict[str, Measure]
) -> None:
    Measure.objects.filter(pk=measures["sprach"].pk).update(
        updated_at=timezone.now() + timezone.timedelta(hours=1)
    )
    root = parse_atom(client)
    assert titles(root) == ["Sprachkurse für Eltern", "Migrationsberatung <vor Ort> & online"]
    ids = [entry.findtext(f"{ATOM}id") for entry in root.findall(f"{ATOM}entry")]
    assert ids[0] == f"tag:testserver,2020:measure:{measures['sprach'].pk}"
    first = root.findall(f"{ATOM}entry")[0]
    assert (first.findtext(f"{ATOM}author/{ATOM}name") or "") == measures["sprach"].owner.name
    assert first.find(f"{ATOM}link").get("href", "").endswith(f"/massnahmen/{measures['sprach'].pk}/")  # type: ignore[union-attr]


def test_feed_of_a_search_takes_the_search_parameters(client: Client, measures: dict[str, Measure]) -> None:
    root = parse_atom(client, {"q": "Sprachkurs"})
    assert titles(root) == ["Sprachkurse für Eltern"]  # never the draft or the archived one
    assert "„Sprachkurs“" in (root.findtext(f"{ATOM}title") or "")
    alternate = root.find(f"{ATOM}link[@rel='alternate']")
    assert alternate is not None and alternate.get("href", "").endswith("/massnahmen/?q=Sprachkurs")
    assert parse_atom(client, {"q": "nichtsdergleichen"}).findall(f"{ATOM}entry") == []
    assert client.get("/daten/massnahmen.atom", {"seite": "x", "level": "<b>"}).status_code == 200


def test_search_page_links_the_feed_of_the_same_search(client: Client, measures: dict[str, Measure]) -> None:
    html = client.get("/massnahmen/", {"q": "Sprachkurs"}).content.decode()
    assert '<link rel="alternate" type="application/atom+xml"' in html
    assert 'href="/daten/massnahmen.atom?q=Sprachkurs"' in html
    assert "Atom-Feed" in html


def test_catalogue_lists_the_feed_as_an_atom_distribution(
    client: Client, measures: dict[str, Measure]
) -> None:
    graph = Graph().parse(data=client.get("/daten/katalog.ttl").content, format="turtle")
    atom = URIRef("https://www.iana.org/assignments/media-types/application/atom+xml")
    feeds = list(graph.subjects(DCAT.mediaType, atom))
    assert feeds
    urls = {str(graph.value(d, DCAT.downloadURL)) for d in feeds}
    assert any(url.endswith("/daten/massnahmen.atom") for url in urls)


def test_feed_and_catalogue_links_do_not_follow_the_readers_language(
    client: Client, measures: dict[str, Measure]
) -> None:
    # Links in a feed or the DCAT catalogue are identifiers too: an English browser must not get
    # /en/… addresses that a German one would not.
    english = {"HTTP_ACCEPT_LANGUAGE": "en"}
    response = client.get("/daten/massnahmen.atom", **english)
    root = ET.fromstring(response.content)  # noqa: S314 - our own response
    hrefs = [link.get("href", "") for link in root.iter(f"{ATOM}link")]
    assert any("/massnahmen/" in href for href in hrefs)
    assert not [href for href in hrefs if "/en/" in href]
    catalogue = client.get("/daten/katalog.ttl", **english).content.decode()
    assert "/massnahmen/" in catalogue and "/en/massnahmen/" not in catalogue
