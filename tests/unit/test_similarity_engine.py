"""The similarity engine (isi.similarity): pure, no database."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest

import isi.similarity
from isi.similarity import Doc, Reason, SimilarityIndex
from isi.similarity import allpairs as allpairs_mod

DOCS = [
    Doc(
        1,
        "Berufssprachkurse für Geflüchtete",
        "Berufsbezogene Deutschförderung",
        owner="BMAS",
        target_groups=frozenset({"Geflüchtete"}),
        level="Bund",
    ),
    Doc(2, "Integrationskurs für Eltern", "Sprachkurs mit Kinderbetreuung", owner="BMI", level="Bund"),
    Doc(3, "Sportvereine öffnen sich", "Fußball und Schwimmen für Jugendliche", owner="BMI", level="Land"),
    Doc(
        4,
        "Sprachkurse für Frauen",
        "Deutschkurs für Mütter mit Kinderbetreuung",
        owner="BMFSFJ",
        target_groups=frozenset({"Frauen"}),
        areas=frozenset({"Sprache"}),
        level="Bund",
    ),
    Doc(
        5,
        "Migrationsberatung für Erwachsene",
        "Beratung zu Aufenthalt und Arbeit",
        owner="BMI",
        areas=frozenset({"Beratung"}),
        level="Bund",
    ),
]


def ranking(index: SimilarityIndex, doc: Doc, top: int = 10) -> list[tuple[int, float]]:
    return [(m.id, m.score) for m in index.query(doc, top=top)]


def test_package_imports_no_django() -> None:
    root = Path(isi.similarity.__file__).parent
    for path in root.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                assert not (node.module or "").startswith("django"), path
            if isinstance(node, ast.Import):
                assert not any(alias.name.startswith("django") for alias in node.names), path


def test_compound_meets_its_part() -> None:
    index = SimilarityIndex.build(
        [Doc(1, "Berufssprachkurse für Zugewanderte"), Doc(2, "Förderung von Sportvereinen")]
    )
    matches = index.query(Doc(0, "Sprachkurs"))
    assert [m.id for m in matches] == [1]
    assert matches[0].text_score > 0.05
    assert Reason("word_parts", ("Sprachkurs ~ Berufssprachkurse",)) in matches[0].reasons


def test_inflections_share_the_stem_and_are_named_as_terms() -> None:
    index = SimilarityIndex.build(DOCS)
    best = index.query(Doc(0, "Sprachkurse für Eltern mit Kinderbetreuung"), top=3)
    assert best[0].id in (2, 4)
    terms = next(r for r in best[0].reasons if r.kind == "terms")
    assert "Kinderbetreuung" in terms.values
    assert terms.label().startswith("gemeinsame Wörter: ")


def test_structure_adds_reasons_and_moves_the_score() -> None:
    index = SimilarityIndex.build(DOCS)
    plain = {m.id: m for m in index.query(Doc(0, "Sprachkurs"))}
    with_groups = {
        m.id: m for m in index.query(Doc(0, "Sprachkurs", target_groups=frozenset({"Frauen"}), level="Bund"))
    }
    assert with_groups[4].score > plain[4].score
    assert with_groups[4].text_score == plain[4].text_score
    kinds = {r.kind for r in with_groups[4].reasons}
    assert {"terms", "target_groups", "level"} <= kinds
    labels = [r.label() for r in with_groups[4].reasons]
    assert "gemeinsame Zielgruppen: Frauen" in labels
    assert "gleiche Ebene: Bund" in labels


def test_text_only_score_equals_text_score() -> None:
    index = SimilarityIndex.build(DOCS)
    for match in index.query(Doc(0, "Migrationsberatung für Erwachsene")):
        assert match.score == pytest.approx(match.text_score, abs=1e-4)


def test_exclude_allowed_and_empty_queries() -> None:
    index = SimilarityIndex.build(DOCS)
    query = Doc(0, "Sprachkurs Kinderbetreuung")
    assert {m.id for m in index.query(query)} >= {2, 4}
    assert 2 not in {m.id for m in index.query(query, exclude=[2])}
    assert {m.id for m in index.query(query, allowed=[4, 5])} == {4}
    assert index.query(Doc(0, "und oder die")) == []
    assert SimilarityIndex().query(query) == []


def test_incremental_upsert_and_remove_equal_a_rebuild() -> None:
    incremental = SimilarityIndex.build(DOCS[:3])
    incremental.query(Doc(0, "Sprachkurs"))  # materialised once, then changed
    incremental.upsert(DOCS[3])
    incremental.upsert(DOCS[4])
    incremental.upsert(Doc(2, "Elternkurs Deutsch", "Sprachkurs am Vormittag", owner="BMI", level="Bund"))
    incremental.upsert(Doc(9, "Wird wieder entfernt", "Sprachkurs"))
    incremental.remove(9)
    incremental.remove(12345)  # unknown ids are ignored
    rebuilt = SimilarityIndex.build(
        [
            *DOCS[:1],
            Doc(2, "Elternkurs Deutsch", "Sprachkurs am Vormittag", owner="BMI", level="Bund"),
            *DOCS[2:],
        ]
    )
    assert len(incremental) == len(rebuilt) == 5
    for text in ("Sprachkurs", "Beratung Arbeit", "Kinderbetreuung für Mütter", "Sportverein"):
        got, want = ranking(incremental, Doc(0, text)), ranking(rebuilt, Doc(0, text))
        assert [i for i, _ in got] == [i for i, _ in want]
        assert np.allclose([s for _, s in got], [s for _, s in want], atol=1e-4)
    assert 9 not in incremental


def test_all_pairs_small_index_is_exact_and_filters_owners() -> None:
    docs = [
        Doc(1, "Sprachkurs für Eltern", "Deutsch lernen mit Kinderbetreuung", owner="A"),
        Doc(2, "Sprachkurse für Eltern", "Deutsch lernen, Kinderbetreuung inklusive", owner="B"),
        Doc(3, "Sprachkurs für Eltern", "Deutsch lernen mit Kinderbetreuung am Abend", owner="A"),
        Doc(4, "Radwege in der Stadt", "Verkehrsplanung", owner="C"),
    ]
    index = SimilarityIndex.build(docs)
    pairs = index.all_pairs(top_k=5, min_score=0.2)
    found = {(p.a, p.b) for p in pairs}
    assert (1, 2) in found and (2, 3) in found
    assert (1, 3) not in found  # same owner
    assert all(p.a < p.b for p in pairs)
    assert [p.score for p in pairs] == sorted((p.score for p in pairs), reverse=True)
    assert all(any(r.kind == "terms" for r in p.reasons) for p in pairs)
    same_owner = {(p.a, p.b) for p in index.all_pairs(top_k=5, min_score=0.2, different_owner=False)}
    assert (1, 3) in same_owner
    assert not any(4 in (p.a, p.b) for p in pairs)


def _generated(count: int) -> list[Doc]:
    from datetime import date

    from isi.measures.synthetic.generator import iter_measures

    return [
        Doc(
            m.index + 1,
            m.title,
            m.summary,
            m.goals,
            owner=m.owner,
            target_groups=frozenset(m.target_groups),
            areas=frozenset(m.areas),
            component=m.component,
            level=m.level,
            region=m.region,
        )
        for m in iter_measures(count, 7, date(2025, 6, 30))
    ]


def test_all_pairs_blocked_without_dense_square_and_recalls_brute_force(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    docs = _generated(1500)
    index = SimilarityIndex.build(docs)
    state = index._materialise()
    n = len(state.ids)
    largest: list[int] = []
    real_score_block = allpairs_mod._score_block

    def watching(*args: object, **kwargs: object) -> object:
        rows, stored = args[2], args[3]
        largest.append(len(rows) * len(stored))  # type: ignore[arg-type]
        return real_score_block(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(allpairs_mod, "_score_block", watching)
    progress: list[tuple[int, int]] = []
    pairs = index.all_pairs(top_k=5, min_score=0.3, progress=lambda d, t: progress.append((d, t)))
    assert n > allpairs_mod.EXACT_LIMIT
    assert max(largest) < n * n / 4  # blocks, never the whole square
    assert progress[-1] == (n, n)
    monkeypatch.setattr(allpairs_mod, "EXACT_LIMIT", n)
    exact = {(p.a, p.b) for p in index.all_pairs(top_k=5, min_score=0.3, explain=False)}
    blocked = {(p.a, p.b) for p in pairs}
    assert len(exact & blocked) / len(exact) >= 0.9
    owner = {d.id: d.owner for d in docs}
    assert all(owner[p.a] != owner[p.b] for p in pairs)


def test_all_pairs_same_with_one_worker_or_two(monkeypatch: pytest.MonkeyPatch) -> None:
    index = SimilarityIndex.build(_generated(1500))
    monkeypatch.setattr(allpairs_mod, "WORKERS", 1)
    alone = index.all_pairs(top_k=5, min_score=0.3, explain=False)
    monkeypatch.setattr(allpairs_mod, "WORKERS", 2)
    threaded = index.all_pairs(top_k=5, min_score=0.3, explain=False)
    assert len(alone) > 1000
    assert [(p.a, p.b) for p in threaded] == [(p.a, p.b) for p in alone]
    assert [p.score for p in threaded] == pytest.approx([p.score for p in alone], abs=1e-4)


def test_probe_margin_skips_far_clusters() -> None:
    centroids = np.eye(3, dtype=np.float32)
    near_one = np.asarray([[1.0, 0.05, 0.0]], dtype=np.float32)  # clearly in cluster 0
    between = np.asarray([[1.0, 0.98, 0.0]], dtype=np.float32)  # nearly as close to cluster 1
    rows = np.vstack([near_one, between])
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    probes = allpairs_mod._assign(rows, centroids, 2)
    assert probes[0].tolist() == [0, -1]
    assert probes[1].tolist() == [0, 1]


def test_paused_gc_restores_the_collector() -> None:
    import gc

    from isi.similarity.threads import paused_gc

    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with paused_gc():
            pass
        assert not gc.isenabled()  # left as it was found
    finally:
        gc.enable()


def test_explain_pair_matches_all_pairs_reasons() -> None:
    index = SimilarityIndex.build(DOCS)
    pairs = index.all_pairs(top_k=3, min_score=0.0)
    assert pairs
    for pair in pairs:
        assert index.explain_pair(pair.a, pair.b) == pair.reasons


def test_all_pairs_scores_equal_query_scores() -> None:
    docs = _generated(300)
    index = SimilarityIndex.build(docs)
    by_id = {d.id: d for d in docs}
    pairs = index.all_pairs(top_k=3, min_score=0.3, explain=False)[:20]
    assert pairs
    for pair in pairs:
        matches = {m.id: m for m in index.query(by_id[pair.a], top=50, exclude=[pair.a])}
        assert matches[pair.b].score == pytest.approx(pair.score, abs=2e-4)
        assert matches[pair.b].text_score == pytest.approx(pair.text_score, abs=2e-4)


def test_delta_updates_between_reweightings(monkeypatch: pytest.MonkeyPatch) -> None:
    from isi.similarity import index as index_mod

    monkeypatch.setattr(index_mod, "FULL_REWEIGHT_ROWS", 0)
    monkeypatch.setattr(index_mod, "REWEIGHT_SHARE", 1.0)
    docs = _generated(400)
    index = SimilarityIndex.build(docs)
    index.query(Doc(0, "Sprachkurs"))
    first = index._materialise()
    changed = Doc(docs[0].id, "Fahrradwerkstatt für Geflüchtete", "Reparatur von Fahrrädern", owner="x")
    index.upsert(changed)
    index.remove(docs[1].id)
    index.upsert(Doc(99_999, "Schachclub Integration", "Schach spielen und Deutsch lernen", owner="y"))
    found = index.query(Doc(0, "Fahrradwerkstatt Reparatur"), top=3)
    assert index._materialise() is first  # applied as a delta, not rebuilt
    assert first.stale == 3
    assert found[0].id == docs[0].id
    assert docs[1].id not in {m.id for m in index.query(Doc(0, docs[1].title), top=50)}
    assert index.query(Doc(0, "Schachclub"), top=1)[0].id == 99_999
    # Words no document had before the delta get columns of their own: the new text meets itself.
    itself = index.query(Doc(0, "Schachclub Integration", "Schach spielen und Deutsch lernen"), top=1)[0]
    assert itself.id == 99_999 and itself.text_score > 0.95
    old_text = {m.id for m in index.query(Doc(0, docs[0].title, docs[0].summary), top=5)}
    assert docs[0].id not in old_text  # its old text is gone
    rebuilt = SimilarityIndex.build(
        [
            changed,
            *docs[2:],
            Doc(99_999, "Schachclub Integration", "Schach spielen und Deutsch lernen", owner="y"),
        ]
    )
    for draft in docs[100:110]:
        got = index.query(draft, top=5, exclude=[draft.id])[:3]
        want = rebuilt.query(draft, top=5, exclude=[draft.id])[:3]
        assert [m.score for m in got] == pytest.approx([m.score for m in want], abs=2e-3)
        # The same measures in the same order, except where two scores tie (a delta's weights
        # differ from a rebuild's in the fourth decimal).
        for mine, theirs in zip(got, want, strict=True):
            assert mine.id == theirs.id or abs(mine.score - theirs.score) < 2e-3
    pairs = index.all_pairs(top_k=3, min_score=0.3, explain=False)  # re-weights first
    assert index._materialise().stale == 0
    assert {(p.a, p.b) for p in pairs} == {
        (p.a, p.b) for p in rebuilt.all_pairs(top_k=3, min_score=0.3, explain=False)
    }
