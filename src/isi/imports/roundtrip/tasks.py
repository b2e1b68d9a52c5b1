"""Background work for large uploads (django.tasks; the database backend in production)."""

from __future__ import annotations

import logging

from django.tasks import task

from isi.imports.models import UploadJob
from isi.imports.roundtrip.services import run_apply, validate_job

logger = logging.getLogger(__name__)


def _fail(job_id: int, message: str) -> None:
    UploadJob.objects.filter(pk=job_id).update(state=UploadJob.State.FAILED, message=message)


@task
def validate_upload(job_id: int) -> None:
    job = UploadJob.objects.select_related("user").get(pk=job_id)
    try:
        validate_job(job)
    except Exception:
        # Never leave the job "running" forever: the person sees it failed.
        logger.exception("round-trip validation failed for job %s", job_id)
        _fail(job_id, "Die Prüfung ist unerwartet abgebrochen. Es wurde nichts gespeichert.")
        raise


@task
def apply_upload(job_id: int) -> None:
    job = UploadJob.objects.select_related("user").get(pk=job_id)
    try:
        run_apply(job)
    except Exception:
        logger.exception("round-trip apply failed for job %s", job_id)
        _fail(job_id, "Die Übernahme ist unerwartet abgebrochen. Es wurde nichts gespeichert.")
        raise
