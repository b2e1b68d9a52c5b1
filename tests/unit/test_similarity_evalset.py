"""The similarity evaluation set (bench/data/similarity_eval.json) and its benchmark script."""

from __future__ import annotations

import importlib.util
import itertools
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from isi.imports.napi.parser import parse_nap_i

REPO_DIR = Path(__file__).resolve().parent.parent.parent
BENCH_SCRIPT = REPO_DIR / "bench" / "similarity_quality.py"
EVAL_FILE = REPO_DIR / "bench" / "data" / "similarity_eval.json"

Key = tuple[int, int, int]


def _key(place: dict[str, int]) -> Key:
    return (place["phase"], place["theme"], place["number"])


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("similarity_quality", BENCH_SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def evalset() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(EVAL_FILE.read_text(encoding="utf-8"))
    return data


@pytest.fixture
def napi_titles(nap_i_seed_path: Path) -> dict[Key, str]:
    document = parse_nap_i(nap_i_seed_path.read_text(encoding="utf-8"))
    return {(t.phase, t.position, m.number): m.title for t, m in document.iter_measures()}


_RESULTS: dict[Path, dict[str, Any]] = {}


@pytest.fixture
def result(bench: ModuleType, nap_i_seed_path: Path) -> dict[str, Any]:
    """The benchmark's figures, computed once per test run."""
    if nap_i_seed_path not in _RESULTS:
        _RESULTS[nap_i_seed_path] = bench.compute(nap_i_seed_path, EVAL_FILE)
    return _RESULTS[nap_i_seed_path]


# -- the evaluation set is well-formed ----------------------------------------------------------


def test_sizes_and_unique_ids(evalset: dict[str, Any]) -> None:
    paraphrases, misses, pairs = evalset["paraphrases"], evalset["near_misses"], evalset["pairs"]
    assert len(paraphrases) >= 30
    assert len(misses) >= 15
    assert len(pairs) >= 15
    ids = [item["id"] for item in paraphrases + misses]
    assert len(ids) == len(set(ids))
    assert all(item["id"].startswith("p") for item in paraphrases)
    assert all(item["id"].startswith("n") for item in misses)


def test_every_place_exists_in_the_parsed_nap_i(evalset: dict[str, Any], napi_titles: dict[Key, str]) -> None:
    assert len(napi_titles) == 114
    places = [_key(p["target"]) for p in evalset["paraphrases"]]
    places += [_key(n["nearest_topic"]) for n in evalset["near_misses"]]
    places += [_key(p[side]) for p in evalset["pairs"] for side in ("a", "b")]
    missing = [place for place in places if place not in napi_titles]
    assert missing == []


def test_paraphrases_are_complete_and_reworded(evalset: dict[str, Any], napi_titles: dict[Key, str]) -> None:
    difficulties = {p["difficulty"] for p in evalset["paraphrases"]}
    assert difficulties == {"easy", "medium", "hard"}
    for item in evalset["paraphrases"]:
        assert item["title"].strip() and item["summary"].strip() and item["style"].strip(), item["id"]
        assert item["title"] != napi_titles[_key(item["target"])], item["id"]


def test_difficulty_labels_match_the_shared_words(
    bench: ModuleType, evalset: dict[str, Any], napi_titles: dict[Key, str]
) -> None:
    """Hard paraphrases share at most one content word with the target title; easy ones two or more."""
    for item in evalset["paraphrases"]:
        shared = bench.shared_stems(f"{item['title']} {item['summary']}", napi_titles[_key(item["target"])])
        if item["difficulty"] == "hard":
            assert len(shared) <= 1, (item["id"], shared)
        elif item["difficulty"] == "easy":
            assert len(shared) >= 2, (item["id"], shared)


def test_near_misses_explain_themselves(evalset: dict[str, Any]) -> None:
    for item in evalset["near_misses"]:
        assert item["title"].strip() and item["summary"].strip() and item["why_not"].strip(), item["id"]


def test_pairs_are_distinct_and_both_kinds(evalset: dict[str, Any]) -> None:
    seen: set[frozenset[Key]] = set()
    for pair in evalset["pairs"]:
        a, b = _key(pair["a"]), _key(pair["b"])
        assert a != b
        assert frozenset((a, b)) not in seen, (a, b)
        seen.add(frozenset((a, b)))
        assert isinstance(pair["overlap"], bool)
        assert pair["note"].strip()
    assert {pair["overlap"] for pair in evalset["pairs"]} == {True, False}


# -- the benchmark runs and reports sane figures ------------------------------------------------


def test_corpus_is_the_nap_i_with_owners(bench: ModuleType, nap_i_seed_path: Path) -> None:
    corpus = bench.napi_corpus(nap_i_seed_path)
    assert len(corpus) == 114
    assert [e.doc.id for e in corpus] == list(range(1, 115))
    assert all(e.doc.owner for e in corpus)
    first = corpus[0]
    assert first.key == (1, 1, 1)
    assert first.doc.owner == "Auswärtiges Amt"


def test_hit_rates_are_fractions(result: dict[str, Any]) -> None:
    for mode in ("text", "text_fields", "text_synonyms"):
        block = result["paraphrases"][mode]
        for figures in [block["overall"], *block["by_difficulty"].values()]:
            for name in ("top1", "top3", "mrr", "close"):
                assert 0.0 <= figures[name] <= 1.0, (mode, name)
            assert figures["top3"] >= figures["top1"]
            assert figures["top1"] <= figures["mrr"] <= 1.0
        assert block["overall"]["n"] == len(block["rows"]) >= 30


def test_ranks_are_consistent_with_hit_rates(result: dict[str, Any]) -> None:
    block = result["paraphrases"]["text"]
    rows = block["rows"]
    assert block["overall"]["top1"] == sum(r["rank"] == 1 for r in rows) / len(rows)
    for row in rows:
        if row["rank"] == 1:
            assert row["top_place"] == row["target"]
            assert row["top_score"] == row["target_score"]


def test_easy_paraphrases_are_found(result: dict[str, Any]) -> None:
    """A floor that a lexical engine must reach: easy paraphrases share several words."""
    assert result["paraphrases"]["text"]["by_difficulty"]["easy"]["top3"] >= 0.8


def test_near_misses_and_pair_precision(result: dict[str, Any]) -> None:
    misses = result["near_misses"]
    assert 0.0 <= misses["below_threshold"] <= 1.0
    assert misses["n"] == len(misses["rows"]) >= 15
    for variant in ("different_owner", "any_owner"):
        block = result["pairs"][variant]
        for k, figures in block["precision_at"].items():
            assert 0.0 <= figures["precision"] <= 1.0
            assert figures["judged"] + figures["unjudged"] == min(int(k), block["n_pairs"])


def test_unjudged_pairs_are_listed_for_a_person(result: dict[str, Any]) -> None:
    for variant in ("different_owner", "any_owner"):
        block = result["pairs"][variant]
        unjudged = [r for r in block["top"] if r["overlap"] is None]
        assert block["unjudged_top"] == unjudged
        assert block["precision_at"]["20"]["unjudged"] == len(unjudged)


def test_threshold_sweep_is_monotone(result: dict[str, Any]) -> None:
    sweep = result["threshold_sweep"]
    assert [row["threshold"] for row in sweep] == sorted(row["threshold"] for row in sweep)
    for lower, higher in itertools.pairwise(sweep):
        for name in ("paraphrase_target_close", "paraphrase_wrong_close", "near_miss_close"):
            assert higher[name] <= lower[name], name


def test_synonym_expansion_adds_the_group(bench: ModuleType) -> None:
    expanded = bench.expand_with_synonyms("Sprechstunde für Schutzsuchende")
    assert "Flüchtlinge" in expanded and "Beratung" in expanded
    assert bench.expand_with_synonyms("Sanierung von Turnhallen") == "Sanierung von Turnhallen"


def test_runs_fast_and_prints(
    bench: ModuleType, result: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    assert result["seconds"] < 60
    text = bench.render(result)
    assert "Where lexical similarity fails" in text
    assert "precision@20" in text
    assert bench.main(["--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["corpus"] == 114
