"""Searches without a text query, remembered per process until the data changes.

The search page without a query – everyone's first view – counts every facet over all public
measures: about half a second at 100,000 measures on SQLite, seconds at 1,000,000 on PostgreSQL
(bench/README.md). Its result changes only when measures do. So the `engine.Result` of a
statement without a text query (any facet selection, sort and page) is kept in Django's cache
under a *token* read from the database on every call: the newest change record and the newest
measure id (two primary-key lookups). Every service write records a change (isi.core.changes),
so the next search in any process sees a new token and computes afresh.

Writes that bypass the services (`QuerySet.update()`, raw SQL, a deleted row) are seen after
`ISI_SEARCH_CACHE_SECONDS` at the latest (0 switches the cache off; tests do). The selectors read
the page's measures through `Measure.objects.public()` again, so a stale entry can show an old
count for that long, never a measure that is no longer public.

Text queries are not cached: they vary too much to be asked twice, and the benchmarks measure
them computed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from isi.core.models import ChangeRecord
from isi.measures.models import Measure
from isi.search import engine

KEY_PREFIX = "isi-search:"


def token() -> tuple[object, ...]:
    """What changes whenever searchable data changes through the services."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT MAX(id) FROM {ChangeRecord._meta.db_table}), "  # noqa: S608 - constant names
            f"(SELECT MAX(id) FROM {Measure._meta.db_table})"
        )
        row = cursor.fetchone()
    return tuple(row) if row else ()


def _key(statement: engine.Statement, facets: Sequence[str], limit: int | None, offset: int) -> str:
    what = repr((token(), connection.vendor, statement.f, tuple(facets), limit, offset))
    return KEY_PREFIX + hashlib.sha256(what.encode()).hexdigest()


def run(
    statement: engine.Statement, *, facets: Sequence[str], limit: int | None, offset: int = 0
) -> engine.Result:
    """`engine.run`, from the cache when the statement has no text query and nothing changed."""
    seconds = int(getattr(settings, "ISI_SEARCH_CACHE_SECONDS", 0))
    if statement.plan is not None or seconds <= 0:
        return engine.run(statement, facets=facets, limit=limit, offset=offset)
    key = _key(statement, facets, limit, offset)
    found = cache.get(key)
    if isinstance(found, engine.Result):
        return found
    result = engine.run(statement, facets=facets, limit=limit, offset=offset)
    cache.set(key, result, seconds)
    return result
