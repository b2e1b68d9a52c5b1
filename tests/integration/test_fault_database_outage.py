"""Fault test (issue #13): PostgreSQL stops under load and comes back; ISI answers 503, never 500,
recovers by itself, loses no acknowledged write, and the task worker lives on.

The test starts its own throw-away PostgreSQL (initdb in a temporary directory, its own port; as
the `postgres` user when run as root, like scripts/with-postgres), never the suite's database,
then `isi serve` (gunicorn, 2 workers, persistent connections) and `isi worker`, and:

1. a burst of concurrent reads (pages, API) and PATCHes (API tokens from `isi token create`);
2. `pg_ctl stop -m immediate`: clients get 503 with Retry-After, no 500, no traceback;
   /readyz is 503 within 5 s;
3. `pg_ctl start`: /readyz is 200 again without restarting ISI, requests succeed again;
4. every PATCH answered 200 is in the database with its version; the worker process is still
   alive and runs a new job.

A second test runs two `isi worker` processes on the same queue: every job runs exactly once.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
ISI = Path(sys.executable).with_name("isi")

# Its own database (SQLite file or PostgreSQL server), whatever DATABASE_URL says: the same run in
# either pass, so the PostgreSQL pass of `make test` leaves it out (marker `own_database`).
pytestmark = pytest.mark.own_database
PG_BIN = Path(os.environ.get("ISI_PG_BIN", "/usr/lib/postgresql/15/bin"))
MEASURES = 4  # one writer per measure, so that no PATCH meets a 409


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def as_server_user(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


def ensure_postgres_binaries() -> None:
    """Like scripts/with-postgres: install PostgreSQL 15 when root (CI), else fail in CI, skip here."""
    if (PG_BIN / "initdb").exists():
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "postgresql-15"], check=True, env=env)
    if not (PG_BIN / "initdb").exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL binaries missing in {PG_BIN}")
        pytest.skip(f"PostgreSQL binaries not found in {PG_BIN} (set ISI_PG_BIN)")


@dataclass
class Cluster:
    workdir: Path
    port: int

    @property
    def data(self) -> Path:
        return self.workdir / "data"

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/isi"

    def pg_ctl(self, *args: str) -> None:
        subprocess.run(
            as_server_user([str(PG_BIN / "pg_ctl"), "-D", str(self.data), *args]),
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=60,
        )

    def start(self) -> None:
        options = f"-h 127.0.0.1 -p {self.port} -k {self.workdir} -c fsync=off -c full_page_writes=off"
        self.pg_ctl("-w", "-l", str(self.workdir / "server.log"), "-o", options, "start")

    def stop_immediately(self) -> None:
        self.pg_ctl("-m", "immediate", "stop")

    def query(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        import psycopg

        with psycopg.connect(self.url, connect_timeout=5) as conn:
            return list(conn.execute(sql, params).fetchall())


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    ensure_postgres_binaries()
    workdir = Path(tempfile.mkdtemp(prefix="isi-fault-pg-"))
    if os.geteuid() == 0:
        shutil.chown(workdir, "postgres", "postgres")
    found = Cluster(workdir, free_port())
    try:
        subprocess.run(
            as_server_user(
                [
                    str(PG_BIN / "initdb"),
                    "-D",
                    str(found.data),
                    "-U",
                    "postgres",
                    "-A",
                    "trust",
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
            timeout=120,
        )
        found.start()
        subprocess.run(
            [str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(found.port), "-U", "postgres", "isi"],
            check=True,
            timeout=60,
        )
        yield found
    finally:
        subprocess.run(
            as_server_user([str(PG_BIN / "pg_ctl"), "-D", str(found.data), "-m", "immediate", "stop"]),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
        shutil.rmtree(workdir, ignore_errors=True)


def isi_env(cluster: Cluster, var_dir: Path, **extra: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("ISI_", "DJANGO_", "PROMETHEUS_"))}
    return {
        **clean,
        "DATABASE_URL": cluster.url,
        "ISI_VAR_DIR": str(var_dir),
        "PYTHONPATH": str(ROOT),
        **extra,
    }


SETUP = """
import json
from django.core.management import call_command
from isi.accounts.models import User
from isi.api.models import ApiToken
from isi.measures.models import Measure
call_command("collectstatic", interactive=False, verbosity=0)
call_command("migrate", interactive=False, verbosity=0)
call_command("generate", measures=%d + 6, seed=1, verbosity=0)
user = User.objects.create_superuser("faultadmin", "fault@example.org", "fault-test-password-1", role="admin")
_token, secret = ApiToken.issue(user, name="fault test")
measures = list(Measure.objects.order_by("pk").values_list("pk", "version")[:%d])
written = [pk for pk, _version in measures]
public = Measure.objects.public().exclude(pk__in=written).order_by("pk").values_list("pk", flat=True).first()
print(json.dumps({"token": secret, "measures": measures, "public": public}))
"""


@pytest.fixture(scope="module")
def prepared(cluster: Cluster) -> Iterator[tuple[Path, dict[str, Any]]]:
    var_dir = Path(tempfile.mkdtemp(prefix="isi-fault-var-"))
    env = isi_env(cluster, var_dir)
    try:
        # One process for static files, schema and data: each `isi` start costs seconds in CI.
        setup = subprocess.run(
            [str(ISI), "shell", "-c", SETUP % (MEASURES, MEASURES)],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert setup.returncode == 0, setup.stderr
        prepared = json.loads(setup.stdout.strip().splitlines()[-1])
        assert prepared["public"], "the generated measures include no released one besides the written"
        yield var_dir, prepared
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)


def start(cmd: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with open(log, "wb") as out:
        return subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


@dataclass
class Answer:
    at: float
    kind: str
    status: int
    body: str
    retry_after: str | None = None
    path: str = ""


@dataclass
class Http:
    base: str
    token: str = ""

    def call(self, method: str, path: str, payload: Any = None, timeout: float = 10) -> tuple[int, str, Any]:
        data = None if payload is None else json.dumps(payload).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method)  # noqa: S310 - http
        if payload is not None:
            request.add_header("Content-Type", "application/json")
        if self.token and path.startswith("/api/"):
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - loopback
                return response.status, response.read().decode("utf-8", "replace"), response.headers
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace"), error.headers
        except (urllib.error.URLError, OSError) as error:
            return 0, repr(error), {}


@dataclass
class Load:
    http: Http
    measures: list[tuple[int, int]]
    stopping: threading.Event = field(default_factory=threading.Event)
    public: int = 0
    answers: list[Answer] = field(default_factory=list)
    acknowledged: list[tuple[int, int, str]] = field(default_factory=list)  # (measure, version, summary)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, kind: str, status: int, body: str, headers: Any, path: str = "") -> None:
        retry = headers.get("Retry-After") if hasattr(headers, "get") else None
        with self.lock:
            self.answers.append(Answer(time.monotonic(), kind, status, body[:2000], retry, path))

    def reader(self, paths: list[str]) -> None:
        i = 0
        while not self.stopping.is_set():
            path = paths[i % len(paths)]
            status, body, headers = self.http.call("GET", path)
            self.note("read", status, body, headers, path)
            i += 1
            time.sleep(0.02)

    def writer(self, measure_id: int, version: int) -> None:
        n = 0
        known: int | None = version
        while not self.stopping.is_set():
            if known is None:  # after a failed write: read the current version first
                status, body, headers = self.http.call("GET", f"/api/v1/measures/{measure_id}")
                self.note("read", status, body, headers)
                known = json.loads(body)["version"] if status == 200 else None
                if known is None:
                    time.sleep(0.1)
                    continue
            n += 1
            summary = f"Fehlertest: Schreibvorgang {measure_id}-{n}"
            status, body, headers = self.http.call(
                "PATCH", f"/api/v1/measures/{measure_id}", {"version": known, "summary": summary}
            )
            self.note("write", status, body, headers)
            if status == 200:
                written = json.loads(body)["version"]
                with self.lock:
                    self.acknowledged.append((measure_id, written, summary))
                known = written
            else:
                known = None
            time.sleep(0.05)

    def run(self) -> list[threading.Thread]:
        first = self.measures[0][0]
        paths = [
            "/",
            "/massnahmen/",
            f"/massnahmen/{self.public}/",
            "/api/v1/measures",
            f"/api/v1/measures/{first}",
        ]
        threads = [threading.Thread(target=self.reader, args=(paths,), daemon=True) for _ in range(4)]
        threads += [threading.Thread(target=self.writer, args=m, daemon=True) for m in self.measures]
        for thread in threads:
            thread.start()
        return threads

    def between(self, start: float, end: float) -> list[Answer]:
        with self.lock:
            return [a for a in self.answers if start <= a.at < end]


def wait_for(http: Http, path: str, status: int, seconds: float) -> float:
    """Poll until `path` answers `status`; return when it did (time.monotonic())."""
    deadline = time.monotonic() + seconds
    last: tuple[int, str] = (0, "")
    while time.monotonic() < deadline:
        got, body, _headers = http.call("GET", path, timeout=3)
        if got == status:
            return time.monotonic()
        last = (got, body[:300])
        time.sleep(0.1)
    raise AssertionError(f"{path} did not answer {status} within {seconds} s (last: {last})")


def test_database_outage_under_load(cluster: Cluster, prepared: tuple[Path, dict[str, Any]]) -> None:
    var_dir, setup = prepared
    port = free_port()
    env = isi_env(
        cluster,
        var_dir,
        ISI_WEB_WORKERS="2",
        ISI_WEB_THREADS="4",
        ISI_DB_CONN_MAX_AGE="60",  # kept connections: they must recover, not only new ones
        ISI_API_RATE="off",
        ISI_WORKER_HEARTBEAT_SECONDS="1",
        ISI_LOG_LEVEL="WARNING",
    )
    server = start([str(ISI), "serve", "--bind", f"127.0.0.1:{port}"], env, var_dir / "server.log")
    worker = start([str(ISI), "worker", "--interval", "0.2"], env, var_dir / "worker.log")
    http = Http(f"http://127.0.0.1:{port}", setup["token"])
    try:
        try:
            wait_for(http, "/readyz", 200, 60)
        except AssertionError as error:
            raise AssertionError((var_dir / "server.log").read_text(errors="replace")[-3000:]) from error
        load = Load(http, [tuple(m) for m in setup["measures"]], public=setup["public"])
        threads = load.run()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and len(load.between(0, time.monotonic())) < 40:
            time.sleep(0.1)  # the first requests of each gunicorn worker load what it needs
        time.sleep(1)

        stopped = time.monotonic()
        cluster.stop_immediately()
        not_ready = wait_for(http, "/readyz", 503, 5)
        assert not_ready - stopped <= 5
        time.sleep(2)  # requests go on against the stopped database

        # Requests answered while pg_ctl start is still returning may already see the database:
        # the outage window ends when the restart begins.
        restarting = time.monotonic()
        cluster.start()
        started = time.monotonic()
        ready = wait_for(http, "/readyz", 200, 30)
        time.sleep(3)
        load.stopping.set()
        for thread in threads:
            thread.join(timeout=15)
        ended = time.monotonic()

        answers = load.between(0, ended)
        statuses = {a.status for a in answers}
        server_log = (var_dir / "server.log").read_text(errors="replace")
        assert 500 not in statuses, ([a.path for a in answers if a.status == 500][:3], server_log[-6000:])
        assert 0 not in statuses, [a.body for a in answers if a.status == 0][:3]  # no dropped connection
        assert statuses <= {200, 503}, [
            (a.status, a.path, round(a.at - stopped, 1), round(started - stopped, 1), a.body[-600:])
            for a in answers
            if a.status not in (200, 503)
        ][:2]
        assert not [a for a in answers if "Traceback" in a.body or 'File "/' in a.body]
        before = load.between(0, stopped)
        assert before and {a.status for a in before} == {200}
        outage = load.between(not_ready, restarting)
        assert outage and {a.status for a in outage} == {503}
        assert all(a.retry_after for a in outage)
        api_outage = [a for a in outage if a.body.startswith("{")]
        assert api_outage and all(set(json.loads(a.body)) == {"detail"} for a in api_outage)
        assert any("<html" in a.body for a in outage)  # pages: the HTML error page
        # Back without restarting ISI: a second after /readyz said so, everything answers 200.
        after = load.between(ready + 1, ended)
        assert after and {a.status for a in after} == {200}, sorted({a.status for a in after})
        assert any(a.kind == "write" for a in after)

        # Every acknowledged write is in the database with its version.
        assert load.acknowledged
        rows = {
            pk: (version, summary)
            for pk, version, summary in cluster.query("SELECT id, version, summary FROM measures_measure")
        }
        last: dict[int, tuple[int, str]] = {}
        for measure_id, version, summary in load.acknowledged:
            assert rows[measure_id][0] >= version
            if version > last.get(measure_id, (0, ""))[0]:
                last[measure_id] = (version, summary)
        for measure_id, (version, summary) in last.items():
            current_version, current_summary = rows[measure_id]
            if current_version == version:
                assert current_summary == summary
        # Each write has its own summary: the change record of every acknowledged one exists.
        history = cluster.query(
            "SELECT object_id, after->>'summary' FROM core_changerecord "
            "WHERE object_type = 'measures.measure'"
        )
        recorded = {(int(pk), summary) for pk, summary in history}
        assert {(pk, summary) for pk, _version, summary in load.acknowledged} <= recorded

        # The worker lived through it and runs a new job.
        assert worker.poll() is None, (var_dir / "worker.log").read_text()[-2000:]
        assert server.poll() is None
        enqueue = subprocess.run(
            [
                str(ISI),
                "shell",
                "-c",
                "from isi.rounds.tasks import send_round_reminders\n"
                "print(send_round_reminders.enqueue(987654).id)",
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert enqueue.returncode == 0, enqueue.stderr
        job_id = enqueue.stdout.strip().splitlines()[-1]
        deadline = time.monotonic() + 20
        status = ""
        while time.monotonic() < deadline:
            status = cluster.query(
                "SELECT status FROM django_tasks_database_dbtaskresult WHERE id = %s", job_id
            )[0][0]
            if status == "SUCCESSFUL":
                break
            time.sleep(0.2)
        assert status == "SUCCESSFUL", (var_dir / "worker.log").read_text()[-2000:]
        assert not cluster.query("SELECT id FROM django_tasks_database_dbtaskresult WHERE status = 'RUNNING'")
    finally:
        stop(server)
        stop(worker)


def test_two_workers_never_run_a_job_twice(cluster: Cluster, prepared: tuple[Path, dict[str, Any]]) -> None:
    var_dir, _setup = prepared
    env = isi_env(cluster, var_dir, ISI_WORKER_HEARTBEAT_SECONDS="1", ISI_LOG_LEVEL="WARNING")
    runs = var_dir / "runs.txt"
    jobs = 24
    enqueue = subprocess.run(
        [
            str(ISI),
            "shell",
            "-c",
            "from datetime import timedelta\nfrom django.utils import timezone\n"
            "from tests.integration.worker_tasks import record\n"
            "later = record.using(run_after=timezone.now() + timedelta(seconds=3))\n"
            f"for n in range({jobs}): later.enqueue({str(runs)!r}, n)\n",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert enqueue.returncode == 0, enqueue.stderr
    workers = [
        start(
            [str(ISI), "worker", "--interval", "0.05", "--worker-id", f"twin-{i}"],
            env,
            var_dir / f"twin{i}.log",
        )
        for i in (1, 2)
    ]
    try:
        deadline = time.monotonic() + 40
        done = 0
        while time.monotonic() < deadline:
            done = cluster.query(
                "SELECT count(*) FROM django_tasks_database_dbtaskresult "
                "WHERE task_path = 'tests.integration.worker_tasks.record' "
                "AND status IN ('SUCCESSFUL', 'FAILED')"
            )[0][0]
            if done == jobs:
                break
            time.sleep(0.2)
        assert done == jobs, [w.poll() for w in workers]
    finally:
        for process in workers:
            stop(process)
    numbers = [int(line.split()[0]) for line in runs.read_text().splitlines()]
    assert sorted(numbers) == list(range(jobs))  # each job ran exactly once
    claims = cluster.query(
        "SELECT status, worker_ids FROM django_tasks_database_dbtaskresult "
        "WHERE task_path = 'tests.integration.worker_tasks.record'"
    )
    assert {status for status, _ids in claims} == {"SUCCESSFUL"}
    assert all(len(ids) == 1 for _status, ids in claims)
    assert {ids[0] for _status, ids in claims} == {"twin-1", "twin-2"}  # both took part
