"""One BLAS thread for the engine's dense products.

On small virtual machines OpenBLAS's worker threads spin against each other: a 4000×40 QR took
0.56 s with its default threads and 0.004 s with one, and the blocked all-pairs search ran
2.4× slower. The engine's heavy work is sparse (scipy, single-threaded anyway), so it asks BLAS
for one thread while it runs (``threadpoolctl``, if installed; otherwise BLAS keeps its own
setting).
"""

from __future__ import annotations

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
