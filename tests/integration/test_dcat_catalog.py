"""The DCAT-AP.de catalogue: what it says about the datasets, and that its links lead to them."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import NoReverseMatch, include, path, reverse
from rdflib import Graph, URIRef
from rdflib import namespace as ns
from rdflib.compare import isomorphic

from isi.catalog.models import Level, Region, Theme
from isi.measures.models import Measure
from isi.organisations.models import Organisation
from isi.urls import urlpatterns as isi_urlpatterns

pytestmark = pytest.mark.django_db

# Used only until the lead mounts isi.opendata.urls at "daten/" in isi.urls (see the fixture).
urlpatterns = [path("daten/", include("isi.opendata.urls")), *isi_urlpatterns]  # i18n_patterns: no include()

DCATDE = "http://dcat-ap.de/def/dcatde/"
LEVEL = "http://dcat-ap.de/def/politicalGeocoding/Level/"
DL_BY_DE = URIRef("http://dcat-ap.de/def/licenses/dl-by-de/2.0")


@pytest.fixture(autouse=True)
def opendata_mounted(settings: Any) -> None:
    try:
        reverse("opendata:index")
    except NoReverseMatch:
        settings.ROOT_URLCONF = __name__


def make_measure(title: str, *, released: bool = True, **fields: Any) -> Measure:
    fields.setdefault("owner", Organisation.objects.get(key="bmi"))
    fields.setdefault("level", Level.objects.get(key="bund"))
    publication = Measure.Publication.RELEASED if released else Measure.Publication.DRAFT
    return Measure.objects.create(title=title, publication=publication, **fields)


@pytest.fixture
def world() -> dict[str, Measure]:
    nrw = Region.objects.get(code="05")
    kommune = Region.objects.create(
        code="051110000000", name="Düsseldorf", kind=Region.Kind.KOMMUNE, land=nrw
    )
    return {
        "federal": make_measure(
            "Integrationskurs", nap_i_theme=Theme.objects.get(phase__number=2, position=1)
        ),
        "state": make_measure("Landesprogramm", level=Level.objects.get(key="land"), region=nrw),
        "municipal": make_measure(
            "Kommunale Beratung", level=Level.objects.get(key="kommune"), region=kommune
        ),
        # Bayern has only a draft: no Bayern dataset, and the draft is nowhere.
        "draft": make_measure(
            "Geheimer Entwurf",
            released=False,
            level=Level.objects.get(key="land"),
            region=Region.objects.get(code="09"),
        ),
    }


def catalogue(client: Client, **extra: Any) -> Graph:
    response = client.get(reverse("opendata:catalog_ttl"), **extra)
    assert response.status_code == 200
    return Graph().parse(data=response.content, format="turtle")


def dataset(graph: Graph, slug: str) -> URIRef:
    matches = [
        s for s in graph.subjects(ns.RDF.type, ns.DCAT.Dataset) if str(s).endswith(f"#datensatz-{slug}")
    ]
    assert len(matches) == 1, slug
    return URIRef(matches[0])


def test_catalogue_is_served_as_turtle_and_json_ld(client: Client, world: dict[str, Measure]) -> None:
    turtle = client.get(reverse("opendata:catalog_ttl"))
    assert turtle["Content-Type"] == "text/turtle; charset=utf-8"
    assert turtle["Cache-Control"] == "public, max-age=300"
    jsonld = client.get(reverse("opendata:catalog_jsonld"))
    assert jsonld["Content-Type"] == "application/ld+json"
    assert jsonld["Cache-Control"] == "public, max-age=300"
    from_turtle = Graph().parse(data=turtle.content, format="turtle")
    from_jsonld = Graph().parse(data=jsonld.content, format="json-ld")
    assert len(from_turtle) > 100
    assert isomorphic(from_turtle, from_jsonld)


def test_datasets_for_everything_each_phase_and_each_land_with_data(
    client: Client, world: dict[str, Measure]
) -> None:
    graph = catalogue(client)
    slugs = sorted(str(s).rsplit("#datensatz-", 1)[1] for s in graph.subjects(ns.RDF.type, ns.DCAT.Dataset))
    assert slugs == ["alle", "land-05", "phase-2"]
    catalog = next(graph.subjects(ns.RDF.type, ns.DCAT.Catalog))
    assert set(graph.objects(catalog, ns.DCAT.dataset)) == set(graph.subjects(ns.RDF.type, ns.DCAT.Dataset))
    assert b"Geheimer Entwurf" not in graph.serialize(format="turtle", encoding="utf-8")


def test_titles_and_descriptions_in_german_and_english(client: Client, world: dict[str, Measure]) -> None:
    graph = catalogue(client)
    for subject in [
        *graph.subjects(ns.RDF.type, ns.DCAT.Dataset),
        *graph.subjects(ns.RDF.type, ns.DCAT.Catalog),
    ]:
        for predicate in (ns.DCTERMS.title, ns.DCTERMS.description):
            languages = {literal.language for literal in graph.objects(subject, predicate)}  # type: ignore[union-attr]
            assert languages == {"de", "en"}, (subject, predicate)


def test_every_dataset_has_csv_json_and_xlsx_with_absolute_links(
    client: Client, world: dict[str, Measure]
) -> None:
    graph = catalogue(client)
    expected = {
        "csv": ("CSV", "text/csv"),
        "json": ("JSON", "application/json"),
        "xlsx": ("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        "atom": ("ATOM", "application/atom+xml"),
    }
    for subject in graph.subjects(ns.RDF.type, ns.DCAT.Dataset):
        # The data package is one more distribution of "alle" (tests/integration/test_opendata_package.py).
        distributions = [
            d for d in graph.objects(subject, ns.DCAT.distribution) if not str(d).endswith("-datapackage")
        ]
        assert len(distributions) == len(expected)
        seen = set()
        for distribution in distributions:
            access = str(graph.value(distribution, ns.DCAT.accessURL))
            assert access == str(graph.value(distribution, ns.DCAT.downloadURL))
            assert access.startswith("http://testserver/daten/massnahmen.")
            extension = urlsplit(access).path.rsplit(".", 1)[1]
            file_type, media_type = expected[extension]
            assert graph.value(distribution, ns.DCTERMS.format) == URIRef(
                f"http://publications.europa.eu/resource/authority/file-type/{file_type}"
            )
            assert graph.value(distribution, ns.DCAT.mediaType) == URIRef(
                f"https://www.iana.org/assignments/media-types/{media_type}"
            )
            assert graph.value(distribution, ns.DCTERMS.license) == DL_BY_DE
            assert graph.value(distribution, URIRef(f"{DCATDE}licenseAttributionByText")) is not None
            seen.add(extension)
        assert seen == set(expected)
        assert graph.value(subject, ns.DCTERMS.publisher) is not None
        assert graph.value(subject, ns.DCAT.contactPoint) is not None
        assert graph.value(subject, ns.DCTERMS.modified) is not None


def test_political_geocoding(client: Client, world: dict[str, Measure]) -> None:
    graph = catalogue(client)
    level = URIRef(f"{DCATDE}politicalGeocodingLevelURI")
    everything = dataset(graph, "alle")
    assert graph.value(everything, level) == URIRef(f"{LEVEL}federal")
    assert graph.value(everything, ns.DCTERMS.spatial) == URIRef(
        "http://publications.europa.eu/resource/authority/country/DEU"
    )
    assert graph.value(dataset(graph, "phase-2"), level) == URIRef(f"{LEVEL}federal")
    nrw = dataset(graph, "land-05")
    assert graph.value(nrw, level) == URIRef(f"{LEVEL}state")
    assert graph.value(nrw, ns.DCTERMS.spatial) == URIRef(
        "http://dcat-ap.de/def/politicalGeocoding/stateKey/05"
    )
    # The deprecated property of DCAT-AP.de 2 is not used.
    assert not list(graph.triples((None, URIRef(f"{DCATDE}politicalGeocodingURI"), None)))


def test_download_links_deliver_exactly_the_dataset(client: Client, world: dict[str, Measure]) -> None:
    graph = catalogue(client)
    nrw = dataset(graph, "land-05")
    json_url = next(
        str(graph.value(d, ns.DCAT.downloadURL))
        for d in graph.objects(nrw, ns.DCAT.distribution)
        if str(graph.value(d, ns.DCAT.downloadURL)).split("?")[0].endswith(".json")
    )
    parts = urlsplit(json_url)
    body = b"".join(client.get(parts.path, QUERY_STRING=parts.query).streaming_content)
    titles = sorted(record["title"] for record in json.loads(body)["measures"])
    assert titles == ["Kommunale Beratung", "Landesprogramm"]


def test_public_base_url_and_licence_come_from_settings(
    client: Client, world: dict[str, Measure], settings: Any
) -> None:
    settings.ISI_PUBLIC_BASE_URL = "https://isi.example.org/"
    settings.ISI_OPEN_DATA_LICENSE = "http://dcat-ap.de/def/licenses/dl-zero-de/2.0"
    graph = catalogue(client)
    zero = URIRef("http://dcat-ap.de/def/licenses/dl-zero-de/2.0")
    for distribution in graph.subjects(ns.RDF.type, ns.DCAT.Distribution):
        if str(distribution).endswith("-datapackage"):
            assert (
                str(graph.value(distribution, ns.DCAT.accessURL))
                == "https://isi.example.org/daten/datapackage.json"
            )
            continue
        assert str(graph.value(distribution, ns.DCAT.accessURL)).startswith(
            "https://isi.example.org/daten/massnahmen."
        )
        assert graph.value(distribution, ns.DCTERMS.license) == zero
    catalog = next(graph.subjects(ns.RDF.type, ns.DCAT.Catalog))
    assert graph.value(catalog, ns.FOAF.homepage) == URIRef("https://isi.example.org/daten/")
    meta = client.get(reverse("opendata:measures_json"))
    assert json.loads(b"".join(meta.streaming_content))["meta"]["license"] == str(zero)


def test_empty_database_still_gives_a_catalogue_with_one_dataset(client: Client) -> None:
    graph = catalogue(client)
    assert [str(s).rsplit("#", 1)[1] for s in graph.subjects(ns.RDF.type, ns.DCAT.Dataset)] == [
        "datensatz-alle"
    ]
