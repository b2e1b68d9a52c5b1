"""Excel/CSV round-trip: download, edit, upload, preview, apply — and everything that must fail."""

from __future__ import annotations

import io
import logging
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse
from openpyxl import load_workbook  # type: ignore[import-untyped]

from isi.accounts.models import User
from isi.catalog.models import Area, Level
from isi.core.models import ChangeRecord
from isi.imports.models import UploadJob
from isi.measures.models import Measure
from isi.measures.services import measure_update
from isi.organisations.models import Organisation

pytestmark = pytest.mark.django_db


def org(key: str) -> Organisation:
    return Organisation.objects.get(key=key)


def make_user(username: str, role: str, org_key: str | None) -> User:
    return User.objects.create_user(
        username=username, password="x", role=role, organisation=org(org_key) if org_key else None
    )


def make_measure(title: str, owner: str, **fields: Any) -> Measure:
    return Measure.objects.create(
        title=title, owner=org(owner), level=Level.objects.get(key="bund"), **fields
    )


@pytest.fixture
def world() -> dict[str, Any]:
    return {
        "bmi": make_user("bmi", "desk_officer", "bmi"),
        "bmas": make_user("bmas", "desk_officer", "bmas"),
        "m1": make_measure("Erstorientierungskurse", "bmi", summary="Kurse für Neuzugewanderte"),
        "m2": make_measure('=HYPERLINK("http://evil")', "bmi", summary="@SUM(1+1)"),
        "m3": make_measure(
            "Berufsbezogene Deutschförderung", "bmas", publication=Measure.Publication.RELEASED
        ),
        "m4": make_measure("BMAS-Entwurf", "bmas"),
    }


def login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def download(client: Client) -> bytes:
    response = client.get(reverse("roundtrip:download_xlsx"))
    assert response.status_code == 200
    return bytes(response.content)


def edit_xlsx(data: bytes, edits: dict[int, dict[str, Any]], extra_rows: list[list[Any]] = ()) -> bytes:  # type: ignore[assignment]
    """Set cells by measure id and header name; returns the saved workbook."""
    wb = load_workbook(io.BytesIO(data))
    sheet = wb["Maßnahmen"]
    header = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        measure_id = row[0].value
        for name, value in edits.get(measure_id, {}).items():
            row[header.index(name)].value = value
    for extra in extra_rows:
        sheet.append(extra)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def upload(client: Client, name: str, data: bytes) -> Any:
    return client.post(reverse("roundtrip:upload"), {"file": SimpleUploadedFile(name, data)})


def last_job() -> UploadJob:
    job = UploadJob.objects.order_by("-pk").first()
    assert job is not None
    return job


def snapshot() -> list[tuple[Any, ...]]:
    return list(Measure.objects.order_by("pk").values_list("pk", "title", "status", "version", "summary"))


def test_round_trip_previews_and_applies_exactly_the_edited_fields(world: dict[str, Any]) -> None:
    client = login(world["bmi"])
    data = download(client)
    wb = load_workbook(io.BytesIO(data))
    ids = [row[0].value for row in wb["Maßnahmen"].iter_rows(min_row=2)]
    assert sorted(ids) == sorted([world["m1"].pk, world["m2"].pk])  # only what bmi may change
    assert wb["Kataloge"].sheet_state == "hidden"
    assert wb.sheetnames == ["Maßnahmen", "Erfolgskontrolle", "Kataloge", "Hinweise"]
    sheet = wb["Maßnahmen"]
    assert sheet.freeze_panes == "C2" and sheet.protection.sheet
    assert [c.value for c in sheet[1]][:3] == ["ID", "Version", "Titel"]
    assert sheet["A2"].protection.locked and not sheet["C2"].protection.locked
    assert wb["Maßnahmen"].data_validations.dataValidation
    sprache = Area.objects.get(key="sprache")
    edited = edit_xlsx(
        data,
        {world["m1"].pk: {"Titel": "Erstorientierung neu", "Status": "laufend", "Bereiche": sprache.name}},
    )
    response = upload(client, "meine.xlsx", edited)
    assert response.status_code == 302
    job = last_job()
    assert job.state == UploadJob.State.READY, job.preview
    assert [r["id"] for r in job.preview["rows"]] == [str(world["m1"].pk)]
    assert {c["field"] for c in job.preview["rows"][0]["changes"]} == {"title", "status", "areas"}
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "Erstorientierung neu" in html and "Übernehmen" in html and "laufend" in html
    assert Measure.objects.get(pk=world["m1"].pk).version == 1  # preview wrote nothing

    response = client.post(reverse("roundtrip:apply", args=[job.token]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.state == UploadJob.State.APPLIED and job.applied_count == 1
    m1 = Measure.objects.get(pk=world["m1"].pk)
    assert (m1.title, m1.status, m1.version) == ("Erstorientierung neu", "running", 2)
    assert list(m1.areas.all()) == [sprache]
    assert Measure.objects.get(pk=world["m2"].pk).version == 1
    record = ChangeRecord.objects.filter(object_id=m1.pk, source="excel").get()
    assert record.actor_id == world["bmi"].pk
    # Applying twice does nothing more.
    assert client.post(reverse("roundtrip:apply", args=[job.token])).status_code == 409
    assert Measure.objects.get(pk=m1.pk).version == 2


def test_download_neutralises_formulas(world: dict[str, Any]) -> None:
    client = login(world["bmi"])
    wb = load_workbook(io.BytesIO(download(client)))
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "-", "@", "\t", "\r")), cell.value
    csv_text = client.get(reverse("roundtrip:download_csv")).content.decode("utf-8-sig")
    assert "'=HYPERLINK" in csv_text and "'@SUM" in csv_text
    # The guard is undone on upload: the untouched file changes nothing.
    upload(client, "x.xlsx", download(client))
    assert last_job().preview["change_count"] == 0


def test_stale_version_is_rejected(world: dict[str, Any]) -> None:
    client = login(world["bmi"])
    data = download(client)
    measure_update(
        measure_id=world["m1"].pk, expected_version=1, changes={"summary": "anders"}, actor=world["bmi"]
    )
    before = snapshot()
    upload(client, "x.xlsx", edit_xlsx(data, {world["m1"].pk: {"Titel": "Neu"}}))
    job = last_job()
    assert job.state == UploadJob.State.REJECTED
    errors = job.preview["rows"][0]["errors"]
    assert errors[0]["rule"] == "Versionskonflikt" and "Erstorientierungskurse" in errors[0]["message"]
    assert snapshot() == before


def test_change_between_preview_and_apply_applies_nothing(world: dict[str, Any]) -> None:
    client = login(world["bmi"])
    data = download(client)
    upload(
        client, "x.xlsx", edit_xlsx(data, {world["m1"].pk: {"Titel": "Neu"}, world["m2"].pk: {"Titel": "B"}})
    )
    job = last_job()
    assert job.state == UploadJob.State.READY
    measure_update(
        measure_id=world["m2"].pk, expected_version=1, changes={"summary": "x"}, actor=world["bmi"]
    )
    before = snapshot()
    client.post(reverse("roundtrip:apply", args=[job.token]))
    job.refresh_from_db()
    assert job.state == UploadJob.State.FAILED and "nichts übernommen" in job.message
    assert snapshot() == before
    assert "nichts übernommen" in client.get(reverse("roundtrip:job", args=[job.token])).content.decode()


def test_bmi_cannot_change_a_bmas_measure(world: dict[str, Any], caplog: pytest.LogCaptureFixture) -> None:
    client = login(world["bmi"])
    data = download(client)
    m3 = world["m3"]
    row = [m3.pk, m3.version, "Übernommen von BMI"]
    before = snapshot()
    with caplog.at_level(logging.WARNING, logger="isi.audit"):
        upload(client, "x.xlsx", edit_xlsx(data, {world["m1"].pk: {"Titel": "Neu"}}, extra_rows=[row]))
    job = last_job()
    assert job.state == UploadJob.State.REJECTED
    errors = [e for r in job.preview["rows"] for e in r["errors"]]
    assert errors[0]["rule"] == "Berechtigung" and errors[0]["column"] == "ID"
    assert "event=denied" in caplog.text and f"measure={m3.pk}" in caplog.text
    # A draft of another ministry is not even visible: it reads as an unknown ID.
    draft = world["m4"]
    upload(client, "x.xlsx", edit_xlsx(data, {}, extra_rows=[[draft.pk, 1, "Neu"]]))
    assert "gibt es nicht" in last_job().preview["rows"][0]["errors"][0]["message"]
    # Apply is refused too: nothing written.
    assert client.post(reverse("roundtrip:apply", args=[job.token])).status_code == 409
    assert snapshot() == before


@pytest.mark.parametrize(
    ("edits", "rule", "column"),
    [
        ({"Status": "fast fertig"}, "Katalogwert", "Status"),
        ({"Bereiche": "Sprache; Raumfahrt"}, "Katalogwert", "Bereiche"),
        ({"Beginn": "31.02.2025"}, "Datumsformat", "Beginn"),
        ({"Titel": ""}, "Pflichtfeld", "Titel"),
        ({"Teilnahmeverpflichtung": "ja"}, "Regel 5", "Kontrolle der Verpflichtung"),
    ],
)
def test_row_errors_name_row_column_and_rule(
    world: dict[str, Any], edits: dict[str, Any], rule: str, column: str
) -> None:
    client = login(world["bmi"])
    before = snapshot()
    upload(client, "x.xlsx", edit_xlsx(download(client), {world["m1"].pk: edits}))
    job = last_job()
    assert job.state == UploadJob.State.REJECTED
    errors = [e for r in job.preview["rows"] for e in r["errors"]]
    assert any(e["rule"].startswith(rule) and e["column"] == column and e["row"] >= 2 for e in errors), errors
    assert snapshot() == before


def test_unknown_id_and_wrong_columns(world: dict[str, Any]) -> None:
    client = login(world["bmi"])
    data = download(client)
    upload(client, "x.xlsx", edit_xlsx(data, {}, extra_rows=[[999999, 1, "Gibt es nicht"]]))
    errors = [e for r in last_job().preview["rows"] for e in r["errors"]]
    assert "999999" in errors[0]["message"]

    wb = load_workbook(io.BytesIO(data))
    wb["Maßnahmen"]["C1"] = "Überschrift"  # "Titel" renamed: unknown column and missing required one
    buffer = io.BytesIO()
    wb.save(buffer)
    before = snapshot()
    response = upload(client, "x.xlsx", buffer.getvalue())
    job = last_job()
    assert job.state == UploadJob.State.REJECTED
    messages = [e["message"] for e in job.preview["file_errors"]]
    assert any("Überschrift" in m for m in messages) and any("Titel" in m for m in messages)
    html = client.get(response["Location"]).content.decode()
    assert "abgelehnt" in html and "Überschrift" in html
    assert snapshot() == before


def _zip(entries: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


MINIMAL = {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("x.xlsx", b"this is not a zip", "keine gültige Excel"),
        ("x.xlsx", _zip({"a.txt": b"x"}), "keine gültige Excel"),
        (
            "x.xlsx",
            _zip({**MINIMAL, "xl/worksheets/big.xml": b"<a>" + b" " * (60 * 1024 * 1024) + b"</a>"}),
            "entpackt",
        ),
        (
            "x.xlsx",
            _zip({**MINIMAL, "xl/sharedStrings.xml": b"<a>" + b"A" * (5 * 1024 * 1024) + b"</a>"}),
            "komprimiert",
        ),
        ("x.xlsx", _zip({**MINIMAL, "xl/vbaProject.bin": b"macro"}), "Makros"),
        ("x.xlsm", _zip(MINIMAL), "Makros"),
        ("x.xlsx", _zip({**MINIMAL, "xl/externalLinks/externalLink1.xml": b"<a/>"}), "externe"),
        (
            "x.xlsx",
            _zip({**MINIMAL, "xl/styles.xml": b'<!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>'}),
            "XML",
        ),
        ("x.csv", b"ID;Version;Titel\n1;1;\x00\x01\x02binary", "keine Textdatei"),
        ("x.csv", _zip(MINIMAL), "ZIP"),
        ("x.exe", b"MZ", "Endung"),
        ("../../etc/passwd.csv", b"", "leer"),
    ],
)
def test_hostile_uploads_are_refused(
    world: dict[str, Any], caplog: pytest.LogCaptureFixture, name: str, content: bytes, reason: str
) -> None:
    client = login(world["bmi"])
    before = snapshot()
    with caplog.at_level(logging.WARNING, logger="isi.audit"):
        response = upload(client, name, content)
    assert response.status_code == 400
    assert reason in response.content.decode()
    assert "event=denied" in caplog.text and "roundtrip-upload" in caplog.text
    assert not UploadJob.objects.exists()
    assert snapshot() == before


@override_settings(ISI_UPLOAD_MAX_BYTES=1000)
def test_oversized_upload_is_refused(world: dict[str, Any]) -> None:
    client = login(world["bmi"])
    response = upload(client, "x.csv", b"ID;Version;Titel\n" + b"1;1;x\n" * 400)
    assert response.status_code == 400 and "zu groß" in response.content.decode()
    assert not UploadJob.objects.exists()


def test_broken_workbook_is_reported(world: dict[str, Any]) -> None:
    client = login(world["bmi"])
    data = _zip({**MINIMAL, "xl/_rels/workbook.xml.rels": b"<Relationships/>"})
    response = upload(client, "x.xlsx", data)
    assert response.status_code == 302
    job = last_job()
    assert job.state == UploadJob.State.REJECTED
    assert job.preview["file_errors"][0]["rule"] == "Datei"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
@pytest.mark.parametrize("delimiter", [";", ","])
def test_csv_encodings_and_separators(world: dict[str, Any], encoding: str, delimiter: str) -> None:
    client = login(world["bmi"])
    m1 = world["m1"]
    text = f"ID{delimiter}Version{delimiter}Titel{delimiter}Kurzbeschreibung\r\n"
    text += (
        f'{m1.pk}{delimiter}1{delimiter}"Größere Übersicht, für alle"{delimiter}Kurse für Neuzugewanderte\r\n'
    )
    upload(client, "export.csv", text.encode(encoding))
    job = last_job()
    assert job.state == UploadJob.State.READY, job.preview
    changes = job.preview["rows"][0]["changes"]
    assert [(c["field"], c["new"]) for c in changes] == [("title", "Größere Übersicht, für alle")]
    client.post(reverse("roundtrip:apply", args=[job.token]))
    assert Measure.objects.get(pk=m1.pk).title == "Größere Übersicht, für alle"


def test_csv_download_round_trips(world: dict[str, Any]) -> None:
    client = login(world["bmi"])
    data = client.get(reverse("roundtrip:download_csv")).content
    assert data.startswith(b"\xef\xbb\xbf") and b";" in data.splitlines()[0]
    upload(client, "x.csv", data)
    job = last_job()
    assert job.state == UploadJob.State.READY and job.preview["change_count"] == 0


@override_settings(ISI_ROUNDTRIP_BACKGROUND_ROWS=1)
def test_large_upload_runs_as_background_job(world: dict[str, Any]) -> None:
    client = login(world["bmi"])
    data = edit_xlsx(download(client), {world["m1"].pk: {"Titel": "A"}, world["m2"].pk: {"Titel": "B"}})
    response = upload(client, "x.xlsx", data)
    job = last_job()
    # The immediate backend of the tests has already run the task.
    assert job.state == UploadJob.State.READY and job.total_rows == 2 and job.percent == 100
    page = client.get(response["Location"])
    assert page.status_code == 200
    client.post(reverse("roundtrip:apply", args=[job.token]))
    job.refresh_from_db()
    assert job.state == UploadJob.State.APPLIED and job.applied_count == 2


def test_progress_page_while_running(world: dict[str, Any]) -> None:
    client = login(world["bmi"])
    job = UploadJob.objects.create(
        user=world["bmi"], filename="x.xlsx", kind="xlsx", content=b"", total_rows=1000, processed_rows=250
    )
    html = client.get(reverse("roundtrip:job", args=[job.token])).content.decode()
    assert 'role="progressbar"' in html and 'aria-valuenow="25"' in html and 'http-equiv="refresh"' in html
    fragment = client.get(reverse("roundtrip:job", args=[job.token]), headers={"HX-Request": "true"})
    assert 'hx-trigger="every 2s"' in fragment.content.decode() and "<h1" not in fragment.content.decode()
    job.state = UploadJob.State.READY
    job.save()
    done = client.get(reverse("roundtrip:job", args=[job.token]), headers={"HX-Request": "true"})
    assert done.status_code == 204 and done["HX-Refresh"] == "true"


def test_someone_elses_upload_is_not_found(world: dict[str, Any]) -> None:
    upload(login(world["bmi"]), "x.xlsx", download(login(world["bmi"])))
    job = last_job()
    other = login(world["bmas"])
    assert other.get(reverse("roundtrip:job", args=[job.token])).status_code == 404
    assert other.post(reverse("roundtrip:apply", args=[job.token])).status_code == 404


def edit_evaluation(data: bytes, measure_id: int, cells: dict[str, Any]) -> bytes:
    wb = load_workbook(io.BytesIO(data))
    sheet = wb["Erfolgskontrolle"]
    header = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == measure_id:
            for name, value in cells.items():
                row[header.index(name)].value = value
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_erfolgskontrolle_sheet_round_trips(world: dict[str, Any]) -> None:
    client = login(world["bmi"])
    m1 = world["m1"]
    data = edit_evaluation(
        download(client),
        m1.pk,
        {"Stand": "geplant", "Methode": "Befragung der Teilnehmenden", "fällig am": "31.12.2027"},
    )
    upload(client, "x.xlsx", data)
    job = last_job()
    assert job.state == UploadJob.State.READY, job.preview
    changes = job.preview["rows"][0]["changes"]
    assert [c["column"] for c in changes] == [
        "Erfolgskontrolle: Stand",
        "Erfolgskontrolle: Methode",
        "Erfolgskontrolle: fällig am",
    ]
    client.post(reverse("roundtrip:apply", args=[job.token]))
    m1.refresh_from_db()
    assert m1.version == 2
    assert (m1.evaluation.state, m1.evaluation.method, str(m1.evaluation.due_date)) == (
        "planned",
        "Befragung der Teilnehmenden",
        "2027-12-31",
    )
    # Downloading again and uploading unchanged proposes nothing.
    upload(client, "x.xlsx", download(client))
    assert last_job().preview["change_count"] == 0


def test_erfolgskontrolle_rule_violation_is_a_row_error(world: dict[str, Any]) -> None:
    client = login(world["bmi"])
    m1 = world["m1"]
    before = snapshot()
    upload(client, "x.xlsx", edit_evaluation(download(client), m1.pk, {"Stand": "geplant"}))
    job = last_job()
    assert job.state == UploadJob.State.REJECTED
    errors = job.preview["rows"][0]["errors"]
    assert errors[0]["column"] == "Erfolgskontrolle: Methode" and errors[0]["rule"].startswith("Regel 7")
    assert snapshot() == before


def test_old_uploads_are_purged(world: dict[str, Any]) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from isi.imports.roundtrip.services import purge_old_jobs

    old = UploadJob.objects.create(
        user=world["bmi"], filename="a.csv", kind="csv", content=b"x", state="applied"
    )
    UploadJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=30))
    fresh = UploadJob.objects.create(
        user=world["bmi"], filename="b.csv", kind="csv", content=b"x", state="ready"
    )
    assert purge_old_jobs() == 1
    assert list(UploadJob.objects.values_list("pk", flat=True)) == [fresh.pk]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_data")
def test_background_job_with_the_database_queue() -> None:
    """With the production backend the upload is queued; the worker validates, then applies."""
    from django.core.management import call_command

    bmi = make_user("bmi", "desk_officer", "bmi")
    world_ = {"m1": make_measure("Erstorientierungskurse", "bmi"), "m2": make_measure("Zweite", "bmi")}
    tasks_db = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from asgiref.local import Local
    from django.tasks import task_backends

    def reset_backends() -> None:
        handler: Any = task_backends
        handler._settings = None
        handler.__dict__.pop("settings", None)
        handler._connections = Local(False)

    with override_settings(TASKS=tasks_db, ISI_ROUNDTRIP_BACKGROUND_ROWS=1):
        reset_backends()
        try:
            client = login(bmi)
            data = edit_xlsx(
                download(client), {world_["m1"].pk: {"Titel": "A"}, world_["m2"].pk: {"Titel": "B"}}
            )
            response = upload(client, "x.xlsx", data)
            job = last_job()
            assert job.state == UploadJob.State.VALIDATING and job.total_rows == 2
            html = client.get(response["Location"]).content.decode()
            assert 'role="progressbar"' in html and 'aria-valuenow="0"' in html
            call_command("db_worker", batch=True, no_startup_delay=True, interval=0)
            job.refresh_from_db()
            assert job.state == UploadJob.State.READY, job.preview
            client.post(reverse("roundtrip:apply", args=[job.token]))
            job.refresh_from_db()
            assert job.state == UploadJob.State.APPLYING
            assert Measure.objects.get(pk=world_["m1"].pk).version == 1
            call_command("db_worker", batch=True, no_startup_delay=True, interval=0)
            job.refresh_from_db()
            assert job.state == UploadJob.State.APPLIED and job.applied_count == 2
        finally:
            reset_backends()
    reset_backends()


def test_archived_measure_is_a_row_error(world: dict[str, Any]) -> None:
    from isi.measures.services import measure_archive

    client = login(world["bmi"])
    data = download(client)
    measure_archive(measure_id=world["m2"].pk, expected_version=1, actor=world["bmi"])
    upload(client, "x.xlsx", edit_xlsx(data, {}))
    assert last_job().state == UploadJob.State.READY  # unchanged archived rows are ignored
    upload(client, "x.xlsx", edit_xlsx(data, {world["m2"].pk: {"Titel": "Neu"}}))
    job = last_job()
    assert job.state == UploadJob.State.REJECTED
    assert job.preview["rows"][0]["errors"][0]["rule"] == "Archiv"
