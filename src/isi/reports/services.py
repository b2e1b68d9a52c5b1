"""Writes for IMAG reports: request a report, build it (called by the task), purge old ones."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from isi.organisations.models import Organisation
from isi.reports.models import ReportJob

# Generated reports are kept this long; people download them for a meeting, then regenerate.
KEEP_DAYS = 30


def report_request(*, actor: Any, ministry: Organisation | None) -> ReportJob:
    """Queue a report; the caller has checked `can_request_report` and enqueues the task."""
    with override("de"):
        scope_name = ministry.name if ministry is not None else _("alle Ressorts")
    return ReportJob.objects.create(ministry=ministry, scope_name=scope_name, requested_by=actor)


def _update(job_id: int, **values: Any) -> None:
    ReportJob.objects.filter(pk=job_id).update(**values)


def report_build(job_id: int) -> None:
    """Build the PDF and XLSX for a queued job, reporting progress on the job row."""
    from isi.reports.render import report_pdf, report_xlsx
    from isi.reports.report_data import build_report

    job = ReportJob.objects.select_related("ministry", "requested_by__organisation").get(pk=job_id)
    _update(job_id, state=ReportJob.State.RUNNING, progress=5, step="")

    def progress(percent: int, label: str) -> None:
        _update(job_id, progress=percent, step=label[:200])

    # The report is German whoever requested it (IMAG documents), whatever the worker's locale.
    with override("de"):
        # Titles of measures the requester may not see are named neutrally (isi.measures.visibility).
        data, full_tables = build_report(job.ministry, progress=progress, reader=job.requested_by)
        progress(70, _("PDF"))
        pdf = report_pdf(data)
        progress(90, _("XLSX"))
        xlsx = report_xlsx(data, full_tables)
    with transaction.atomic():
        _update(
            job_id,
            state=ReportJob.State.DONE,
            progress=100,
            step="",
            pdf=pdf,
            xlsx=xlsx,
            finished_at=timezone.now(),
        )


def report_fail(job_id: int, message: str) -> None:
    _update(job_id, state=ReportJob.State.FAILED, error=message, finished_at=timezone.now())


def purge_old_jobs(*, now: Any = None) -> int:
    cutoff = (now or timezone.now()) - timedelta(days=KEEP_DAYS)
    deleted, _details = ReportJob.objects.filter(created_at__lt=cutoff).delete()
    return deleted
