"""isi.search.evaluate: how deep the ranking is asked for under facet filters."""

from __future__ import annotations

from isi.search.evaluate import RANKED_CANDIDATES, _candidates


def test_unfiltered_share_asks_for_the_usual_candidates() -> None:
    assert _candidates(total=75_000, chosen=60_000, wanted=20) == RANKED_CANDIDATES


def test_a_narrow_filter_asks_deeper() -> None:
    # 1 % of the measures chosen: 20 wanted need about 2,000 ranked ids; twice that is asked for.
    assert _candidates(total=75_000, chosen=750, wanted=20) == 4_000


def test_when_that_is_most_of_the_hits_all_are_asked_for() -> None:
    assert _candidates(total=3_000, chosen=10, wanted=20) is None
