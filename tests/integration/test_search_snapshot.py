"""isi.search.snapshot: the public measures in memory, rebuilt when the data changes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management.color import no_style
from django.db import connection

from isi.catalog.models import Level
from isi.core.models import ChangeRecord
from isi.measures.models import Measure
from isi.measures.services import measure_update
from isi.organisations.models import Organisation
from isi.search import snapshot
from isi.search.filters import MeasureFilter
from isi.search.selectors import facet_counts, search_public_measures

pytestmark = pytest.mark.django_db


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch, settings: Any) -> Iterator[list[object]]:
    """Snapshots kept (tests run with them off); every snapshot actually built is listed.

    Tests run inside a transaction, where snapshots are never kept: here they are, as outside.
    """
    settings.ISI_SEARCH_SNAPSHOT_SECONDS = 60
    monkeypatch.setattr(snapshot, "keepable", lambda: True)
    snapshot.clear()
    built: list[object] = []
    real_build = snapshot.build

    def counting(token: tuple[object, ...]) -> snapshot.Snapshot:
        built.append(token)
        return real_build(token)

    monkeypatch.setattr(snapshot, "build", counting)
    yield built
    snapshot.clear()


def _measure(title: str, level: str = "bund") -> Measure:
    return Measure.objects.create(
        title=title,
        owner=Organisation.objects.get(key="bmi"),
        level=Level.objects.get(key=level),
        publication=Measure.Publication.RELEASED,
    )


def test_searches_share_one_snapshot_until_the_data_changes(builds: list[object]) -> None:
    _measure("Sprachkurs für Eltern", level="bund")
    _measure("Beratung in Kommunen", level="kommune")
    everything = search_public_measures(MeasureFilter())
    bund = search_public_measures(MeasureFilter(levels=("bund",)))
    text = search_public_measures(MeasureFilter(q="Sprachkurs"))
    facet_counts(MeasureFilter(q="Beratung"))
    assert len(builds) == 1
    assert bund.count == everything.count - 1
    assert [m.title for m in text.items] == ["Sprachkurs für Eltern"]


def test_a_new_measure_or_a_recorded_change_is_seen_at_once(builds: list[object]) -> None:
    # On PostgreSQL the tests before this one, rolled back, leave the change records' id sequence
    # thousands ahead of the table: such a gap looks like records not visible yet, and the
    # snapshot (rightly) builds afresh instead of patching. Start without a gap.
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [ChangeRecord]):
            cursor.execute(sql)
    measure = _measure("Sprachkurs für Eltern")
    before = search_public_measures(MeasureFilter()).count
    _measure("Beratung in Kommunen")  # a new id
    assert search_public_measures(MeasureFilter()).count == before + 1
    measure_update(
        measure_id=measure.pk,
        expected_version=measure.version,
        changes={"publication": Measure.Publication.DRAFT},
    )  # no new id, but a change record
    assert search_public_measures(MeasureFilter()).count == before
    assert len(builds) == 1  # built once, then patched twice (test_snapshot_incremental.py)


def test_a_stale_snapshot_never_shows_a_measure_that_is_no_longer_public(builds: list[object]) -> None:
    hidden = _measure("Sprachkurs für Eltern")
    assert hidden.pk in [m.pk for m in search_public_measures(MeasureFilter()).items]
    # A write past the services: no change record, no new id – the snapshot stays …
    Measure.objects.filter(pk=hidden.pk).update(publication=Measure.Publication.DRAFT)
    page = search_public_measures(MeasureFilter(q="Sprachkurs"))
    assert len(builds) == 1
    # … but its measures are read as public ones again.
    assert hidden.pk not in [m.pk for m in page.items]


def test_switched_off_every_search_builds_one(builds: list[object], settings: Any) -> None:
    settings.ISI_SEARCH_SNAPSHOT_SECONDS = 0
    search_public_measures(MeasureFilter())
    search_public_measures(MeasureFilter())
    assert len(builds) == 2


def test_inside_a_transaction_nothing_is_kept(builds: list[object], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.undo()  # the real keepable(); the test itself runs inside a transaction
    assert not snapshot.keepable()
    _measure("Sprachkurs für Eltern")
    first = search_public_measures(MeasureFilter(q="Sprachkurs"))
    assert search_public_measures(MeasureFilter(q="Sprachkurs")).count == first.count == 1
