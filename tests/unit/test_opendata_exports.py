"""Pure helpers of the open-data exports: formula guard, German cell formats, geocoding, filters."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.http import QueryDict

from isi.catalog.models import Region
from isi.opendata.exports import csv_text, filter_as_dict, filter_as_text, spreadsheet_safe
from isi.opendata.geocoding import Geocoding, ags_from_ars, geocode, state_uri
from isi.search.filters import MeasureFilter

LANDS = {"05": "Nordrhein-Westfalen", "09": "Bayern"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+49 30 123456", "'+49 30 123456"),
        ("-3", "'-3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\tfoo", "'\tfoo"),
        ("\rfoo", "'\rfoo"),
        ('=HYPERLINK("http://evil.example")', '\'=HYPERLINK("http://evil.example")'),
        # Spreadsheets skip leading blanks and quotes before a formula (issue #12).
        (" =Leerzeichen", "' =Leerzeichen"),
        ("   =1+1", "'   =1+1"),
        ('"=1', "'\"=1"),
        ("'=1", "''=1"),
    ],
)
def test_spreadsheet_safe_neutralises_formula_triggers(value: str, expected: str) -> None:
    assert spreadsheet_safe(value) == expected


@pytest.mark.parametrize(
    "value", ["", "Integrationskurs", "1+1", "a=b", "E-Mail", "'zitiert", " Leerzeichen", '"Zitat"']
)
def test_spreadsheet_safe_leaves_ordinary_text_alone(value: str) -> None:
    assert spreadsheet_safe(value) == value


def test_csv_cells_follow_german_excel_conventions() -> None:
    assert csv_text(date(2024, 3, 7)) == "07.03.2024"
    assert csv_text(Decimal("1234567.50")) == "1234567,50"
    assert csv_text(Decimal("-3")) == "'-3"  # a negative amount is still no formula
    assert csv_text(42) == "42"
    assert csv_text(None) == ""
    assert csv_text("=cmd|' /C calc'!A0") == "'=cmd|' /C calc'!A0"


@pytest.mark.parametrize(
    ("ars", "ags"),
    [
        ("051110000000", "05111000"),
        ("091620000000", "09162000"),
        ("010515163003", "01051003"),
        ("05111", None),
    ],
)
def test_ags_is_the_ars_without_the_municipal_association(ars: str, ags: str | None) -> None:
    assert ags_from_ars(ars) == ags


def test_geocoding_of_land_kommune_and_federal_measures() -> None:
    assert geocode(None, LANDS) == Geocoding()
    land = Region(code="05", name="Nordrhein-Westfalen", kind=Region.Kind.LAND)
    assert geocode(land, LANDS) == Geocoding(land_key="05", land_name="Nordrhein-Westfalen")
    assert geocode(land, LANDS).uri == "http://dcat-ap.de/def/politicalGeocoding/stateKey/05"
    kommune = Region(code="091620000000", name="München", kind=Region.Kind.KOMMUNE)
    coded = geocode(kommune, LANDS)
    assert (coded.land_key, coded.land_name, coded.ars, coded.ags) == (
        "09",
        "Bayern",
        "091620000000",
        "09162000",
    )
    assert coded.uri == "http://dcat-ap.de/def/politicalGeocoding/regionalKey/091620000000"
    assert state_uri("16") == "http://dcat-ap.de/def/politicalGeocoding/stateKey/16"


def test_filter_is_described_by_its_url_parameters() -> None:
    f = MeasureFilter.from_params(QueryDict("q=Sprachkurs&area=sprache&area=bildung-arbeit&land=05"))
    assert filter_as_dict(f) == {"q": "Sprachkurs", "area": ["sprache", "bildung-arbeit"], "land": ["05"]}
    assert filter_as_text(f) == "q=Sprachkurs; area=sprache, bildung-arbeit; land=05"
    assert filter_as_dict(MeasureFilter()) == {}
    assert filter_as_text(MeasureFilter()).startswith("keiner")
