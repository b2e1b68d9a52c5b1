"""The shared cache of rendered parts (settings.CACHES): emptied when the web server starts.

Kept parts are keyed by what the database says, but not by the code that rendered them: after an
upgrade (new templates, new fields in an API item) a part kept by the old code would be served
until it expires. `isi serve` therefore empties the cache when it starts and when it reloads
(deploy/gunicorn.conf.py), as a restart emptied the per-process caches before.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from diskcache import DjangoCache
from django.conf import settings

DISKCACHE = "isi.core.cache.SharedDiskCache"


class SharedDiskCache(DjangoCache):
    """diskcache's Django backend, with its SQLite connections kept between requests.

    Django closes every cache at the end of each request (``request_finished``), which suits
    backends with per-request connections; diskcache's connections belong to the thread and are
    meant to be kept. Closing them made each request open the four shard files again (0.3 ms per
    read under load, most of a kept API page's cost). The connections end with the thread.
    """

    def close(self, **kwargs: Any) -> None:
        return None


def database_key_prefix(database: Mapping[str, Any]) -> str:
    """A cache key prefix naming the database (engine, host, port, name; no password): parts kept
    for one database are never served for another (the demo and a test run on one host)."""
    identity = "|".join(str(database.get(part) or "") for part in ("ENGINE", "HOST", "PORT", "NAME"))
    return hashlib.sha256(identity.encode()).hexdigest()[:16]


def empty_shared_cache() -> bool:
    """Empty the default cache if it is the disk cache shared by the workers; True if it was.

    Called in gunicorn's master, before any worker runs: a cache object made here is closed again,
    so no SQLite connection is inherited by a forked worker.
    """
    config: dict[str, Any] = settings.CACHES["default"]
    if config.get("BACKEND") != DISKCACHE:
        return False
    from diskcache import FanoutCache

    shared = FanoutCache(
        str(config["LOCATION"]),
        shards=int(config.get("SHARDS", 8)),
        timeout=float(config.get("DATABASE_TIMEOUT", 0.010)),
        **config.get("OPTIONS", {}),
    )
    try:
        shared.clear(retry=True)
    finally:
        shared.close()
    return True
