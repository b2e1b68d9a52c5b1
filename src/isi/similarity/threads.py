"""Process settings the engine's bulk work runs under: one BLAS thread, no garbage collection.

**One BLAS thread for the dense products.**

On small virtual machines OpenBLAS's worker threads spin against each other: a 4000×40 QR took
0.56 s with its default threads and 0.004 s with one, and the blocked all-pairs search ran
2.4× slower. The engine's heavy work is sparse (scipy, single-threaded anyway), so it asks BLAS
for one thread while it runs (``threadpoolctl``, if installed; otherwise BLAS keeps its own
setting).

**No collection while allocating pairs.** Building 10⁵–10⁶ result tuples triggers the cyclic
garbage collector again and again over the whole heap (the index's vocabulary is large): half
the time of turning 65,000 pairs into objects. Tuples of numbers form no cycles, so the
collector is paused for that loop and restored after it.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

try:
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped, import-not-found, unused-ignore]
except ImportError:  # pragma: no cover - optional
    threadpool_limits = None


@contextmanager
def single_blas_thread() -> Iterator[None]:
    if threadpool_limits is None:
        yield
        return
    with threadpool_limits(limits=1, user_api="blas"):
        yield


@contextmanager
def paused_gc() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
