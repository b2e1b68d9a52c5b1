#!/usr/bin/env python3
"""ISI's search on PostgreSQL at scale: p50/p95 of the search selectors.

    scripts/with-postgres .venv/bin/python bench/search_pg.py                      # 1,000,000 measures
    scripts/with-postgres .venv/bin/python bench/search_pg.py --measures 100000 --queries 100

Needs a PostgreSQL `DATABASE_URL` — `scripts/with-postgres` starts a throw-away server — and
time: `isi generate` writes roughly 1,000–2,000 measures a second and the index rebuild computes
a `german` tsvector per measure, so 1,000,000 measures take the better part of an hour before the
first query (100,000: a few minutes). With `--reuse` an already filled database is searched as
it is (only `isi search_index` is run to catch up).

Measured per query (after one warm-up pass): `search_public_measures` (count, ranked page of 20
with details, all 9 facets), `facet_counts` alone, the same with three facet filters selected,
and the floor — the raw text query on the search document table, ranked, first 20 rows
(`ORDER BY score DESC LIMIT 20`) — plus the page without a query (all public measures), once with
the in-memory snapshot of the public measures rebuilt first (what the first search after a change
pays, isi.search.snapshot) and once as usual. Not a test: nothing fails on wall-clock numbers.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from search_vs_datasette import QUERIES  # noqa: E402  (the same queries as the SQLite benchmark)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def isi(*args: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "isi.cli", *args, "--skip-checks"], check=True, cwd=ROOT)
    return time.perf_counter() - started


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def timed(queries: Sequence[str], call: Callable[[str], Any]) -> list[float]:
    for q in queries[: min(len(queries), 10)]:
        call(q)
    out = []
    for q in queries:
        started = time.perf_counter()
        call(q)
        out.append((time.perf_counter() - started) * 1000)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--measures", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reuse", action="store_true", help="search the database as it is")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        sys.exit("DATABASE_URL must point to PostgreSQL – run this under scripts/with-postgres.")
    os.environ.pop("ISI_DEBUG", None)

    if not args.reuse:
        log(f"migrate: {isi('migrate', '-v0'):.1f} s")
        seconds = isi("generate", "--measures", str(args.measures), "--seed", str(args.seed), "--no-index")
        log(f"generate {args.measures:,}: {seconds:.1f} s")
        log(f"search_index --rebuild: {isi('search_index', '--rebuild'):.1f} s")
    else:
        log(f"search_index: {isi('search_index'):.1f} s")

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "isi.settings")
    import django

    django.setup()
    from django.db import connection

    from isi.measures.models import Measure
    from isi.search import engine
    from isi.search.filters import MeasureFilter
    from isi.search.selectors import facet_counts, search_public_measures
    from isi.search.text import parse_query

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    queries = [QUERIES[i % len(QUERIES)] for i in range(args.queries)]
    public = Measure.objects.public().count()
    plans = {q: engine.text_plan(parse_query(q)) for q in set(queries)}
    results: dict[str, list[float]] = {}
    results["search_public_measures(q)"] = timed(
        queries, lambda q: search_public_measures(MeasureFilter(q=q), page_size=20)
    )
    results["facet_counts(q)"] = timed(queries, lambda q: facet_counts(MeasureFilter(q=q)))
    selected = MeasureFilter(levels=("land", "kommune"), areas=("sprache",), statuses=("running",))
    results["search, q + 3 facet filters"] = timed(
        queries, lambda q: search_public_measures(MeasureFilter(q=q, **_facets(selected)))
    )

    def floor(q: str) -> None:
        plan = plans[q]
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id FROM ({plan.hits_sql}) h ORDER BY score DESC LIMIT 20", plan.params)  # noqa: S608
            cursor.fetchall()

    results["floor: text query, ranked top 20"] = timed(queries, floor)
    from isi.search import snapshot

    def rebuilt(q: str) -> None:
        snapshot.clear()  # what the first search after a change pays (isi.search.snapshot)
        search_public_measures(MeasureFilter())

    results["page without query, snapshot rebuilt"] = timed(queries[:10], rebuilt)
    results["page without query"] = timed(queries[:20], lambda q: search_public_measures(MeasureFilter()))

    print(f"\nPostgreSQL search latency, {args.measures:,} measures ({public:,} public):")
    figures = {}
    for name, times in results.items():
        p50, p95 = statistics.median(times), percentile(times, 0.95)
        figures[name] = (p50, p95)
        print(f"  {name:<36} p50 {p50:8.1f} ms   p95 {p95:8.1f} ms   (n={len(times)})")
    s50, s95 = figures["search_public_measures(q)"]
    f50, f95 = figures["floor: text query, ranked top 20"]
    print(f"\n  search / floor   p50 {s50 / f50:5.2f}   p95 {s95 / f95:5.2f}")
    return 0


def _facets(f: Any) -> dict[str, Any]:
    return {"levels": f.levels, "areas": f.areas, "statuses": f.statuses}


if __name__ == "__main__":
    sys.exit(main())
