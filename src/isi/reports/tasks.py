"""Background work: building an IMAG report (django.tasks; the database backend in production)."""

from __future__ import annotations

import logging

from django.tasks import task

from isi.reports import services

logger = logging.getLogger(__name__)


@task
def build_report(job_id: int) -> None:
    try:
        services.report_build(job_id)
    except Exception:
        # Never leave the job "running" forever: the person sees it failed and may retry.
        logger.exception("IMAG report %s failed", job_id)
        services.report_fail(
            job_id, "Der Bericht konnte nicht erstellt werden. Bitte versuchen Sie es erneut."
        )
        raise
