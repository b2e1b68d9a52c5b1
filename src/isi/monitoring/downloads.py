"""CSV downloads of indicator data in the Open SDG convention, safe to open in Excel."""

from __future__ import annotations

from collections.abc import Sequence

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.text import slugify

from isi.core.spreadsheets import spreadsheet_safe
from isi.monitoring.models import Indicator
from isi.monitoring.opensdg import Row, serialise
from isi.opendata.exports import UTF8_BOM

ILLUSTRATIVE_SUFFIX = "illustrative-beispieldaten-keine-amtlichen-zahlen"


def filename(indicator: Indicator, part: str) -> str:
    """`isi-indikator-<slug>-<part>.csv`; demo data says so in the name wherever the file goes."""
    pieces = ["isi-indikator", indicator.slug, slugify(part)]
    if indicator.is_illustrative:
        pieces.append(ILLUSTRATIVE_SUFFIX)
    return "-".join(p for p in pieces if p) + ".csv"


def csv_response(indicator: Indicator, rows: Sequence[Row], *, part: str) -> HttpResponse:
    # The BOM makes Excel read UTF-8 (umlauts); the Open SDG parser ignores it.
    text = UTF8_BOM + serialise(rows, safe=spreadsheet_safe)
    response = HttpResponse(text.encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename(indicator, part))
    if indicator.is_illustrative:
        response["X-ISI-Data-Status"] = "illustrative; not official statistics"
    return response
