"""The DCAT-AP.de 3.0 catalogue of ISI's open data, built with rdflib (Turtle and JSON-LD).

Vocabulary choices follow DCAT-AP.de 3.0 and its SHACL shapes: licences from the DCAT-AP.de licence
list, file types and data themes from the EU authority tables, media types as IANA IRIs, political
geocoding with `dcatde:politicalGeocodingLevelURI` and `dct:spatial` (the deprecated
`dcatde:politicalGeocodingURI` is not used).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from rdflib import RDF, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF

from isi.opendata.datasets import DatasetSpec
from isi.opendata.exports import XLSX_MEDIA_TYPE, attribution_text, license_uri

DCATDE = Namespace("http://dcat-ap.de/def/dcatde/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
EU = "http://publications.europa.eu/resource/authority/"
LANGUAGE_DE = URIRef(f"{EU}language/DEU")
LANGUAGE_EN = URIRef(f"{EU}language/ENG")
THEMES = (URIRef(f"{EU}data-theme/SOCI"), URIRef(f"{EU}data-theme/GOVE"))
THEME_TAXONOMY = URIRef(f"{EU}data-theme")
FREQUENCY_CONTINUOUS = URIRef(f"{EU}frequency/CONT")
ACCESS_PUBLIC = URIRef(f"{EU}access-right/PUBLIC")
PUBLISHER_TYPE_NATIONAL = URIRef("http://purl.org/adms/publishertype/NationalAuthority")
IANA = "https://www.iana.org/assignments/media-types/"
DEFAULT_PUBLISHER = "Bundesministerium des Innern"

KEYWORDS_DE = ("Integration", "Migration", "Integrationsmaßnahmen", "Nationaler Aktionsplan Integration")
KEYWORDS_EN = ("integration", "migration", "integration measures", "National Action Plan on Integration")


@dataclass(frozen=True)
class DownloadFormat:
    key: str  # URL suffix: massnahmen.<key>
    label: str
    file_type: str  # EU file-type authority code
    media_type: str  # IANA media type


FORMATS = (
    DownloadFormat("csv", "CSV", "CSV", "text/csv"),
    DownloadFormat("json", "JSON", "JSON", "application/json"),
    DownloadFormat("xlsx", "Excel (XLSX)", "XLSX", XLSX_MEDIA_TYPE),
    # The Atom feed of new and changed measures of the same selection (isi.opendata.feeds).
    DownloadFormat("atom", "Atom-Feed", "ATOM", "application/atom+xml"),
)


@dataclass(frozen=True)
class CatalogUrls:
    """Absolute URLs the catalogue points at, built from ISI_PUBLIC_BASE_URL or the request."""

    index: str  # the open-data page /daten/, also the base of the resource IRIs (#fragments)
    downloads: dict[str, str]  # format key → absolute URL of massnahmen.<key> without parameters
    landing_page: str  # the public search page; a dataset's filter is appended as query string
    datapackage: str = ""  # the Frictionless Data Package of all public measures (isi.opendata.package)

    def download(self, fmt: str, querystring: str) -> str:
        url = self.downloads[fmt]
        return f"{url}?{querystring}" if querystring else url

    def landing(self, querystring: str) -> str:
        return f"{self.landing_page}?{querystring}" if querystring else self.landing_page


def _setting(name: str) -> str | None:
    value = getattr(settings, name, None)
    return str(value) if value else None


def publisher_name() -> str:
    return _setting("ISI_OPEN_DATA_PUBLISHER") or _setting("ISI_OPERATOR") or DEFAULT_PUBLISHER


def _bilingual(graph: Graph, subject: URIRef, predicate: URIRef, german: str, english: str) -> None:
    graph.add((subject, predicate, Literal(german, lang="de")))
    graph.add((subject, predicate, Literal(english, lang="en")))


def _timestamp(value: datetime) -> Literal:
    return Literal(value.replace(microsecond=0).isoformat(), datatype=XSD.dateTime)


def build_catalog(datasets: Sequence[DatasetSpec], urls: CatalogUrls, *, generated_at: datetime) -> Graph:
    graph = Graph()
    graph.bind("dcat", DCAT)
    graph.bind("dct", DCTERMS)
    graph.bind("foaf", FOAF)
    graph.bind("vcard", VCARD)
    graph.bind("dcatde", DCATDE)

    licence = URIRef(license_uri())
    attribution = attribution_text()
    catalog = URIRef(f"{urls.index}#katalog")
    publisher = URIRef(_setting("ISI_OPEN_DATA_PUBLISHER_URI") or f"{urls.index}#herausgeber")
    contact = URIRef(f"{urls.index}#kontakt")

    graph.add((publisher, RDF.type, FOAF.Agent))
    graph.add((publisher, RDF.type, FOAF.Organization))
    graph.add((publisher, FOAF.name, Literal(publisher_name(), lang="de")))
    graph.add((publisher, DCTERMS.type, PUBLISHER_TYPE_NATIONAL))

    graph.add((contact, RDF.type, VCARD.Organization))
    graph.add((contact, RDF.type, VCARD.Kind))
    graph.add((contact, VCARD.fn, Literal("Informationssystem Integration (ISI) – Offene Daten", lang="de")))
    graph.add((contact, VCARD.hasURL, URIRef(urls.index)))
    email = _setting("ISI_OPEN_DATA_CONTACT_EMAIL")
    if email:
        graph.add((contact, VCARD.hasEmail, URIRef(f"mailto:{email}")))

    modified = max((d.modified for d in datasets if d.modified), default=generated_at)
    graph.add((catalog, RDF.type, DCAT.Catalog))
    _bilingual(
        graph,
        catalog,
        DCTERMS.title,
        "Offene Daten des Informationssystems Integration (ISI)",
        "Open data of the Integration Information System (ISI)",
    )
    _bilingual(
        graph,
        catalog,
        DCTERMS.description,
        "Die veröffentlichten Integrationsmaßnahmen des Informationssystems Integration als offene "
        "Daten: alle Maßnahmen, je Phase des Nationalen Aktionsplans Integration und je Land, als "
        "CSV, JSON und XLSX.",
        "The published integration measures of the Integration Information System as open data: "
        "all measures, per phase of the National Action Plan on Integration and per Land, as CSV, "
        "JSON and XLSX.",
    )
    graph.add((catalog, DCTERMS.publisher, publisher))
    graph.add((catalog, FOAF.homepage, URIRef(urls.index)))
    graph.add((catalog, DCTERMS.language, LANGUAGE_DE))
    graph.add((catalog, DCTERMS.language, LANGUAGE_EN))
    graph.add((catalog, DCTERMS.license, licence))
    graph.add((catalog, DCTERMS.modified, _timestamp(modified)))
    graph.add((catalog, DCAT.themeTaxonomy, THEME_TAXONOMY))

    contributor = _setting("ISI_OPEN_DATA_CONTRIBUTOR_ID")  # GovData delivery only
    for spec in datasets:
        dataset = URIRef(f"{urls.index}#datensatz-{spec.slug}")
        graph.add((catalog, DCAT.dataset, dataset))
        graph.add((dataset, RDF.type, DCAT.Dataset))
        graph.add((dataset, DCTERMS.identifier, Literal(str(dataset))))
        _bilingual(graph, dataset, DCTERMS.title, spec.title_de, spec.title_en)
        _bilingual(graph, dataset, DCTERMS.description, spec.description_de, spec.description_en)
        graph.add((dataset, DCTERMS.publisher, publisher))
        graph.add((dataset, DCAT.contactPoint, contact))
        graph.add((dataset, DCAT.landingPage, URIRef(urls.landing(spec.querystring))))
        for theme in THEMES:
            graph.add((dataset, DCAT.theme, theme))
        for keyword in KEYWORDS_DE:
            graph.add((dataset, DCAT.keyword, Literal(keyword, lang="de")))
        for keyword in KEYWORDS_EN:
            graph.add((dataset, DCAT.keyword, Literal(keyword, lang="en")))
        graph.add((dataset, DCTERMS.language, LANGUAGE_DE))
        graph.add((dataset, DCTERMS.accrualPeriodicity, FREQUENCY_CONTINUOUS))
        graph.add((dataset, DCTERMS.accessRights, ACCESS_PUBLIC))
        graph.add((dataset, DCATDE.politicalGeocodingLevelURI, URIRef(spec.level_uri)))
        graph.add((dataset, DCTERMS.spatial, URIRef(spec.spatial_uri)))
        if contributor:
            graph.add((dataset, DCATDE.contributorID, URIRef(contributor)))
        if spec.modified:
            graph.add((dataset, DCTERMS.modified, _timestamp(spec.modified)))
        for fmt in FORMATS:
            _add_distribution(
                graph,
                dataset,
                spec,
                Distribution(
                    URIRef(f"{urls.index}#datensatz-{spec.slug}-{fmt.key}"),
                    URIRef(urls.download(fmt.key, spec.querystring)),
                    (f"{spec.title_de} ({fmt.label})", f"{spec.title_en} ({fmt.label})"),
                    (
                        f"Download als {fmt.label}, erzeugt beim Abruf aus dem aktuellen Datenbestand.",
                        f"Download as {fmt.label}, generated on request from the current data.",
                    ),
                    fmt.file_type,
                    fmt.media_type,
                ),
                licence,
                attribution,
            )
        if urls.datapackage and spec.filter.is_empty:
            _add_datapackage(graph, dataset, spec, urls, licence, attribution)
    return graph


@dataclass(frozen=True)
class Distribution:
    """One download of a dataset: what DCAT-AP.de asks of every distribution."""

    node: URIRef
    url: URIRef
    title: tuple[str, str]  # German, English
    description: tuple[str, str]
    file_type: str  # EU file-type authority
    media_type: str  # IANA
    conforms_to: URIRef | None = None


def _add_distribution(
    graph: Graph, dataset: URIRef, spec: DatasetSpec, item: Distribution, licence: URIRef, attribution: str
) -> None:
    distribution = item.node
    graph.add((dataset, DCAT.distribution, distribution))
    graph.add((distribution, RDF.type, DCAT.Distribution))
    _bilingual(graph, distribution, DCTERMS.title, *item.title)
    _bilingual(graph, distribution, DCTERMS.description, *item.description)
    graph.add((distribution, DCAT.accessURL, item.url))
    graph.add((distribution, DCAT.downloadURL, item.url))
    graph.add((distribution, DCTERMS.format, URIRef(f"{EU}file-type/{item.file_type}")))
    graph.add((distribution, DCAT.mediaType, URIRef(f"{IANA}{item.media_type}")))
    if item.conforms_to is not None:
        graph.add((distribution, DCTERMS.conformsTo, item.conforms_to))
    graph.add((distribution, DCTERMS.license, licence))
    graph.add((distribution, DCATDE.licenseAttributionByText, Literal(attribution, lang="de")))
    graph.add((distribution, DCTERMS.language, LANGUAGE_DE))
    if spec.modified:
        graph.add((distribution, DCTERMS.modified, _timestamp(spec.modified)))


def _add_datapackage(
    graph: Graph, dataset: URIRef, spec: DatasetSpec, urls: CatalogUrls, licence: URIRef, attribution: str
) -> None:
    """The data package (datapackage.json with its CSV files) as one more distribution of "alle"."""
    package = Distribution(
        URIRef(f"{urls.index}#datensatz-{spec.slug}-datapackage"),
        URIRef(urls.datapackage),
        (
            f"{spec.title_de} (Datenpaket, Frictionless Data)",
            f"{spec.title_en} (data package, Frictionless Data)",
        ),
        (
            "Datenpaket für Programme: CSV-Dateien mit Table Schema (ISO-Datum, Dezimalpunkt, Schlüssel "
            "als Zeichenketten, Fremdschlüssel auf die Kataloge).",
            "Data package for programs: CSV files with Table Schema (ISO dates, decimal point, keys as "
            "strings, foreign keys to the catalogues).",
        ),
        "JSON",
        "application/json",
        conforms_to=URIRef("https://specs.frictionlessdata.io/data-package/"),
    )
    _add_distribution(graph, dataset, spec, package, licence, attribution)


JSONLD_CONTEXT: dict[str, Any] = {
    "dcat": str(DCAT),
    "dct": str(DCTERMS),
    "foaf": str(FOAF),
    "vcard": str(VCARD),
    "dcatde": str(DCATDE),
    "xsd": str(XSD),
}


def to_turtle(graph: Graph) -> bytes:
    return graph.serialize(format="turtle", encoding="utf-8")


def to_jsonld(graph: Graph) -> bytes:
    return graph.serialize(format="json-ld", context=JSONLD_CONTEXT, indent=2, encoding="utf-8")
