"""The similarity index's cold start in one process: one build at a time, large ones in the background.

A worker builds the index on its first similarity check. At 100,000 measures that takes most of a
minute, so when a build is expected to take long (estimated from the number of live measures;
the threshold is lowered here) the first request starts it in a background thread and is answered
at once – the API with 503 and Retry-After, the staff pages with a message – and a later request
gets the answer a synchronous build gives. Transactional: the build thread reads the database over
its own connection and must see the committed measures.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connections
from django.test import Client
from django.urls import reverse

from isi.accounts.models import User
from isi.coordination import similar as glue
from isi.measures.models import Measure
from tests.api.support import API, make_measure, new_measure_data, org

pytestmark = [pytest.mark.usefixtures("reference_data"), pytest.mark.urls("tests.api_urls")]

DRAFT = {"title": "Sprachkurs für Eltern"}


@pytest.fixture(autouse=True)
def _fresh(settings: Any) -> Iterator[None]:
    settings.ISI_API_RATE = ""
    cache.clear()
    glue.reset_index()
    yield
    glue.wait_for_build(timeout=30)
    glue.reset_index()


@pytest.fixture
def measures() -> dict[str, Measure]:
    return {
        "public": make_measure("Berufssprachkurse für Eltern", "bmas", released=True),
        "draft": make_measure("Sprachkurse für Eltern mit Kinderbetreuung", "bmi", released=False),
        "other": make_measure("Radwege für Pendler", "bmi", released=True),
    }


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The modes of the index builds reported (``full`` for a build from scratch)."""
    from isi.core.hooks import report_rebuild as real

    seen: list[str] = []

    def counting(name: str, mode: str, started: float) -> None:
        if name == "similarity_index":
            seen.append(mode)
        real(name, mode, started)

    monkeypatch.setattr(glue, "report_rebuild", counting)
    return seen


@pytest.fixture
def slow_build(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """A gate: each build waits for it before reading the measures (``.set()`` lets it go on)."""
    gate = threading.Event()
    real = glue._docs

    def gated(queryset: Any) -> Iterator[Any]:
        gate.wait(timeout=30)
        yield from real(queryset)

    monkeypatch.setattr(glue, "_docs", gated)
    yield gate
    gate.set()


def release_later(gate: threading.Event, seconds: float = 0.5) -> None:
    threading.Timer(seconds, gate.set).start()


@pytest.fixture
def large(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every database counts as large: a build from scratch goes to the background."""
    monkeypatch.setattr(glue, "BACKGROUND_BUILD_SECONDS", 0.0)


def post(body: dict[str, Any], **headers: str) -> Any:
    return Client().post(f"{API}/similar", body, content_type="application/json", headers=headers)


def in_threads(count: int, work: Any) -> list[Any]:
    """Run ``work()`` in ``count`` threads started together; their results (or exceptions)."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def run(slot: int) -> None:
        barrier.wait()
        try:
            results[slot] = work()
        except Exception as exc:  # handed to the test
            results[slot] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(slot,)) for slot in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def wait_until_built() -> None:
    assert glue.wait_for_build(timeout=30), "the background build did not finish"
    assert glue.index_ready()


# --- one build per process ------------------------------------------------------------------


def test_concurrent_first_checks_build_once(
    measures: dict[str, Measure], builds: list[str], slow_build: threading.Event
) -> None:
    release_later(slow_build)
    results = in_threads(3, lambda: [r.id for r in glue.similar_to_text(title="Sprachkurs für Eltern")])
    assert builds == ["full"]
    assert all(isinstance(r, list) for r in results), results
    assert results[0] == results[1] == results[2]
    assert measures["public"].pk in results[0]


def test_small_database_answers_synchronously(measures: dict[str, Measure], builds: list[str]) -> None:
    response = post(DRAFT)
    assert response.status_code == 200
    assert builds == ["full"]
    assert [i["id"] for i in response.json()["items"]] == [measures["public"].pk]


# --- large databases: the build goes to the background ---------------------------------------


def test_first_api_request_gets_503_then_the_synchronous_answer(
    measures: dict[str, Measure], builds: list[str], large: None, slow_build: threading.Event
) -> None:
    first = post(DRAFT)
    assert first.status_code == 503
    assert int(first["Retry-After"]) >= 1
    assert first["Content-Type"].startswith("application/json")
    assert "Ähnlichkeitsprüfung wird vorbereitet" in first.json()["detail"]
    english = post(DRAFT, **{"Accept-Language": "en"})
    assert english.status_code == 503
    assert "being prepared" in english.json()["detail"]
    slow_build.set()
    wait_until_built()
    second = post(DRAFT)
    assert second.status_code == 200
    assert builds == ["full"]
    background = second.json()

    glue.reset_index()  # the same question answered by a synchronous build
    synchronous = [r.as_json() for r in glue.similar_to_text(title=DRAFT["title"], public_only=True)]
    assert background["items"] == synchronous
    assert [i["id"] for i in synchronous] == [measures["public"].pk]


def test_concurrent_first_api_requests_start_one_build(
    measures: dict[str, Measure], builds: list[str], large: None, slow_build: threading.Event
) -> None:
    answers = in_threads(4, lambda: post(DRAFT).status_code)
    assert answers == [503, 503, 503, 503]
    slow_build.set()
    wait_until_built()
    assert builds == ["full"]
    assert post(DRAFT).status_code == 200
    assert builds == ["full"]


def test_a_failed_build_is_retried_and_never_a_500(
    measures: dict[str, Measure],
    builds: list[str],
    large: None,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    real = glue._docs
    failures = [RuntimeError("disk on fire")]

    def failing(queryset: Any) -> Iterator[Any]:
        if failures:
            raise failures.pop()
        yield from real(queryset)

    monkeypatch.setattr(glue, "_docs", failing)
    first = post(DRAFT)
    assert first.status_code == 503
    assert glue.wait_for_build(timeout=30)
    assert not glue.index_ready()
    assert "disk on fire" in caplog.text
    retry = post(DRAFT)  # the failure is forgotten: this request starts a new build
    assert retry.status_code == 503
    wait_until_built()
    assert post(DRAFT).status_code == 200
    assert builds == ["full"]


def test_waiting_callers_wait_for_the_background_build(
    measures: dict[str, Measure], builds: list[str], large: None, slow_build: threading.Event
) -> None:
    assert post(DRAFT).status_code == 503
    release_later(slow_build)
    # `isi similar` and background tasks wait (wait=True) instead of building a second index.
    found = [r.id for r in glue.similar_to_text(title=DRAFT["title"])]
    assert measures["public"].pk in found
    assert builds == ["full"]


# --- the staff pages ----------------------------------------------------------------------------


def staff_client() -> Client:
    user = User.objects.create_user(
        username="bmi-referent", password="x", role="desk_officer", organisation=org("bmi")
    )
    client = Client()
    client.force_login(user)
    return client


def test_staff_check_shows_the_preparing_message(
    measures: dict[str, Measure], large: None, slow_build: threading.Event
) -> None:
    client = staff_client()
    url = reverse("workspace:similar_check")
    fragment = client.get(url, {"title": "Sprachkurs für Eltern"}, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200
    html = fragment.content.decode()
    assert "Die Ähnlichkeitsprüfung wird vorbereitet" in html
    assert "Keine ähnlichen Maßnahmen gefunden" not in html
    assert 'hx-trigger="load delay:' in html  # the fragment asks again by itself
    page = client.get(url, {"title": "Sprachkurs für Eltern"})
    assert "Die Ähnlichkeitsprüfung wird vorbereitet" in page.content.decode()
    assert "hx-trigger" not in page.content.decode().split('class="similar-results"')[1]
    slow_build.set()
    wait_until_built()
    html = client.get(url, {"title": "Sprachkurs für Eltern"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Berufssprachkurse für Eltern" in html
    assert "wird vorbereitet" not in html


def test_creating_a_measure_waits_for_the_check(measures: dict[str, Measure], large: None) -> None:
    """Rule 3 needs the check's answer: no measure is created without it, the input is kept."""
    client = staff_client()
    body = new_measure_data(
        title="Berufssprachkurse für Eltern",
        summary="Zusammenfassung von Berufssprachkurse für Eltern",
        complementary_need="Sprachförderung",
        regular_system_reason="Das Regelsystem erreicht die Gruppe nicht.",
        eval_due_date="2030-01-01",
    )
    before = Measure.objects.count()
    response = client.post(reverse("workspace:measure_create"), body)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Die Ähnlichkeitsprüfung wird vorbereitet" in html
    assert "Berufssprachkurse für Eltern" in html  # the input is still in the form
    assert Measure.objects.count() == before
    wait_until_built()
    response = client.post(reverse("workspace:measure_create"), body)
    assert response.status_code == 200  # now the close match asks for a reason (rule 3)
    assert 'id="id_similar_measures_reason_error"' in response.content.decode()
    assert Measure.objects.count() == before
