"""Shared fixtures. The seed files live beside the repository in ../shared/seeds/."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.integration.log_fixtures import Lines, collected

REPO_DIR = Path(__file__).resolve().parent.parent
SEED_DIR = REPO_DIR.parent / "shared" / "seeds"
NAP_I_SEED = SEED_DIR / "000_62a3dcb9e0a31828.txt"


@pytest.fixture
def nap_i_seed_path() -> Path:
    """The real NAP-I text. CI has it: there a missing seed is a failure, never a skip."""
    if not NAP_I_SEED.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"NAP-I seed missing at {NAP_I_SEED} (CI must have ../shared/seeds/)")
        pytest.skip("NAP-I seed not on this machine")
    return NAP_I_SEED


@pytest.fixture
def reference_data(transactional_db: None) -> None:
    """Catalogues and the organisation registry for transactional tests.

    Transactional tests (live server, browser) flush the database after each test, which also
    removes the rows the data migrations loaded; the same idempotent loaders put them back.
    """
    from django.apps import apps

    from isi.catalog.loaders import load_catalog, load_phases
    from isi.organisations.loaders import load_registry

    load_catalog(apps)
    load_phases(apps)
    load_registry(apps)


@pytest.fixture(autouse=True)
def german_by_default() -> None:
    """Each test starts in German: a request served in English must not leak into the next test."""
    from django.utils import translation

    translation.activate("de")


@pytest.fixture
def request_log() -> Iterator[Lines]:
    """The lines of the request log (`isi.requests`) written while the test runs."""
    with collected() as lines:
        yield lines


@pytest.fixture
def caches_on(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The caches of public pages as in production (tests run without them): the search snapshot
    kept as outside a transaction (60 s), rendered parts kept (300 s); every cache empty before
    and after the test."""
    from django.core.cache import cache

    from isi.api import measures as api_measures
    from isi.search import snapshot

    def empty() -> None:
        cache.clear()
        snapshot.clear()
        api_measures.clear_list_changed()

    settings.ISI_SEARCH_SNAPSHOT_SECONDS = 60
    settings.ISI_PAGE_CACHE_SECONDS = 300
    monkeypatch.setattr(snapshot, "keepable", lambda: True)
    empty()
    yield
    empty()
