"""The German stemmer is shared by the threads of a web worker (gunicorn threads): concurrent
searches must neither fail nor get (and cache) a wrong stem."""

from __future__ import annotations

import random
import sys
import threading
from collections.abc import Iterator

import pytest

from isi import textmodel

HEADS = ("Sprach", "Beratungs", "Integrations", "Anerkennungs", "Frauen", "Jugend", "Ausbildungs", "Kita")
TAILS = ("kurse", "stellen", "angebote", "projekte", "netzwerke", "lotsinnen", "gruppen", "förderungen")
WORDS = [f"{head}{tail}" for head in HEADS for tail in TAILS]


@pytest.fixture
def busy_switching() -> Iterator[None]:
    """Threads switch after every few bytecodes, as they may under load."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    textmodel.stem.cache_clear()
    yield
    sys.setswitchinterval(before)
    textmodel.stem.cache_clear()


def test_threads_stemming_at_once_get_the_stems_one_thread_gets(busy_switching: None) -> None:
    failures: list[BaseException] = []
    results: list[dict[str, str]] = []

    def work(seed: int) -> None:
        words = WORDS * 3
        random.Random(seed).shuffle(words)
        try:
            for _ in range(20):
                textmodel.stem.cache_clear()
                results.append({word: textmodel.stem(word) for word in words})
        except BaseException as exc:  # reported below
            failures.append(exc)

    threads = [threading.Thread(target=work, args=(seed,)) for seed in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    textmodel.stem.cache_clear()
    alone = {word: textmodel.stem(word) for word in WORDS}  # one thread
    assert len(results) == 4 * 20
    assert all(result == alone for result in results)
