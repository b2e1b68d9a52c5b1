#!/usr/bin/env python3
"""Benchmark: the search snapshot after one edit – full build vs incremental patch.

    .venv/bin/python bench/snapshot_update.py                       # 10,000 measures, SQLite
    scripts/with-postgres .venv/bin/python bench/snapshot_update.py # the same on PostgreSQL
    .venv/bin/python bench/snapshot_update.py --measures 2000 --edits 3   # quick check
    DATABASE_URL=sqlite:///path .venv/bin/python bench/snapshot_update.py --reuse  # a filled database

Generates N synthetic measures (`isi migrate`, `isi generate --no-index`) into a temporary SQLite
file, or into the PostgreSQL database of `DATABASE_URL`. Then, per edit: one staff-like change of
a public measure through `measure_change` (title and areas), followed by

- **patch** – `snapshot.patch(old, token)`: the change records since the old token, the changed
  measure's columns and links re-read, the rows replaced, and the places in the cached sort
  order (the default NAP-I order, what a search without a query pages by) counted;
- **full build** – `snapshot.build(token)` plus reading that sort order again, which is what
  every process paid before on its next search after any change.

Each is run three times per edit and the fastest counted (the patch leaves the old snapshot as it
is). Prints the median over the edits (and the best) of each in milliseconds and their ratio, and
checks that the patched snapshot equals the fresh one. Never fails on wall-clock numbers.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SORT = "nap_i"
REPEAT = 3


def isi(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "isi.cli", *args, "--skip-checks"], check=True, cwd=ROOT)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--measures", type=int, default=10_000)
    parser.add_argument("--edits", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reuse", action="store_true", help="use the database of DATABASE_URL as it is")
    args = parser.parse_args()
    if args.measures < 1 or args.edits < 1:
        parser.error("--measures and --edits must be positive")
    os.environ.pop("ISI_DEBUG", None)
    if args.reuse:
        return run(args.edits, args.seed)
    workdir = None
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        workdir = tempfile.TemporaryDirectory(prefix="isi-snapshot-")
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir.name}/isi.sqlite3"
    try:
        started = time.perf_counter()
        isi("migrate", "-v0")
        isi("generate", "--measures", str(args.measures), "--seed", str(args.seed), "--no-index")
        print(f"(set-up: {time.perf_counter() - started:.0f} s)", file=sys.stderr)
        return run(args.edits, args.seed)
    finally:
        if workdir is not None:
            workdir.cleanup()


def run(edits: int, seed: int) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "isi.settings")
    import django

    django.setup()
    import numpy as np
    from django.db import connection

    from isi.catalog.models import Area
    from isi.measures.models import Measure
    from isi.measures.services import measure_change
    from isi.search import snapshot

    def full() -> snapshot.Snapshot:
        built = snapshot.build(snapshot.token())
        built.positions(SORT)
        return built

    def timed[T](work: Callable[[], T]) -> tuple[T, float]:
        best = float("inf")
        for _ in range(REPEAT):
            started = time.perf_counter()
            result = work()
            best = min(best, 1000 * (time.perf_counter() - started))
        return result, best

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # planner statistics, as autovacuum keeps them in a database in use
    old = full()  # warm-up
    print(
        f"search snapshot after one edit: {old.size:,} public measures of "
        f"{Measure.objects.count():,}, {connection.vendor}, {edits} edits"
    )
    rng = random.Random(seed)
    areas = list(Area.objects.values_list("pk", flat=True))
    patched, built, equal = [], [], 0
    for _ in range(edits):
        measure = Measure.objects.get(pk=int(rng.choice(old.ids.tolist())))
        measure_change(
            measure_id=measure.pk,
            expected_version=measure.version,
            changes={"title": f"{measure.title} (geändert)", "areas": rng.sample(areas, 2)},
            source="bench",
        )
        now = snapshot.token()
        # Each timed REPEAT times (the patch leaves `old` as it is), the fastest counted: the
        # machine's other load adds noise, not cost.
        patch, seconds = timed(partial(snapshot.patch, old, now))
        patched.append(seconds)
        fresh, seconds = timed(full)
        built.append(seconds)
        if patch is None:
            print("  the patch fell back to a full build (unexpected for one edit)")
            old = fresh
            continue
        equal += bool(
            np.array_equal(patch.ids, fresh.ids)
            and np.array_equal(patch.positions(SORT), fresh.positions(SORT))
        )
        old = patch
    for label, values in (("full build + sort order", built), ("incremental patch", patched)):
        print(f"  {label}: median {statistics.median(values):.1f} ms, best {min(values):.1f} ms")
    ratio = statistics.median(patched) / statistics.median(built)
    print(f"  patch / full build = {ratio:.2f} (median; below 1 is better)")
    print(f"  patched snapshot equal to the fresh one (ids, order): {equal} of {edits} edits")
    return 0


if __name__ == "__main__":
    sys.exit(main())
