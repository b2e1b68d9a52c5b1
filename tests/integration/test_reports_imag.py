"""IMAG report: who may request which scope, the background job, the PDF and the XLSX it produces."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from isi.consultations.models import Consultation
from isi.coordination.models import ConsolidationProposal, OverlapCandidate, ProposalMeasure
from isi.measures.models import Evaluation, Measure
from isi.measures.services import measure_update
from isi.organisations.models import Organisation
from isi.reports.models import ReportJob
from isi.reports.render import report_html
from isi.reports.report_data import build_report
from isi.rounds import services as rounds
from tests.integration.reports_fixtures import World, make_world, org

pytestmark = pytest.mark.django_db

SHEETS = [
    "Übersicht",
    "Maßnahmen",
    "Änderungen",
    "Abstimmungen",
    "Konsolidierung",
    "Abdeckung",
    "Erfolgskontrolle",
]


@pytest.fixture
def world() -> World:
    w = make_world()
    coordination = w.users["koordination"]
    closed = rounds.open_round(title="2. Halbjahr 2026", deadline=date.today(), actor=coordination)
    rounds.close_round(round=closed, actor=coordination)
    measure_update(
        measure_id=w.bmas_released.pk,
        expected_version=w.bmas_released.version,
        changes={"summary": "Jetzt auch digital."},
        actor=w.users["bmas"],
    )
    Consultation.objects.create(
        measure=w.bmi_draft,
        kind=Consultation.Kind.NEW_PROGRAMME,
        summary="Neues Programm",
        comment_until=date.today() + timedelta(days=10),
        submitted_by=w.users["bmi"],
    )
    a, b = sorted([w.bmi_draft, w.bmas_released], key=lambda m: m.pk)
    OverlapCandidate.objects.create(
        measure_a=a,
        measure_b=b,
        score=0.8125,
        reasons=[{"kind": "text", "values": [], "label": "ähnlicher Text"}],
        decision=OverlapCandidate.Decision.OVERLAP,
    )
    proposal = ConsolidationProposal.objects.create(
        kind=ConsolidationProposal.Kind.MERGE,
        title="Frauenkurse zusammenlegen",
        reasons="Doppelt",
        proposer=w.users["bmas"],
        proposer_organisation=org("bmas"),
    )
    ProposalMeasure.objects.create(proposal=proposal, measure=w.bmi_draft, owner=org("bmi"))
    Evaluation.objects.create(
        measure=w.bmi_draft, state=Evaluation.State.PLANNED, method="Befragung", due_date=date(2026, 1, 15)
    )
    return w


@pytest.fixture
def stub_pdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """WeasyPrint takes seconds per PDF; tests about permissions do not need a real one."""
    from isi.reports import render

    monkeypatch.setattr(render, "report_pdf", lambda data: b"%PDF-stub")


def client_for(world: World, name: str) -> Client:
    client = Client()
    client.force_login(world.users[name])
    return client


def request_report(client: Client, scope: str) -> int:
    return client.post(reverse("reports:imag"), {"scope": scope}).status_code


@pytest.mark.parametrize(
    ("name", "scope", "allowed"),
    [
        ("bmi", "bmi", True),
        ("bmi", "bmas", False),
        ("bmi", "gesamt", False),
        ("bamf", "bmi", True),  # an agency reports for its ministry
        ("bamf", "bamf", False),
        ("bmas", "bmi", False),
        ("koordination", "gesamt", True),
        ("koordination", "bmas", True),
        ("leser", "bmi", True),
        ("admin", "gesamt", True),
    ],
)
@pytest.mark.usefixtures("stub_pdf")
def test_who_may_request_which_scope(world: World, name: str, scope: str, allowed: bool) -> None:
    status = request_report(client_for(world, name), scope)
    jobs = ReportJob.objects.filter(requested_by=world.users[name])
    if allowed:
        assert status == 302
        assert jobs.count() == 1
    else:
        assert status == 403
        assert not jobs.exists()


def test_unknown_scope_is_a_form_error(world: World) -> None:
    response = client_for(world, "koordination").post(reverse("reports:imag"), {"scope": "nichts"})
    assert response.status_code == 400
    assert not ReportJob.objects.exists()


def test_desk_officer_is_offered_only_the_own_ministry(world: World) -> None:
    response = client_for(world, "bmi").get(reverse("reports:imag"))
    assert response.status_code == 200
    assert response.context["form"].fields["scope"].choices == [("bmi", "Bundesministerium des Innern")]


def test_job_builds_pdf_and_xlsx_and_the_requester_downloads_them(world: World) -> None:
    client = client_for(world, "koordination")
    assert request_report(client, "bmi") == 302
    job = ReportJob.objects.get()
    assert job.state == ReportJob.State.DONE, job.error
    assert job.progress == 100
    page = client.get(reverse("reports:imag")).content.decode()
    pdf_url = reverse("reports:imag_download", args=[job.token, "pdf"])
    assert pdf_url in page

    pdf = client.get(pdf_url)
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    day = timezone.localdate().isoformat()
    assert pdf["Content-Disposition"] == f'attachment; filename="imag-sachstand-{day}-bmi.pdf"'
    assert pdf.content.startswith(b"%PDF")

    xlsx = client.get(reverse("reports:imag_download", args=[job.token, "xlsx"]))
    assert xlsx["Content-Disposition"] == f'attachment; filename="imag-sachstand-{day}-bmi.xlsx"'
    workbook = load_workbook(io.BytesIO(xlsx.content))
    assert workbook.sheetnames == SHEETS


@pytest.mark.usefixtures("stub_pdf")
def test_xlsx_keeps_numbers_and_dates_with_german_formats(world: World) -> None:
    client = client_for(world, "koordination")
    request_report(client, "gesamt")
    job = ReportJob.objects.get()
    workbook = load_workbook(io.BytesIO(bytes(job.xlsx)))
    measures = workbook["Maßnahmen"]
    assert measures["A1"].value == "Maßnahmen nach Status"
    assert measures["A2"].font.b and measures["B2"].font.b
    assert measures["B3"].value == 3 and measures["B3"].number_format == "#,##0"
    assert measures.column_dimensions["A"].width >= 28
    consultations = workbook["Abstimmungen"]
    due = consultations["D3"]
    assert due.number_format == "DD.MM.YYYY" and due.value.date() == date.today() + timedelta(days=10)
    overlaps = [
        row for row in workbook["Konsolidierung"].iter_rows() if row[0].value == world.bmi_draft.title
    ]
    assert overlaps, "confirmed overlap listed"
    share = next(c for c in overlaps[-1] if c.number_format == "0.0%")
    assert share.value == pytest.approx(0.813)  # rounded half up, as the PDF shows it (81,3 %)
    changes = workbook["Änderungen"]
    assert changes["A3"].number_format == "DD.MM.YYYY HH:MM"
    assert changes["B3"].value == world.bmas_released.title
    overview = workbook["Übersicht"]
    assert overview["B2"].value == "alle Ressorts"


def test_ministry_report_holds_only_that_ministrys_measures(world: World) -> None:
    data, _full = build_report(Organisation.objects.get(key="bmas"))
    measures = data.sections[0]
    assert measures.facts[0].value == 2  # the BMAS draft and the released measure
    changes = data.sections[1]
    assert [row[1] for row in changes.tables[0].rows] == [world.bmas_released.title]
    assert data.sections[2].tables[0].rows == []  # the consultation is on a BMI measure
    assert [row[0] for row in data.sections[3].tables[0].rows] == [
        "Frauenkurse zusammenlegen"
    ]  # BMAS proposed


def test_report_html_uses_german_dates_and_numbers(world: World) -> None:
    Measure.objects.filter(pk=world.bmi_draft.pk).update(status=Measure.Status.RUNNING)
    data, _full = build_report(None)
    html = report_html(data)
    assert timezone.localdate().strftime("%d.%m.%Y") in html
    assert "81,3 %" in html  # overlap similarity 0.8125, rounded half up like XLSX and dashboard
    assert "15.01.2026" in html  # overdue evaluation due date
    assert 'class="toc"' in html and "#erfolgskontrolle" in html
    for title in (
        "Maßnahmen",
        "Änderungen seit der letzten Runde",
        "Offene IMAG-Abstimmungen",
        "Abdeckungslücken",
    ):
        assert title in html
    assert "seit Abschluss der Runde „2. Halbjahr 2026“" in html


@pytest.mark.usefixtures("stub_pdf")
def test_other_people_cannot_download_a_report(world: World) -> None:
    request_report(client_for(world, "koordination"), "bmas")
    job = ReportJob.objects.get()
    for name in ("bmas", "leser"):
        response = client_for(world, name).get(reverse("reports:imag_download", args=[job.token, "pdf"]))
        assert response.status_code == 404
    anonymous = Client().get(reverse("reports:imag_download", args=[job.token, "pdf"]))
    assert anonymous.status_code == 302


def test_unknown_format_and_unfinished_job_are_404(world: World) -> None:
    client = client_for(world, "koordination")
    job = ReportJob.objects.create(scope_name="x", requested_by=world.users["koordination"])
    assert client.get(reverse("reports:imag_download", args=[job.token, "pdf"])).status_code == 404
    assert client.get(reverse("reports:imag_download", args=[job.token, "docx"])).status_code == 404


def test_failed_build_marks_the_job_failed(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from isi.reports import report_data

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("kaputt")

    monkeypatch.setattr(report_data, "build_report", boom)
    client = client_for(world, "koordination")
    client.raise_request_exception = False
    request_report(client, "gesamt")
    job = ReportJob.objects.get()
    assert job.state == ReportJob.State.FAILED
    assert "nicht erstellt" in job.error
    html = client.get(reverse("reports:imag")).content.decode()
    assert "fehlgeschlagen" in html


def test_htmx_poll_returns_the_job_list_fragment(world: World) -> None:
    client = client_for(world, "bmi")
    ReportJob.objects.create(scope_name="BMI", requested_by=world.users["bmi"], state=ReportJob.State.RUNNING)
    response = client.get(reverse("reports:imag"), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="report-jobs"')
    assert 'hx-trigger="every 2s"' in html
    full = client.get(reverse("reports:imag")).content.decode()
    assert 'http-equiv="refresh"' in full  # works without JavaScript


def test_old_jobs_are_purged(world: World) -> None:
    from isi.reports.services import KEEP_DAYS, purge_old_jobs

    old = ReportJob.objects.create(scope_name="alt", requested_by=world.users["bmi"])
    recent = ReportJob.objects.create(scope_name="neu", requested_by=world.users["bmi"])
    ReportJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=KEEP_DAYS + 1))
    assert purge_old_jobs() == 1
    assert list(ReportJob.objects.values_list("pk", flat=True)) == [recent.pk]
