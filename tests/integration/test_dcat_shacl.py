"""The catalogue against GovData's DCAT-AP.de 3.0 SHACL shapes (offline, pyshacl), the test oracle.

The shapes live beside the repository in ../shared/dcat-ap-de/ and are read from there, never
copied into the product. Offline, checks that need the remote code lists (skos:inScheme of
licences, languages, file types …) cannot be decided: results with that path are set aside, every
other result must be absent.

Note on the oracle: GovData's shape files annotate the SEMIC DCAT-AP 3.0 base shapes (German
messages, deactivations) but do not contain them, so offline they alone do not see a missing
mandatory property such as `dcat:accessURL`. The German messages name each base constraint
("dcat:Distribution: dcat:accessURL MUSS MINDESTEN einmal vorkommen."), so the base constraints
are rebuilt from those messages (`base_shapes_from_messages`), with GovData's shape IRIs and
severities; deactivated shapes carry no message and stay out.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import NoReverseMatch, include, path, reverse
from django.utils import timezone
from pyshacl import validate
from rdflib import BNode, Graph, Literal, URIRef
from rdflib import namespace as ns

from isi.catalog.models import Level, Region, Theme
from isi.measures.models import Measure
from isi.opendata.datasets import DatasetSpec
from isi.opendata.dcat import CatalogUrls, build_catalog
from isi.opendata.geocoding import LEVEL_STATE, state_uri
from isi.organisations.models import Organisation
from isi.search.filters import MeasureFilter
from isi.urls import urlpatterns as isi_urlpatterns

# Used only until the lead mounts isi.opendata.urls at "daten/" in isi.urls (see the fixture).
urlpatterns = [path("daten/", include("isi.opendata.urls")), *isi_urlpatterns]  # i18n_patterns: no include()

REPO_DIR = Path(__file__).resolve().parents[2]
DCAT_AP_DE = REPO_DIR.parent / "shared" / "dcat-ap-de"
SH = ns.SH
SKOS_IN_SCHEME = ns.SKOS.inScheme
DCATDE = "http://dcat-ap.de/def/dcatde/"
VCARD = ns.Namespace("http://www.w3.org/2006/vcard/ns#")


def require_oracle(directory: Path) -> Path:
    """The shapes directory; in CI (CI=true) its absence is a failure, elsewhere a skip."""
    if not (directory / "shapes").is_dir() or not (directory / "mirror").is_dir():
        message = f"DCAT-AP.de SHACL shapes missing at {directory} (CI must have ../shared/dcat-ap-de/)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return directory


# --- the oracle ----------------------------------------------------------------------------------

PREFIXES = {
    "adms": "http://www.w3.org/ns/adms#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "dcatap": "http://data.europa.eu/r5r/",
    "dcterms": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "locn": "http://www.w3.org/ns/locn#",
    "odrl": "http://www.w3.org/ns/odrl/2/",
    "prov": "http://www.w3.org/ns/prov#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "spdx": "http://spdx.org/rdf/terms#",
    "time": "http://www.w3.org/2006/time#",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
MESSAGE = re.compile(r"^(?P<cls>\S+): (?P<path>\S+) (?P<rule>.+?)\.(?P<rest>.*)$")


def curie(value: str) -> URIRef | None:
    prefix, _, local = value.partition(":")
    return URIRef(PREFIXES[prefix] + local) if prefix in PREFIXES and local else None


def base_shapes_from_messages(annotations: Graph) -> Graph:
    """The SEMIC base constraints GovData's German messages describe, as SHACL property shapes."""
    shapes = Graph()
    node_shapes: dict[URIRef, BNode] = {}
    for subject, message in annotations.subject_objects(SH.message):
        match = MESSAGE.match(str(message))
        if not match or annotations.value(subject, SH.deactivated) == Literal(True):
            continue
        target, property_path = curie(match["cls"]), curie(match["path"])
        rule = match["rule"]
        if target is None or property_path is None:
            continue
        constraint: tuple[URIRef, Any] | None = None
        if rule == "MUSS MINDESTEN einmal vorkommen":
            constraint = (SH.minCount, Literal(1))
        elif rule == "DARF MAXIMAL einmal vorkommen":
            constraint = (SH.maxCount, Literal(1))
        elif rule == "MUSS auf ein Literal verweisen":
            constraint = (SH.nodeKind, SH.Literal)
        elif rule == "MUSS auf eine Blank Node oder eine IRI verweisen":
            constraint = (SH.nodeKind, SH.BlankNodeOrIRI)
        elif rule.startswith("MUSS auf eine Klasse vom Typ ") and "ignoriert" not in match["rest"]:
            klass = curie(rule.removeprefix("MUSS auf eine Klasse vom Typ ").removesuffix(" verweisen"))
            constraint = (SH["class"], klass) if klass else None
        elif rule.startswith("MUSS ein als ") and rule.endswith(" getyptes Literal sein"):
            datatype = curie(rule.removeprefix("MUSS ein als ").removesuffix(" getyptes Literal sein"))
            constraint = (SH.datatype, datatype) if datatype else None
        if constraint is None:
            continue
        shape = URIRef(str(subject))
        node = node_shapes.setdefault(target, BNode())
        shapes.add((node, ns.RDF.type, SH.NodeShape))
        shapes.add((node, SH.targetClass, target))
        shapes.add((node, SH.property, shape))
        shapes.add((shape, SH.path, property_path))
        shapes.add((shape, *constraint))
        shapes.add((shape, SH.severity, annotations.value(subject, SH.severity) or SH.Violation))
        shapes.add((shape, SH.message, message))
    return shapes


@dataclass(frozen=True)
class Result:
    severity: str
    path: str
    focus: str
    message: str
    shape: str

    def __str__(self) -> str:
        return f"{self.severity.rsplit('#', 1)[1]} {self.path} @ {self.focus}: {self.message}"


@dataclass(frozen=True)
class Oracle:
    govdata: Graph  # GovData's shape files as they are
    base: Graph  # the SEMIC base constraints rebuilt from GovData's messages
    ontologies: Graph  # the mirrored FOAF, vCard and ORG ontologies

    def results(self, data: Graph, shapes: Graph) -> list[Result]:
        _conforms, report, _text = validate(
            data,
            shacl_graph=shapes,
            ont_graph=self.ontologies,
            do_owl_imports=False,
            inference="none",
            allow_warnings=True,
        )
        assert isinstance(report, Graph)
        found = []
        for node in report.subjects(ns.RDF.type, SH.ValidationResult):
            found.append(
                Result(
                    severity=str(report.value(node, SH.resultSeverity)),
                    path=str(report.value(node, SH.resultPath)),
                    focus=str(report.value(node, SH.focusNode)),
                    message=str(report.value(node, SH.resultMessage)),
                    shape=str(report.value(node, SH.sourceShape)),
                )
            )
        return found

    def decidable(self, data: Graph, *, with_base: bool = True) -> list[Result]:
        """Every result except the code-list memberships (skos:inScheme) that need the network."""
        shapes = self.govdata + self.base if with_base else self.govdata
        return [r for r in self.results(data, shapes) if r.path != str(SKOS_IN_SCHEME)]


@pytest.fixture(scope="module")
def oracle() -> Oracle:
    directory = require_oracle(DCAT_AP_DE)
    govdata = Graph()
    for shape_file in sorted((directory / "shapes").glob("*.ttl")):
        govdata.parse(shape_file, format="turtle")
    ontologies = Graph()
    for mirror in sorted((directory / "mirror").iterdir()):
        ontologies.parse(mirror, format="xml" if mirror.suffix == ".rdf" else "turtle")
    return Oracle(govdata=govdata, base=base_shapes_from_messages(govdata), ontologies=ontologies)


# --- catalogues to check -------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def opendata_mounted(settings: Any) -> None:
    try:
        reverse("opendata:index")
    except NoReverseMatch:
        settings.ROOT_URLCONF = __name__


def offline_catalogue() -> Graph:
    """A catalogue built without a database: one federal and one Land dataset."""
    urls = CatalogUrls(
        index="https://isi.example.org/daten/",
        downloads={
            key: f"https://isi.example.org/daten/massnahmen.{key}" for key in ("csv", "json", "xlsx", "atom")
        },
        landing_page="https://isi.example.org/massnahmen/",
    )
    now = timezone.now()
    specs = [
        DatasetSpec(
            slug="land-05",
            filter=MeasureFilter(lands=("05",)),
            title_de="Integrationsmaßnahmen in Nordrhein-Westfalen",
            title_en="Integration measures in Nordrhein-Westfalen",
            description_de="Beschreibung",
            description_en="Description",
            level_uri=LEVEL_STATE,
            spatial_uri=state_uri("05"),
            count=3,
            modified=now,
        )
    ]
    return build_catalog(specs, urls, generated_at=now)


@pytest.fixture
def served_catalogue(db: None, client: Client) -> Graph:
    nrw = Region.objects.get(code="05")
    owner = Organisation.objects.get(key="bmi")
    Measure.objects.create(
        title="Integrationskurs",
        owner=owner,
        level=Level.objects.get(key="bund"),
        nap_i_theme=Theme.objects.get(phase__number=1, position=1),
        publication=Measure.Publication.RELEASED,
    )
    Measure.objects.create(
        title="Landesprogramm",
        owner=owner,
        level=Level.objects.get(key="land"),
        region=nrw,
        publication=Measure.Publication.RELEASED,
    )
    response = client.get(reverse("opendata:catalog_ttl"))
    assert response.status_code == 200
    return Graph().parse(data=response.content, format="turtle")


def first_distribution(graph: Graph) -> URIRef:
    return URIRef(sorted(graph.subjects(ns.RDF.type, ns.DCAT.Distribution))[0])


# --- the product's catalogue conforms --------------------------------------------------------


def test_served_catalogue_conforms_except_code_lists_that_need_the_network(
    oracle: Oracle, served_catalogue: Graph
) -> None:
    all_results = oracle.results(served_catalogue, oracle.govdata + oracle.base)
    undecidable = [r for r in all_results if r.path == str(SKOS_IN_SCHEME)]
    remaining = [str(r) for r in all_results if r.path != str(SKOS_IN_SCHEME)]
    assert remaining == []
    # What is set aside is exactly the code-list membership of controlled-vocabulary values.
    assert undecidable, "expected the offline code-list checks to report skos:inScheme"
    assert all(
        r.focus.startswith(
            ("http://publications.europa.eu/", "http://dcat-ap.de/def/", "http://purl.org/adms/")
        )
        for r in undecidable
    )


def test_served_catalogue_in_json_ld_conforms_too(
    oracle: Oracle, served_catalogue: Graph, client: Client
) -> None:
    jsonld = Graph().parse(data=client.get(reverse("opendata:catalog_jsonld")).content, format="json-ld")
    assert [str(r) for r in oracle.decidable(jsonld)] == []


def test_offline_catalogue_conforms(oracle: Oracle) -> None:
    assert [str(r) for r in oracle.decidable(offline_catalogue())] == []


# --- the oracle is alive: broken catalogues are reported --------------------------------------


def test_distribution_without_access_url_is_reported(oracle: Oracle) -> None:
    graph = offline_catalogue()
    broken = first_distribution(graph)
    graph.remove((broken, ns.DCAT.accessURL, None))
    results = oracle.decidable(graph)
    assert any(
        r.severity == str(SH.Violation) and r.path == str(ns.DCAT.accessURL) and r.focus == str(broken)
        for r in results
    ), [str(r) for r in results]


def test_distribution_without_licence_is_reported_by_govdata_shapes_alone(oracle: Oracle) -> None:
    graph = offline_catalogue()
    broken = first_distribution(graph)
    graph.remove((broken, ns.DCTERMS.license, None))
    results = oracle.decidable(graph, with_base=False)
    assert [(r.severity, r.path, r.focus) for r in results] == [
        (str(SH.Violation), str(ns.DCTERMS.license), str(broken))
    ]


def test_dataset_without_publisher_and_literal_geocoding_level_are_reported(oracle: Oracle) -> None:
    graph = offline_catalogue()
    dataset = next(graph.subjects(ns.RDF.type, ns.DCAT.Dataset))
    level = URIRef(f"{DCATDE}politicalGeocodingLevelURI")
    graph.remove((dataset, ns.DCTERMS.publisher, None))
    graph.set((dataset, level, Literal("state")))
    results = oracle.decidable(graph, with_base=False)
    violations = {(r.path, r.focus) for r in results if r.severity == str(SH.Violation)}
    assert (str(ns.DCTERMS.publisher), str(dataset)) in violations
    assert (str(level), str(dataset)) in violations


def test_contact_point_without_any_address_is_reported(oracle: Oracle) -> None:
    graph = offline_catalogue()
    contact = next(graph.subjects(ns.RDF.type, VCARD.Kind))
    graph.remove((contact, VCARD.hasURL, None))
    graph.remove((contact, VCARD.hasEmail, None))
    assert any(r.focus == str(contact) for r in oracle.decidable(graph, with_base=False))


def test_dataset_without_title_is_reported(oracle: Oracle) -> None:
    graph = offline_catalogue()
    dataset = next(graph.subjects(ns.RDF.type, ns.DCAT.Dataset))
    graph.remove((dataset, ns.DCTERMS.title, None))
    assert any(r.path == str(ns.DCTERMS.title) and r.focus == str(dataset) for r in oracle.decidable(graph))


@pytest.mark.xfail(
    strict=True,
    reason="GovData's shape files only annotate the SEMIC base shapes; without those (not in "
    "../shared/dcat-ap-de) a missing dcat:accessURL is not seen. When the base shapes are added, "
    "this passes: drop the marker and the rebuilt base constraints.",
)
def test_govdata_shapes_alone_report_a_missing_access_url(oracle: Oracle) -> None:
    graph = offline_catalogue()
    graph.remove((first_distribution(graph), ns.DCAT.accessURL, None))
    assert any(r.path == str(ns.DCAT.accessURL) for r in oracle.decidable(graph, with_base=False))


def test_rebuilt_base_constraints_cover_the_mandatory_properties(oracle: Oracle) -> None:
    mandatory = {
        (str(target), str(oracle.base.value(shape, SH.path)))
        for node, target in oracle.base.subject_objects(SH.targetClass)
        for shape in oracle.base.objects(node, SH.property)
        if oracle.base.value(shape, SH.minCount) is not None
    }
    dcat, dct = str(ns.DCAT), str(ns.DCTERMS)
    assert (f"{dcat}Distribution", f"{dcat}accessURL") in mandatory
    assert (f"{dcat}Dataset", f"{dct}title") in mandatory
    assert (f"{dcat}Dataset", f"{dct}description") in mandatory
    assert (f"{dcat}Catalog", f"{dct}publisher") in mandatory
    assert (str(ns.FOAF.Agent), str(ns.FOAF.name)) in mandatory


# --- the oracle's own rule: CI never skips it -------------------------------------------------


def test_missing_shapes_fail_in_ci(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="shapes missing"):
        require_oracle(tmp_path / "nowhere")


def test_missing_shapes_skip_outside_ci(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception):
        require_oracle(tmp_path / "nowhere")


def test_shapes_are_not_copied_into_the_product() -> None:
    """The shapes are a test oracle (AGPL in their repository): the product must not ship them."""
    names = {"dcat-ap-SHACL-DE.ttl", "dcat-ap-de-controlledvocabularies.ttl", "dcat-ap-de-imports.ttl"}
    if DCAT_AP_DE.is_dir():
        names |= {p.name for p in DCAT_AP_DE.rglob("*") if p.is_file()} - {"README.md"}
    assert not [p for p in (REPO_DIR / "src").rglob("*") if p.name in names]
