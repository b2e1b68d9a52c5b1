"""Memory of one web worker: the search snapshot, the similarity index, a few requests (issue #13.7).

    .venv/bin/python bench/memory.py [--measures N] [--seed S] [--requests R] [--workdir DIR]
    scripts/with-postgres .venv/bin/python bench/memory.py --backend postgres [--measures N]

Steps: `isi migrate`, `isi generate --measures N --seed 1 --no-index` and `isi search_index
--rebuild` into a temporary SQLite file (`--backend postgres`: into the database of DATABASE_URL,
which scripts/with-postgres provides) – in child processes, so that generating leaves nothing in
this one. With `--workdir DIR` the SQLite file is kept there and reused by the next run (`--reuse`
uses the PostgreSQL database as it is). Then, in this one process, the way a gunicorn worker does
it (`isi.wsgi` loaded, nothing preloaded):

1. base: Django set up, the WSGI application and the URL patterns loaded (numpy, scipy and the
   views imported);
2. the search snapshot: `isi.search.snapshot.current()` and the positions of every sort order
   (what `post_worker_init` in deploy/gunicorn.conf.py builds before a worker takes requests);
3. the similarity index as a worker builds it: the first `similar_to_text` call
   (isi.coordination.similar: built lazily from the database, materialised, and the transposed
   matrix a query reads);
4. R requests of each page type through Django's test client: the public search (with and
   without a query), a measure page, the API list and one measure, POST /api/v1/similar, the
   staff list and the staff similarity check.

For each step it prints the process's resident memory (VmRSS) and its growth, the Python and numpy
heap the step kept (tracemalloc; numpy reports its buffers to it) and the bytes of the step's
arrays (numpy `nbytes`, sparse matrices' data + indices + indptr), then the worker total times
the default number of workers (2 × CPU cores, ISI_WEB_WORKERS). Nothing fails on the figures.
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from common import collect_static, generate, in_workdir, log

MIB = 1024 * 1024


def rss() -> int:
    """Resident memory of this process now, in bytes (VmRSS)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # no /proc: the peak


def mib(value: float) -> str:
    return f"{value / MIB:,.1f}"


# --- sizes of what the structures hold ----------------------------------------------------------


def nbytes(value: Any, seen: set[int] | None = None) -> int:
    """Bytes of the numpy arrays and scipy sparse matrices reachable through simple containers."""
    seen = set() if seen is None else seen
    if id(value) in seen:
        return 0
    seen.add(id(value))
    import numpy as np
    import scipy.sparse as sp  # type: ignore[import-untyped]

    if isinstance(value, np.ndarray):
        return int(value.nbytes)
    if sp.issparse(value):
        return sum(
            nbytes(getattr(value, name), seen)
            for name in ("data", "indices", "indptr")
            if hasattr(value, name)
        )
    if isinstance(value, dict):
        return sum(nbytes(v, seen) for v in value.values())
    if isinstance(value, list | tuple):
        return (
            sum(nbytes(v, seen) for v in value)
            if value and not isinstance(value[0], int | float | str)
            else 0
        )
    fields = getattr(value, "__dataclass_fields__", None)
    if fields is not None:
        return sum(nbytes(getattr(value, name, None), seen) for name in fields)
    return 0


def snapshot_parts(snap: Any) -> dict[str, int]:
    return {
        "ids": nbytes(snap.ids),
        "facet columns": nbytes(snap.columns),
        "area/target-group links": nbytes(snap.pairs),
        "sort positions": nbytes(getattr(snap, "_positions", {})),
    }


def index_parts(index: Any) -> dict[str, int]:
    """The arrays of a materialised SimilarityIndex, by part (isi.similarity.index)."""
    state = index._state
    parts: dict[str, int] = {}
    if state is not None:
        parts["X (weighted, words + grams)"] = nbytes(state.X)
        parts["XT (X by column, for queries)"] = nbytes(state.XT) if state.XT is not None else 0
        parts["W (word counts)"] = nbytes(state.W)
        parts["catalogue codes and sets"] = (
            nbytes(state.sets) + nbytes(state.set_columns) + nbytes(state.values) + nbytes(state.owner)
        )
        parts["ids, alive, idf"] = (
            nbytes(state.ids) + nbytes(state.alive) + nbytes(state.idf_w) + nbytes(state.idf_g)
        )
    rows = list(index._rows.values())
    parts["per-document arrays (stems, counts)"] = sum(r.stem_ids.nbytes + r.counts.nbytes for r in rows)
    parts["stem → gram incidence"] = (
        nbytes(index._incidence_cache) if index._incidence_cache is not None else 0
    )
    return parts


# --- steps --------------------------------------------------------------------------------------


@dataclass
class Step:
    name: str
    seconds: float
    rss_after: int
    rss_growth: int
    kept: int  # tracemalloc: bytes allocated during the step and still held
    arrays: dict[str, int]


@contextmanager
def step(name: str, steps: list[Step], arrays: Callable[[], dict[str, int]] | None = None) -> Iterator[None]:
    gc.collect()
    before = rss()
    tracemalloc.start()
    tracemalloc.reset_peak()
    started = time.perf_counter()
    yield
    seconds = time.perf_counter() - started
    gc.collect()
    kept, _peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    after = rss()
    parts = arrays() if arrays is not None else {}
    steps.append(Step(name, seconds, after, after - before, kept, parts))
    log(f"  {name}: {seconds:.1f} s, RSS {mib(after)} MiB (+{mib(after - before)})")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--measures", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--requests", type=int, default=3, help="requests of each page type")
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--workdir", type=Path, help="keep (and reuse) the SQLite database here")
    parser.add_argument("--reuse", action="store_true", help="PostgreSQL: use the database as it is")
    parser.add_argument("--workers", type=int, help="workers to multiply by (default: 2 × CPU cores)")
    return in_workdir(parser.parse_args(), run, "isi-memory-")


def prepare(args: argparse.Namespace, workdir: Path) -> dict[str, str]:
    """The database with N generated, indexed measures; the environment that points to it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ISI_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(
        {"ISI_VAR_DIR": str(workdir), "ISI_ALLOWED_HOSTS": "testserver,localhost", "ISI_API_RATE": "off"}
    )
    if args.backend == "postgres":
        url = os.environ.get("DATABASE_URL", "")
        if not url.startswith(("postgres://", "postgresql://")):
            sys.exit(
                "--backend postgres needs a PostgreSQL DATABASE_URL – run it under scripts/with-postgres."
            )
        fresh = not args.reuse
    else:
        db = workdir / f"isi-{args.measures}-{args.seed}.sqlite3"
        url = f"sqlite:///{db}"
        fresh = not db.exists()
    env["DATABASE_URL"] = url
    if fresh:
        log(f"database: {url.split('@')[-1]}")
        generate(env, args.measures, args.seed)
    else:
        log(f"database: reusing {url.split('@')[-1]}")
    collect_static(env, workdir / "static")
    return env


def run(args: argparse.Namespace, workdir: Path) -> int:
    env = prepare(args, workdir)
    for key in ("DATABASE_URL", "ISI_VAR_DIR", "ISI_ALLOWED_HOSTS", "ISI_API_RATE"):
        os.environ[key] = env[key]
    for key in [k for k in os.environ if k.startswith("ISI_") and k not in env]:
        del os.environ[key]  # the defaults of a production worker (ISI_SEARCH_SNAPSHOT_SECONDS=60)
    os.environ["DJANGO_SETTINGS_MODULE"] = "isi.settings"
    steps: list[Step] = []
    log("measuring (one process):")
    start_rss = rss()

    with step("base: Django, WSGI application, URL patterns", steps):
        from django.urls import get_resolver

        from isi.wsgi import application  # noqa: F401 - loaded like a worker loads it

        get_resolver().url_patterns  # noqa: B018 - imports every view module
        import isi.coordination.similar
        import isi.search.selectors  # noqa: F401

    from django.conf import settings
    from django.test import Client

    from isi.accounts.models import User
    from isi.coordination import similar
    from isi.measures.models import Measure
    from isi.search import snapshot as snapshots
    from isi.search.filters import SORTS

    # Setup writes before measuring: a staff user (no change record, the snapshot stays valid).
    user, _ = User.objects.get_or_create(
        username="bench-memory", defaults={"role": User.Role.ADMIN, "is_active": True}
    )
    public = list(Measure.objects.public().order_by("pk").values_list("pk", flat=True)[:50])
    first = Measure.objects.public().order_by("pk").values_list("title", "summary").first() or (
        "Sprachkurs",
        "",
    )
    count_public = Measure.objects.public().count()
    count_live = Measure.objects.filter(archived_at__isnull=True).count()
    log(
        f"  {count_live:,} live measures, {count_public:,} public; "
        f"snapshot kept {settings.ISI_SEARCH_SNAPSHOT_SECONDS} s"
    )

    held: dict[str, Any] = {}

    def snapshot_arrays() -> dict[str, int]:
        return snapshot_parts(held["snapshot"])

    with step("search snapshot + positions of every sort order", steps, snapshot_arrays):
        held["snapshot"] = snapshots.current()
        for sort in SORTS:
            held["snapshot"].positions(sort)

    def index_arrays() -> dict[str, int]:
        return index_parts(similar._cache.index)

    with step("similarity index (first similarity check)", steps, index_arrays):
        similar.similar_to_text(title=first[0], summary=first[1], public_only=True, top=10)

    anonymous = Client(HTTP_HOST="localhost")
    staff = Client(HTTP_HOST="localhost")
    staff.force_login(user)
    words = ["Sprachkurs", "Ausbildung", "Beratung Frauen", "Integration", "Studium", "Kita"]
    pages: list[tuple[str, Callable[[int], Any]]] = [
        ("search, no query", lambda i: anonymous.get("/massnahmen/", {"seite": i + 1})),
        ("search, query", lambda i: anonymous.get("/massnahmen/", {"q": words[i % len(words)]})),
        (
            "search, query + sort",
            lambda i: anonymous.get("/massnahmen/", {"q": words[i % len(words)], "sort": "title"}),
        ),
        ("measure page", lambda i: anonymous.get(f"/massnahmen/{public[i % len(public)]}/")),
        ("API list", lambda i: anonymous.get("/api/v1/measures", {"q": words[i % len(words)]})),
        ("API measure", lambda i: anonymous.get(f"/api/v1/measures/{public[i % len(public)]}")),
        (
            "API similar",
            lambda i: anonymous.post(
                "/api/v1/similar",
                {"title": words[i % len(words)] + " für Zugewanderte"},
                content_type="application/json",
            ),
        ),
        ("staff list", lambda i: staff.get("/arbeitsbereich/", {"q": words[i % len(words)]})),
        (
            "staff similarity check",
            lambda i: staff.get("/arbeitsbereich/massnahmen/aehnliche/", {"title": words[i % len(words)]}),
        ),
    ]
    statuses: dict[str, list[int]] = {}
    logging.disable(logging.INFO)  # the request log (one JSON line per request) is not the point here
    with step(f"{args.requests} requests of each of {len(pages)} page types", steps):
        for name, send in pages:
            for i in range(args.requests):
                try:
                    statuses.setdefault(name, []).append(send(i).status_code)
                except Exception as exc:  # someone else's page in progress: report, go on
                    log(f"  {name}: {type(exc).__name__}: {exc}")
                    statuses.setdefault(name, []).append(0)

    report(args, steps, start_rss, statuses, count_live, count_public)
    return 0


def report(
    args: argparse.Namespace,
    steps: list[Step],
    start_rss: int,
    statuses: dict[str, list[int]],
    count_live: int,
    count_public: int,
) -> None:
    from django.db import connection

    workers = args.workers or 2 * (os.cpu_count() or 1)
    print(
        f"\nOne worker's memory, {args.measures:,} generated measures ({count_live:,} live, "
        f"{count_public:,} public), {connection.vendor}; MiB\n"
    )
    print(f"  {'step':<52} {'s':>6} {'RSS':>8} {'+RSS':>8} {'kept':>8} {'arrays':>8}")
    print(f"  {'interpreter before Django':<52} {'':>6} {mib(start_rss):>8}")
    for s in steps:
        arrays = sum(s.arrays.values())
        shown = mib(arrays) if s.arrays else ""
        print(
            f"  {s.name:<52} {s.seconds:6.1f} {mib(s.rss_after):>8} {mib(s.rss_growth):>8} "
            f"{mib(s.kept):>8} {shown:>8}"
        )
        for part, size in s.arrays.items():
            print(f"  {'    ' + part:<52} {'':>6} {'':>8} {'':>8} {'':>8} {mib(size):>8}")
    print("\n  responses: " + ", ".join(f"{name} {sorted(set(codes))}" for name, codes in statuses.items()))
    by = {s.name.split(" ")[0]: s for s in steps}
    total = steps[-1].rss_after
    without_index = total - by["similarity"].rss_growth
    print(
        f"\n  per worker: {mib(total)} MiB with the similarity index, "
        f"about {mib(without_index)} MiB without it"
        f"\n  × {workers} workers (2 × {os.cpu_count()} cores): {mib(total * workers)} MiB if every worker "
        f"built the index, {mib(without_index * workers)} MiB if none did"
    )


if __name__ == "__main__":
    sys.exit(main())
