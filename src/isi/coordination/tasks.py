"""Background work of overlap review (django.tasks; the database backend in production)."""

from __future__ import annotations

from django.tasks import task

from isi.coordination.services import run_execute


@task
def compute_overlaps(run_id: int) -> None:
    """Compute all candidate pairs across the database; progress is kept on the run row."""
    run_execute(run_id)
