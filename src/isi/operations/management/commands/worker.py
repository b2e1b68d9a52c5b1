"""`isi worker`: the background task worker, supervised so that it outlives database outages.

It runs django_tasks_db's worker loop (the same as ``isi db_worker``: jobs are taken with
``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL, an exclusive transaction on SQLite, so two
workers never take the same job) and adds:

- a heartbeat row (``operations.WorkerHeartbeat``) written every ISI_WORKER_HEARTBEAT_SECONDS by
  a thread of its own, which /readyz checks;
- survival of a database outage: an OperationalError/InterfaceError ends the loop, the worker
  closes its connections, waits (1, 2, 4 … at most 5 seconds) and starts the loop again;
- orphaned jobs: at start and after every outage, jobs left RUNNING by this worker (the outage
  hit them) or by a worker without a fresh heartbeat (it died) are marked FAILED, with the
  reason in the traceback field. They are not re-queued: a job may have had effects (e-mails
  sent, files written) before it was cut off, so a person decides whether to run it again.
"""

from __future__ import annotations

import contextlib
import logging
import os
import random
import socket
import string
import threading
import time
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError, connections, transaction
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from isi.core.outage import UNAVAILABLE
from isi.operations.health import heartbeat_seconds, heartbeat_stale_after
from isi.operations.models import WorkerHeartbeat

log = logging.getLogger("isi.worker")

LOST = "isi.operations.worker.WorkerLost"
MAX_BACKOFF_SECONDS = 5.0
# Heartbeat rows of workers gone this long are removed.
FORGET_AFTER = timedelta(days=1)


def default_worker_id() -> str:
    suffix = "".join(random.choices(string.ascii_lowercase + string.digits, k=6))
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{suffix}"[:64]


def close_connections() -> None:
    """Close this thread's connections; a broken one may fail to close, which is fine."""
    for conn in connections.all(initialized_only=True):
        with contextlib.suppress(Exception):  # the connection is gone either way
            conn.close()


def fail_orphaned_jobs(worker_id: str, *, now: Any = None) -> int:
    """Mark as FAILED the RUNNING jobs nobody is running any more; return how many.

    A job is orphaned when its (last) worker is this one – which runs nothing while it recovers –
    or when that worker has had no fresh heartbeat since the job started.
    """
    now = now or timezone.now()
    stale = heartbeat_stale_after()
    alive = set(
        WorkerHeartbeat.objects.filter(beat_at__gte=now - stale)
        .exclude(worker_id=worker_id)
        .values_list("worker_id", flat=True)
    )
    count = 0
    for job in DBTaskResult.objects.running().only("id", "worker_ids", "started_at"):
        last = job.worker_ids[-1] if job.worker_ids else ""
        if last == worker_id:
            reason = (
                f"Worker {worker_id} lost the database while running this job; it was cut off. "
                "Not retried automatically: run it again if needed."
            )
        elif last not in alive and (job.started_at is None or job.started_at < now - stale):
            reason = (
                f"Worker {last or '?'} stopped (no heartbeat for {int(stale.total_seconds())} s) while "
                "running this job. Not retried automatically: run it again if needed."
            )
        else:
            continue
        with transaction.atomic():
            updated = DBTaskResult.objects.filter(pk=job.pk, status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                exception_class_path=LOST,
                traceback=reason,
                return_value=None,
            )
        if updated:
            log.warning("job %s marked failed: %s", job.pk, reason)
            count += updated
    return count


class Heartbeat(threading.Thread):
    """Writes the worker's heartbeat row every few seconds, with its own database connection."""

    def __init__(self, worker_id: str, interval: float) -> None:
        super().__init__(name="isi-worker-heartbeat", daemon=True)
        self.worker_id = worker_id
        self.interval = interval
        self.started_at = timezone.now()
        self.state = "starting"
        self.task_id = ""
        self.stopping = threading.Event()
        self.failures = 0

    def run(self) -> None:
        while True:
            self.beat()
            if self.stopping.wait(self.interval):
                return

    def beat(self) -> bool:
        try:
            WorkerHeartbeat.objects.update_or_create(
                worker_id=self.worker_id,
                defaults={
                    "hostname": socket.gethostname()[:255],
                    "pid": os.getpid(),
                    "started_at": self.started_at,
                    "beat_at": timezone.now(),
                    "state": self.state,
                    "task_id": self.task_id,
                },
            )
        except DatabaseError as exc:
            if self.failures == 0:
                log.warning("heartbeat not written (%s); retrying", type(exc).__name__)
            self.failures += 1
            return False
        finally:
            close_connections()
        if self.failures:
            log.info("heartbeat written again after %d failed attempts", self.failures)
        self.failures = 0
        return True

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=self.interval + 5)
        try:
            WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()
        except DatabaseError:
            pass
        finally:
            close_connections()


class SupervisedWorker(Worker):
    """django_tasks_db's worker, telling the heartbeat which job it runs."""

    heartbeat: Heartbeat

    def run_task(self, db_task_result: DBTaskResult[Any, Any]) -> None:
        self.heartbeat.state, self.heartbeat.task_id = "running", str(db_task_result.id)
        try:
            super().run_task(db_task_result)
        finally:
            self.heartbeat.state, self.heartbeat.task_id = "idle", ""


class Command(BaseCommand):
    help = (
        "Hintergrund-Worker für Aufgaben: übersteht Datenbankausfälle, meldet sich regelmäßig "
        "(/readyz) und markiert Aufgaben abgebrochener Worker als fehlgeschlagen."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--queue-name", default="default", help="Warteschlangen, kommagetrennt; * = alle")
        parser.add_argument("--interval", type=float, default=1.0, help="Sekunden zwischen Abfragen")
        parser.add_argument(
            "--worker-id", default="", help="eindeutige Kennung (Standard: Rechner-PID-Zufall)"
        )
        parser.add_argument(
            "--batch", action="store_true", help="alle fälligen Aufgaben erledigen, dann enden"
        )
        parser.add_argument("--max-tasks", type=int, default=None, help="nach so vielen Aufgaben enden")

    def handle(self, *args: Any, **options: Any) -> None:
        worker_id = str(options["worker_id"] or default_worker_id())[:64]
        if options["verbosity"] >= 1 and not logging.getLogger("django_tasks_db").hasHandlers():
            logging.getLogger("django_tasks_db").addHandler(logging.StreamHandler(self.stderr))
            logging.getLogger("django_tasks_db").setLevel(logging.INFO)
        heartbeat = Heartbeat(worker_id, float(heartbeat_seconds()))
        worker = SupervisedWorker(
            queue_names=str(options["queue_name"]).split(","),
            interval=max(0.0, float(options["interval"])),
            batch=bool(options["batch"]),
            backend_name="default",
            startup_delay=False,
            max_tasks=options["max_tasks"],
            worker_id=worker_id,
            excluded_queue_names=[],
        )
        worker.heartbeat = heartbeat
        worker.configure_signals()
        self.stderr.write(f"isi worker {worker_id} gestartet (Lebenszeichen alle {heartbeat.interval:g} s).")
        heartbeat.start()
        try:
            self.supervise(worker, heartbeat, worker_id)
        finally:
            heartbeat.stop()
            close_connections()

    def supervise(self, worker: SupervisedWorker, heartbeat: Heartbeat, worker_id: str) -> None:
        backoff = 1.0
        while worker.running:
            try:
                failed = fail_orphaned_jobs(worker_id)
                if failed:
                    self.stderr.write(f"{failed} abgebrochene Aufgabe(n) als fehlgeschlagen markiert.")
                WorkerHeartbeat.objects.filter(beat_at__lt=timezone.now() - FORGET_AFTER).delete()
                heartbeat.state = "idle"
                backoff = 1.0
                worker.run()
                return  # --batch or --max-tasks reached
            except UNAVAILABLE as exc:
                heartbeat.state, heartbeat.task_id = "db-wait", ""
                log.warning("database unavailable (%s); retrying in %.0f s", type(exc).__name__, backoff)
                self.stderr.write(
                    f"Datenbank nicht erreichbar ({type(exc).__name__}); neuer Versuch in {backoff:.0f} s."
                )
                close_connections()
                time.sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
