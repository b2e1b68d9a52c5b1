"""The similarity index keeps its weighted matrix once, not twice (issue #13.7, bench/memory.py).

A query reads the matrix by column (XT); the rows it covers are then dropped from the row matrix
X, which keeps only the rows deltas append. All-pairs joins them again and gives what an index
that never answered a query gives.
"""

from __future__ import annotations

import pytest

from isi.similarity import Doc, SimilarityIndex
from tests.unit.test_similarity_engine import _generated


def test_a_query_leaves_the_rows_in_one_matrix_only(monkeypatch: pytest.MonkeyPatch) -> None:
    from isi.similarity import index as index_mod

    monkeypatch.setattr(index_mod, "FULL_REWEIGHT_ROWS", 0)
    monkeypatch.setattr(index_mod, "REWEIGHT_SHARE", 1.0)
    docs = _generated(200)
    index = SimilarityIndex.build(docs)
    before = index.query(docs[5], top=5)
    state = index._materialise()
    assert state.XT is not None and state.XT.shape[1] == len(docs)
    assert state.X.shape[0] == 0 and state.X.nnz == 0  # not kept twice
    index.upsert(Doc(99_999, "Schachclub Integration", "Schach spielen und Deutsch lernen", owner="y"))
    assert index.query(Doc(0, "Schachclub"), top=1)[0].id == 99_999
    assert index._materialise() is state and state.X.shape[0] == 1  # the delta's row only
    assert [(m.id, m.score) for m in index.query(docs[5], top=5)] == [(m.id, m.score) for m in before]


def test_all_pairs_after_queries_equal_all_pairs_of_a_fresh_index() -> None:
    docs = _generated(300)
    queried = SimilarityIndex.build(docs)
    answers = [queried.query(d, top=5) for d in docs[:5]]
    fresh = SimilarityIndex.build(docs)
    got = queried.all_pairs(top_k=3, min_score=0.3, explain=False)
    want = fresh.all_pairs(top_k=3, min_score=0.3, explain=False)
    assert got and [(p.a, p.b, p.score) for p in got] == [(p.a, p.b, p.score) for p in want]
    # Queries after all-pairs answer as before (the column matrix is built again).
    assert [queried.query(d, top=5) for d in docs[:5]] == answers
