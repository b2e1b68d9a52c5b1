"""/healthz and /readyz: is the process alive, and can it serve?

``liveness()`` touches nothing but the process. ``readiness()`` checks, each on its own:

- database: reachable, within a short time-out (PostgreSQL: ``connect_timeout`` and a statement
  time-out; SQLite: a file that opens);
- migrations: every migration on disk is applied (one query on ``django_migrations``);
- worker: a task worker's heartbeat is fresh (only when tasks go through the database queue);
- disk: the var directory has at least ``ISI_READY_MIN_FREE_MB`` free.

The answer names the checks and their outcome, never a host, a path, a user or an error message
(only the error's class name).
"""

from __future__ import annotations

import os
import shutil
import time
from datetime import timedelta
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

DB_TIMEOUT_SECONDS = 2.0

Check = dict[str, Any]


def liveness() -> dict[str, Any]:
    return {"status": "ok", "pid": os.getpid()}


def heartbeat_seconds() -> int:
    return int(getattr(settings, "ISI_WORKER_HEARTBEAT_SECONDS", 10))


def heartbeat_stale_after() -> timedelta:
    """A worker whose last heartbeat is older than this is taken for dead (3 beats, at least 15 s)."""
    return timedelta(seconds=max(3 * heartbeat_seconds(), 15))


def worker_required() -> bool:
    """Only the database queue needs a worker; the immediate backend (tests) runs tasks at once."""
    backend = str(getattr(settings, "TASKS", {}).get("default", {}).get("BACKEND", ""))
    return backend.startswith("django_tasks_db")


@lru_cache(maxsize=1)
def migrations_on_disk() -> frozenset[tuple[str, str]]:
    """Every migration the code ships (read once per process: the code does not change under it)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return frozenset(loader.disk_migrations)


def _timed(check: Check, started: float) -> Check:
    check["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return check


def check_database() -> Check:
    started = time.perf_counter()
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL statement_timeout = %s", [int(DB_TIMEOUT_SECONDS * 1000)])
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return _timed({"ok": False, "error": type(exc).__name__}, started)
    return _timed({"ok": True}, started)


def check_migrations() -> Check:
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT app, name FROM django_migrations")
            applied = {(str(app), str(name)) for app, name in cursor.fetchall()}
    except DatabaseError as exc:
        return _timed({"ok": False, "error": type(exc).__name__}, started)
    unapplied = len(migrations_on_disk() - applied)
    return _timed({"ok": unapplied == 0, "unapplied": unapplied}, started)


def check_worker() -> Check:
    from isi.operations.models import WorkerHeartbeat

    started = time.perf_counter()
    if not worker_required():
        return _timed({"ok": True, "required": False}, started)
    try:
        latest = WorkerHeartbeat.objects.order_by("-beat_at").values_list("beat_at", flat=True).first()
    except DatabaseError as exc:
        return _timed({"ok": False, "error": type(exc).__name__}, started)
    if latest is None:
        return _timed({"ok": False, "age_seconds": None}, started)
    age = (timezone.now() - latest).total_seconds()
    fresh = age <= heartbeat_stale_after().total_seconds()
    return _timed({"ok": fresh, "age_seconds": round(max(age, 0.0), 1)}, started)


def check_disk() -> Check:
    started = time.perf_counter()
    minimum = int(getattr(settings, "ISI_READY_MIN_FREE_MB", 100))
    var_dir = settings.VAR_DIR
    try:
        free = shutil.disk_usage(var_dir if os.path.isdir(var_dir) else settings.PROJECT_DIR).free
    except OSError as exc:
        return _timed({"ok": False, "error": type(exc).__name__}, started)
    free_mb = free // (1024 * 1024)
    return _timed({"ok": free_mb >= minimum, "free_mb": free_mb, "min_free_mb": minimum}, started)


def readiness() -> tuple[bool, dict[str, Any]]:
    checks: dict[str, Check] = {"database": check_database()}
    if checks["database"]["ok"]:
        checks["migrations"] = check_migrations()
        checks["worker"] = check_worker()
    else:
        checks["migrations"] = {"ok": False, "skipped": "database"}
        checks["worker"] = {"ok": False, "skipped": "database"}
    checks["disk"] = check_disk()
    ready = all(check["ok"] for check in checks.values())
    return ready, {"status": "ok" if ready else "unavailable", "checks": checks}
