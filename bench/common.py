"""What the benchmark scripts share: logging, running `isi`, a work folder, a generated database.

The scripts run from this folder (`.venv/bin/python bench/NAME.py`), so they import it as `common`.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run_isi(env: dict[str, str], *args: str) -> float:
    """Run `isi ARGS` with `env`; the seconds it took (its output is not shown)."""
    started = time.perf_counter()
    command = [sys.executable, "-m", "isi.cli", *args, "--skip-checks"]
    subprocess.run(command, check=True, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def in_workdir(args: argparse.Namespace, run: Callable[[argparse.Namespace, Path], int], prefix: str) -> int:
    """`run(args, workdir)` in `args.workdir`, or in a temporary folder removed afterwards."""
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix=prefix))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        return run(args, workdir)
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)


def generate(env: dict[str, str], measures: int, seed: int) -> None:
    """Migrate, generate `measures` synthetic measures and build the search index (logged)."""
    log(f"  migrate: {run_isi(env, 'migrate', '-v0'):.1f} s")
    seconds = run_isi(env, "generate", "--measures", str(measures), "--seed", str(seed), "--no-index")
    log(f"  generate {measures:,} measures: {seconds:.1f} s")
    log(f"  search_index --rebuild: {run_isi(env, 'search_index', '--rebuild'):.1f} s")


def collect_static(env: dict[str, str], static_root: Path) -> None:
    """Production pages name hashed static files: without a current manifest a page is a 500."""
    if not (static_root / "staticfiles.json").is_file():
        log(f"  collectstatic: {run_isi(env, 'collectstatic', '--noinput', '-v0'):.1f} s")
