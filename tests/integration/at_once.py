"""Run one call in several threads at the same moment (single-flight tests)."""

from __future__ import annotations

import threading
from collections.abc import Callable


def at_once[T](call: Callable[[], T], threads: int = 6, timeout: float = 10) -> list[T]:
    """What `call` returned in each of `threads` threads started together."""
    results: list[T] = []
    gate = threading.Barrier(threads)

    def run() -> None:
        gate.wait()
        results.append(call())

    started = [threading.Thread(target=run) for _ in range(threads)]
    for thread in started:
        thread.start()
    for thread in started:
        thread.join(timeout)
    return results
