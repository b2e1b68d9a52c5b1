"""Benchmark: generate and insert N synthetic measures into a fresh SQLite database.

    .venv/bin/python bench/generate_insert.py                   # 100,000 measures (the target)
    .venv/bin/python bench/generate_insert.py --measures 2000   # quick check, as CI runs it

Creates a temporary SQLite file, runs the migrations, then times `isi generate`'s code path
(generation + bulk insert). Prints the figures and the ratio against the target of 100,000
measures in 120 seconds, scaled to N; then times building the search index for them, which
`isi generate` also does by default, as a separate figure. Never fails on wall-clock numbers.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

TARGET_MEASURES = 100_000
TARGET_SECONDS = 120.0
REFERENCE_DATE = date(2025, 6, 30)  # fixed, so every run inserts exactly the same rows


def _peak_rss_mib() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports KiB, macOS bytes.
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--measures", type=int, default=TARGET_MEASURES, help="how many measures (default 100000)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--batch-size", type=int, default=None, help="insert batch size (default: the writer's)"
    )
    args = parser.parse_args(argv)
    if args.measures <= 0:
        parser.error("--measures must be positive")

    with tempfile.TemporaryDirectory(prefix="isi-bench-") as tmp:
        db_path = Path(tmp) / "bench.sqlite3"
        # Settings read the environment once, at django.setup(): set everything before.
        os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
        os.environ["ISI_VAR_DIR"] = tmp
        os.environ["ISI_TESTING"] = "1"
        os.environ["ISI_DEBUG"] = "1"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "isi.settings")

        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connections

        from isi.measures.models import Measure
        from isi.measures.synthetic.generator import iter_measures
        from isi.measures.synthetic.writer import DEFAULT_BATCH_SIZE, generate
        from isi.search.indexing import rebuild_search_index

        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        migrate_seconds = time.perf_counter() - started

        # Generation alone, to see how the total splits; not part of the timed figure.
        started = time.perf_counter()
        for _ in iter_measures(args.measures, args.seed, REFERENCE_DATE):
            pass
        generate_only = time.perf_counter() - started

        def progress(done: int) -> None:
            print(f"  … {done:,} measures", file=sys.stderr, flush=True)

        started = time.perf_counter()
        result = generate(
            count=args.measures,
            seed=args.seed,
            reference_date=REFERENCE_DATE,
            batch_size=args.batch_size or DEFAULT_BATCH_SIZE,
            progress=progress,
            index=False,
        )
        seconds = time.perf_counter() - started
        # `isi generate` also writes the search index by default; timed apart from the target.
        started = time.perf_counter()
        indexed = rebuild_search_index()
        index_seconds = time.perf_counter() - started
        stored = Measure.objects.count()
        connections.close_all()
        # The database file plus its write-ahead log, whatever has not been checkpointed yet.
        db_mib = sum(p.stat().st_size for p in Path(tmp).glob("bench.sqlite3*")) / (1024 * 1024)

    budget = TARGET_SECONDS * args.measures / TARGET_MEASURES
    ratio = seconds / budget
    print(f"benchmark: generate + insert on SQLite (seed {args.seed})")
    print(f"  measures            {result.created:>12,}  (stored: {stored:,})")
    print(f"  seconds             {seconds:>12.2f}  (generation alone: {generate_only:.2f} s)")
    print(f"  measures/second     {result.created / seconds:>12,.0f}")
    print(f"  target              {ratio:>11.2f}×  of the {budget:g} s target", end="")
    if args.measures != TARGET_MEASURES:
        print(f" (120 s per 100,000, scaled to {args.measures:,})", end="")
    print()
    print(
        f"  rows                {result.organisation_links:>12,}  organisation links, "
        f"{result.evaluations:,} evaluations, {result.change_records:,} change records"
    )
    print(
        f"  levels              Bund {result.per_level['bund']:,} · Land {result.per_level['land']:,} · "
        f"Kommune {result.per_level['kommune']:,} · paraphrases {result.paraphrases:,}"
    )
    print(
        f"  search index        {index_seconds:>12.2f}  s for {indexed:,} documents "
        f"(not in the target; with it: {seconds + index_seconds:.1f} s)"
    )
    print(f"  peak RSS            {_peak_rss_mib():>12.1f}  MiB")
    print(f"  database file       {db_mib:>12.1f}  MiB  (migrate took {migrate_seconds:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
