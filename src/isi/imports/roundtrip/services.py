"""Validate and apply a stored upload. Apply writes every row with `measure_update` in ONE
transaction: the whole upload applies, or nothing does."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from isi.imports.models import UploadJob
from isi.imports.roundtrip.csvio import CsvError, decode_csv, read_csv
from isi.imports.roundtrip.uploads import CSV, max_columns, max_rows
from isi.imports.roundtrip.validation import Validation, validate_rows
from isi.imports.roundtrip.xlsx import Table, WorkbookError, read_workbook
from isi.measures.services import RulesBroken, StaleVersion, measure_change

SOURCE = "excel"


def purge_old_jobs() -> int:
    """Stored uploads are kept only as long as needed (default 14 days)."""
    days = int(getattr(settings, "ISI_UPLOAD_RETENTION_DAYS", 14))
    cutoff = timezone.now() - timedelta(days=days)
    deleted, _ = (
        UploadJob.objects.filter(created_at__lt=cutoff)
        .exclude(state__in=[UploadJob.State.VALIDATING, UploadJob.State.APPLYING])
        .delete()
    )
    return deleted


def background_threshold() -> int:
    return int(getattr(settings, "ISI_ROUNDTRIP_BACKGROUND_ROWS", 500))


def budget_seconds() -> float:
    """Time budget of reading and validating one upload (in the background job)."""
    return float(getattr(settings, "ISI_ROUNDTRIP_SECONDS", 300))


class OverBudget(Exception):
    pass


def read_rows(kind: str, data: bytes, deadline: float | None = None) -> tuple[Table, Table | None]:
    """The main table and (XLSX only) the Erfolgskontrolle table of an upload, within the row and
    column limits. Raises WorkbookError (also for CSV) with a German message."""
    limits = {"max_rows": max_rows(), "max_columns": max_columns()}
    if kind == CSV:
        try:
            text, _ = decode_csv(data)
            return read_csv(text, **limits), None
        except CsvError as exc:
            raise WorkbookError(str(exc)) from exc
    return read_workbook(data, deadline=deadline, **limits)


def _broken(message: str) -> dict[str, Any]:
    return {
        "rows": [],
        "file_errors": [{"row": None, "column": "—", "rule": "Datei", "message": message}],
        "unchanged": 0,
        "total": 0,
        "error_count": 1,
        "change_count": 0,
    }


def validate_job(job: UploadJob, tables: tuple[Table, Table | None] | None = None) -> Validation:
    """Validate the stored file, record the preview and the state; returns the validation.

    Reading and validating share one time budget; over it, the job is rejected (nothing kept
    but a one-line preview)."""
    seconds = budget_seconds()
    deadline = time.monotonic() + seconds
    try:
        (header, data_rows), evaluation = (
            tables if tables is not None else read_rows(job.kind, bytes(job.content), deadline)
        )
    except WorkbookError as exc:
        validation = Validation(preview=_broken(str(exc)))
    else:
        job.total_rows = len(data_rows)

        def progress(done: int, total: int) -> None:
            UploadJob.objects.filter(pk=job.pk).update(processed_rows=done, total_rows=total)
            if time.monotonic() > deadline:
                raise OverBudget

        try:
            validation = validate_rows(header, data_rows, job.user, evaluation=evaluation, progress=progress)
        except OverBudget:
            validation = Validation(
                preview=_broken(
                    f"Die Prüfung hat die vorgesehene Zeit ({seconds:.0f} s) überschritten und wurde "
                    "abgebrochen. Bitte die Datei aufteilen."
                )
            )
    job.preview = validation.preview
    job.processed_rows = job.total_rows
    job.state = UploadJob.State.READY if validation.ok else UploadJob.State.REJECTED
    job.save(update_fields=["preview", "processed_rows", "total_rows", "state", "updated_at"])
    return validation


class ApplyRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def apply_job(job: UploadJob) -> int:
    """Re-validate and apply exactly the previewed changes, all or nothing. Returns the count."""
    try:
        (header, data_rows), evaluation = read_rows(
            job.kind, bytes(job.content), time.monotonic() + budget_seconds()
        )
    except WorkbookError as exc:
        raise ApplyRefused(str(exc)) from exc
    fresh = validate_rows(header, data_rows, job.user, evaluation=evaluation)
    if not fresh.ok:
        raise ApplyRefused(
            "Seit der Vorschau hat sich etwas geändert: die Datei enthält jetzt Fehler. "
            "Es wurde nichts übernommen."
        )
    if fresh.preview["rows"] != job.preview.get("rows"):
        raise ApplyRefused(
            "Seit der Vorschau wurden Maßnahmen geändert; die Vorschau stimmt nicht mehr. "
            "Es wurde nichts übernommen – bitte die Datei erneut hochladen."
        )
    try:
        with transaction.atomic():
            for planned in fresh.plan:
                # Rows of measures the uploader only implements become proposals for the owner's
                # release (isi.measures.revisions), like the same edit in the form.
                measure_change(
                    measure_id=planned.measure_id,
                    expected_version=planned.version,
                    changes=planned.changes,
                    actor=job.user,
                    source=SOURCE,
                )
    except RulesBroken as exc:
        raise ApplyRefused(
            "Eine Zeile verstößt gegen Regeln: " + " ".join(exc.messages) + " Es wurde nichts übernommen."
        ) from exc
    except StaleVersion as exc:
        raise ApplyRefused(
            f"„{exc.measure.title}“ wurde gerade von jemand anderem geändert "
            f"(Version {exc.current_version}). "
            "Es wurde nichts übernommen."
        ) from exc
    return len(fresh.plan)


def run_apply(job: UploadJob) -> UploadJob:
    """Apply and record the outcome on the job."""
    try:
        count = apply_job(job)
    except ApplyRefused as exc:
        job.state = UploadJob.State.FAILED
        job.message = exc.message
        job.save(update_fields=["state", "message", "updated_at"])
        return job
    job.state = UploadJob.State.APPLIED
    job.applied_count = count
    job.message = ""
    job.save(update_fields=["state", "applied_count", "message", "updated_at"])
    return job
