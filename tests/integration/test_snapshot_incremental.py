"""isi.search.snapshot: a snapshot patched after service writes equals one built from scratch."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from isi.catalog.models import Area, Component, Level, Region, TargetGroup, Theme
from isi.core.changes import record_change
from isi.core.models import ChangeRecord
from isi.measures.models import Measure
from isi.measures.services import measure_archive, measure_change, measure_create, measure_unarchive
from isi.organisations.models import Organisation
from isi.search import snapshot
from isi.search.filters import MeasureFilter
from isi.search.selectors import search_public_measures
from tests.integration.at_once import at_once

pytestmark = pytest.mark.django_db

SORTS = ("nap_i", "title", "-updated")
TITLES = ["Alpha", "alpha", "Beratung", "Ä-Kurs", "Zuwanderung", "Beratung", "Ölpreis", "10 Lotsen"]


def assert_same(patched: snapshot.Snapshot, fresh: snapshot.Snapshot) -> None:
    """Column by column: ids, codes resolved to their values, pairs as sets, places per order."""
    assert patched.token == fresh.token
    assert patched.ids.tolist() == fresh.ids.tolist()
    assert patched.columns.keys() == fresh.columns.keys()
    for name, column in fresh.columns.items():
        mine = patched.columns[name]
        assert mine.codes.dtype == column.codes.dtype
        assert [mine.values[c] if c >= 0 else None for c in mine.codes.tolist()] == [
            column.values[c] if c >= 0 else None for c in column.codes.tolist()
        ], name
    assert patched.pairs.keys() == fresh.pairs.keys()
    for param, pairs in fresh.pairs.items():
        links_of = patched.pairs[param]
        rows, codes = links_of.rows.tolist(), links_of.codes.tolist()
        links = {(r, links_of.values[c]) for r, c in zip(rows, codes, strict=True)}
        assert len(links) == len(rows), param  # no link twice
        assert links == {
            (r, pairs.values[c]) for r, c in zip(pairs.rows.tolist(), pairs.codes.tolist(), strict=True)
        }, param
    assert patched.regions == fresh.regions
    for sort in SORTS:
        assert patched.positions(sort).tolist() == fresh.positions(sort).tolist(), sort


def _fields(data: st.DataObject, catalogue: dict[str, list[Any]], *, created: bool) -> dict[str, Any]:
    """Random values for a random selection of the fields the snapshot and its orders read."""
    choices: dict[str, st.SearchStrategy[Any]] = {
        "title": st.sampled_from(TITLES),
        "status": st.sampled_from(Measure.Status.values),
        "owner": st.sampled_from(catalogue["owners"]),
        "level": st.sampled_from(catalogue["levels"]),
        "region": st.sampled_from([None, *catalogue["regions"]]),
        "component": st.sampled_from([None, *catalogue["components"]]),
        "nap_i_theme": st.sampled_from([None, *catalogue["themes"]]),
        "nap_i_number": st.sampled_from([None, *range(1, 40)]),
        "publication": st.sampled_from(Measure.Publication.values),
        "areas": st.lists(st.sampled_from(catalogue["areas"]), max_size=3, unique=True),
        "target_groups": st.lists(st.sampled_from(catalogue["groups"]), max_size=3, unique=True),
    }
    names = data.draw(st.lists(st.sampled_from(sorted(choices)), min_size=1, max_size=4, unique=True))
    fields = {name: data.draw(choices[name], label=name) for name in names}
    if created:
        fields.setdefault("title", data.draw(st.sampled_from(TITLES)))
        fields.setdefault("owner", catalogue["owners"][0])
        fields.setdefault("level", catalogue["levels"][0])
    return fields


def _write(data: st.DataObject, catalogue: dict[str, list[Any]]) -> None:
    """One random write through the services (a refused one writes nothing, which is fine)."""
    action = data.draw(st.sampled_from(["create", "change", "change", "publish", "archive", "links"]))
    ids = list(Measure.objects.values_list("pk", flat=True))
    if action == "create" or not ids:
        fields = _fields(data, catalogue, created=True)
        with contextlib.suppress(ValidationError):  # the NAP-I place is taken: nothing written
            measure_create(fields=fields, source="test")
        return
    measure = Measure.objects.get(pk=data.draw(st.sampled_from(ids)))
    if action == "archive":
        archived = measure.archived_at is not None
        (measure_unarchive if archived else measure_archive)(
            measure_id=measure.pk, expected_version=measure.version
        )
        return
    changes: dict[str, Any]
    if action == "publish":
        changes = {"publication": data.draw(st.sampled_from(Measure.Publication.values))}
    elif action == "links":
        changes = {
            "areas": data.draw(st.lists(st.sampled_from(catalogue["areas"]), max_size=3, unique=True)),
            "target_groups": data.draw(
                st.lists(st.sampled_from(catalogue["groups"]), max_size=3, unique=True)
            ),
        }
    else:
        changes = _fields(data, catalogue, created=False)
    with contextlib.suppress(ValidationError):
        measure_change(
            measure_id=measure.pk, expected_version=measure.version, changes=changes, source="test"
        )


@pytest.fixture
def catalogue() -> dict[str, list[Any]]:
    return {
        "owners": list(Organisation.objects.filter(key__in=["bmi", "bmas", "bmbf"])),
        "levels": list(Level.objects.all()),
        "regions": list(Region.objects.all()[:4]),
        "components": list(Component.objects.all()[:3]),
        "themes": list(Theme.objects.all()[:3]),
        "areas": list(Area.objects.all()[:4]),
        "groups": list(TargetGroup.objects.all()[:4]),
    }


def _seed(data: st.DataObject, catalogue: dict[str, list[Any]], count: int) -> None:
    for _ in range(count):
        _write(data, catalogue)


@pytest.fixture
def patch_always(monkeypatch: pytest.MonkeyPatch) -> None:
    """A few measures only: every delta counts as small."""
    monkeypatch.setattr(snapshot, "PATCH_MIN_IDS", 1000)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_patched_snapshot_equals_a_fresh_build(
    data: st.DataObject, catalogue: dict[str, list[Any]], patch_always: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The places of re-read rows: searched among the kept rows (in steps of 64 rows, of 2 or
    # binary: more than one step with a few rows), or dropped and read anew.
    searched, fanout = data.draw(st.sampled_from([(8, 64), (8, 2), (8, 1), (0, 64)]), label="places")
    monkeypatch.setattr(snapshot, "SEARCH_MAX_IDS", searched)
    monkeypatch.setattr(snapshot, "SEARCH_FANOUT", fanout)
    with transaction.atomic():
        _seed(data, catalogue, data.draw(st.integers(min_value=3, max_value=8), label="measures"))
        current = snapshot.build(snapshot.token())
        cached = data.draw(st.lists(st.sampled_from(SORTS), unique=True), label="orders read")
        for sort in cached:
            current.positions(sort)  # orders a search already read: patched; the others read anew
        for _ in range(data.draw(st.integers(min_value=1, max_value=4), label="patches")):
            for _ in range(data.draw(st.integers(min_value=1, max_value=3), label="writes")):
                _write(data, catalogue)
            now = snapshot.token()
            patched = snapshot.patch(current, now)
            assert patched is not None
            assert patched.built_at == current.built_at  # the bound for other writes stays
            if searched:
                assert set(cached) <= set(patched._positions)  # a few rows: places found, not dropped
            assert_same(patched, snapshot.build(now))
            current = patched
        transaction.set_rollback(True)


def _measure(title: str, **fields: Any) -> Measure:
    return measure_create(
        fields={
            "title": title,
            "owner": Organisation.objects.get(key="bmi"),
            "level": Level.objects.get(key="bund"),
            "publication": Measure.Publication.RELEASED,
            **fields,
        },
        source="test",
    )


@pytest.fixture
def kept(monkeypatch: pytest.MonkeyPatch, settings: Any) -> Iterator[list[str]]:
    """Snapshots kept as outside a transaction; how each new one came about is listed."""
    settings.ISI_SEARCH_SNAPSHOT_SECONDS = 60
    monkeypatch.setattr(snapshot, "keepable", lambda: True)
    snapshot.clear()
    made: list[str] = []
    real_build, real_patch = snapshot.build, snapshot.patch

    def build(token: tuple[object, ...]) -> snapshot.Snapshot:
        made.append("build")
        return real_build(token)

    def patch(old: snapshot.Snapshot, token: tuple[object, ...]) -> snapshot.Snapshot | None:
        result = real_patch(old, token)
        made.append("patch" if result is not None else "no patch")
        return result

    monkeypatch.setattr(snapshot, "build", build)
    monkeypatch.setattr(snapshot, "patch", patch)
    yield made
    snapshot.clear()


def _titles() -> list[str]:
    return [m.title for m in search_public_measures(MeasureFilter(sort="title")).items]


def test_a_service_write_patches_the_kept_snapshot(kept: list[str]) -> None:
    first = _measure("Beratung")
    _measure("Anerkennung")
    assert _titles() == ["Anerkennung", "Beratung"]
    measure_change(measure_id=first.pk, expected_version=first.version, changes={"title": "Abitur"})
    assert _titles() == ["Abitur", "Anerkennung"]
    _measure("Chancen")
    assert _titles() == ["Abitur", "Anerkennung", "Chancen"]
    assert kept == ["build", "patch", "patch"]


def test_a_change_that_names_no_measure_builds_anew(kept: list[str]) -> None:
    _measure("Beratung")
    _titles()
    region = Region.objects.get(code="09")
    record_change(region, action=ChangeRecord.Action.UPDATE, before={"name": "x"}, after={"name": "y"})
    _titles()
    assert kept == ["build", "no patch", "build"]


def test_a_large_change_builds_anew(kept: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(snapshot, "PATCH_MIN_IDS", 1)
    _measure("Beratung")
    _titles()
    _measure("Anerkennung")
    _measure("Chancen")  # two of three rows changed: more than the share a patch takes
    assert _titles() == ["Anerkennung", "Beratung", "Chancen"]
    assert kept == ["build", "no patch", "build"]


def test_after_the_bound_a_write_past_the_services_is_seen(kept: list[str]) -> None:
    """A patch re-reads only what change records name, so it keeps the time of the last full
    build: ISI_SEARCH_SNAPSHOT_SECONDS after it, the next search builds anew."""
    hidden = _measure("Anerkennung")
    _measure("Beratung")
    assert _titles() == ["Anerkennung", "Beratung"]
    Measure.objects.filter(pk=hidden.pk).update(title="Zuwanderung")  # no change record
    _measure("Chancen")
    _titles()  # patched: the renamed row may keep its old place until the bound
    (key,) = snapshot._kept
    snapshot._kept[key].built_at -= 61
    assert _titles() == ["Beratung", "Chancen", "Zuwanderung"]
    assert kept == ["build", "patch", "build"]


def test_a_change_record_that_became_visible_late_is_still_read(kept: list[str]) -> None:
    """A writer that took its record id before another's but committed after it (PostgreSQL's
    sequences): the id was missing when the patch read the records; the next patch reads it."""
    first = _measure("Beratung")
    _measure("Anerkennung")
    _titles()
    (key,) = snapshot._kept
    late = ChangeRecord.objects.filter(object_id=first.pk).latest("id")
    Measure.objects.filter(pk=first.pk).update(title="Zuwanderung")
    old = snapshot._kept[key]
    # As if the record of this rename had not been visible when the snapshot was built.
    snapshot._kept[key] = snapshot.Snapshot(
        old.token,
        old.ids,
        old.columns,
        old.pairs,
        old.regions,
        unseen=frozenset({late.pk}),
        _positions=dict(old._positions),
    )
    _measure("Chancen")
    assert _titles() == ["Anerkennung", "Chancen", "Zuwanderung"]
    assert np.array_equal(
        snapshot._kept[key].positions("title"), snapshot.build(snapshot.token()).positions("title")
    )
    assert kept == ["build", "patch", "build"]


def test_threads_asking_at_once_build_the_snapshot_once(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Single flight: at a worker's start (or when the bound runs out) its threads wait for one
    build instead of each building the same snapshot."""
    import threading
    import time

    settings.ISI_SEARCH_SNAPSHOT_SECONDS = 60
    monkeypatch.setattr(snapshot, "keepable", lambda: True)
    monkeypatch.setattr(snapshot, "token", lambda: (41, 7))
    snapshot.clear()
    builds: list[int] = []

    def slow_build(now: tuple[object, ...]) -> snapshot.Snapshot:
        builds.append(threading.get_ident())
        time.sleep(0.3)  # every thread arrives meanwhile
        return snapshot.Snapshot(now, np.array([1, 2], dtype=np.int64), {}, {}, {})

    monkeypatch.setattr(snapshot, "build", slow_build)
    got = at_once(snapshot.current)
    snapshot.clear()
    assert len(builds) == 1
    assert len(got) == 6 and all(s is got[0] for s in got) and got[0].kept
