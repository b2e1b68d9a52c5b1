"""The reference data a search reads besides the snapshot, kept per process for a snapshot epoch.

Every search needs the catalogue (facet entries and their labels, isi.search.engine.Catalogue) and
the names of the owning organisations; reading them costs two statements per search. They change
only through changes that are not a measure's, and those end the search snapshot's epoch
(isi.search.snapshot), so they are kept for the epoch of the snapshot the search uses (the
catalogue per language: its labels are translated). Without a kept snapshot (tests, inside a
transaction) they are read for every search, as before.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from django.utils.translation import get_language

from isi.organisations.models import Organisation
from isi.search import engine
from isi.search import snapshot as snapshots


@dataclass(frozen=True)
class Organisations:
    by_id: dict[int, tuple[int, str, str]]  # id → (place in the database's order by name, key, name)
    by_key: dict[str, int]


_lock = threading.Lock()
_catalogues: dict[tuple[int, str], engine.Catalogue] = {}
_organisations: dict[int, Organisations] = {}


def _kept_epoch(snap: snapshots.Snapshot) -> int:
    return snap.epoch if snap.kept else 0


def catalogue(snap: snapshots.Snapshot) -> engine.Catalogue:
    """The catalogue as `snap` sees it (shared: do not change it)."""
    epoch = _kept_epoch(snap)
    if not epoch:
        return engine.load_catalogue()
    key = (epoch, get_language() or "de")
    with _lock:
        found = _catalogues.get(key)
    if found is None:
        found = engine.load_catalogue()
        with _lock:
            for old in [k for k in _catalogues if k[0] != epoch]:
                del _catalogues[old]  # an earlier epoch: never asked for again
            _catalogues[key] = found
    return found


def _load_organisations() -> Organisations:
    rows = list(Organisation.objects.order_by("name", "pk").values_list("pk", "key", "name"))
    return Organisations(
        {pk: (place, key, name) for place, (pk, key, name) in enumerate(rows)},
        {key: pk for pk, key, _ in rows},
    )


def organisations(snap: snapshots.Snapshot) -> Organisations:
    """Every organisation's key and name as `snap` sees them (a registry of a few hundred)."""
    epoch = _kept_epoch(snap)
    if not epoch:
        return _load_organisations()
    with _lock:
        found = _organisations.get(epoch)
    if found is None:
        found = _load_organisations()
        with _lock:
            _organisations.clear()
            _organisations[epoch] = found
    return found


def clear() -> None:
    with _lock:
        _catalogues.clear()
        _organisations.clear()
