"""Open-data endpoints: downloads of the search result (CSV, JSON, XLSX), the DCAT-AP.de catalogue
(Turtle, JSON-LD) and the page that lists them. Thin: the work is in exports, datasets and dcat."""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from isi.core.locale import canonical_reverse
from isi.opendata.datasets import DatasetSpec, published_datasets
from isi.opendata.exports import (
    XLSX_MEDIA_TYPE,
    export_meta,
    iter_csv,
    iter_json,
    license_name,
    license_uri,
    write_xlsx,
    xlsx_notes,
)
from isi.opendata.geocoding import land_names
from isi.opendata.package import BY_NAME, datapackage, iter_table_csv
from isi.search.filters import MeasureFilter
from isi.search.selectors import filtered_public_measures

if TYPE_CHECKING:
    from isi.opendata import dcat

CACHE_CONTROL = "public, max-age=300"
XLSX_SPOOL_BYTES = 8 * 1024 * 1024  # larger workbooks go to a temporary file, not to memory


def public_base_url(request: HttpRequest) -> str:
    """Scheme and host for absolute links: ISI_PUBLIC_BASE_URL, else the request's own."""
    configured = getattr(settings, "ISI_PUBLIC_BASE_URL", None)
    if configured:
        return str(configured).rstrip("/")
    return request.build_absolute_uri("/").rstrip("/")


def _absolute(request: HttpRequest, name: str) -> str:
    return public_base_url(request) + canonical_reverse(name)


def _catalog_urls(request: HttpRequest) -> dcat.CatalogUrls:
    from isi.opendata import dcat  # rdflib: imported by the catalogue's own requests, not at start

    index = _absolute(request, "opendata:index")
    try:
        landing = _absolute(request, "portal:search")
    except NoReverseMatch:  # the portal is not mounted (tests of this app alone)
        landing = index
    return dcat.CatalogUrls(
        index=index,
        downloads={fmt.key: _absolute(request, f"opendata:measures_{fmt.key}") for fmt in dcat.FORMATS},
        landing_page=landing,
        datapackage=_absolute(request, "opendata:datapackage"),
    )


def _public_headers(response: HttpResponseBase) -> HttpResponseBase:
    """Open data: cacheable by anyone for five minutes, readable from any web page."""
    response["Cache-Control"] = CACHE_CONTROL
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _filename(f: MeasureFilter, extension: str) -> str:
    scope = "massnahmen" if f.is_empty else "massnahmen-auswahl"
    return f"isi-{scope}-{timezone.localdate():%Y-%m-%d}.{extension}"


def _attachment(response: HttpResponseBase, filename: str) -> HttpResponseBase:
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return _public_headers(response)


@require_safe
def measures_csv(request: HttpRequest) -> HttpResponseBase:
    f = MeasureFilter.from_params(request.GET)
    rows = iter_csv(filtered_public_measures(f), land_names())
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    return _attachment(response, _filename(f, "csv"))


@require_safe
def measures_json(request: HttpRequest) -> HttpResponseBase:
    f = MeasureFilter.from_params(request.GET)
    measures = filtered_public_measures(f)
    meta = export_meta(
        f,
        count=measures.count(),
        generated_at=timezone.now(),
        source_url=_absolute(request, "opendata:index"),
    )
    response = StreamingHttpResponse(
        iter_json(measures, land_names(), meta), content_type="application/json; charset=utf-8"
    )
    return _attachment(response, _filename(f, "json"))


@require_safe
def measures_xlsx(request: HttpRequest) -> HttpResponseBase:
    f = MeasureFilter.from_params(request.GET)
    notes = xlsx_notes(
        f,
        generated_at=timezone.now(),
        source_url=_absolute(request, "opendata:index"),
        request_url=public_base_url(request) + request.get_full_path(),
    )
    # A zip needs its directory at the end, so the workbook is finished before it is sent; rows go
    # to openpyxl's write-only temporary files and the result to a spooled file, not to memory.
    # FileResponse closes the file when the response is closed.
    spool = tempfile.SpooledTemporaryFile(max_size=XLSX_SPOOL_BYTES)  # noqa: SIM115
    write_xlsx(filtered_public_measures(f), land_names(), notes, spool)
    spool.seek(0)
    response = FileResponse(spool, content_type=XLSX_MEDIA_TYPE)
    return _attachment(response, _filename(f, "xlsx"))


@require_safe
def datapackage_json(request: HttpRequest) -> HttpResponseBase:
    """The Frictionless Data Package of all public measures (isi.opendata.package)."""
    descriptor = datapackage(base_url=_absolute(request, "opendata:index"), generated_at=timezone.now())
    response = HttpResponse(
        json.dumps(descriptor, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    return _public_headers(response)


@require_safe
def package_table(request: HttpRequest, name: str) -> HttpResponseBase:
    """One CSV file of the data package: machine conventions (ISO dates, decimal point)."""
    table = BY_NAME.get(name)
    if table is None:
        raise Http404
    response = StreamingHttpResponse(iter_table_csv(table), content_type="text/csv; charset=utf-8")
    return _attachment(response, f"{name}.csv")


@require_safe
def catalog_turtle(request: HttpRequest) -> HttpResponseBase:
    from isi.opendata import dcat  # rdflib: imported by the catalogue's own requests, not at start

    graph = dcat.build_catalog(published_datasets(), _catalog_urls(request), generated_at=timezone.now())
    return _public_headers(HttpResponse(dcat.to_turtle(graph), content_type="text/turtle; charset=utf-8"))


@require_safe
def catalog_jsonld(request: HttpRequest) -> HttpResponseBase:
    from isi.opendata import dcat  # rdflib: imported by the catalogue's own requests, not at start

    graph = dcat.build_catalog(published_datasets(), _catalog_urls(request), generated_at=timezone.now())
    return _public_headers(HttpResponse(dcat.to_jsonld(graph), content_type="application/ld+json"))


@dataclass(frozen=True)
class DatasetRow:
    """One dataset on the page, in the page's language, with its relative download links."""

    spec: DatasetSpec
    title: str
    description: str
    downloads: list[tuple[str, str]]  # (label, URL)
    lang: str = "de"  # of title and description: English or German (also on pages in other languages)


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    from isi.opendata import dcat  # rdflib: imported by the catalogue's own requests, not at start

    english = (get_language() or "de").startswith("en")
    rows = []
    for spec in published_datasets():
        query = spec.querystring
        rows.append(
            DatasetRow(
                spec=spec,
                title=spec.title_en if english else spec.title_de,
                description=spec.description_en if english else spec.description_de,
                downloads=[
                    (fmt.label, reverse(f"opendata:measures_{fmt.key}") + (f"?{query}" if query else ""))
                    for fmt in dcat.FORMATS
                ],
                lang="en" if english else "de",
            )
        )
    uri = license_uri()
    return render(
        request,
        "opendata/index.html",
        {
            "datasets": rows,
            "formats": dcat.FORMATS,
            "license_uri": uri,
            "license_name": license_name(uri),
        },
    )
