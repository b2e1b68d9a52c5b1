"""The hostile-file corpus (tests/data/hostile/, issue #12) against every upload: the Excel/CSV
round-trip, the Open SDG import and the NAP-I command. Each file is refused within a time and
memory budget the test measures, and nothing is written."""

from __future__ import annotations

import importlib.util
import json
import resource
import time
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from isi.accounts.models import User
from isi.catalog.models import Level
from isi.core.models import ChangeRecord
from isi.imports.models import UploadJob
from isi.imports.roundtrip import services
from isi.imports.roundtrip.uploads import UploadRejected, scan_upload
from isi.imports.roundtrip.xlsx import WorkbookError, read_workbook
from isi.measures.models import Measure
from isi.monitoring.models import Observation
from isi.organisations.models import Organisation
from tests.integration.monitoring_fixtures import client_for, make_world

pytestmark = pytest.mark.django_db

HOSTILE = Path(__file__).resolve().parent.parent / "data" / "hostile"
SECONDS = 5.0  # per file, wall clock, on a shared two-core machine
RSS_MB = 150  # growth of the process's peak resident set while handling one file


def _corpus_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("hostile_corpus", HOSTILE / "make_corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CORPUS = _corpus_module()
FILES: dict[str, bytes] = CORPUS.corpus()

# What the refusal says (German, shown to the person uploading), per file.
ROUNDTRIP_REASONS = {
    "sparse_cell.xlsx": "Zeile 1.048.576",
    "sparse_cells_many.xlsx": "Spalte XFD",
    "huge_dimension.xlsx": "benutzte Bereich reicht bis XFD1048576",
    "zip_bomb.xlsx": "komprimiert",
    "xxe_shared_strings.xlsx": "unzulässige XML",
    "billion_laughs.xlsx": "unzulässige XML",
    "wide_10k_columns.xlsx": "Spalte CW",
    "path_traversal.xlsx": "unzulässigen Namen",
    "wrong_magic.xlsx": "keine gültige Excel",
    "zip_named.csv": "heißt .csv",
    "mixed_encoding.csv": "mischt Zeichenkodierungen",
    "undecodable.csv": "weder UTF-8 noch Windows-1252",
    "wide_10k_columns.csv": "10.000 Spalten",
    "unclosed_quote.csv": "keine gültige CSV-Datei",
}


def test_corpus_is_complete_and_the_committed_files_are_small() -> None:
    assert set(ROUNDTRIP_REASONS) == set(FILES)
    committed = [path for path in HOSTILE.iterdir() if path.suffix in (".xlsx", ".csv")]
    assert committed and sum(path.stat().st_size for path in committed) < 200 * 1024
    for path in committed:  # the committed files are what the generator writes
        assert path.read_bytes() == FILES[path.name], path.name


@contextmanager
def budget(seconds: float = SECONDS, megabytes: int = RSS_MB) -> Iterator[None]:
    """Fails when the block takes longer or raises the process's peak RSS by more than allowed."""
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    started = time.monotonic()
    yield
    elapsed = time.monotonic() - started
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before) / 1024
    assert elapsed < seconds, f"took {elapsed:.1f} s"
    assert grown < megabytes, f"peak RSS grew by {grown:.0f} MB"


def written() -> tuple[int, int, int, int]:
    return (
        Measure.objects.count(),
        ChangeRecord.objects.count(),
        UploadJob.objects.count(),
        Observation.objects.count(),
    )


@pytest.fixture
def desk_officer() -> User:
    bmi = Organisation.objects.get(key="bmi")
    Measure.objects.create(title="Erstorientierungskurse", owner=bmi, level=Level.objects.get(key="bund"))
    return User.objects.create_user(
        username="bmi-hostile", password="x", role="desk_officer", organisation=bmi
    )


def roundtrip_upload(client: Client, name: str, data: bytes) -> Any:
    return client.post(
        reverse("roundtrip:upload"), {"file": SimpleUploadedFile(name, data, content_type="text/plain")}
    )


# --- the Excel/CSV round-trip ---------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(FILES))
def test_roundtrip_refuses_every_hostile_file(desk_officer: User, name: str) -> None:
    client = Client()
    client.force_login(desk_officer)
    before = written()
    with budget():
        response = roundtrip_upload(client, name, FILES[name])
    assert response.status_code == 400
    html = response.content.decode()
    assert ROUNDTRIP_REASONS[name] in html, html[:2000]
    assert "Es wurde nichts gespeichert." in html and "Traceback" not in html
    assert written() == before


def test_uploaded_name_with_path_traversal_is_only_a_label(desk_officer: User) -> None:
    client = Client()
    client.force_login(desk_officer)
    response = roundtrip_upload(client, "../../etc/passwd.csv", b"ID;Version;Titel\r\n")
    assert response.status_code == 302
    job = UploadJob.objects.get()
    assert "/" not in job.filename and job.filename.endswith("passwd.csv")


def test_sparse_cell_workbook_is_refused_fast_with_little_memory() -> None:
    """The reviewer's attack: a value in XFD1048576. The check streams the sheet and stops at
    that cell; reading the workbook (should the check ever be skipped) never pads empty cells."""
    data = FILES["sparse_cell.xlsx"]
    tracemalloc.start()
    try:
        started = time.monotonic()
        with pytest.raises(UploadRejected) as refused:
            scan_upload("liste.xlsx", data)
        scan_seconds = time.monotonic() - started
        _, scan_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        # Cells right of the column limit are never read: the far value does not count.
        (header, rows), _ = read_workbook(
            data, max_rows=20_000, max_columns=100, deadline=time.monotonic() + 30
        )
        _, read_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    started = time.monotonic()  # timed without tracemalloc, which slows every allocation
    read_workbook(data, max_rows=20_000, max_columns=100, deadline=time.monotonic() + 30)
    read_seconds = time.monotonic() - started
    assert refused.value.reason == "sheet_too_large"
    assert "XFD1048576" in refused.value.message and "Zeile 1.048.576" in refused.value.message
    assert scan_seconds < 1 and scan_peak < 5 * 1024 * 1024, (scan_seconds, scan_peak)
    assert header == ["ID", "Version", "Titel"] and rows == []
    assert read_seconds < SECONDS and read_peak < 30 * 1024 * 1024, (read_seconds, read_peak)


def test_far_value_below_the_row_limit_is_an_error_of_the_reader() -> None:
    far = '<row r="1048576"><c r="A1048576"><v>1</v></c></row>'
    data = CORPUS.workbook(CORPUS.sheet(CORPUS.HEADER_ROW + far))
    started = time.monotonic()
    with pytest.raises(WorkbookError) as unreadable:
        read_workbook(data, max_rows=20_000, max_columns=100, deadline=time.monotonic() + 30)
    assert "Zeile 1048576" in str(unreadable.value)
    assert time.monotonic() - started < SECONDS


def test_huge_dimension_does_not_make_the_reader_pad() -> None:
    """Past the check, a lying <dimension> costs nothing: the reader ignores it."""
    tracemalloc.start()
    try:
        (header, rows), _ = read_workbook(FILES["huge_dimension.xlsx"])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert header == ["ID", "Version", "Titel"] and rows == [(2, [1, None, None])]
    assert peak < 20 * 1024 * 1024


def test_million_row_csv_is_refused_with_the_row_limit_and_nothing_stored(desk_officer: User) -> None:
    client = Client()
    client.force_login(desk_officer)
    data = CORPUS.million_rows_csv()
    assert len(data) > 4_000_000
    before = written()
    with budget():
        response = roundtrip_upload(client, "liste.csv", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "mehr als 20.000 Datenzeilen" in html and "Zeile 20.002" in html
    assert written() == before
    assert len(html) < 100_000


@override_settings(ISI_UPLOAD_MAX_ROWS=50)
def test_background_reader_enforces_the_row_limit_too(desk_officer: User) -> None:
    """A stored file over the limit (e.g. the limit was lowered meanwhile) is rejected by the job
    with one line, not a preview of every row."""
    job = UploadJob.objects.create(
        user=desk_officer, filename="x.csv", kind="csv", content=b"ID;Version;Titel\r\n" + b"1;1;x\r\n" * 500
    )
    services.validate_job(job)
    job.refresh_from_db()
    assert job.state == UploadJob.State.REJECTED
    assert "mehr als 50 Datenzeilen" in job.preview["file_errors"][0]["message"]
    assert len(json.dumps(job.preview)) < 2000


@override_settings(ISI_ROUNDTRIP_MAX_ERRORS=40, ISI_ROUNDTRIP_PAGE_SIZE=10)
def test_errors_are_capped_and_the_preview_is_paged(desk_officer: User) -> None:
    client = Client()
    client.force_login(desk_officer)
    data = b"ID;Version;Titel\r\n" + b"".join(b"x%d;1;Titel\r\n" % n for n in range(5000))
    response = roundtrip_upload(client, "fehler.csv", data)
    assert response.status_code == 302
    job = UploadJob.objects.get()
    assert job.state == UploadJob.State.REJECTED
    assert job.preview["truncated"] and job.preview["error_count"] == 41
    assert any(e["rule"] == "Fehlergrenze" for e in job.preview["file_errors"])
    assert len(json.dumps(job.preview)) < 20_000
    page = client.get(response["Location"]).content.decode()
    assert page.count('<tr class="kern-table__row"><td class="kern-table__cell">') == 20
    assert "Seite 1 von 3" in page and "?fehler=2" in page and "Fehlergrenze" in page
    last = client.get(response["Location"], {"fehler": 3}).content.decode()
    assert "Seite 3 von 3" in last and "Zeile 40:" not in last


def test_upload_list_never_loads_old_previews(desk_officer: User) -> None:
    big = {"rows": [{"row": n, "errors": [], "changes": []} for n in range(2000)], "error_count": 0}
    for _ in range(3):
        UploadJob.objects.create(
            user=desk_officer, filename="alt.csv", kind="csv", content=b"x" * 10_000, preview=big
        )
    client = Client()
    client.force_login(desk_officer)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("roundtrip:index"))
    assert response.status_code == 200 and response.content.decode().count("alt.csv") == 3
    job_queries = [q["sql"] for q in queries.captured_queries if "imports_uploadjob" in q["sql"]]
    assert job_queries and not any('"preview"' in sql or '"content"' in sql for sql in job_queries)


# --- the Open SDG import ----------------------------------------------------------------------

OPEN_SDG_FILES = {
    **FILES,
    "million_rows_opensdg.csv": CORPUS.million_rows_opensdg(),
    "opensdg_wide.csv": CORPUS.opensdg_wide(),
}


@pytest.mark.parametrize("name", sorted(OPEN_SDG_FILES))
def test_open_sdg_import_refuses_every_hostile_file(name: str) -> None:
    world = make_world()
    client = client_for("koordination")
    before = written()
    data = OPEN_SDG_FILES[name]
    with budget():
        response = client.post(
            reverse("monitoring_staff:import", args=[world.indicator.pk]),
            {"file": SimpleUploadedFile(name, data, content_type="text/csv"), "mode": "merge"},
        )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Traceback" not in html
    if name == "million_rows_opensdg.csv":
        assert "Mehr als 50000 Zeilen" in html
    if name == "opensdg_wide.csv":
        assert "höchstens 50" in html
    assert written() == before
    assert "monitoring_pending_import" not in client.session


# --- the NAP-I command ------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(FILES))
def test_nap_i_command_refuses_every_hostile_file(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(FILES[name])
    before = written()
    with budget(), pytest.raises(CommandError):
        call_command("import_nap_i", str(path))
    assert written() == before
