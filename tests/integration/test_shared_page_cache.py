"""The rendered parts of public pages are kept in a disk cache the workers of a host share
(settings.CACHES, isi.core.cache), under keys that mean the same in every process:

- a measure page, result line or API item kept by one worker serves another (a new cache object
  over the same directory: nothing of it lives in the process that kept it);
- an edit of one measure leaves the kept parts of every other measure as they are (their keys
  name the newest change record that is not a measure's, not the newest of all);
- a renamed organisation ends them all;
- two databases never share a part (the key prefix names the database), and `isi serve` empties
  the cache when it starts (isi.core.cache.empty_shared_cache; the gunicorn hook itself is
  tested in test_gunicorn_warm_start).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from diskcache import DjangoCache
from django.core.cache import cache, caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from isi.core.cache import database_key_prefix, empty_shared_cache
from isi.core.changes import record_change
from isi.core.models import ChangeRecord
from isi.measures.models import Measure
from isi.measures.services import measure_update
from isi.organisations.models import Organisation
from isi.search import snapshot
from tests.api.support import make_measure

pytestmark = pytest.mark.django_db


def disk_cache(location: Path) -> dict[str, Any]:
    return {
        "default": {
            "BACKEND": "isi.core.cache.SharedDiskCache",
            "LOCATION": str(location),
            "SHARDS": 4,
            "DATABASE_TIMEOUT": 0.25,
            "KEY_PREFIX": database_key_prefix(connection.settings_dict),
        }
    }


@pytest.fixture
def shared(settings: Any, tmp_path: Path, caches_on: None) -> Iterator[list[Measure]]:
    """Caches on as in production, the default cache a disk cache in a fresh directory; three
    public measures."""
    settings.CACHES = disk_cache(tmp_path / "cache")
    yield [
        make_measure(f"Sprachkurs Nummer {n}", "bmas" if n % 2 else "bmi", released=True) for n in range(3)
    ]
    cache.clear()


def another_worker() -> None:
    """Drop this thread's cache object: the next use opens the directory anew, as a worker
    process that did not render anything would."""
    DjangoCache.close(caches["default"])  # SharedDiskCache.close keeps them open on purpose
    del caches["default"]


def get(path: str) -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = Client().get(path)
    assert response.status_code == 200, path
    return response.content.decode(), [query["sql"].lower() for query in captured.captured_queries]


def page(measure: Measure) -> str:
    return f"/massnahmen/{measure.pk}/"


def rendered_in_full(statements: list[str]) -> bool:
    """The page's own part was rendered (its organisations were read), not taken from the cache."""
    return any("measures_measureorganisation" in sql for sql in statements)


def test_a_page_kept_by_one_worker_is_served_by_another(shared: list[Measure]) -> None:
    first, statements = get(page(shared[0]))
    assert rendered_in_full(statements)
    another_worker()
    again, statements = get(page(shared[0]))
    assert not rendered_in_full(statements)
    assert len(statements) == 1  # the stamp only
    assert again == first


def test_result_lines_and_api_items_kept_by_one_worker_serve_another(shared: list[Measure]) -> None:
    search, _ = get("/massnahmen/?q=Sprachkurs")
    listed, _ = get("/api/v1/measures?q=Sprachkurs")
    snapshot.clear()  # the other worker has its own search snapshot, but not its own parts
    another_worker()
    search_again, statements = get("/massnahmen/?q=Sprachkurs")
    assert search_again == search
    assert not any("measures_measureorganisation" in sql for sql in statements)
    listed_again, statements = get("/api/v1/measures?q=Sprachkurs")
    assert listed_again == listed
    assert not any("measures_measure_areas" in sql for sql in statements)


def test_an_edit_of_one_measure_keeps_the_parts_of_the_others(shared: list[Measure]) -> None:
    kept, _ = get(page(shared[0]))
    get(page(shared[1]))
    edited = shared[1]
    measure_update(
        measure_id=edited.pk,
        expected_version=edited.version,
        changes={"summary": "Neue Kurzbeschreibung"},
        source="test",
    )
    html, statements = get(page(shared[0]))
    assert html == kept and not rendered_in_full(statements)
    html, statements = get(page(shared[1]))
    assert "Neue Kurzbeschreibung" in html and rendered_in_full(statements)


def test_a_renamed_organisation_ends_every_kept_part(shared: list[Measure]) -> None:
    bmi = Organisation.objects.get(key="bmi")
    owned = next(m for m in shared if m.owner_id == bmi.pk)
    get(page(owned))
    Organisation.objects.filter(pk=bmi.pk).update(name="Bundesministerium des Innern (neu)")
    record_change(bmi, action=ChangeRecord.Action.UPDATE, before={"name": bmi.name}, after={"name": "neu"})
    another_worker()
    html, statements = get(page(owned))
    assert rendered_in_full(statements)
    assert "Bundesministerium des Innern (neu)" in html


def test_two_databases_never_share_a_part() -> None:
    base = {"ENGINE": "django.db.backends.postgresql", "HOST": "db", "PORT": "5432", "NAME": "isi"}
    prefix = database_key_prefix(base)
    assert database_key_prefix({**base, "NAME": "isi_demo"}) != prefix
    assert database_key_prefix({**base, "HOST": "db2"}) != prefix
    assert database_key_prefix({**base, "ENGINE": "django.db.backends.sqlite3"}) != prefix
    # The password is no part of the identity (and never in a key or a file name).
    assert database_key_prefix({**base, "PASSWORD": "geheim"}) == prefix


def test_the_web_server_start_empties_the_shared_cache(shared: list[Measure], settings: Any) -> None:
    get(page(shared[0]))
    assert empty_shared_cache() is True
    another_worker()
    _, statements = get(page(shared[0]))
    assert rendered_in_full(statements)


def test_a_cache_in_memory_is_left_alone(settings: Any) -> None:
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.set("bleibt", 1)
    assert empty_shared_cache() is False
    assert cache.get("bleibt") == 1


def test_an_edit_is_seen_at_once_by_a_measure_with_its_kept_page(shared: list[Measure]) -> None:
    measure = Measure.objects.get(pk=shared[2].pk)
    get(page(measure))
    measure_update(
        measure_id=measure.pk,
        expected_version=measure.version,
        changes={"title": "Sprachkurs mit neuem Titel"},
        source="test",
    )
    another_worker()
    html, _ = get(page(measure))
    assert "Sprachkurs mit neuem Titel" in html


def test_a_request_leaves_the_cache_connections_open(shared: list[Measure]) -> None:
    """Django closes every cache after each request; the shared cache keeps its SQLite connections
    (opening the shard files again for every request cost more than the reads)."""
    get(page(shared[0]))
    shards = caches["default"]._cache._shards  # diskcache's FanoutCache: one Cache per shard
    before = [getattr(shard._local, "con", None) for shard in shards]
    assert any(con is not None for con in before)
    get(page(shared[0]))
    assert [getattr(shard._local, "con", None) for shard in shards] == before
