#!/usr/bin/env python3
"""What one public page costs in-process: ms p50/p95 and SQL queries per request, per page type.

    .venv/bin/python bench/page_cost.py                                  # 10,000 measures
    .venv/bin/python bench/page_cost.py --measures 2000 --requests 100   # quick run
    .venv/bin/python bench/page_cost.py --isi-db /tmp/isi.sqlite3        # reuse a database
    .venv/bin/python bench/page_cost.py --profile measure                # cProfile, top 30

Steps (like bench/search_vs_datasette.py): `isi migrate`, `isi generate --measures N --seed 1
--no-index` into a temporary SQLite file, `isi search_index --rebuild` and `isi collectstatic`
into the same directory (ISI_VAR_DIR), with production settings (ISI_DEBUG unset); then each
page type's paths are requested through Django's test client as an anonymous visitor, round
robin, after one warm-up pass. Printed: wall-clock and CPU time (`time.process_time()`, less
disturbed by other processes on a shared machine) of `client.get()` in this process (what a
worker spends, no HTTP, no network), and the queries per request (CaptureQueriesContext).

Page types: `PAGE_TYPES` below maps a name to a function that picks its paths from the database.
Each page type that keeps a per-process cache is listed twice: warm (what a worker answers once
it has served the page) and cold (the cache cleared before every request: the first visit after
a change). Add other page types there. Not a test: nothing fails on wall-clock numbers.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from common import collect_static, generate, in_workdir, log


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


# --- page types --------------------------------------------------------------------------------


def measure_paths(rng: random.Random, count: int) -> list[str]:
    """A handful of public measures: random ones plus the richest (relations, NAP-I theme)."""
    from django.db.models import Count
    from django.urls import reverse

    from isi.measures.models import Measure

    public = Measure.objects.public()
    ids = list(public.values_list("pk", flat=True))
    chosen = set(rng.sample(ids, min(count, len(ids))))
    richest = (
        public.annotate(n=Count("relations_out", distinct=True) + Count("areas", distinct=True))
        .order_by("-n", "pk")
        .values_list("pk", flat=True)[:2]
    )
    chosen.update(richest)
    theme = public.filter(nap_i_theme__isnull=False).values_list("pk", flat=True).first()
    if theme:
        chosen.add(theme)
    return [reverse("portal:measure", args=[pk]) for pk in sorted(chosen)]


# Public search queries (single words, compounds, two words), some with facets; one without text.
SEARCHES = [
    "q=Sprachkurs",
    "q=Beratung",
    "q=Frauen",
    "q=Integrationskurs",
    "q=Jugendliche",
    "q=Anerkennung",
    "q=Kita",
    "q=Migrationsberatung",
    "q=Sprachkurs+Frauen",
    "q=Beratung+Jugendliche",
    "q=Ausbildung&level=bund",
    "q=Beratung&status=running&sort=title",
    "q=Schule&seite=2",
    "level=land&area=sprache",
    "",
]


def search_paths(rng: random.Random, count: int) -> list[str]:
    """The public search page (/massnahmen/?…) for a sample of SEARCHES."""
    from django.urls import reverse

    base = reverse("portal:search")
    return [f"{base}?{query}" if query else base for query in rng.sample(SEARCHES, min(count, len(SEARCHES)))]


def static_paths(rng: random.Random, count: int) -> list[str]:
    """Pages that are nearly only the shared layout (base.html, context processors, middleware):
    the imprint and the privacy page in German, English and Arabic (right to left)."""
    from django.urls import reverse
    from django.utils import translation

    paths = []
    for language in ("de", "en", "ar"):
        with translation.override(language):
            paths += [reverse("portal:imprint"), reverse("portal:privacy")]
    return paths


# The finder's start page as old addresses with answers in the query reach it (they are not
# evaluated); bench/load.py now walks the finder like a person (start, one POST per question, check
# page, result), which this per-path bench cannot do.
FINDER_QUERIES = (
    "auswerten=1&nationality=eu&status=eu_free_movement",
    "auswerten=1&nationality=third_country&status=asylum_good_prospects",
    "auswerten=1",
)


def finder_paths(rng: random.Random, count: int) -> list[str]:
    """The offer finder's start page for a visitor without answers (GET /angebotsfinder/?auswerten=1&…)."""
    from django.urls import reverse

    return [f"{reverse('portal:finder')}?{query}" for query in FINDER_QUERIES]


def clear_cache() -> None:
    from django.core.cache import cache

    cache.clear()


# name -> (paths, run before every request or None)
PAGE_TYPES: dict[str, tuple[Callable[[random.Random, int], list[str]], Callable[[], None] | None]] = {
    "measure page (warm)": (measure_paths, None),
    "measure page (cold: cache cleared)": (measure_paths, clear_cache),
    # Warm: the facets-and-results fragment is kept per query (isi.portal.views.search); cold: a
    # query not asked since the last write (the snapshot stays current; the search itself runs).
    "search page (warm)": (search_paths, None),
    "search page (cold: cache cleared)": (search_paths, clear_cache),
    # The layout alone (a static page), and the finder's start page.
    "static page (layout)": (static_paths, None),
    "finder start page": (finder_paths, None),
    # other page types go here
}


# --- run ---------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--measures", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page type")
    parser.add_argument("--paths", type=int, default=8, help="distinct paths per page type")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", help="run only page types whose name contains this")
    parser.add_argument(
        "--profile", help="cProfile the page types whose name contains this; print the top 30"
    )
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
    os.environ.pop("ISI_DEBUG", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "isi.settings")
    import django

    django.setup()
    import logging

    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    assert not settings.DEBUG, "measure with production settings (ISI_DEBUG unset)"
    logging.getLogger("isi.requests").disabled = True  # one JSON line per request on stderr otherwise
    client = Client(HTTP_HOST="localhost", HTTP_ACCEPT_LANGUAGE="de")
    print(f"{isi_db.name}, {args.requests} requests per page type, p50/p95 of client.get() in-process")
    for name, (paths_for, before) in PAGE_TYPES.items():
        if args.only and args.only not in name:
            continue
        paths = paths_for(random.Random(args.seed), args.paths)
        # Follow a redirect once (a language prefix, a slug) and time the page that answers.
        resolved = []
        for path in paths:
            response = client.get(path)
            if response.status_code in (301, 302):
                path = response["Location"]
                response = client.get(path)
            if response.status_code != 200:
                log(f"{name}: {path} answered {response.status_code}; skipped")
                continue
            resolved.append(path)
        if not resolved:
            continue
        times: list[float] = []
        cpu: list[float] = []
        queries: list[int] = []
        profiler = cProfile.Profile() if args.profile and args.profile in name else None
        for i in range(args.requests):
            path = resolved[i % len(resolved)]
            if before is not None:
                before()
            with CaptureQueriesContext(connection) as captured:
                if profiler is not None:
                    profiler.enable()
                started, started_cpu = time.perf_counter(), time.process_time()
                response = client.get(path)
                times.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - started_cpu) * 1000)
                if profiler is not None:
                    profiler.disable()
            assert response.status_code == 200, (path, response.status_code)
            queries.append(len(captured))
        print(
            f"  {name:<36} p50 {statistics.median(times):6.1f} ms   p95 {percentile(times, 0.95):6.1f} ms"
            f"   CPU p50 {statistics.median(cpu):6.1f} ms"
            f"   queries {min(queries)}–{max(queries)} (median {statistics.median(queries):g})"
            f"   ({len(resolved)} paths, n={len(times)})"
        )
        if profiler is not None:
            stats = pstats.Stats(profiler)
            stats.sort_stats("cumulative").print_stats(30)
            stats.sort_stats("tottime").print_stats(30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
