"""Prometheus metrics (prometheus-client), served at /metrics (see views.metrics).

Per request (isi.operations.middleware): latency per view (the route name, never the raw path),
responses per status, database queries and database time per request. Rebuild times of the
search snapshot and the similarity index arrive through ``isi.core.hooks.rebuilt``.

Under gunicorn set ``PROMETHEUS_MULTIPROC_DIR`` to an empty directory writable by the workers:
prometheus-client then keeps each worker's values in files there and /metrics adds them up
(``MultiProcessCollector``). The task queue figures are read from the database at scrape time
(``DatabaseCollector``), so they are the same whichever worker answers.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator

from django.db import DatabaseError
from django.db.models import Count, Min
from django.utils import timezone
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

log = logging.getLogger("isi.operations")

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
QUERY_BUCKETS = (0, 1, 2, 3, 5, 10, 20, 50, 100, 200, 500)
REBUILD_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0)

REQUEST_SECONDS = Histogram(
    "isi_http_request_duration_seconds",
    "Time from request to response, per view (route name) and method.",
    ["view", "method"],
    buckets=LATENCY_BUCKETS,
)
RESPONSES = Counter(
    "isi_http_responses",
    "Responses per view, method and status code.",
    ["view", "method", "status"],
)
REQUEST_QUERIES = Histogram(
    "isi_http_request_db_queries",
    "Database queries per request, per view.",
    ["view"],
    buckets=QUERY_BUCKETS,
)
REQUEST_DB_SECONDS = Histogram(
    "isi_http_request_db_seconds",
    "Time spent in the database per request, per view.",
    ["view"],
    buckets=LATENCY_BUCKETS,
)
DATABASE_UNAVAILABLE = Counter(
    "isi_database_unavailable_responses",
    "Requests answered 503 because the database could not be reached.",
)
SECURITY_EVENTS = Counter(
    "isi_security_events",
    "Failed sign-ins and refused accesses.",
    ["kind"],
)
REBUILD_SECONDS = Histogram(
    "isi_rebuild_seconds",
    "Time to build the search snapshot or the similarity index (full or incremental).",
    ["what", "mode"],
    buckets=REBUILD_BUCKETS,
)


def multiprocess_dir() -> str:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")


class DatabaseCollector(Collector):
    """Task queue and worker figures, read from the database when /metrics is asked."""

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("isi_database_up", "1 when the database answered the metrics queries.")
        try:
            families = list(self._families())
        except DatabaseError as exc:
            log.warning("metrics: database not reachable (%s)", type(exc).__name__)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from families

    def _families(self) -> Iterator[Metric]:
        from django.tasks import TaskResultStatus
        from django_tasks_db.models import DBTaskResult

        from isi.operations.health import heartbeat_stale_after
        from isi.operations.models import WorkerHeartbeat

        now = timezone.now()
        by_status = dict(
            DBTaskResult.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n")
        )
        tasks = GaugeMetricFamily(
            "isi_tasks", "Task results in the queue table, per status.", labels=["status"]
        )
        for status in TaskResultStatus.values:
            tasks.add_metric([status.lower()], float(by_status.get(status, 0)))
        yield tasks

        depth = GaugeMetricFamily("isi_task_queue_depth", "Tasks ready to run now.")
        depth.add_metric([], float(DBTaskResult.objects.ready().count()))
        yield depth

        oldest = DBTaskResult.objects.ready().aggregate(oldest=Min("enqueued_at"))["oldest"]
        age = GaugeMetricFamily(
            "isi_task_queue_oldest_age_seconds", "Age of the oldest task that is ready to run (0: none)."
        )
        age.add_metric([], max(0.0, (now - oldest).total_seconds()) if oldest else 0.0)
        yield age

        failed = GaugeMetricFamily(
            "isi_tasks_failed", "Task results that ended as failed (kept in the table)."
        )
        failed.add_metric([], float(by_status.get(TaskResultStatus.FAILED, 0)))
        yield failed

        fresh = now - heartbeat_stale_after()
        workers = GaugeMetricFamily("isi_task_workers_alive", "Task workers with a fresh heartbeat.")
        workers.add_metric([], float(WorkerHeartbeat.objects.filter(beat_at__gte=fresh).count()))
        yield workers


def render() -> tuple[bytes, str]:
    """The exposition text of this process (or of all gunicorn workers) plus the database figures."""
    started = time.perf_counter()
    if multiprocess_dir():
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        body = generate_latest(registry)
    else:
        body = generate_latest(REGISTRY)
    database = CollectorRegistry()
    database.register(DatabaseCollector())
    body += generate_latest(database)
    took = GaugeMetricFamily("isi_metrics_scrape_seconds", "Time to produce this answer.")
    took.add_metric([], time.perf_counter() - started)
    scrape = CollectorRegistry()
    scrape.register(_Fixed([took]))
    body += generate_latest(scrape)
    return body, CONTENT_TYPE_LATEST


class _Fixed(Collector):
    def __init__(self, families: list[Metric]) -> None:
        self.families = families

    def collect(self) -> Iterator[Metric]:
        return iter(self.families)
