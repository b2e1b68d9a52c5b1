"""What counts as a material change of a measure for overlap review (pure, no database)."""

from __future__ import annotations

import json

from isi.coordination.material import changed_materially, fingerprint, jaccard, tokens

BASE = {
    "title": "Sprachkurse für Eltern in Kitas",
    "summary": "Die Maßnahme bietet Eltern mit Zuwanderungsgeschichte Sprachkurse direkt in der Kita an.",
    "goals": "Deutschkenntnisse der Eltern verbessern und Bildungsbeteiligung der Kinder stärken.",
    "target_groups": ["familien", "eu-buerger"],
    "areas": ["sprache"],
    "component": "einstieg",
}


def fp(**changes: object) -> dict[str, object]:
    return fingerprint(**{**BASE, **changes})  # type: ignore[arg-type]


def test_tokens_ignore_case_short_words_and_numbers() -> None:
    assert tokens("Die KITA in 2025 für Eltern") == frozenset({"die", "kita", "für", "eltern"})


def test_jaccard_of_empty_sets_is_one_and_disjoint_is_zero() -> None:
    assert jaccard([], []) == 1.0
    assert jaccard(["a"], ["b"]) == 0.0
    assert jaccard(["a", "b"], ["a", "c"]) == 1 / 3


def test_fingerprint_is_json_and_order_independent() -> None:
    one = fp()
    two = fp(target_groups=["eu-buerger", "familien", "familien"])
    assert one == two
    assert json.loads(json.dumps(one)) == one


def test_identical_measure_is_not_changed() -> None:
    assert not changed_materially(fp(), fp())


def test_small_rewording_is_not_material() -> None:
    reworded = fp(summary=BASE["summary"] + " Jetzt auch online.")  # type: ignore[operator]
    assert fp()["hash"] != reworded["hash"]
    assert not changed_materially(fp(), reworded)


def test_rewritten_text_is_material() -> None:
    rewritten = fp(
        summary="Beratung für Unternehmen zur Anerkennung ausländischer Berufsabschlüsse.",
        goals="Fachkräfte schneller in Beschäftigung bringen.",
    )
    assert changed_materially(fp(), rewritten)


def test_threshold_decides_at_the_boundary() -> None:
    before = fingerprint(title="alpha beta gamma delta epsilon")
    after = fingerprint(title="alpha beta gamma delta zeta")  # 4 shared of 6: 0.667
    assert changed_materially(before, after, threshold=0.8)
    assert not changed_materially(before, after, threshold=0.6)


def test_catalogue_changes_are_material() -> None:
    assert changed_materially(fp(), fp(target_groups=["familien"]))
    assert changed_materially(fp(), fp(areas=["sprache", "arbeit"]))
    assert changed_materially(fp(), fp(component=None))


def test_missing_fingerprint_keeps_the_decision() -> None:
    assert not changed_materially({}, fp())
    assert not changed_materially(None, fp())
