"""A task for the worker tests (test_fault_database_outage.py): records each run in a file."""

from __future__ import annotations

import os
import time

from django.tasks import task


@task
def record(path: str, number: int) -> int:
    """Append "<number> <pid>" to `path` (O_APPEND: whole lines, also from two processes)."""
    time.sleep(0.1)
    with open(path, "a", encoding="utf-8") as out:
        out.write(f"{number} {os.getpid()}\n")
    return number
