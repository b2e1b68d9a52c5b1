"""isi.search.reference: catalogue and organisation names are read once per snapshot epoch and
language, and read again after a change that ends the epoch (a renamed catalogue entry)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import connection
from django.utils import translation

from isi.catalog.models import Area
from isi.core.changes import record_change
from isi.core.models import ChangeRecord
from isi.search import snapshot
from isi.search.filters import MeasureFilter
from isi.search.selectors import search_public_measures
from tests.api.support import make_measure

pytestmark = pytest.mark.django_db


@pytest.fixture
def kept(monkeypatch: pytest.MonkeyPatch, settings: Any) -> Iterator[None]:
    settings.ISI_SEARCH_SNAPSHOT_SECONDS = 60
    monkeypatch.setattr(snapshot, "keepable", lambda: True)
    snapshot.clear()
    area = Area.objects.get(key="sprache")
    make_measure("Sprachkurs für Eltern", "bmas", released=True, areas=[area])
    yield
    snapshot.clear()


@contextmanager
def _statements() -> Iterator[list[str]]:
    seen: list[str] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield seen


def _area_labels() -> list[str]:
    return [v.label for v in search_public_measures(MeasureFilter(q="Sprachkurs")).facets["area"]]


def _reads(statements: list[str]) -> tuple[int, int]:
    catalogue = sum("SELECT 'area'" in sql for sql in statements)
    organisations = sum('FROM "organisations_organisation"' in sql for sql in statements)
    return catalogue, organisations


def test_read_once_per_epoch_and_language(kept: None) -> None:
    with _statements() as first:
        german = _area_labels()
    with _statements() as again:
        assert _area_labels() == german
    assert _reads(first) == (1, 1)
    assert _reads(again) == (0, 0)
    with translation.override("en"), _statements() as english:
        labels = _area_labels()
    assert _reads(english) == (1, 0)  # the catalogue's labels are translated, the names are not
    assert labels != german


def test_a_renamed_catalogue_entry_is_read_again(kept: None) -> None:
    _area_labels()
    area = Area.objects.get(key="sprache")
    Area.objects.filter(pk=area.pk).update(name="Sprache und Verständigung")
    record_change(area, action=ChangeRecord.Action.UPDATE, before={"name": area.name}, after={"name": "x"})
    assert "Sprache und Verständigung" in _area_labels()
