"""Open-data downloads (CSV, JSON, XLSX) and the /daten/ page, through the real URLs."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.http import QueryDict
from django.test import Client
from django.urls import NoReverseMatch, include, path, reverse
from django.utils import timezone
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from isi.catalog.models import Area, FundingProgramme, Level, Region, TargetGroup, Theme
from isi.measures.export import measure_to_export
from isi.measures.models import Measure, MeasureOrganisation
from isi.opendata.exports import HEADERS, INTERNAL_EXPORT_FIELDS, PUBLIC_EXPORT_FIELDS
from isi.organisations.models import Organisation
from isi.search.filters import MeasureFilter
from isi.search.selectors import filtered_public_measures
from isi.urls import urlpatterns as isi_urlpatterns

pytestmark = pytest.mark.django_db

# Used only until the lead mounts isi.opendata.urls at "daten/" in isi.urls (see the fixture).
urlpatterns = [path("daten/", include("isi.opendata.urls")), *isi_urlpatterns]  # i18n_patterns: no include()

INJECTIONS = ["=1+1", "+49 30 123456", "-3", "@SUM(A1:A2)", "\tfoo", "\rfoo"]


@pytest.fixture(autouse=True)
def opendata_mounted(settings: Any) -> None:
    try:
        reverse("opendata:index")
    except NoReverseMatch:
        settings.ROOT_URLCONF = __name__


def org(key: str) -> Organisation:
    return Organisation.objects.get(key=key)


def make_measure(title: str, *, released: bool = True, archived: bool = False, **fields: Any) -> Measure:
    fields.setdefault("owner", org("bmi"))
    fields.setdefault("level", Level.objects.get(key="bund"))
    return Measure.objects.create(
        title=title,
        publication=Measure.Publication.RELEASED if released else Measure.Publication.DRAFT,
        archived_at=timezone.now() if archived else None,
        **fields,
    )


@pytest.fixture
def world() -> dict[str, Measure]:
    land = Region.objects.get(code="05")
    kommune = Region.objects.create(
        code="051110000000", name="Düsseldorf", kind=Region.Kind.KOMMUNE, land=land
    )
    theme = Theme.objects.select_related("phase").get(phase__number=2, position=1)
    federal = make_measure(
        "Integrationskurs",
        summary="Sprache und Orientierung",
        status=Measure.Status.RUNNING,
        start_date=date(2005, 1, 1),
        budget_eur=Decimal("1234567.50"),
        nap_i_theme=theme,
        nap_i_number=1,
        owner_basis=Measure.OwnerBasis.THEME_LEAD,
        owner_explanation="intern: hergeleitet",
        source_key="napi-2-1-1",
        suggested_fields=["owner"],
    )
    federal.areas.add(Area.objects.get(key="sprache"), Area.objects.get(key="gesellschaft"))
    federal.target_groups.add(TargetGroup.objects.get(key="eu-buerger"))
    federal.funding_programmes.add(FundingProgramme.objects.get(key="bundeshaushalt"))
    MeasureOrganisation.objects.create(measure=federal, organisation=org("bamf"), role="implementing")
    state = make_measure(
        "Landesprogramm Ankommen",
        level=Level.objects.get(key="land"),
        region=land,
        owner=org("bmas"),
    )
    state.areas.add(Area.objects.get(key="bildung-arbeit"))
    municipal = make_measure("Kommunale Beratung", level=Level.objects.get(key="kommune"), region=kommune)
    hostile = [make_measure(f"Injection {i}", summary=text, goals=text) for i, text in enumerate(INJECTIONS)]
    hostile[0].title = '=HYPERLINK("http://evil.example","klick")'
    hostile[0].save()
    return {
        "federal": federal,
        "state": state,
        "municipal": municipal,
        "hostile0": hostile[0],
        "draft": make_measure("Geheimer Entwurf", released=False, summary="intern"),
        "archived": make_measure("Archivierte Maßnahme", archived=True),
    }


def csv_rows(response: Any) -> list[dict[str, str]]:
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    text = body.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))


def json_body(response: Any) -> dict[str, Any]:
    return json.loads(b"".join(response.streaming_content))  # type: ignore[no-any-return]


def xlsx_workbook(response: Any) -> Any:
    data = b"".join(response.streaming_content)
    assert zipfile.is_zipfile(io.BytesIO(data))
    return load_workbook(io.BytesIO(data))


def expected_ids(query: str = "") -> list[int]:
    return [m.pk for m in filtered_public_measures(MeasureFilter.from_params(QueryDict(query)))]


# --- CSV -------------------------------------------------------------------------------------------


def test_csv_is_german_excel_friendly(client: Client, world: dict[str, Measure]) -> None:
    response = client.get(reverse("opendata:measures_csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf" + b"ID;Titel;")
    assert b"\r\n" in body and b"\n" not in body.replace(b"\r\n", b"")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert tuple(rows[0]) == HEADERS
    assert all(len(row) == len(HEADERS) for row in rows)
    by_title = {row[1]: dict(zip(HEADERS, row, strict=True)) for row in rows[1:]}
    federal = by_title["Integrationskurs"]
    assert federal["Beginn"] == "01.01.2005"
    assert federal["Mittel (EUR)"] == "1234567,50"
    assert federal["Status"] == "laufend"
    assert federal["Bereiche"] == "Sprache | Gesellschaft"
    assert federal["NAP-I-Phase"] == "2"
    assert "durchführend" in federal["Beteiligte Organisationen"]
    assert federal["Zuletzt geändert"] == timezone.localdate().strftime("%d.%m.%Y")


def test_csv_headers_and_file_name(client: Client, world: dict[str, Measure]) -> None:
    everything = client.get(reverse("opendata:measures_csv"))
    assert everything["Cache-Control"] == "public, max-age=300"
    assert everything["Content-Disposition"].startswith("attachment;")
    assert 'filename="isi-massnahmen-' in everything["Content-Disposition"]
    selection = client.get(reverse("opendata:measures_csv") + "?area=sprache")
    assert 'filename="isi-massnahmen-auswahl-' in selection["Content-Disposition"]


@pytest.mark.parametrize("text", INJECTIONS)
def test_csv_neutralises_formula_injection(client: Client, world: dict[str, Measure], text: str) -> None:
    rows = csv_rows(client.get(reverse("opendata:measures_csv")))
    summaries = [row["Kurzbeschreibung"] for row in rows if row["Titel"].startswith("Injection")]
    summaries += [row["Kurzbeschreibung"] for row in rows if row["Titel"].startswith("'=HYPERLINK")]
    assert "'" + text in summaries
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value


def test_csv_title_formula_is_text(client: Client, world: dict[str, Measure]) -> None:
    rows = csv_rows(client.get(reverse("opendata:measures_csv")))
    assert '\'=HYPERLINK("http://evil.example","klick")' in [row["Titel"] for row in rows]


def test_csv_carries_political_geocoding(client: Client, world: dict[str, Measure]) -> None:
    rows = {row["Titel"]: row for row in csv_rows(client.get(reverse("opendata:measures_csv")))}
    assert rows["Landesprogramm Ankommen"]["Landesschlüssel"] == "05"
    assert rows["Landesprogramm Ankommen"]["Land"] == "Nordrhein-Westfalen"
    assert rows["Landesprogramm Ankommen"]["Regionalschlüssel (ARS)"] == ""
    municipal = rows["Kommunale Beratung"]
    assert (municipal["Landesschlüssel"], municipal["Land"]) == ("05", "Nordrhein-Westfalen")
    assert municipal["Regionalschlüssel (ARS)"] == "051110000000"
    assert municipal["Gemeindeschlüssel (AGS)"] == "05111000"
    assert rows["Integrationskurs"]["Landesschlüssel"] == ""


# --- XLSX ------------------------------------------------------------------------------------------


def test_xlsx_is_a_workbook_with_header_filter_and_notes(client: Client, world: dict[str, Measure]) -> None:
    response = client.get(reverse("opendata:measures_xlsx") + "?q=Integrationskurs")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Cache-Control"] == "public, max-age=300"
    assert 'filename="isi-massnahmen-auswahl-' in response["Content-Disposition"]
    workbook = xlsx_workbook(response)
    assert workbook.sheetnames == ["Maßnahmen", "Hinweise"]
    sheet = workbook["Maßnahmen"]
    assert tuple(cell.value for cell in sheet[1]) == HEADERS
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{get_column_letter(len(HEADERS))}{sheet.max_row}"
    assert sheet.column_dimensions["B"].width >= 30
    row = {header: cell.value for header, cell in zip(HEADERS, sheet[2], strict=True)}
    assert row["Titel"] == "Integrationskurs"
    assert row["Beginn"].date() == date(2005, 1, 1)
    assert row["Mittel (EUR)"] == pytest.approx(1234567.5)
    notes = {r[0].value: r[1].value for r in workbook["Hinweise"].iter_rows(min_row=2)}
    assert notes["Lizenz (URI)"] == "http://dcat-ap.de/def/licenses/dl-by-de/2.0"
    assert "Datenlizenz Deutschland" in notes["Lizenz"]
    assert notes["Filter"] == "q=Integrationskurs"
    assert notes["Anzahl Maßnahmen"] == "1"
    assert notes["Stand (Zeitpunkt des Exports)"].startswith(timezone.localdate().strftime("%d.%m.%Y"))
    assert "Informationssystem Integration" in notes["Quelle"]


def test_xlsx_stops_at_the_excel_row_limit_and_says_so(
    client: Client, world: dict[str, Measure], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("isi.opendata.exports.XLSX_MAX_ROWS", 2)
    workbook = xlsx_workbook(client.get(reverse("opendata:measures_xlsx")))
    assert workbook["Maßnahmen"].max_row == 3
    notes = {r[0].value: r[1].value for r in workbook["Hinweise"].iter_rows(min_row=2)}
    assert notes["Anzahl Maßnahmen"] == "2"
    assert "CSV oder JSON" in notes["Unvollständig"]


def test_xlsx_neutralises_formula_injection(client: Client, world: dict[str, Measure]) -> None:
    workbook = xlsx_workbook(client.get(reverse("opendata:measures_xlsx")))
    texts = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.coordinate
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "-", "@", "\t", "\r")), cell.value
                    texts.append(cell.value)
    for text in INJECTIONS:
        # XML parsers read a bare carriage return as a line feed; what matters is the apostrophe.
        assert ("'" + text).replace("\r", "\n") in texts
    assert '\'=HYPERLINK("http://evil.example","klick")' in texts


def test_xlsx_keeps_keys_as_text(client: Client, world: dict[str, Measure]) -> None:
    sheet = xlsx_workbook(client.get(reverse("opendata:measures_xlsx") + "?land=05"))["Maßnahmen"]
    rows = [{h: c.value for h, c in zip(HEADERS, r, strict=True)} for r in sheet.iter_rows(min_row=2)]
    municipal = next(r for r in rows if r["Titel"] == "Kommunale Beratung")
    assert municipal["Landesschlüssel"] == "05"
    assert municipal["Regionalschlüssel (ARS)"] == "051110000000"


# --- JSON ------------------------------------------------------------------------------------------


def test_json_has_meta_and_public_records_only(client: Client, world: dict[str, Measure]) -> None:
    response = client.get(reverse("opendata:measures_json") + "?area=sprache")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Cache-Control"] == "public, max-age=300"
    assert 'filename="isi-massnahmen-auswahl-' in response["Content-Disposition"]
    body = json_body(response)
    meta = body["meta"]
    assert meta["license"] == "http://dcat-ap.de/def/licenses/dl-by-de/2.0"
    assert meta["filter"] == {"area": ["sprache"]}
    assert meta["count"] == len(body["measures"]) == 1
    assert meta["generated_at"].startswith(str(timezone.now().year))
    record = body["measures"][0]
    assert record["id"] == world["federal"].pk
    assert record["public"] is True
    assert record["nap_i"] == {"phase": 2, "theme": 1, "number": 1}
    for key in INTERNAL_EXPORT_FIELDS:
        assert key not in record
    assert "intern: hergeleitet" not in json.dumps(body)
    assert record["budget_eur"] == "1234567.50"


def test_json_records_match_isi_export_json(client: Client, world: dict[str, Measure]) -> None:
    body = json_body(client.get(reverse("opendata:measures_json")))
    assert body["meta"]["filter"] == {}
    by_id = {record["id"]: record for record in body["measures"]}
    for measure in filtered_public_measures(MeasureFilter()):
        full = measure_to_export(measure)
        public = by_id[measure.pk]
        for key in PUBLIC_EXPORT_FIELDS:
            assert public[key] == full[key], key


def test_json_geocoding(client: Client, world: dict[str, Measure]) -> None:
    body = json_body(client.get(reverse("opendata:measures_json") + "?land=05"))
    by_title = {record["title"]: record for record in body["measures"]}
    municipal = by_title["Kommunale Beratung"]
    assert municipal["land"] == {"key": "05", "name": "Nordrhein-Westfalen"}
    assert (municipal["ars"], municipal["ags"]) == ("051110000000", "05111000")
    assert (
        municipal["political_geocoding_uri"]
        == "http://dcat-ap.de/def/politicalGeocoding/regionalKey/051110000000"
    )
    assert (
        municipal["political_geocoding_level_uri"]
        == "http://dcat-ap.de/def/politicalGeocoding/Level/municipality"
    )
    state = by_title["Landesprogramm Ankommen"]
    assert state["political_geocoding_uri"] == "http://dcat-ap.de/def/politicalGeocoding/stateKey/05"
    assert state["ars"] is None


def test_every_field_of_the_export_is_classified_public_or_internal(world: dict[str, Measure]) -> None:
    """A new field in `isi export json` must be a decision: public download or internal."""
    keys = set(measure_to_export(filtered_public_measures(MeasureFilter())[0]))
    assert keys <= set(PUBLIC_EXPORT_FIELDS) | INTERNAL_EXPORT_FIELDS, keys - set(PUBLIC_EXPORT_FIELDS)


# --- the one selector --------------------------------------------------------------------------


QUERIES = [
    "",
    "q=Integrationskurs",
    "area=sprache",
    "area=sprache&area=bildung-arbeit",
    "land=05",
    "level=kommune",
    "phase=2",
    "owner=bmas",
    "q=Injection&sort=title",
    "status=running",
    "area=unbekannt",
]


@pytest.mark.parametrize("query", QUERIES)
def test_filters_narrow_every_format_exactly_like_the_selector(
    client: Client, world: dict[str, Measure], query: str
) -> None:
    expected = expected_ids(query)
    suffix = f"?{query}" if query else ""
    csv_ids = [int(row["ID"]) for row in csv_rows(client.get(reverse("opendata:measures_csv") + suffix))]
    json_ids = [
        record["id"]
        for record in json_body(client.get(reverse("opendata:measures_json") + suffix))["measures"]
    ]
    sheet = xlsx_workbook(client.get(reverse("opendata:measures_xlsx") + suffix))["Maßnahmen"]
    xlsx_ids = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert csv_ids == json_ids == xlsx_ids == expected


@pytest.mark.parametrize("query", QUERIES)
def test_drafts_and_archived_measures_never_appear(
    client: Client, world: dict[str, Measure], query: str
) -> None:
    suffix = f"?{query}" if query else ""
    hidden = {world["draft"].pk, world["archived"].pk}
    for name in ("opendata:measures_csv", "opendata:measures_json", "opendata:measures_xlsx"):
        body = b"".join(client.get(reverse(name) + suffix).streaming_content)
        assert b"Geheimer Entwurf" not in body
        assert b"Archivierte" not in body
    json_ids = {
        r["id"] for r in json_body(client.get(reverse("opendata:measures_json") + suffix))["measures"]
    }
    assert not json_ids & hidden


def test_empty_result_is_a_valid_file_in_every_format(client: Client, world: dict[str, Measure]) -> None:
    query = "?q=gibtesnicht"
    assert csv_rows(client.get(reverse("opendata:measures_csv") + query)) == []
    body = json_body(client.get(reverse("opendata:measures_json") + query))
    assert body["measures"] == [] and body["meta"]["count"] == 0
    sheet = xlsx_workbook(client.get(reverse("opendata:measures_xlsx") + query))["Maßnahmen"]
    assert sheet.max_row == 1


def test_downloads_take_a_fixed_number_of_queries(
    client: Client, world: dict[str, Measure], django_assert_max_num_queries: Any
) -> None:
    for i in range(30):
        measure = make_measure(f"Weitere Maßnahme {i}")
        measure.areas.add(Area.objects.get(key="sprache"))
    for name in ("opendata:measures_csv", "opendata:measures_json", "opendata:measures_xlsx"):
        with django_assert_max_num_queries(15):
            b"".join(client.get(reverse(name)).streaming_content)


def test_only_get_and_head(client: Client, world: dict[str, Measure]) -> None:
    assert client.post(reverse("opendata:measures_csv")).status_code == 405
    assert client.head(reverse("opendata:measures_json")).status_code == 200


# --- the page --------------------------------------------------------------------------------------


def test_page_lists_datasets_with_downloads(client: Client, world: dict[str, Measure]) -> None:
    response = client.get(reverse("opendata:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert html.count("<caption") >= 2
    assert "Integrationsmaßnahmen – alle veröffentlichten Maßnahmen" in html
    assert "Integrationsmaßnahmen in Nordrhein-Westfalen" in html
    assert f'href="{reverse("opendata:measures_csv")}?land=05"' in html
    assert f'href="{reverse("opendata:measures_xlsx")}?phase=2"' in html
    assert "Integrationsmaßnahmen im NAP-I, Phase II" in html
    assert reverse("opendata:catalog_ttl") in html
    assert "Geheimer Entwurf" not in html


def test_page_in_english(client: Client, world: dict[str, Measure]) -> None:
    html = client.get(reverse("opendata:index"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en"' in html
    assert "Open data: datasets and downloads</h1>" in html
    assert ">Datasets</caption>" in html
    assert "Integration measures in Nordrhein-Westfalen" in html
    assert "Integrationsmaßnahmen in Nordrhein-Westfalen" not in html
