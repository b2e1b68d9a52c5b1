"""Coverage matrix pages: who sees what, gaps as text, drill-down, CSV/XLSX exports (formula-safe)."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from isi.catalog.models import TargetGroup
from isi.reports.coverage import TOTAL
from tests.integration.reports_fixtures import World, make_world

pytestmark = pytest.mark.django_db

INJECTION = "=cmd|' /C calc'!A0"


@pytest.fixture
def world() -> World:
    return make_world()


def client_for(world: World, name: str) -> Client:
    client = Client()
    client.force_login(world.users[name])
    return client


def cell_url(dim: str, row: str, column: str) -> str:
    return f"{reverse('reports:coverage_cell')}?dim={dim}&zeile={row}&spalte={column}"


def test_anonymous_is_sent_to_sign_in(world: World) -> None:
    for name in ("index", "coverage", "coverage_csv", "coverage_xlsx", "imag"):
        response = Client().get(reverse(f"reports:{name}"))
        assert response.status_code == 302
        assert "/konto/" in response["Location"]


@pytest.mark.parametrize("name", ["bmi", "bmas", "bamf", "koordination", "leser", "admin"])
@pytest.mark.parametrize("dim", ["areas", "phase", "component", "level", "region"])
def test_every_staff_role_sees_the_matrix_in_every_dimension(world: World, name: str, dim: str) -> None:
    response = client_for(world, name).get(reverse("reports:coverage"), {"dim": dim})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<caption" in html and 'scope="row"' in html and 'scope="col"' in html
    assert "Frauen und Mädchen" in html or "Frauen" in html


def test_index_links_to_matrix_and_report(world: World) -> None:
    html = client_for(world, "bmi").get(reverse("reports:index")).content.decode()
    assert reverse("reports:coverage") in html
    assert reverse("reports:imag") in html


def test_desk_officer_does_not_see_other_ministrys_drafts_in_the_matrix(world: World) -> None:
    bmi = client_for(world, "bmi")
    response = bmi.get(cell_url("areas", "frauen-maedchen", "sprache"))
    html = response.content.decode()
    assert response.status_code == 200
    assert world.bmi_draft.title in html
    assert world.bmas_released.title in html
    assert "Berufssprachkurs" not in html  # BMAS draft
    assert world.archived.title not in html
    assert response.context["cell"].count == 2


def test_coordination_counts_every_non_archived_measure(world: World) -> None:
    response = client_for(world, "koordination").get(reverse("reports:coverage"))
    matrix = response.context["matrix"]
    assert matrix.total.count == 3
    cell = matrix.cell("frauen-maedchen", "sprache")
    assert sorted(cell.measure_ids) == sorted(
        [world.bmi_draft.pk, world.bmas_draft.pk, world.bmas_released.pk]
    )


def test_empty_cells_are_marked_in_text_not_only_colour(world: World) -> None:
    html = client_for(world, "koordination").get(reverse("reports:coverage")).content.decode()
    assert "coverage-cell--empty" in html
    assert "keine Maßnahme" in html
    assert "Lücke" in html
    # Kinder und Jugendliche × Sprache has one measure: a thin cell, announced to screen readers.
    assert "coverage-cell--thin" in html
    assert "nur eine Maßnahme" in html


def test_budgets_are_summed_and_shown_in_german_notation(world: World) -> None:
    response = client_for(world, "koordination").get(reverse("reports:coverage"))
    html = response.content.decode()
    assert "1.235.817,75 €" in html  # 1.234.567,50 + 1.000 + 250,25


def test_drill_down_of_row_and_grand_totals(world: World) -> None:
    client = client_for(world, "koordination")
    assert client.get(cell_url("areas", TOTAL, TOTAL)).context["cell"].count == 3
    assert client.get(cell_url("areas", "kinder-jugendliche", TOTAL)).context["cell"].count == 1
    assert client.get(cell_url("level", TOTAL, "bund")).context["cell"].count == 3


def test_unknown_cell_is_404(world: World) -> None:
    assert client_for(world, "bmi").get(cell_url("areas", "gibt-es-nicht", "sprache")).status_code == 404


def test_unknown_dimension_falls_back_to_areas(world: World) -> None:
    response = client_for(world, "bmi").get(reverse("reports:coverage"), {"dim": "<script>"})
    assert response.status_code == 200
    assert response.context["dimension"] == "areas"


def test_csv_export_is_german_excel_friendly_and_formula_safe(world: World) -> None:
    TargetGroup.objects.filter(key="lsbtiq").update(name=INJECTION)
    response = client_for(world, "koordination").get(reverse("reports:coverage_csv"), {"dim": "areas"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="abdeckung-areas-')
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][0] == "Zielgruppe"
    assert rows[0][1:4] == ["Sprache", "Bildung, Ausbildung, Studium und Beschäftigung", "Gesellschaft"]
    frauen = next(r for r in rows if r[0].startswith("Frauen"))
    assert frauen[1] == "3"
    assert frauen[-1] == "1235817,75"
    assert any(r[0] == "'" + INJECTION for r in rows)
    assert not any(cell.startswith("=") for r in rows for cell in r)
    assert rows[-1][0] == "Insgesamt"


def test_csv_export_of_a_desk_officer_leaves_out_other_drafts(world: World) -> None:
    response = client_for(world, "bmi").get(reverse("reports:coverage_csv"))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8").lstrip("\ufeff")), delimiter=";"))
    assert next(r for r in rows if r[0].startswith("Frauen"))[1] == "2"


def test_xlsx_export_has_numbers_sheets_and_no_formulas(world: World) -> None:
    TargetGroup.objects.filter(key="lsbtiq").update(name=INJECTION)
    response = client_for(world, "koordination").get(reverse("reports:coverage_xlsx"), {"dim": "level"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Anzahl", "Mittel", "Lücken", "ohne Zuordnung"]
    sheet = workbook["Anzahl"]
    header = [c.value for c in sheet[2]]
    assert header[:4] == ["Zielgruppe", "Bund", "Land", "Kommune"]
    assert sheet["A2"].font.b
    frauen = next(row for row in sheet.iter_rows(min_row=3) if str(row[0].value).startswith("Frauen"))
    assert frauen[1].value == 3 and frauen[1].number_format == "#,##0"
    budget = frauen[len(header) - 1]
    assert float(budget.value) == pytest.approx(1235817.75)
    assert budget.number_format == "#,##0.00"
    values = [c.value for ws in workbook for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "'" + INJECTION in values
    assert not any(v.startswith("=") for v in values)


def test_phase_component_and_region_columns_place_measures(world: World) -> None:
    from isi.catalog.models import Component, Region, Theme
    from isi.measures.models import Measure

    berlin = Region.objects.get(code="11")
    mitte = Region.objects.create(
        code="110000000000", name="Berlin-Mitte", kind=Region.Kind.KOMMUNE, land=berlin
    )
    Measure.objects.filter(pk=world.bmi_draft.pk).update(
        nap_i_theme=Theme.objects.get(phase__number=2, position=1),
        offer_type=Measure.OfferType.COMPONENT,
        component=Component.objects.order_by("position").first(),
        region=mitte,
    )
    Measure.objects.filter(pk=world.bmas_draft.pk).update(offer_type=Measure.OfferType.COMPLEMENTARY)
    client = client_for(world, "koordination")

    phase = client.get(reverse("reports:coverage"), {"dim": "phase"}).context["matrix"]
    assert [c.label.split(":")[0] for c in phase.columns[:5]] == [
        "Phase I",
        "Phase II",
        "Phase III",
        "Phase IV",
        "Phase V",
    ]
    assert phase.cell("frauen-maedchen", "2").measure_ids == [world.bmi_draft.pk]
    assert phase.cell("frauen-maedchen", "-").count == 2  # not in the NAP-I

    component = client.get(reverse("reports:coverage"), {"dim": "component"}).context["matrix"]
    first = Component.objects.order_by("position").first()
    assert first is not None
    assert component.cell("frauen-maedchen", first.key).measure_ids == [world.bmi_draft.pk]
    assert component.cell("frauen-maedchen", "offer:complementary").measure_ids == [world.bmas_draft.pk]

    region = client.get(reverse("reports:coverage"), {"dim": "region"}).context["matrix"]
    assert region.cell("frauen-maedchen", "11").measure_ids == [
        world.bmi_draft.pk
    ]  # a Kommune counts for its Land
    assert len([c for c in region.columns if c.key != "-"]) == 16
