#!/usr/bin/env python3
"""ISI's search against Datasette and against the raw FTS5 floor, on the same synthetic data (SQLite).

    .venv/bin/python bench/search_vs_datasette.py                              # 100,000 measures
    .venv/bin/python bench/search_vs_datasette.py --measures 2000 --queries 20   # quick run
    .venv/bin/python bench/search_vs_datasette.py --isi-db /tmp/isi.sqlite3      # reuse a database

Steps: `isi migrate` and `isi generate --measures N --seed 1 --no-index` into a temporary SQLite
file, `isi search_index --rebuild`; then, for the same list of queries (full text + 3 facets):

- ISI, function: `search_public_measures(MeasureFilter(q=…))` — count, ranked page of 20 with
  details, all 9 facets counted (the 3 compared included); and `search_measures(…, facets=level,
  status, owner)`, the same with only Datasette's 3 facets;
- ISI, page: the public search page `/massnahmen/?q=…` through Django's test client (HTML);
- Datasette: the public measures exported to a plain SQLite file (facet columns as text, the
  same stemmed text in an FTS5 trigram table) served by `datasette serve` on a free 127.0.0.1
  port, `GET /db/measures.json?_search=…&_facet=level&_facet=status&_facet=owner` over HTTP;
  facet suggestions off and generous time limits, so Datasette computes the same things;
- floor: the raw FTS5 query through Python's sqlite3 on ISI's index, ranked, first 20 rows
  (`SELECT rowid FROM search_fts WHERE search_fts MATCH ? ORDER BY rank LIMIT 20`).

Each query is run once per contender after one warm-up pass; p50 and p95 are printed, with the
ratios ISI/Datasette (target ≤ 0.5) and ISI/floor (target ≤ 3). Not a test: nothing fails on
wall-clock numbers. Note that Datasette 0.65 does not rank search results (it orders by rowid),
so it skips the bm25 work that ISI and the floor do.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from common import collect_static, generate, in_workdir, log

# Realistic public queries: single words, compounds, inflected forms, two-word queries.
QUERIES = [
    "Sprachkurs",
    "Beratung",
    "Frauen",
    "Integrationskurs",
    "Jugendliche",
    "Ausbildung",
    "Anerkennung",
    "Quartier",
    "Kita",
    "Sport",
    "Gesundheit",
    "Arbeitsmarkt",
    "Migrationsberatung",
    "Mentoring",
    "Einbürgerung",
    "Studium",
    "Familien",
    "Geflüchtete",
    "Antidiskriminierung",
    "Berufsorientierung",
    "Ehrenamt",
    "Lotsen",
    "Netzwerk",
    "Fachkräfte",
    "Sprachkurs Frauen",
    "Beratung Jugendliche",
    "Integrationskurs Eltern",
    "Anerkennung Berufsabschlüsse",
    "Bayern",
    "Sachsen",
    "Unionsbürger",
    "Wohnraum",
    "Schule",
    "Elternarbeit",
    "Hochschule",
    "Kinder",
    "Selbstständige",
    "Arbeitsuchende",
    "Teilhabe",
    "Ausländerbehörde",
]
FACETS = ("level", "status", "owner")
SAME = "ISI, Datasette's 3 facets"
ALL = "ISI search_public_measures(), 9"
PAGE = "ISI page /massnahmen/ (test client)"
DATASETTE = "Datasette (HTTP, 3 facets)"
FLOOR = "floor: raw FTS5, ranked top 20"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def timed(queries: Sequence[str], calls: dict[str, Callable[[str], Any]]) -> dict[str, list[float]]:
    """Every query through every contender back to back (round robin), after a warm-up pass.

    Interleaving keeps the ratios fair on a busy machine: a slow minute hits all contenders
    alike instead of whichever happened to run then. The order rotates from query to query, so
    no contender always meets a query first (with the disk pages of its terms still cold).
    """
    for q in queries[: min(len(queries), 10)]:
        for call in calls.values():
            call(q)
    out: dict[str, list[float]] = {name: [] for name in calls}
    names = list(calls)
    for i, q in enumerate(queries):
        for name in names[i % len(names) :] + names[: i % len(names)]:
            started = time.perf_counter()
            calls[name](q)
            out[name].append((time.perf_counter() - started) * 1000)
    return out


def export_for_datasette(isi_db: Path, target: Path) -> int:
    """Public measures with text facet columns and the same stemmed text in FTS5 (trigram)."""
    src = sqlite3.connect(isi_db)
    rows = src.execute(
        """
        SELECT m.id, m.title, m.summary, m.goals, lv.key, m.status, o.key, d.title,
            d.summary || d.body || d.orgs || d.keys
        FROM measures_measure m
        JOIN catalog_level lv ON lv.id = m.level_id
        JOIN organisations_organisation o ON o.id = m.owner_id
        JOIN search_searchdocument d ON d.measure_id = m.id
        WHERE m.publication = 'released' AND m.archived_at IS NULL
        """
    ).fetchall()
    src.close()
    target.unlink(missing_ok=True)
    out = sqlite3.connect(target)
    out.executescript(
        """
        CREATE TABLE measures (id INTEGER PRIMARY KEY, title TEXT, summary TEXT, goals TEXT,
            level TEXT, status TEXT, owner TEXT, title_stems TEXT, body_stems TEXT);
        CREATE VIRTUAL TABLE measures_fts USING fts5(title_stems, body_stems,
            content="measures", content_rowid="id", tokenize="trigram");
        """
    )
    out.executemany("INSERT INTO measures VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    out.execute("INSERT INTO measures_fts(measures_fts) VALUES ('rebuild')")
    for column in FACETS:
        out.execute(f"CREATE INDEX measures_{column} ON measures({column})")
    out.commit()
    out.execute("VACUUM")
    out.close()
    return len(rows)


class Datasette:
    def __init__(self, db: Path) -> None:
        self.db = db
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Datasette:
        cmd = [
            sys.executable, "-m", "datasette", "serve", "-i", str(self.db), "-h", "127.0.0.1",
            "-p", str(self.port), "--setting", "suggest_facets", "off",
            "--setting", "facet_time_limit_ms", "60000", "--setting", "sql_time_limit_ms", "60000",
        ]  # fmt: skip
        self.process = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                self.get("/-/versions.json")
                return self
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError("datasette exited at start") from None
                time.sleep(0.2)
        raise RuntimeError("datasette did not start within 60 s")

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def get(self, path: str) -> Any:
        url = f"http://127.0.0.1:{self.port}{path}"
        with urllib.request.urlopen(url, timeout=120) as response:
            return json.loads(response.read())

    def search(self, fts_query: str) -> Any:
        params = [
            ("_search", fts_query),
            ("_searchmode", "raw"),
            *(("_facet", f) for f in FACETS),
            ("_size", "20"),
        ]
        return self.get(f"/{self.db.stem}/measures.json?{urllib.parse.urlencode(params)}")


def summary(name: str, times: Sequence[float]) -> tuple[float, float]:
    p50, p95 = statistics.median(times), percentile(times, 0.95)
    print(f"  {name:<34} p50 {p50:8.1f} ms   p95 {p95:8.1f} ms   (n={len(times)})")
    return p50, p95


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--measures", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200, help="timed requests per contender")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--isi-db", type=Path, help="use this ISI SQLite database (already indexed)")
    parser.add_argument("--workdir", type=Path, help="keep generated files here (default: temporary)")
    return in_workdir(parser.parse_args(), run, "isi-bench-")


def run(args: argparse.Namespace, workdir: Path) -> int:
    isi_db = args.isi_db or workdir / "isi.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{isi_db}", "ISI_VAR_DIR": str(workdir)}
    env.pop("ISI_DEBUG", None)
    if args.isi_db is None:
        isi_db.unlink(missing_ok=True)
        log(f"ISI database: {isi_db}")
        generate(env, args.measures, args.seed)
    collect_static(env, workdir / "static")

    os.environ.update({"DATABASE_URL": env["DATABASE_URL"], "ISI_VAR_DIR": env["ISI_VAR_DIR"]})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "isi.settings")
    import django

    django.setup()
    from django.core.cache import cache
    from django.test import Client

    from isi.search.engine import fts_expression
    from isi.search.filters import MeasureFilter
    from isi.search.selectors import search_measures, search_public_measures
    from isi.search.text import parse_query

    rng = random.Random(args.seed)
    pool = QUERIES[:]
    rng.shuffle(pool)
    queries = [pool[i % len(pool)] for i in range(args.queries)]
    expressions = {q: fts_expression(parse_query(q)) for q in set(queries)}
    # Datasette gets ISI's own FTS5 expression in raw mode (`_searchmode=raw`): the same clauses,
    # each with its alternatives (synonyms, compounds, expansions) and keys ORed.
    datasette_queries = dict(expressions)

    ds_db = workdir / "datasette.db"
    started = time.perf_counter()
    exported = export_for_datasette(isi_db, ds_db)
    log(f"Datasette export: {exported:,} public measures in {time.perf_counter() - started:.1f} s")

    counts: dict[str, int] = {}

    def isi_same_facets(q: str) -> None:
        page = search_measures(MeasureFilter(q=q), page=1, page_size=20, facets=FACETS)
        counts[q] = page.count

    calls: dict[str, Callable[[str], Any]] = {
        SAME: isi_same_facets,
        ALL: lambda q: search_public_measures(MeasureFilter(q=q), page=1, page_size=20),
    }

    client = Client(HTTP_HOST="localhost")
    try:
        status = client.get("/massnahmen/", {"q": queries[0]}).status_code
    except Exception as exc:  # the portal is someone else's work in progress
        status = 0
        log(f"search page failed ({type(exc).__name__}: {exc})")
    if status == 200:

        def isi_page(q: str) -> None:
            # The page keeps its rendered results per query (isi.portal.views.search); the warm-up
            # pass would make every timed request a cache hit. Timed here: the page computed.
            cache.clear()
            response = client.get("/massnahmen/", {"q": q})
            assert response.status_code == 200

        calls[PAGE] = isi_page
    else:
        log(f"search page answered {status}; page timing skipped")

    floor_db = sqlite3.connect(isi_db)

    def floor(q: str) -> None:
        floor_db.execute(
            "SELECT rowid FROM search_fts WHERE search_fts MATCH ? ORDER BY rank LIMIT 20", (expressions[q],)
        ).fetchall()

    datasette_counts: dict[str, list[Any]] = {}
    with Datasette(ds_db) as datasette:

        def datasette_search(q: str) -> None:
            data = datasette.search(datasette_queries[q])
            datasette_counts.setdefault(q, []).append(data.get("filtered_table_rows_count"))

        calls[DATASETTE] = datasette_search
        calls[FLOOR] = floor
        results = timed(queries, calls)
    floor_db.close()

    print(f"\nSearch latency, {args.measures:,} measures ({exported:,} public), {len(queries)} queries each:")
    figures = {name: summary(name, times) for name, times in results.items()}
    isi50, isi95 = figures[SAME]
    ds50, ds95 = figures[DATASETTE]
    fl50, fl95 = figures[FLOOR]
    print("\nRatios, like for like (full text + Datasette's 3 facets, ranked page of 20):")
    print(f"  ISI / Datasette   p50 {isi50 / ds50:5.2f}   p95 {isi95 / ds95:5.2f}   (target ≤ 0.5)")
    print(f"  ISI / floor       p50 {isi50 / fl50:5.2f}   p95 {isi95 / fl95:5.2f}   (target ≤ 3)")
    all50, all95 = figures[ALL]
    print("The portal's call, counting all 9 facets:")
    print(f"  ISI 9 facets / Datasette  p50 {all50 / ds50:5.2f}   p95 {all95 / ds95:5.2f}")
    print(f"  ISI 9 facets / floor      p50 {all50 / fl50:5.2f}   p95 {all95 / fl95:5.2f}")
    if PAGE in figures:
        pg50, pg95 = figures[PAGE]
        print(f"  ISI page (HTML, 9 facets) / Datasette  p50 {pg50 / ds50:5.2f}   p95 {pg95 / ds95:5.2f}")
    mismatches = sum(n != counts.get(q) for q, found in datasette_counts.items() for n in found)
    if mismatches:
        print(f"\nNote: Datasette's hit count differed from ISI's for {mismatches} requests.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
