"""Signals that let the service layer (isi.operations) watch the apps without core importing it.

Core is imported by every app and imports none of them; operations subscribes to these signals
(metrics, the stored security events). Sending a signal nobody listens to costs next to nothing.

- ``security_event``: a sign-in failed or an access was refused (sent by isi.core.audit).
  Keyword arguments: ``kind`` ("login_failed", "denied"), ``request`` (or None), ``username``,
  ``user`` (or None), ``ip``, ``what``.
- ``rebuilt``: an in-memory structure was (re)built. Keyword arguments: ``what``
  ("search_snapshot", "similarity_index"), ``mode`` ("full", "incremental"), ``seconds``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.dispatch import Signal

security_event = Signal()
rebuilt = Signal()


def report_rebuild(what: str, mode: str, started: float) -> None:
    """Announce a rebuild that began at ``started`` (a ``time.perf_counter()`` value)."""
    rebuilt.send(sender=None, what=what, mode=mode, seconds=time.perf_counter() - started)


@contextmanager
def timed_rebuild(what: str, mode: str = "full") -> Iterator[None]:
    """Time the block and announce it as a rebuild (only when it finished without an error)."""
    started = time.perf_counter()
    yield
    report_rebuild(what, mode, started)
