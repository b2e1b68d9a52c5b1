"""A desk officer downloads, edits and uploads an XLSX in Chromium, sees the preview and applies it."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from openpyxl import load_workbook  # type: ignore[import-untyped]
from playwright.sync_api import Browser, BrowserContext
from pytest_django.live_server_helper import LiveServer

from isi.accounts.models import User
from isi.catalog.models import Level
from isi.imports.roundtrip.xlsx import measures_workbook
from isi.measures.models import Measure
from isi.organisations.models import Organisation
from tests.browser.support import axe_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]


@pytest.fixture
def desk_officer() -> User:
    bmi = Organisation.objects.get(key="bmi")
    for title in ("Erstorientierungskurse", "Migrationsberatung für Erwachsene"):
        Measure.objects.create(title=title, owner=bmi, level=Level.objects.get(key="bund"))
    return User.objects.create_user(username="bmi", password="x", role="desk_officer", organisation=bmi)


@pytest.fixture
def context(browser: Browser, live_server: LiveServer, desk_officer: User) -> Iterator[BrowserContext]:
    client = Client()
    client.force_login(desk_officer)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    # CSP bypassed only so axe can be injected.
    ctx = browser.new_context(locale="de-DE", bypass_csp=True)
    ctx.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    yield ctx
    ctx.close()


def edited_workbook(tmp_path: Path) -> tuple[Path, int]:
    measure = Measure.objects.get(title="Erstorientierungskurse")
    wb = load_workbook(io.BytesIO(measures_workbook(Measure.objects.order_by("pk"))))
    sheet = wb["Maßnahmen"]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == measure.pk:
            row[2].value = "Erstorientierung – überarbeitet"
    path = tmp_path / "massnahmen.xlsx"
    wb.save(path)
    return path, measure.pk


def test_upload_preview_apply_and_accessibility(
    live_server: LiveServer, context: BrowserContext, tmp_path: Path
) -> None:
    page = context.new_page()
    page.goto(f"{live_server.url}/arbeitsbereich/excel/")
    assert page.get_by_role("heading", level=1).inner_text() == "Excel-Abgleich"
    violations: list[Any] = axe_violations(page)
    assert violations == [], json.dumps(violations, indent=1, ensure_ascii=False)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Meine Maßnahmen als Excel-Datei (XLSX)").click()
    assert download_info.value.suggested_filename.endswith(".xlsx")

    path, measure_id = edited_workbook(tmp_path)
    page.get_by_label("Bearbeitete Datei (XLSX oder CSV)").set_input_files(str(path))
    page.get_by_role("button", name="Hochladen und Vorschau anzeigen").click()
    page.wait_for_url("**/vorgang/**")
    assert page.get_by_role("heading", level=1).inner_text() == "Vorschau des Excel-Abgleichs"
    assert page.get_by_role("cell", name="Erstorientierung – überarbeitet").is_visible()
    assert Measure.objects.get(pk=measure_id).version == 1
    violations = axe_violations(page)
    assert violations == [], json.dumps(violations, indent=1, ensure_ascii=False)

    page.get_by_role("button", name="Übernehmen").click()
    assert page.get_by_role("status").filter(has_text="Übernommen").is_visible()
    measure = Measure.objects.get(pk=measure_id)
    assert (measure.title, measure.version) == ("Erstorientierung – überarbeitet", 2)


def test_rejected_upload_is_accessible(
    live_server: LiveServer, context: BrowserContext, tmp_path: Path
) -> None:
    page = context.new_page()
    page.goto(f"{live_server.url}/arbeitsbereich/excel/")
    bad = tmp_path / "kaputt.xlsx"
    bad.write_bytes(b"not a workbook")
    page.get_by_label("Bearbeitete Datei (XLSX oder CSV)").set_input_files(str(bad))
    page.get_by_role("button", name="Hochladen und Vorschau anzeigen").click()
    assert page.get_by_role("alert").first.is_visible()
    violations = axe_violations(page)
    assert violations == [], json.dumps(violations, indent=1, ensure_ascii=False)


def test_row_errors_and_progress_pages_are_accessible(
    live_server: LiveServer, context: BrowserContext, tmp_path: Path, desk_officer: User
) -> None:
    from isi.imports.models import UploadJob

    measure = Measure.objects.get(title="Erstorientierungskurse")
    path = tmp_path / "fehler.csv"
    path.write_text(f"ID;Version;Titel;Status\n{measure.pk};1;Neu;fast fertig\n", encoding="utf-8")
    page = context.new_page()
    page.goto(f"{live_server.url}/arbeitsbereich/excel/")
    page.get_by_label("Bearbeitete Datei (XLSX oder CSV)").set_input_files(str(path))
    page.get_by_role("button", name="Hochladen und Vorschau anzeigen").click()
    page.wait_for_url("**/vorgang/**")
    assert page.get_by_role("cell", name="Katalogwert").is_visible()
    assert page.get_by_role("button", name="Übernehmen").count() == 0
    violations = axe_violations(page)
    assert violations == [], json.dumps(violations, indent=1, ensure_ascii=False)

    job = UploadJob.objects.create(
        user=desk_officer, filename="gross.xlsx", kind="xlsx", content=b"", total_rows=800, processed_rows=200
    )
    page.goto(f"{live_server.url}/arbeitsbereich/excel/vorgang/{job.token}/")
    bar = page.get_by_role("progressbar")
    assert bar.get_attribute("aria-valuenow") == "25"
    violations = axe_violations(page)
    assert violations == [], json.dumps(violations, indent=1, ensure_ascii=False)
