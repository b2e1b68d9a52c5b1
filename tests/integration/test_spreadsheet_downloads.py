"""Every CSV and XLSX file ISI serves neutralises formulas, also behind blanks and quotes.

Issue #12, point 8: "   =1+1" and " +1+1" passed into the open-data CSV unchanged. The test
finds every download URL that ends in .csv or .xlsx (plus the IMAG report's XLSX), fills the
database with such texts wherever users can type them, downloads each file and checks every cell
with an oracle of its own. A new download URL fails the test until it is added here.
"""

from __future__ import annotations

import ast
import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from openpyxl import load_workbook  # type: ignore[import-untyped]

from isi.accounts.models import User
from isi.catalog.models import Area, Level, TargetGroup
from isi.measures.models import Evaluation, Measure
from isi.monitoring import services as monitoring
from isi.monitoring.opensdg import Row
from isi.organisations.models import Organisation
from isi.reports.models import ReportJob

pytestmark = pytest.mark.django_db

SRC = Path(__file__).resolve().parents[2] / "src" / "isi"
MARK = "1+1"  # every malicious text contains it, so the test can tell that it reached the file
PAYLOADS = ["   =1+1", " +1+1", '"=1+1', "\r=1+1", "\t=1+1", " @1+1", "-1+1", "'=1+1", "\n=1+1"]


def dangerous(cell: str) -> bool:
    """Would a spreadsheet read the cell as a formula? (An oracle of its own, not the guard.)"""
    if cell.startswith("'"):
        return False
    rest = cell.lstrip()
    while rest[:1] in ("'", '"') and rest:
        rest = rest[1:].lstrip()
    lead = cell[: len(cell) - len(rest)]
    return any(c in lead for c in "\t\r\n") or rest[:1] in ("=", "+", "-", "@")


@dataclass
class World:
    staff: Client
    coordination: Client
    indicator_slug: str
    indicator_pk: int


@pytest.fixture
def world() -> World:
    bmi = Organisation.objects.get(key="bmi")
    desk = User.objects.create_user(username="bmi", password="x", role="desk_officer", organisation=bmi)
    lead = User.objects.create_user(
        username="koordination",
        password="x",
        role="coordination",
        organisation=Organisation.objects.get(key="ib"),
    )
    group = TargetGroup.objects.create(key="boese", name=" =1+1 Zielgruppe", kind="primary", position=1)
    area = Area.objects.get(key="sprache")
    for number, payload in enumerate(PAYLOADS):
        measure = Measure.objects.create(
            title=f"{payload} Maßnahme {number}",
            summary=payload,
            goals=payload,
            funding_note=payload,
            owner=bmi,
            level=Level.objects.get(key="bund"),
            publication=Measure.Publication.RELEASED,
            budget_eur=Decimal("1000"),
        )
        measure.areas.set([area])
        measure.target_groups.set([group])
        Evaluation.objects.create(
            measure=measure, state=Evaluation.State.DONE, method=payload, result_summary=payload
        )
    indicator = monitoring.create_indicator(
        actor=None,
        slug="boese",
        name="Indikator",
        name_en="Indicator",
        description="Beschreibung",
        unit="Prozent",
        unit_en="per cent",
        source="Quelle",
        area=area,
        is_illustrative=True,
        published=True,
    )
    rows = [
        Row(year=2020 + index, geo_code="", disaggregation={"Gruppe": payload}, value=Decimal("1"))
        for index, payload in enumerate(PAYLOADS)
    ]
    monitoring.import_observations(
        indicator=indicator, rows=rows, mode=monitoring.ImportMode.REPLACE, actor=None
    )
    staff, coordination = Client(), Client()
    staff.force_login(desk)
    coordination.force_login(lead)
    return World(staff, coordination, indicator.slug, indicator.pk)


def imag_xlsx(world: World) -> bytes:
    assert world.coordination.post(reverse("reports:imag"), {"scope": "bmi"}).status_code == 302
    job = ReportJob.objects.order_by("-pk").first()
    assert job is not None and job.state == ReportJob.State.DONE, job and job.error
    response = world.coordination.get(reverse("reports:imag_download", args=[job.token, "xlsx"]))
    assert response.status_code == 200
    return bytes(response.content)


def get(client_of: Callable[[World], Client], url: Callable[[World], str]) -> Callable[[World], bytes]:
    def fetch(world: World) -> bytes:
        response = client_of(world).get(url(world))
        assert response.status_code == 200, url(world)
        return b"".join(response.streaming_content) if response.streaming else bytes(response.content)

    return fetch


def anonymous(world: World) -> Client:
    return Client()


# Every spreadsheet download, by URL name: how to fetch it with the malicious world.
DOWNLOADS: dict[str, Callable[[World], bytes]] = {
    "opendata:measures_csv": get(anonymous, lambda w: reverse("opendata:measures_csv")),
    "opendata:measures_xlsx": get(anonymous, lambda w: reverse("opendata:measures_xlsx")),
    "opendata:package_table": get(
        anonymous, lambda w: reverse("opendata:package_table", kwargs={"name": "massnahmen"})
    ),
    "roundtrip:download_csv": get(lambda w: w.staff, lambda w: reverse("roundtrip:download_csv")),
    "roundtrip:download_xlsx": get(lambda w: w.staff, lambda w: reverse("roundtrip:download_xlsx")),
    "reports:coverage_csv": get(lambda w: w.coordination, lambda w: reverse("reports:coverage_csv")),
    "reports:coverage_xlsx": get(lambda w: w.coordination, lambda w: reverse("reports:coverage_xlsx")),
    "evaluation:export_xlsx": get(lambda w: w.coordination, lambda w: reverse("evaluation:export_xlsx")),
    "monitoring:csv": get(anonymous, lambda w: reverse("monitoring:csv", args=[w.indicator_slug])),
    "monitoring_staff:export": get(
        lambda w: w.coordination, lambda w: reverse("monitoring_staff:export", args=[w.indicator_pk])
    ),
    "reports:imag_download": imag_xlsx,
}


def _patterns(
    patterns: list[URLPattern | URLResolver], route: str = "", ns: str = ""
) -> Iterator[tuple[str, str]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{ns}:{entry.namespace}" if ns and entry.namespace else (entry.namespace or ns)
            yield from _patterns(entry.url_patterns, route + str(entry.pattern), inner)
        elif entry.name:
            yield route + str(entry.pattern), f"{ns}:{entry.name}" if ns else entry.name


def test_every_spreadsheet_url_is_covered() -> None:
    found = {
        name for route, name in _patterns(get_resolver().url_patterns) if route.endswith((".csv", ".xlsx"))
    }
    found.add("reports:imag_download")  # …/<token>/xlsx/: the format is a URL parameter
    assert found == set(DOWNLOADS)


def cells(data: bytes) -> Iterator[str]:
    if data.startswith(b"PK"):
        workbook = load_workbook(io.BytesIO(data))
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                    if isinstance(cell.value, str):
                        yield cell.value
        return
    text = data.decode("utf-8-sig")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
        yield from row


@pytest.mark.parametrize("name", sorted(DOWNLOADS))
def test_download_neutralises_formulas_behind_blanks_and_quotes(world: World, name: str) -> None:
    values = list(cells(DOWNLOADS[name](world)))
    assert any(MARK in value for value in values), f"{name}: no malicious text reached the file"
    assert [value for value in values if dangerous(value)] == []


def test_every_writer_uses_the_one_guard() -> None:
    """Each module that writes CSV or XLSX imports the guard from isi.core.spreadsheets, and
    nothing else defines a guard of its own."""
    for path in SRC.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source)
        defined = {
            node.name
            for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef) and node.name in ("spreadsheet_safe", "formula_safe")
        }
        if path.name != "spreadsheets.py":
            assert not defined, f"{path}: a guard of its own"
            assert "FORMULA_TRIGGERS =" not in source, f"{path}: formula triggers of its own"
        writes = "csv.writer(" in source or "Workbook(" in source
        if writes and path.name != "opensdg.py":  # opensdg.serialise takes the guard as `safe`
            imports = {
                alias.name
                for node in ast.walk(tree)
                if isinstance(node, ast.ImportFrom) and node.module == "isi.core.spreadsheets"
                for alias in node.names
            }
            delegates = "write_table" in source or "table_csv" in source  # reports.tables does it
            assert "spreadsheet_safe" in imports or delegates, f"{path} writes cells without the guard"
