#!/usr/bin/env python3
"""ISI under load over HTTP: 50 concurrent clients against gunicorn, with the framework floor and Datasette.

    .venv/bin/python bench/load.py                                   # SQLite, 10,000 measures
    .venv/bin/python bench/load.py --measures 500 --seconds 5        # CI smoke run (< 2 min)
    scripts/with-postgres .venv/bin/python bench/load.py --backend postgres --measures 100000

Setup: `isi migrate` and `isi generate --measures N --seed 1` into a temporary SQLite file (or the
PostgreSQL database of DATABASE_URL, e.g. the throw-away server of scripts/with-postgres); then,
in a helper process with Django, a staff user with an API token (role admin), the ids of the public
measures, and the Datasette copy of the public table (as bench/search_vs_datasette.py builds it:
facet columns as text, ISI's stemmed text in an FTS5 trigram table).

Servers, all on 127.0.0.1:
- ISI: gunicorn with ISI's shipped configuration (deploy/gunicorn.conf.py: ISI_WEB_WORKERS
  processes, default 2 × cores, ISI_WEB_THREADS threads) – the command line of `isi serve` – with
  the WSGI entry point bench/load_wsgi.py: ISI's application plus one URL, `/bench-floor/`, a bare
  Django view (no database, no template) that passes the same middleware. So the floor is the
  same gunicorn, the same workers, in the same run. ISI runs without debug, with
  ISI_API_RATE=off (the clients all come from one address) and ISI_DB_CONN_MAX_AGE=60.
- Datasette: `datasette serve -i` (uvicorn) with the copy of the public table.

Phases (each client a thread with its own keep-alive httpx connection; every loop bounded by a
deadline and a request cap):
1. warm-up: the mix, not counted (every worker builds its search snapshot);
2. floor: the clients GET /bench-floor/ for --seconds;
3. mix: for --seconds, each client draws requests: search page with facets 35 %, measure page
   30 %, API list (with q and a facet) 20 %, offer finder 12 % (walked like a person: start form,
   one answer per POST, check page, result; one request of the walk per draw), staff edit 3 %
   (GET the measure with the token, then PATCH its summary with the version; every client edits
   its own measures, so a 409 is an error);
4. search, ISI against Datasette over HTTP: one client, the same queries (full text + facets),
   round robin ISI page / ISI API / Datasette JSON (3 facets, 20 rows), order rotating.

Prints throughput, p50/p95/p99 and errors per phase and per request kind, and the ratios against
the targets: mix throughput ≥ 30 % of the floor's, search p95 ≤ 0.5 × Datasette's, mix p95 ≤ 300 ms
(at 100,000 measures on PostgreSQL). Never fails on a number: exit status 0 unless the setup fails.
Client and servers share the machine's cores: the cores each used during the floor and the mix
(ISI's gunicorn, PostgreSQL, this client, Datasette, anything else; from /proc) are printed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
PYTHON = sys.executable
GUNICORN_CONFIG = ROOT / "deploy" / "gunicorn.conf.py"
MAX_REQUESTS_PER_CLIENT = 1_000_000  # a bound for every loop, besides the deadline

sys.path.insert(0, str(BENCH))
from search_vs_datasette import FACETS, QUERIES, export_for_datasette  # noqa: E402

Params = list[tuple[str, str | int | float | bool | None]]
MIX = (("search", 35), ("measure", 30), ("api_list", 20), ("finder", 12), ("edit", 3))
VACUUM_ANALYZE = (
    "import os, django; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'isi.settings'); django.setup(); "
    "from django.db import connection; connection.cursor().execute('VACUUM ANALYZE')"
)
# The finder's answers travel only by POST and stay in the session (issue #14), so a simulated
# visitor walks it like a person: start form, one question per request (a random offered answer),
# the check page, the result; then a new visit. Every request of the walk is one "finder" sample.
FINDER_ANSWER = re.compile(r'name="antwort"[^>]*value="([^"]+)"')
FINDER_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
FINDER_RESULT_LINK = '"/angebotsfinder/ergebnis/"'


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


# --- setup --------------------------------------------------------------------------------------


def isi_env(database_url: str, var_dir: Path | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ISI_")}
    env.update(
        {
            "DATABASE_URL": database_url,
            "ISI_API_RATE": "off",
            "ISI_DB_CONN_MAX_AGE": "60",
            "ISI_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "PYTHONUNBUFFERED": "1",
        }
    )
    for key in ("ISI_WEB_WORKERS", "ISI_WEB_THREADS", "ISI_SEARCH_SNAPSHOT_SECONDS"):
        if key in os.environ:
            env[key] = os.environ[key]
    if var_dir is not None:
        env["ISI_VAR_DIR"] = str(var_dir)
    return env


def run_isi(env: dict[str, str], *args: str) -> float:
    started = time.perf_counter()
    subprocess.run([PYTHON, "-m", "isi.cli", *args], check=True, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def prepare(out: Path, datasette_db: Path) -> None:
    """(Helper process, with Django.) Staff token, public ids, facet keys, the Datasette copy."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "isi.settings")
    import django

    django.setup()
    from django.db import connection

    from isi.accounts.models import User
    from isi.api.models import ApiToken
    from isi.catalog.models import Area, Level
    from isi.measures.models import Measure
    from isi.search.text import parse_query

    user, _ = User.objects.get_or_create(
        username="bench-load", defaults={"role": User.Role.ADMIN, "is_active": True}
    )
    _token, secret = ApiToken.issue(user, name="bench/load.py")
    public = list(
        Measure.objects.filter(publication=Measure.Publication.RELEASED, archived_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    rng = random.Random(7)
    editable = rng.sample(public, min(len(public), 400))
    measure_ids = rng.sample(public, min(len(public), 5000))
    data = {
        "token": secret,
        "measure_ids": measure_ids,
        "editable_ids": editable,
        "public_count": len(public),
        "levels": list(Level.objects.values_list("key", flat=True)),
        "areas": list(Area.objects.values_list("key", flat=True)),
        "datasette_queries": {q: " ".join(f'"{c.needle}"' for c in parse_query(q).positive) for q in QUERIES},
    }
    if connection.vendor == "sqlite":
        exported = export_for_datasette(Path(str(connection.settings_dict["NAME"])), datasette_db)
    else:
        exported = export_postgres_for_datasette(connection, datasette_db)
    data["datasette_rows"] = exported
    out.write_text(json.dumps(data))


def export_postgres_for_datasette(connection: Any, target: Path) -> int:
    """The same copy as export_for_datasette, read from PostgreSQL through Django's connection."""
    handle, tmp = tempfile.mkstemp(suffix=".sqlite3")
    os.close(handle)
    staging = Path(tmp)
    staging.unlink()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT m.id, m.title, m.summary, m.goals, lv.key, m.status, o.key, d.title,
                d.summary, d.body, d.orgs, d.keys
            FROM measures_measure m
            JOIN catalog_level lv ON lv.id = m.level_id
            JOIN organisations_organisation o ON o.id = m.owner_id
            JOIN search_searchdocument d ON d.measure_id = m.id
            WHERE m.publication = 'released' AND m.archived_at IS NULL
            """
        )
        rows = cursor.fetchall()
    # Build a minimal "ISI-shaped" SQLite file and reuse the one exporter.
    db = sqlite3.connect(staging)
    db.executescript(
        """
        CREATE TABLE catalog_level (id INTEGER PRIMARY KEY, key TEXT);
        CREATE TABLE organisations_organisation (id INTEGER PRIMARY KEY, key TEXT);
        CREATE TABLE search_searchdocument (measure_id INTEGER PRIMARY KEY, title TEXT, summary TEXT,
            body TEXT, orgs TEXT, keys TEXT);
        CREATE TABLE measures_measure (id INTEGER PRIMARY KEY, title TEXT, summary TEXT, goals TEXT,
            level_id INTEGER, status TEXT, owner_id INTEGER, publication TEXT, archived_at TEXT);
        """
    )
    levels: dict[str, int] = {}
    owners: dict[str, int] = {}
    for row in rows:
        level_id = levels.setdefault(row[4], len(levels) + 1)
        owner_id = owners.setdefault(row[6], len(owners) + 1)
        db.execute(
            "INSERT INTO measures_measure VALUES (?, ?, ?, ?, ?, ?, ?, 'released', NULL)",
            (row[0], row[1], row[2], row[3], level_id, row[5], owner_id),
        )
        db.execute("INSERT INTO search_searchdocument VALUES (?, ?, ?, ?, ?, ?)", (row[0], *row[7:12]))
    db.executemany("INSERT INTO catalog_level VALUES (?, ?)", [(i, k) for k, i in levels.items()])
    db.executemany(
        "INSERT INTO organisations_organisation VALUES (?, ?)", [(i, k) for k, i in owners.items()]
    )
    db.commit()
    db.close()
    try:
        return export_for_datasette(staging, target)
    finally:
        staging.unlink(missing_ok=True)


# --- servers ------------------------------------------------------------------------------------


def wait_until_up(url: str, process: subprocess.Popen[bytes], what: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited at start (status {process.returncode})")
        try:
            if httpx.get(url, timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{what} did not answer {url} within {seconds:.0f} s")


@contextmanager
def server(cmd: list[str], env: dict[str, str], log_path: Path, probe: str, what: str) -> Iterator[None]:
    with open(log_path, "wb") as log_file:
        process = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=log_file, stderr=subprocess.STDOUT)
        try:
            wait_until_up(probe, process, what)
            yield
            if process.poll() is not None:
                tail = log_path.read_text(errors="replace").splitlines()[-15:]
                log(f"{what} ended during the run (status {process.returncode}); last lines of its log:")
                log("\n".join(tail))
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def gunicorn_command(port: int) -> tuple[list[str], str]:
    cmd = [PYTHON, "-m", "gunicorn"]
    if GUNICORN_CONFIG.is_file():
        cmd += ["--config", str(GUNICORN_CONFIG)]
        described = "gunicorn --config deploy/gunicorn.conf.py (the command line of `isi serve`)"
    else:  # before the deployment kit existed
        workers = int(os.environ.get("ISI_WEB_WORKERS", 2 * (os.cpu_count() or 1)))
        cmd += ["--workers", str(workers)]
        described = f"gunicorn --workers {workers}"
    cmd += ["--bind", f"127.0.0.1:{port}", "--pythonpath", str(BENCH), "load_wsgi:application"]
    return cmd, described


# --- where the CPU goes -------------------------------------------------------------------------

CPU_GROUPS = ("ISI (gunicorn)", "PostgreSQL", "client", "Datasette", "other")


CpuReading = dict[int, tuple[str, float]]  # pid → (group, CPU seconds used so far)


def cpu_by_group() -> CpuReading:
    """CPU seconds (user + system) used so far by every running process, with its group (Linux
    /proc; empty elsewhere). The client is this process; PostgreSQL every `postgres` process."""
    reading: CpuReading = {}
    proc = Path("/proc")
    if not proc.is_dir():
        return reading
    tick = os.sysconf("SC_CLK_TCK")
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue  # gone meanwhile
        fields = stat.rsplit(")", 1)[1].split()
        used = (int(fields[11]) + int(fields[12])) / tick
        name = stat.split("(", 1)[1].rsplit(")", 1)[0]
        if int(entry.name) == os.getpid():
            group = "client"
        elif "gunicorn" in command and "load_wsgi" in command:
            group = "ISI (gunicorn)"
        elif name == "postgres" or command.startswith("postgres"):
            group = "PostgreSQL"
        elif "datasette" in command:
            group = "Datasette"
        else:
            group = "other"
        reading[int(entry.name)] = (group, used)
    return reading


def cpu_line(before: CpuReading, after: CpuReading, seconds: float) -> str:
    """The cores each group used between two `cpu_by_group` readings.

    Per process: what it used since the first reading, or all it used if it started since. A
    process that ended between the readings is missing (PostgreSQL backends come and go with
    the web workers' connections: summing per group instead made PostgreSQL look idle).
    """
    if not before or not after or seconds <= 0:
        return "(no /proc here)"
    used = dict.fromkeys(CPU_GROUPS, 0.0)
    for pid, (group, total) in after.items():
        earlier = before.get(pid)
        used[group] += max(0.0, total - earlier[1]) if earlier and earlier[0] == group else total
    return ", ".join(f"{group} {cores / seconds:.2f}" for group, cores in used.items()) + " cores"


# --- load ---------------------------------------------------------------------------------------


@dataclass
class Sample:
    kind: str
    ms: float
    status: int  # 0: no answer (exception)
    failure: str = ""  # the exception's class when there was no answer (ReadTimeout, RemoteProtocolError …)


@dataclass
class PhaseResult:
    name: str
    seconds: float
    samples: list[Sample] = field(default_factory=list)
    problems: Counter[str] = field(default_factory=Counter)

    @property
    def errors(self) -> int:
        return sum(self.problems.values())


@dataclass
class Workload:
    base: str
    token: str
    measure_ids: list[int]
    editable_ids: list[int]
    levels: list[str]
    areas: list[str]
    datasette_queries: dict[str, str]
    edit_weight: int = 3


def search_params(rng: random.Random, work: Workload) -> Params:
    params: Params = [("q", rng.choice(QUERIES))]
    roll = rng.random()
    if roll < 0.4 and work.levels:
        params.append(("level", rng.choice(work.levels)))
    elif roll < 0.7 and work.areas:
        params += [("area", a) for a in rng.sample(work.areas, min(2, len(work.areas)))]
    return params


class Client:
    """One simulated user: a keep-alive connection and a random stream of requests."""

    def __init__(self, index: int, work: Workload, seed: int) -> None:
        self.work = work
        self.rng = random.Random(seed * 1000 + index)
        self.http = httpx.Client(base_url=work.base, timeout=60, follow_redirects=False)
        self.own = work.editable_ids[index::50] or work.editable_ids[:1]
        self.edits = 0
        self.finder_next: tuple[str, str, dict[str, str] | None] | None = None
        self.kinds = [k for k, _ in MIX]
        self.weights = [work.edit_weight if k == "edit" else w for k, w in MIX]

    def close(self) -> None:
        self.http.close()

    def timed(self, kind: str, send: Callable[[], httpx.Response], expect: int = 200) -> Sample:
        started = time.perf_counter()
        failure = ""
        try:
            response = send()
            status = response.status_code
            _ = response.content
        except httpx.HTTPError as exc:
            status, failure = 0, type(exc).__name__
        ms = (time.perf_counter() - started) * 1000
        return Sample(kind, ms, status if status != expect else 200, failure)

    def floor(self) -> list[Sample]:
        return [self.timed("floor", lambda: self.http.get("/bench-floor/"))]

    def mix(self) -> list[Sample]:
        kind = self.rng.choices(self.kinds, self.weights)[0]
        work, rng = self.work, self.rng
        if kind == "search":
            params = search_params(rng, work)
            if rng.random() < 0.2:
                params.append(("page", "2"))
            return [self.timed(kind, lambda: self.http.get("/massnahmen/", params=params))]
        if kind == "measure":
            pk = rng.choice(work.measure_ids)
            return [self.timed(kind, lambda: self.http.get(f"/massnahmen/{pk}/"))]
        if kind == "api_list":
            params = [*search_params(rng, work), ("limit", "20")]
            return [self.timed(kind, lambda: self.http.get("/api/v1/measures", params=params))]
        if kind == "finder":
            return [self.finder_step()]
        return self.edit()

    def finder_step(self) -> Sample:
        """The next request of this visitor's walk through the finder (see FINDER_ANSWER)."""
        method, url, data = self.finder_next or ("GET", "/angebotsfinder/", None)
        page: list[httpx.Response] = []

        def send() -> httpx.Response:
            response = self.http.request(method, url, data=data)
            page.append(response)
            return response

        sample = self.timed("finder", send, expect=302 if method == "POST" else 200)
        self.finder_next = None  # a failed request starts a new visit
        if not page or sample.status != 200:
            return sample
        response = page[0]
        if method == "POST":
            self.finder_next = ("GET", response.headers.get("location", "/angebotsfinder/"), None)
            return sample
        html = response.text
        token = FINDER_CSRF.search(html)
        answers = FINDER_ANSWER.findall(html)
        if url == "/angebotsfinder/" and token:
            self.finder_next = ("POST", "/angebotsfinder/start/", {"csrfmiddlewaretoken": token.group(1)})
        elif answers and token:
            answer = self.rng.choice(answers)
            self.finder_next = ("POST", url, {"csrfmiddlewaretoken": token.group(1), "antwort": answer})
        elif FINDER_RESULT_LINK in html and "/ergebnis/" not in url:
            self.finder_next = ("GET", "/angebotsfinder/ergebnis/", None)
        return sample

    def edit(self) -> list[Sample]:
        pk = self.own[self.edits % len(self.own)]
        self.edits += 1
        auth = {"Authorization": f"Bearer {self.work.token}"}
        version: list[int] = []

        def load() -> httpx.Response:
            response = self.http.get(f"/api/v1/measures/{pk}", headers=auth)
            if response.status_code == 200:
                version.append(int(response.json()["version"]))
            return response

        samples = [self.timed("edit_get", load)]
        if not version:
            return samples
        body = {
            "version": version[0],
            "summary": f"Lasttest {self.rng.randrange(10**9)}: geänderte Kurzbeschreibung.",
        }
        samples.append(
            self.timed(
                "edit_patch", lambda: self.http.patch(f"/api/v1/measures/{pk}", json=body, headers=auth)
            )
        )
        return samples


def run_phase(name: str, clients: list[Client], seconds: float, action: str) -> PhaseResult:
    result = PhaseResult(name, seconds)
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    start_gate = threading.Barrier(len(clients))

    def work(client: Client) -> None:
        start_gate.wait()
        own: list[Sample] = []
        step = getattr(client, action)
        for _ in range(MAX_REQUESTS_PER_CLIENT):
            if time.monotonic() >= deadline:
                break
            own.extend(step())
        with lock:
            result.samples.extend(own)

    threads = [threading.Thread(target=work, args=(c,), daemon=True) for c in clients]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    result.seconds = time.monotonic() - started
    for sample in result.samples:
        if sample.status != 200:
            result.problems[f"{sample.kind} {sample.status or f'no answer ({sample.failure})'}"] += 1
    return result


def describe(result: PhaseResult, kinds: bool = True) -> dict[str, float]:
    times = [s.ms for s in result.samples]
    figures = {
        "requests": len(times),
        "rps": len(times) / result.seconds if result.seconds else 0.0,
        "p50": statistics.median(times) if times else float("nan"),
        "p95": percentile(times, 0.95),
        "p99": percentile(times, 0.99),
        "errors": result.errors,
    }
    print(
        f"  {result.name:<10} {figures['requests']:>7,} requests in {result.seconds:5.1f} s = "
        f"{figures['rps']:7.1f}/s   p50 {figures['p50']:7.1f}   p95 {figures['p95']:7.1f}   "
        f"p99 {figures['p99']:7.1f} ms   errors {result.errors}"
    )
    if result.problems:
        print("             errors: " + ", ".join(f"{k} ×{n}" for k, n in result.problems.most_common(8)))
    if kinds:
        by_kind: dict[str, list[float]] = defaultdict(list)
        for s in result.samples:
            by_kind[s.kind].append(s.ms)
        for kind, values in sorted(by_kind.items()):
            print(
                f"      {kind:<11} {len(values):>7,}   p50 {statistics.median(values):7.1f}   "
                f"p95 {percentile(values, 0.95):7.1f}   p99 {percentile(values, 0.99):7.1f} ms"
            )
    return figures


def search_comparison(work: Workload, datasette_base: str, queries: int, seed: int) -> dict[str, list[float]]:
    """One client, round robin over the contenders (rotating order), after one warm-up pass."""
    rng = random.Random(seed)
    isi = httpx.Client(base_url=work.base, timeout=120)
    ds = httpx.Client(base_url=datasette_base, timeout=120)
    plan = []
    for _ in range(queries):
        q = rng.choice(QUERIES)
        facet = ("level", rng.choice(work.levels)) if work.levels and rng.random() < 0.5 else None
        plan.append((q, facet))

    def isi_page(q: str, facet: tuple[str, str] | None) -> int:
        params: Params = [("q", q), *([facet] if facet else [])]
        return isi.get("/massnahmen/", params=params).status_code

    def isi_api(q: str, facet: tuple[str, str] | None) -> int:
        params: Params = [("q", q), ("limit", "20"), *([facet] if facet else [])]
        return isi.get("/api/v1/measures", params=params).status_code

    def datasette(q: str, facet: tuple[str, str] | None) -> int:
        params: Params = [
            ("_search", work.datasette_queries[q]),
            *(("_facet", f) for f in FACETS),
            ("_size", "20"),
        ]
        if facet:
            params.append(facet)
        return ds.get("/datasette/measures.json", params=params).status_code

    calls: dict[str, Callable[[str, tuple[str, str] | None], int]] = {
        "ISI search page (HTML, 9 facets)": isi_page,
        "ISI API list (JSON, count + 20)": isi_api,
        "Datasette (JSON, 3 facets + 20)": datasette,
    }
    for q, facet in plan[:10]:
        for call in calls.values():
            with suppress(httpx.HTTPError):  # counted in the timed pass below
                call(q, facet)
    out: dict[str, list[float]] = {name: [] for name in calls}
    names = list(calls)
    failures: Counter[str] = Counter()
    for i, (q, facet) in enumerate(plan):
        for name in names[i % len(names) :] + names[: i % len(names)]:
            started = time.perf_counter()
            try:
                status = calls[name](q, facet)
            except httpx.HTTPError:
                status = 0
            out[name].append((time.perf_counter() - started) * 1000)
            if status != 200:
                failures[f"{name} {status}"] += 1
    isi.close()
    ds.close()
    if failures:
        print("  search comparison errors: " + ", ".join(f"{k} ×{n}" for k, n in failures.items()))
    return out


# --- main ---------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--measures", type=int, default=10_000)
    parser.add_argument(
        "--seconds", type=float, default=30.0, help="length of the floor and of the mix phase"
    )
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument(
        "--queries", type=int, default=100, help="queries per contender in the search comparison"
    )
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--edits", type=int, default=3, help="weight of staff edits in the mix (of 100; 0: read-only)"
    )
    parser.add_argument(
        "--reuse", action="store_true", help="use the database as it is (no migrate/generate)"
    )
    parser.add_argument("--workdir", type=Path, help="keep files here (default: temporary)")
    parser.add_argument("--prepare", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--datasette-db", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        prepare(args.prepare, args.datasette_db)
        return 0
    if (
        not 0 <= args.edits <= 100
        or not 1 <= args.clients <= 500
        or not 0 < args.seconds <= 3600
        or not 1 <= args.queries <= 10_000
    ):
        parser.error("--edits 0..100, --clients 1..500, --seconds 0..3600, --queries 1..10000")
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="isi-load-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        return run(args, workdir)
    except (subprocess.CalledProcessError, RuntimeError) as exc:  # setup failed: one line, not a number
        log(f"bench/load.py: setup failed – {exc}")
        return 1
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)


def run(args: argparse.Namespace, workdir: Path) -> int:
    if args.backend == "postgres":
        database_url = os.environ.get("DATABASE_URL", "")
        if not database_url.startswith(("postgres://", "postgresql://")):
            sys.exit("--backend postgres needs a postgres:// DATABASE_URL (run under scripts/with-postgres)")
    else:
        database_url = f"sqlite:///{workdir / 'isi.sqlite3'}"
    env = isi_env(database_url, None)
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    if not args.reuse:
        if args.backend == "sqlite":
            (workdir / "isi.sqlite3").unlink(missing_ok=True)
        log(f"migrate: {run_isi(env, 'migrate', '-v0'):.1f} s")
        seconds = run_isi(env, "generate", "--measures", str(args.measures), "--seed", str(args.seed))
        log(f"generate {args.measures:,}: {seconds:.1f} s")
        if args.backend == "postgres":
            subprocess.run([PYTHON, "-c", VACUUM_ANALYZE], check=True, env=env, cwd=ROOT)
    # Production serves hashed static files: a page naming a file the manifest lacks is a 500,
    # so collect them every time (as an upgrade does; unchanged files are skipped).
    log(f"collectstatic: {run_isi(env, 'collectstatic', '--noinput', '-v0'):.1f} s")
    prep_file, ds_db = workdir / "prepared.json", workdir / "datasette.db"
    started = time.perf_counter()
    subprocess.run(
        [PYTHON, __file__, "--prepare", str(prep_file), "--datasette-db", str(ds_db)],
        check=True,
        env=env,
        cwd=ROOT,
    )
    prep = json.loads(prep_file.read_text())
    log(f"prepare (token, ids, Datasette copy of {prep['datasette_rows']:,} public measures): "
        f"{time.perf_counter() - started:.1f} s")  # fmt: skip

    port, ds_port = free_port(), free_port()
    work = Workload(
        base=f"http://127.0.0.1:{port}",
        token=prep["token"],
        measure_ids=prep["measure_ids"],
        editable_ids=prep["editable_ids"],
        levels=prep["levels"],
        areas=prep["areas"],
        datasette_queries=prep["datasette_queries"],
        edit_weight=args.edits,
    )
    gunicorn, described = gunicorn_command(port)
    datasette_cmd = [
        PYTHON, "-m", "datasette", "serve", "-i", str(ds_db), "-h", "127.0.0.1", "-p", str(ds_port),
        "--setting", "suggest_facets", "off", "--setting", "facet_time_limit_ms", "60000",
        "--setting", "sql_time_limit_ms", "60000",
    ]  # fmt: skip
    with (
        server(gunicorn, env, workdir / "gunicorn.log", f"{work.base}/bench-floor/", "gunicorn"),
        server(
            datasette_cmd,
            env,
            workdir / "datasette.log",
            f"http://127.0.0.1:{ds_port}/-/versions.json",
            "datasette",
        ),
    ):
        clients = [Client(i, work, args.seed) for i in range(args.clients)]
        try:
            warm = min(15.0, max(3.0, args.seconds / 2))
            log(f"warm-up {warm:.0f} s …")
            run_phase("warm-up", clients, warm, "mix")
            log(f"floor {args.seconds:.0f} s …")
            cpu_start = cpu_by_group()
            floor = run_phase("floor", clients, args.seconds, "floor")
            cpu_floor = cpu_by_group()
            log(f"mix {args.seconds:.0f} s …")
            mix = run_phase("mix", clients, args.seconds, "mix")
            cpu_mix = cpu_by_group()
            log(f"search comparison, {args.queries} queries …")
            search = search_comparison(work, f"http://127.0.0.1:{ds_port}", args.queries, args.seed)
        finally:
            for client in clients:
                client.close()

    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    client_cpu = (cpu_after.ru_utime + cpu_after.ru_stime) - (cpu_before.ru_utime + cpu_before.ru_stime)
    print(
        f"\nLoad: {args.backend}, {args.measures:,} measures ({prep['public_count']:,} public), "
        f"{args.clients} clients, edits {args.edits} %, {described}, {os.cpu_count()} cores"
    )
    floor_figures = describe(floor, kinds=False)
    mix_figures = describe(mix)
    print(f"\nSearch over HTTP, one client, {args.queries} queries each (q + facets):")
    search_figures: dict[str, tuple[float, float]] = {}
    for name, values in search.items():
        p50, p95 = statistics.median(values), percentile(values, 0.95)
        search_figures[name] = (p50, p95)
        print(f"  {name:<34} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms")
    page95 = search_figures["ISI search page (HTML, 9 facets)"][1]
    api95 = search_figures["ISI API list (JSON, count + 20)"][1]
    ds95 = search_figures["Datasette (JSON, 3 facets + 20)"][1]
    share = mix_figures["rps"] / floor_figures["rps"] if floor_figures["rps"] else float("nan")
    print("\nRatios:")
    print(f"  mix throughput / floor          {share:6.1%}   (target ≥ 30 %)")
    print(f"  search p95 ISI page / Datasette {page95 / ds95:6.2f}   (target ≤ 0.5)")
    print(f"  search p95 ISI API / Datasette  {api95 / ds95:6.2f}")
    print(f"  mix p95                         {mix_figures['p95']:6.0f} ms (target ≤ 300 ms, 100,000 on PG)")
    print(f"  errors                          {floor.errors + mix.errors} (target 0)")
    print(f"  client CPU (this process)       {client_cpu:6.1f} s")
    # Who used the cores (a machine shared by client, servers and database).
    print(f"\nCPU during the floor: {cpu_line(cpu_start, cpu_floor, floor.seconds)}")
    print(f"CPU during the mix:   {cpu_line(cpu_floor, cpu_mix, mix.seconds)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
