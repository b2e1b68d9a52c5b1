"""What the measures app announces, so the apps above it can listen without measures importing them.

The lower app announces, the higher app listens (DESIGN "imports run downward"): ``isi.search``
keeps its full-text documents current and ``isi.coordination`` its similarity index by
registering a listener in their ``AppConfig.ready()``.

- ``measures_changed(ids)``: the write service (``isi.measures.services``) calls it, inside the
  transaction, after measures were created, changed, archived or restored, or when something
  their documents show changed (a catalogue entry renamed, an owner's aliases moved). Listeners
  that must see committed data defer their work with ``transaction.on_commit``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

MeasuresListener = Callable[[list[int]], object]

_listeners: list[MeasuresListener] = []
_batch = threading.local()


def on_measures_changed(listener: MeasuresListener) -> MeasuresListener:
    """Register `listener(ids)`; registering the same function twice keeps one entry."""
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


def measures_changed(ids: Iterable[int]) -> None:
    """Tell every listener that these measures changed (no-op for an empty list)."""
    wanted = sorted({int(pk) for pk in ids})
    if not wanted:
        return
    pending: set[int] | None = getattr(_batch, "ids", None)
    if pending is not None:
        pending.update(wanted)
        return
    for listener in list(_listeners):
        listener(wanted)


@contextmanager
def announced_together() -> Iterator[None]:
    """Collect the announcements of the block and make them once at its end (an import writing
    hundreds of measures: one re-index instead of one per measure). Nothing is announced when the
    block fails."""
    if getattr(_batch, "ids", None) is not None:  # already inside a batch: the outer one announces
        yield
        return
    _batch.ids = set()
    try:
        yield
        collected = sorted(_batch.ids)
    finally:
        _batch.ids = None
    measures_changed(collected)


def listeners() -> tuple[MeasuresListener, ...]:
    """The registered listeners (for tests and diagnostics)."""
    return tuple(_listeners)
