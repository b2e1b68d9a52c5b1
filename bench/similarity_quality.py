#!/usr/bin/env python3
"""How good is the overlap engine? Hit rates on a hand-made evaluation set over the real NAP-I.

    .venv/bin/python bench/similarity_quality.py            # readable report
    .venv/bin/python bench/similarity_quality.py --json     # machine-readable
    .venv/bin/python bench/similarity_quality.py --seed PATH --eval PATH

No database. (Django settings are loaded only to read ``CLOSE_MATCH_THRESHOLD`` from
``isi.coordination.similar`` while the pure engine does not export it.)
The corpus is the NAP-I seed as the importer would store it: the 114 measures
parsed by ``isi.imports.napi.parser`` (title only — the NAP-I has no description per measure),
the owner derived by the importer's rule (``isi.imports.napi.owner.derive_owner`` over the
organisation registry), and areas, target groups and basic-offer component from the importer's
first suggestions (``isi.imports.napi.suggestions.suggest``), by catalogue name as
``isi.coordination.similar.measure_doc`` gives them.

The evaluation set (``bench/data/similarity_eval.json``) has

- paraphrases: one real NAP-I measure restated as another ministry or a Land might enter it
  (labelled easy / medium / hard). Each is queried against the index; the target should rank first.
  Three query modes: *text* (title and summary only, through the engine as it is — including its
  own synonym table ``isi/textmodel/data/synonyms.json``), *text + fields* (also the areas,
  target groups and component the importer's suggestion rules read from the paraphrase text —
  roughly what a person would tick in the form) and *text + synonyms* (an experiment: the query
  additionally expanded with ``SYNONYM_GROUPS`` below, on top of the engine's table);
- near misses: texts that share vocabulary with NAP-I measures but are other measures; their best
  score should stay below the close-match threshold;
- pairs: judged pairs of real NAP-I measures (overlap yes/no), to measure the precision of the
  top-ranked ``all_pairs`` candidates. Pairs nobody judged are listed, not counted.

Reports top-1 / top-3 hit rates (overall and by difficulty), mean reciprocal rank, the share of
targets scoring above the close-match threshold, the near-miss pass rate, precision@5/10/20 of
all_pairs, and every miss with its rank and the engine's reasons ("where lexical similarity fails").

A local embedding model (``ISI_EMBEDDING_MODEL``, a path) is not blended in by this script: the
figures are those of the lexical engine alone. Nothing is ever downloaded.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from isi.imports.napi.document import NapIDocument  # noqa: E402
from isi.imports.napi.gazetteer import Gazetteer, OrgMention  # noqa: E402
from isi.imports.napi.owner import derive_owner  # noqa: E402
from isi.imports.napi.parser import parse_nap_i  # noqa: E402
from isi.imports.napi.suggestions import suggest  # noqa: E402
from isi.search.text import STOPWORDS, stem, words  # noqa: E402
from isi.similarity import Doc, SimilarityIndex  # noqa: E402


def _close_match_threshold() -> tuple[float, str]:
    """The score from which the product calls a match close, and where it was read.

    Preferably from the pure engine; else from the Django glue (``isi.coordination.similar``),
    which needs Django set up (settings only, no database is opened).
    """
    for module in ("isi.similarity", "isi.similarity.scoring"):
        value = getattr(importlib.import_module(module), "CLOSE_MATCH_THRESHOLD", None)
        if isinstance(value, int | float):
            return float(value), module
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "isi.settings")
    import django

    django.setup()
    for module in ("isi.coordination.similar", "isi.coordination.check"):
        try:
            value = getattr(importlib.import_module(module), "CLOSE_MATCH_THRESHOLD", None)
        except ImportError:  # pragma: no cover - depends on the engine's layout
            continue
        if isinstance(value, int | float):
            return float(value), module
    raise RuntimeError("CLOSE_MATCH_THRESHOLD not found")  # pragma: no cover


CLOSE_MATCH_THRESHOLD, THRESHOLD_SOURCE = _close_match_threshold()

SEED_PATH = ROOT.parent / "shared" / "seeds" / "000_62a3dcb9e0a31828.txt"
EVAL_PATH = ROOT / "bench" / "data" / "similarity_eval.json"
THEMES_PATH = ROOT / "src" / "isi" / "catalog" / "data" / "nap_i_themes.json"
REGISTRY_PATH = ROOT / "src" / "isi" / "organisations" / "data" / "registry.json"
CATALOG_PATH = ROOT / "src" / "isi" / "catalog" / "data" / "catalog.json"

DIFFICULTIES = ("easy", "medium", "hard")
PRECISION_AT = (5, 10, 20)
QUERY_ID_BASE = 1_000_000  # query docs get ids far from the corpus ids
Key = tuple[int, int, int]  # NAP-I place: phase, theme position, measure number


# -- corpus: the NAP-I as the importer stores it ------------------------------------------------


@dataclass
class _Org:
    """Registry organisation shaped like ``Organisation`` for ``derive_owner`` (OrgLike)."""

    name: str
    kind: str
    parent: _Org | None = None

    @property
    def is_ressort(self) -> bool:
        return self.kind in {"federal_ministry", "federal_commissioner"}

    def ressort(self) -> _Org | None:
        node: _Org | None = self
        seen: set[int] = set()
        while node is not None and id(node) not in seen:
            if node.is_ressort:
                return node
            seen.add(id(node))
            node = node.parent
        return None


class _Registry:
    def __init__(self) -> None:
        entries = json.loads(REGISTRY_PATH.read_text(encoding="utf-8"))["organisations"]
        by_key = {e["key"]: _Org(e["name"], e["kind"]) for e in entries}
        for e in entries:
            if e.get("parent"):
                by_key[e["key"]].parent = by_key.get(e["parent"])
        self.by_name = {org.name: org for org in by_key.values()}
        self.gazetteer = Gazetteer.from_registry(entries)

    def org(self, mention: OrgMention) -> _Org:
        found = self.by_name.get(mention.name) if mention.resolved else None
        return found or _Org(mention.name, "other")


def _catalog_names() -> dict[str, str]:
    """Catalogue key → name (areas, target groups, components), as ``measure_doc`` uses names."""
    data = json.loads(CATALOG_PATH.read_text(encoding="utf-8"))
    names = {item["key"]: item["name"] for kind in ("areas", "target_groups") for item in data[kind]}
    for offer in data["basic_offers"]:
        names.update({c["key"]: c["name"] for c in offer["components"]})
    return names


CATALOG_NAMES = _catalog_names()


def _names(keys: Iterable[str]) -> frozenset[str]:
    return frozenset(CATALOG_NAMES.get(key, key) for key in keys)


def _name(key: str | None) -> str | None:
    return CATALOG_NAMES.get(key, key) if key else None


@dataclass(frozen=True)
class NapIEntry:
    key: Key
    doc: Doc
    theme_title: str

    @property
    def place(self) -> str:
        return "{}.{}.{}".format(*self.key)


def parse_seed(seed_path: Path = SEED_PATH) -> NapIDocument:
    return parse_nap_i(seed_path.read_text(encoding="utf-8"))


def napi_corpus(seed_path: Path = SEED_PATH) -> list[NapIEntry]:
    """The NAP-I measures as ``Doc``s, ids 1..n in document order."""
    document = parse_seed(seed_path)
    themes = json.loads(THEMES_PATH.read_text(encoding="utf-8"))["themes"]
    theme_titles = {(t["phase"], t["position"]): t["title"] for t in themes}
    registry = _Registry()
    out: list[NapIEntry] = []
    for theme, measure in document.iter_measures():
        leads = [registry.org(m) for m in registry.gazetteer.resolve_leads(theme.leads)]
        named = [
            registry.org(m) for m in registry.gazetteer.resolve_measure(measure.organisation_lines).mentions
        ]
        owner = derive_owner(named, leads).owner.name
        theme_title = theme_titles.get((theme.phase, theme.position), "")
        hint = suggest(measure.title, theme_title, theme.phase, theme.position)
        doc = Doc(
            id=len(out) + 1,
            title=measure.title,
            owner=owner,
            target_groups=_names(hint.target_groups),
            areas=_names(hint.areas),
            component=_name(hint.component),
            level="Bund",
        )
        out.append(NapIEntry((theme.phase, theme.position, measure.number), doc, theme_title))
    return out


def load_eval(eval_path: Path = EVAL_PATH) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(eval_path.read_text(encoding="utf-8"))
    return data


def place_key(place: dict[str, int]) -> Key:
    return (int(place["phase"]), int(place["theme"]), int(place["number"]))


# -- helpers ------------------------------------------------------------------------------------


# An EXPERIMENT on top of the engine (whose own table, data/synonyms.json, started from these
# groups): generic domain synonyms (surface words; the engine stems them). With ``synonyms`` mode
# every group that has a member in the query is appended to the query's summary. Written with the
# evaluation set in view, so its gain is an upper bound.
SYNONYM_GROUPS: tuple[str, ...] = (
    "Flüchtlinge Geflüchtete Schutzsuchende Asylsuchende Schutzberechtigte",
    "Vielfalt Diversität Diversity",
    "Einbürgerung Staatsangehörigkeit Staatsbürgerschaft",
    "Anerkennung Gleichwertigkeit Gleichwertigkeitsprüfung",
    "Zugewanderte Eingewanderte Einwanderer Zuwanderer Migranten Neuzugewanderte",
    "Kita Kindertagesstätte Kindertageseinrichtung Kindertagesbetreuung",
    "Patenschaft Mentoring Tandem",
    "Hassrede Hetze Hasskommentare",
    "Arbeitgeber Betriebe Unternehmen Firmen",
    "Kommunen Gemeinden Städte Landkreise",
    "Online digital virtuell",
    "Fachkräfte Arbeitskräfte",
    "Beratung Sprechstunde",
    "Erhebung Befragung Survey Studie",
    "Migrationsgeschichte Migrationshintergrund Einwanderungsgeschichte Zuwanderungsgeschichte",
    "Ehrenamt Freiwillige Engagement",
    "Lehrkräfte Lehrer Lehrpersonal",
    "Wohnsitzregelung Wohnsitzauflage Wohnortzuweisung",
    "Prüfung Test Zertifikatsprüfung",
)
MODES = ("text", "text_fields", "text_synonyms")
MODE_LABELS = {"text": "text", "text_fields": "text+fields", "text_synonyms": "text+synonyms*"}


def _content_stems(text: str) -> set[str]:
    return {
        stem(w.lower()) for w in words(text) if len(w) >= 3 and w.lower() not in STOPWORDS and not w.isdigit()
    }


_SYNONYM_STEMS = [(_content_stems(group), group) for group in SYNONYM_GROUPS]


def expand_with_synonyms(text: str) -> str:
    found = _content_stems(text)
    extra = [group for stems, group in _SYNONYM_STEMS if found & stems]
    return " ".join([text, *extra])


def query_doc(doc_id: int, item: dict[str, Any], mode: str = "text") -> Doc:
    title, summary = item["title"], item.get("summary", "")
    if mode == "text":
        return Doc(id=doc_id, title=title, summary=summary)
    if mode == "text_synonyms":
        return Doc(
            id=doc_id, title=title, summary=expand_with_synonyms(f"{title} {summary}")[len(title) + 1 :]
        )
    hint = suggest(f"{title} {summary}")
    return Doc(
        id=doc_id,
        title=title,
        summary=summary,
        target_groups=_names(hint.target_groups),
        areas=_names(hint.areas),
        component=_name(hint.component),
    )


def shared_stems(a: str, b: str) -> list[str]:
    """Content-word stems two texts share (the search stemmer), to show how lexical a case is."""
    return sorted(_content_stems(a) & _content_stems(b))


def _rate(values: Sequence[bool]) -> float:
    return sum(values) / len(values) if values else 0.0


# -- the evaluation -----------------------------------------------------------------------------


def evaluate_paraphrases(
    index: SimilarityIndex,
    by_key: dict[Key, NapIEntry],
    by_id: dict[int, NapIEntry],
    items: list[dict[str, Any]],
    *,
    mode: str,
) -> dict[str, Any]:
    rows: list[dict[str, Any]] = []
    total = len(index)
    for n, item in enumerate(items):
        target = by_key[place_key(item["target"])]
        matches = index.query(query_doc(QUERY_ID_BASE + n, item, mode), top=total)
        ranked = [m.id for m in matches]
        rank = ranked.index(target.doc.id) + 1 if target.doc.id in ranked else None
        target_match = matches[rank - 1] if rank else None
        top = matches[0] if matches else None
        rows.append(
            {
                "id": item["id"],
                "difficulty": item["difficulty"],
                "target": target.place,
                "target_title": target.doc.title,
                "rank": rank,
                "target_score": round(target_match.score, 4) if target_match else 0.0,
                "target_reasons": [r.label() for r in target_match.reasons] if target_match else [],
                "top_place": by_id[top.id].place if top else None,
                "top_title": by_id[top.id].doc.title if top else None,
                "top_score": round(top.score, 4) if top else 0.0,
                "top_reasons": [r.label() for r in top.reasons] if top else [],
                "shared_stems": shared_stems(f"{item['title']} {item.get('summary', '')}", target.doc.title),
            }
        )

    def summary(subset: list[dict[str, Any]]) -> dict[str, Any]:
        ranks = [r["rank"] for r in subset]
        return {
            "n": len(subset),
            "top1": _rate([r == 1 for r in ranks]),
            "top3": _rate([r is not None and r <= 3 for r in ranks]),
            "mrr": sum(1 / r for r in ranks if r) / len(subset) if subset else 0.0,
            "close": _rate([row["target_score"] >= CLOSE_MATCH_THRESHOLD for row in subset]),
        }

    return {
        "overall": summary(rows),
        "by_difficulty": {d: summary([r for r in rows if r["difficulty"] == d]) for d in DIFFICULTIES},
        "rows": rows,
    }


def evaluate_near_misses(
    index: SimilarityIndex, by_id: dict[int, NapIEntry], items: list[dict[str, Any]], *, mode: str = "text"
) -> dict[str, Any]:
    rows: list[dict[str, Any]] = []
    for n, item in enumerate(items):
        matches = index.query(query_doc(2 * QUERY_ID_BASE + n, item, mode), top=1)
        best = matches[0] if matches else None
        rows.append(
            {
                "id": item["id"],
                "title": item["title"],
                "best_place": by_id[best.id].place if best else None,
                "best_title": by_id[best.id].doc.title if best else None,
                "best_score": round(best.score, 4) if best else 0.0,
                "best_reasons": [r.label() for r in best.reasons] if best else [],
                "below_threshold": (best.score if best else 0.0) < CLOSE_MATCH_THRESHOLD,
            }
        )
    return {"n": len(rows), "below_threshold": _rate([r["below_threshold"] for r in rows]), "rows": rows}


def evaluate_pairs(
    index: SimilarityIndex,
    by_id: dict[int, NapIEntry],
    judged: list[dict[str, Any]],
    *,
    different_owner: bool,
) -> dict[str, Any]:
    labels: dict[frozenset[Key], bool] = {
        frozenset((place_key(p["a"]), place_key(p["b"]))): bool(p["overlap"]) for p in judged
    }
    pairs = index.all_pairs(top_k=10, min_score=0.0, different_owner=different_owner)
    rows: list[dict[str, Any]] = []
    for rank, pair in enumerate(pairs, 1):
        a, b = by_id[pair.a], by_id[pair.b]
        label = labels.get(frozenset((a.key, b.key)))
        rows.append(
            {
                "rank": rank,
                "a": a.place,
                "b": b.place,
                "a_title": a.doc.title,
                "b_title": b.doc.title,
                "score": round(pair.score, 4),
                "overlap": label,
                "reasons": [r.label() for r in pair.reasons],
            }
        )
    precision: dict[str, dict[str, Any]] = {}
    for k in PRECISION_AT:
        top = [r["overlap"] for r in rows[:k]]
        judged_top = [v for v in top if v is not None]
        precision[str(k)] = {
            "precision": _rate([bool(v) for v in judged_top]),
            "judged": len(judged_top),
            "unjudged": len(top) - len(judged_top),
        }
    pair_rank = {frozenset((_key(r["a"]), _key(r["b"]))): r["rank"] for r in rows}
    ranks_of_true = {
        " ~ ".join("{}.{}.{}".format(*k) for k in sorted(key)): pair_rank.get(key)
        for key, value in labels.items()
        if value
    }
    return {
        "different_owner": different_owner,
        "n_pairs": len(rows),
        "precision_at": precision,
        "top": rows[: max(PRECISION_AT)],
        "unjudged_top": [r for r in rows[: max(PRECISION_AT)] if r["overlap"] is None],
        "true_pair_ranks": ranks_of_true,
    }


SWEEP = (0.10, 0.15, 0.20, 0.25, 0.30, 0.35, 0.40, 0.45, 0.50)


def threshold_sweep(
    paraphrase_rows: list[dict[str, Any]], near_rows: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Per candidate threshold: how often the close-match warning would be right, wrong, or a false alarm."""
    out: list[dict[str, Any]] = []
    for t in SWEEP:
        out.append(
            {
                "threshold": t,
                "paraphrase_target_close": _rate(
                    [r["rank"] == 1 and r["target_score"] >= t for r in paraphrase_rows]
                ),
                "paraphrase_wrong_close": _rate(
                    [r["rank"] != 1 and r["top_score"] >= t for r in paraphrase_rows]
                ),
                "near_miss_close": _rate([r["best_score"] >= t for r in near_rows]),
            }
        )
    return out


def _key(place: str) -> Key:
    phase, theme, number = (int(x) for x in place.split("."))
    return (phase, theme, number)


def compute(seed_path: Path = SEED_PATH, eval_path: Path = EVAL_PATH) -> dict[str, Any]:
    """Run the whole evaluation and return the figures (what ``--json`` prints)."""
    started = time.perf_counter()
    corpus = napi_corpus(seed_path)
    data = load_eval(eval_path)
    by_key = {e.key: e for e in corpus}
    by_id = {e.doc.id: e for e in corpus}
    index = SimilarityIndex.build(e.doc for e in corpus)
    result: dict[str, Any] = {
        "corpus": len(corpus),
        "close_match_threshold": CLOSE_MATCH_THRESHOLD,
        "threshold_source": THRESHOLD_SOURCE,
        "embedding_model": os.environ.get("ISI_EMBEDDING_MODEL") or None,
        "embedding_blend": "not implemented in this benchmark; figures are lexical only",
        "paraphrases": {
            mode: evaluate_paraphrases(index, by_key, by_id, data["paraphrases"], mode=mode) for mode in MODES
        },
        "near_misses": evaluate_near_misses(index, by_id, data["near_misses"]),
        "near_misses_synonyms": evaluate_near_misses(index, by_id, data["near_misses"], mode="text_synonyms"),
        "pairs": {
            "different_owner": evaluate_pairs(index, by_id, data["pairs"], different_owner=True),
            "any_owner": evaluate_pairs(index, by_id, data["pairs"], different_owner=False),
        },
    }
    result["threshold_sweep"] = threshold_sweep(
        result["paraphrases"]["text"]["rows"], result["near_misses"]["rows"]
    )
    result["seconds"] = round(time.perf_counter() - started, 3)
    return result


# -- output -------------------------------------------------------------------------------------


def _pct(value: float) -> str:
    return f"{100 * value:.0f} %"


def render(result: dict[str, Any]) -> str:
    out: list[str] = []
    add = out.append
    add(f"Corpus: {result['corpus']} NAP-I measures (title, derived owner, suggested fields)")
    add(f"Close-match threshold: {result['close_match_threshold']} ({result['threshold_source']})")
    if result["embedding_model"]:
        add(f"ISI_EMBEDDING_MODEL={result['embedding_model']}: {result['embedding_blend']}")
    add("")
    add("Paraphrases — target rank among all measures")
    add(f"{'mode':<16}{'set':<9}{'n':>4}{'top-1':>8}{'top-3':>8}{'MRR':>7}{'≥thr':>7}")
    for mode in MODES:
        block, label = result["paraphrases"][mode], MODE_LABELS[mode]
        for name, s in [("all", block["overall"]), *block["by_difficulty"].items()]:
            add(
                f"{label:<16}{name:<9}{s['n']:>4}{_pct(s['top1']):>8}{_pct(s['top3']):>8}"
                f"{s['mrr']:>7.2f}{_pct(s['close']):>7}"
            )
    add("* experiment: query also expanded with SYNONYM_GROUPS, on top of the engine's synonym table")
    add("")
    add("Threshold sweep (text mode): share of paraphrases whose target is first AND scores ≥ t,")
    add("share whose wrong first hit scores ≥ t, share of near misses scoring ≥ t")
    for row in result["threshold_sweep"]:
        add(
            f"  t={row['threshold']:.2f}  target first & close {_pct(row['paraphrase_target_close']):>5}"
            f"  wrong & close {_pct(row['paraphrase_wrong_close']):>5}"
            f"  near miss close {_pct(row['near_miss_close']):>5}"
        )
    nm = result["near_misses"]
    add("")
    add(f"Near misses: {_pct(nm['below_threshold'])} of {nm['n']} stay below the threshold")
    nms = result["near_misses_synonyms"]
    add(f"  (with the synonym experiment: {_pct(nms['below_threshold'])})")
    for row in nm["rows"]:
        if not row["below_threshold"]:
            add(f"  ABOVE {row['id']} {row['best_score']:.2f} {row['title']!r}")
            add(f"        → {row['best_place']} {row['best_title']!r}: {'; '.join(row['best_reasons'])}")
    for variant, block in result["pairs"].items():
        add("")
        add(f"all_pairs ({variant.replace('_', ' ')}): {block['n_pairs']} pairs")
        for k, p in block["precision_at"].items():
            add(
                f"  precision@{k}: {_pct(p['precision'])} over {p['judged']} judged"
                f" ({p['unjudged']} unjudged)"
            )
        for row in block["top"]:
            mark = {True: "yes", False: "no ", None: " ? "}[row["overlap"]]
            left = f"{row['a']} {row['a_title'][:45]!r}"
            right = f"{row['b']} {row['b_title'][:45]!r}"
            add(f"  {row['rank']:>2}. [{mark}] {row['score']:.2f} {left} ~ {right}")
        ranks = ", ".join(f"{k}: {v or '–'}" for k, v in block["true_pair_ranks"].items())
        add(f"  rank of each judged overlap in the list (– = not listed): {ranks}")
    add("")
    add("Where lexical similarity fails (paraphrases, text mode, target not first)")
    for row in result["paraphrases"]["text"]["rows"]:
        if row["rank"] == 1:
            continue
        add(
            f"  {row['id']} [{row['difficulty']}] rank {row['rank']},"
            f" target {row['target']} {row['target_title'][:60]!r}"
        )
        add(f"      target score {row['target_score']:.2f}: {'; '.join(row['target_reasons']) or '—'}")
        add(f"      shared stems with target title: {', '.join(row['shared_stems']) or 'none'}")
        add(
            f"      ranked first: {row['top_place']} {row['top_title'][:60]!r}"
            f" {row['top_score']:.2f}: {'; '.join(row['top_reasons'])}"
        )
    add("")
    add(f"Took {result['seconds']:.2f} s")
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--seed", type=Path, default=SEED_PATH, help="NAP-I seed text")
    parser.add_argument("--eval", type=Path, default=EVAL_PATH, help="evaluation set (JSON)")
    args = parser.parse_args(argv)
    result = compute(args.seed, args.eval)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print(render(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
