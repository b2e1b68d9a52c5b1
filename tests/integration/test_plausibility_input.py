"""Point 4 end to end: German input in the form and the round trip, plausibility refusals,
"last reviewed" set by create and edit, and double entries within one ministry flagged."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook  # type: ignore[import-untyped]

from isi.accounts.models import User
from isi.catalog.models import Level
from isi.imports.models import UploadJob
from isi.measures.models import Measure
from isi.measures.services import measure_create, measure_update
from tests.api.support import new_measure_data, org

pytestmark = pytest.mark.django_db


@pytest.fixture
def bmi() -> Client:
    client = Client()
    client.force_login(
        User.objects.create_user("bmi", password="x", role="desk_officer", organisation=org("bmi"))
    )
    return client


def test_form_reads_german_amounts_and_dates(bmi: Client) -> None:
    start = date.today() + timedelta(days=30)
    response = bmi.post(
        reverse("workspace:measure_create"),
        new_measure_data(budget_eur="1.500.000,50", start_date=f"{start.day}.{start.month}.{start.year}"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    measure = Measure.objects.get()
    assert measure.budget_eur == Decimal("1500000.50")
    assert measure.start_date == start
    assert measure.evaluation.due_date == date(2027, 12, 31)
    edit = bmi.get(reverse("workspace:measure_edit", args=[measure.pk])).content.decode()
    assert 'value="1.500.000,50"' in edit  # shown as it was typed
    detail = bmi.get(reverse("workspace:measure_detail", args=[measure.pk])).content.decode()
    assert "1.500.000,50 €" in detail


def test_iso_input_keeps_working(bmi: Client) -> None:
    response = bmi.post(reverse("workspace:measure_create"), new_measure_data(budget_eur="2500.75"))
    assert response.status_code == 302
    assert Measure.objects.get().budget_eur == Decimal("2500.75")


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"budget_eur": "-5.000"}, "budget_eur", "negativ"),
        (
            {"status": "completed", "start_date": "1.1.2020", "end_date": "31.12.2099"},
            "end_date",
            "abgeschlossen",
        ),
        ({"status": "completed", "start_date": "1.1.2099"}, "status", "beginnt aber erst"),
        ({"publication": "released", "summary": ""}, "summary", "Kurzbeschreibung"),
    ],
)
def test_implausible_data_is_refused_next_to_its_field(
    bmi: Client, overrides: dict[str, str], field: str, words: str
) -> None:
    response = bmi.post(reverse("workspace:measure_create"), new_measure_data(**overrides))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html and words in html and "Plausibilitätsprüfung" in html
    assert not Measure.objects.exists()


def test_a_new_measure_is_reviewed_and_not_flagged(bmi: Client) -> None:
    before = timezone.now()
    assert bmi.post(reverse("workspace:measure_create"), new_measure_data()).status_code == 302
    measure = Measure.objects.get()
    assert measure.last_reviewed_at is not None and measure.last_reviewed_at >= before
    detail = bmi.get(reverse("workspace:measure_detail", args=[measure.pk])).content.decode()
    assert "seit mehr als sechs Monaten nicht geprüft" not in detail


def test_a_persons_edit_is_a_review_a_system_write_is_not() -> None:
    fields = {"title": "Import", "owner": org("bmi"), "level": Level.objects.get(key="bund")}
    measure = measure_create(fields=fields)
    assert measure.last_reviewed_at is None  # an import or demo data: nobody reviewed it
    measure = measure_update(measure_id=measure.pk, expected_version=1, changes={"title": "Import 2"})
    assert measure.last_reviewed_at is None  # no person acted
    person = User.objects.create_user("bmi2", password="x", role="desk_officer", organisation=org("bmi"))
    measure = measure_update(
        measure_id=measure.pk, expected_version=measure.version, changes={"title": "Geprüft"}, actor=person
    )
    assert measure.last_reviewed_at is not None
    assert timezone.now() - measure.last_reviewed_at < timedelta(minutes=1)


# --- round trip ------------------------------------------------------------------------------------


def _upload_with_budget(client: Client, measure: Measure, value: Any) -> UploadJob:
    data = client.get(reverse("roundtrip:download_xlsx")).content
    book = load_workbook(io.BytesIO(data))
    sheet = book["Maßnahmen"]
    header = [cell.value for cell in sheet[1]]
    assert "Mittel (EUR)" in header
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == measure.pk:
            row[header.index("Mittel (EUR)")].value = value
    buffer = io.BytesIO()
    book.save(buffer)
    response = client.post(
        reverse("roundtrip:upload"), {"file": SimpleUploadedFile("m.xlsx", buffer.getvalue())}
    )
    assert response.status_code == 302
    job = UploadJob.objects.order_by("-pk").first()
    assert job is not None
    return job


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("1.500.000,50", Decimal("1500000.50")),
        ("1500000.50", Decimal("1500000.50")),
        (2500.5, Decimal("2500.50")),
    ],
)
def test_round_trip_reads_german_amounts(bmi: Client, cell: Any, expected: Decimal) -> None:
    measure = Measure.objects.create(title="Kurs", owner=org("bmi"), level=Level.objects.get(key="bund"))
    job = _upload_with_budget(bmi, measure, cell)
    assert job.state == UploadJob.State.READY, job.preview
    assert [c["field"] for c in job.preview["rows"][0]["changes"]] == ["budget_eur"]
    assert bmi.post(reverse("roundtrip:apply", args=[job.token])).status_code == 302
    measure.refresh_from_db()
    assert measure.budget_eur == expected


def test_round_trip_download_shows_the_amount_in_german_and_unchanged_is_unchanged(bmi: Client) -> None:
    measure = Measure.objects.create(
        title="Kurs", owner=org("bmi"), level=Level.objects.get(key="bund"), budget_eur=Decimal("1500000.50")
    )
    book = load_workbook(io.BytesIO(bmi.get(reverse("roundtrip:download_xlsx")).content))
    sheet = book["Maßnahmen"]
    header = [cell.value for cell in sheet[1]]
    assert sheet.cell(row=2, column=header.index("Mittel (EUR)") + 1).value == "1.500.000,50"
    job = _upload_with_budget(bmi, measure, "1.500.000,50")
    assert job.preview["rows"] == [] or not any(r["changes"] for r in job.preview["rows"])


def test_round_trip_refuses_a_negative_amount_naming_the_rule(bmi: Client) -> None:
    measure = Measure.objects.create(title="Kurs", owner=org("bmi"), level=Level.objects.get(key="bund"))
    job = _upload_with_budget(bmi, measure, "-5.000")
    text = str(job.preview)
    assert "R0-budget-negative" in text and "negativ" in text
    measure.refresh_from_db()
    assert measure.budget_eur is None


# --- double entries within one ministry ------------------------------------------------------------


def test_check_before_create_flags_a_similar_measure_of_the_own_ministry(bmi: Client) -> None:
    Measure.objects.create(
        title="Sprachkurse für Eltern in Kitas",
        summary="Eltern lernen Deutsch in der Kita.",
        owner=org("bmi"),
        level=Level.objects.get(key="bund"),
        publication=Measure.Publication.RELEASED,
    )
    Measure.objects.create(
        title="Sprachkurse für Eltern in der Kita",
        summary="Eltern lernen Deutsch in der Kita.",
        owner=org("bmfsfj"),
        level=Level.objects.get(key="bund"),
        publication=Measure.Publication.RELEASED,
    )
    html = bmi.get(
        reverse("workspace:similar_check"),
        {"title": "Sprachkurse für Eltern", "summary": "Deutsch in der Kita"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    items = html.split('<li class="similar-item">')[1:]
    flagged = [item for item in items if "mögliche Doppelerfassung im eigenen Ressort" in item]
    assert len(items) == 2 and len(flagged) == 1
    assert "Bundesministerium des Innern" in flagged[0]
