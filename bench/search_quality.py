"""Quality of the public search on the real NAP-I: nDCG@10 and P@5 over judged queries.

    .venv/bin/python bench/search_quality.py [--json] [--eval PATH] [--verbose]
    scripts/with-postgres .venv/bin/python bench/search_quality.py      # on PostgreSQL

The judged queries are ``tests/data/search_eval.json`` (about 25 everyday queries, the NAP-I
measures judged relevant by number with grade 2 or 1). The corpus is the 114 NAP-I measures as
``isi demo`` loads them (``import_nap_i --facts src/isi/imports/data/nap_i_facts.json``) into a
fresh temporary SQLite database, or into the database of a PostgreSQL ``DATABASE_URL``. Each query
goes through the portal's own call (``search_public_measures``) and its first 10 results are
scored:

- nDCG@10 with gain 2^grade - 1 and the ideal order of the judged measures;
- P@5: the share of the first five results that are judged relevant, divided by min(5, number
  of relevant measures) instead of 5, so a query with one right answer can reach 1.0;
- zero-hit queries: how many find nothing at all.

A query that finds nothing and gets a "Meinten Sie …" suggestion (``isi.search.suggest``, when it
exists) is scored on the suggestion's results, as a person clicking it would see them; the report
says so per query. Nothing is downloaded; it takes a few seconds.

The script puts ``src/`` at the *end* of ``sys.path``, so ``PYTHONPATH=/elsewhere/src`` measures
another checkout of the code (for before/after figures).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.append(str(ROOT / "src"))
EVAL = ROOT / "tests" / "data" / "search_eval.json"


def ndcg(found: list[str], relevant: dict[str, int], k: int = 10) -> float:
    dcg = sum((2 ** relevant.get(n, 0) - 1) / math.log2(i + 2) for i, n in enumerate(found[:k]))
    ideal = sorted(relevant.values(), reverse=True)[:k]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def precision(found: list[str], relevant: dict[str, int], k: int = 5) -> float:
    wanted = min(k, len(relevant))
    return sum(1 for n in found[:k] if relevant.get(n, 0) > 0) / wanted if wanted else 0.0


def _setup(database_url: str | None) -> str:
    workdir = tempfile.mkdtemp(prefix="isi-search-quality-")
    if not database_url or not database_url.startswith("postgres"):
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/quality.sqlite3"
    os.environ.setdefault("ISI_VAR_DIR", workdir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "isi.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from isi.imports.napi.facts import FACTS_PATH

    call_command("migrate", verbosity=0)
    call_command("import_nap_i", "--facts", str(FACTS_PATH), stdout=open(os.devnull, "w"))  # noqa: SIM115
    from isi.search.indexing import rebuild_search_index

    rebuild_search_index()
    from django.db import connection

    return str(connection.vendor)


def _number(measure: Any) -> str:
    theme = measure.nap_i_theme
    if theme is None or measure.nap_i_number is None:
        return f"id{measure.pk}"
    return f"{theme.phase.number}.{theme.position}.{measure.nap_i_number}"


def run(eval_path: Path) -> dict[str, Any]:
    from isi.search.filters import MeasureFilter
    from isi.search.selectors import search_public_measures

    try:  # the "Meinten Sie …" suggestion, where the code under test has it
        from isi.search.suggest import suggest_query
    except ImportError:
        suggest_query = None

    queries = json.loads(eval_path.read_text(encoding="utf-8"))["queries"]
    rows = []
    for item in queries:
        q, relevant = item["q"], item["relevant"]
        page = search_public_measures(MeasureFilter(q=q), page_size=10)
        used, suggestion = q, None
        if page.count == 0 and suggest_query is not None:
            suggestion = suggest_query(q)
            if suggestion:
                used = suggestion
                page = search_public_measures(MeasureFilter(q=suggestion), page_size=10)
        found = [_number(m) for m in page.items]
        rows.append(
            {
                "q": q,
                "searched": used,
                "hits": page.count,
                "ndcg10": round(ndcg(found, relevant), 3),
                "p5": round(precision(found, relevant), 3),
                "top5": found[:5],
            }
        )
    n = len(rows)
    return {
        "queries": n,
        "ndcg10": round(sum(r["ndcg10"] for r in rows) / n, 3),
        "p5": round(sum(r["p5"] for r in rows) / n, 3),
        "zero_hits": sum(1 for r in rows if r["hits"] == 0),
        "per_query": rows,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", type=Path, default=EVAL)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--verbose", action="store_true", help="one line per query")
    args = parser.parse_args(argv)
    vendor = _setup(os.environ.get("DATABASE_URL"))
    import isi

    report = run(args.eval)
    report["database"] = vendor
    report["code"] = str(Path(isi.__file__).resolve().parent.parent)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return 0
    print(f"code: {report['code']}  database: {vendor}  queries: {report['queries']}")
    if args.verbose:
        for r in report["per_query"]:
            via = f" → „{r['searched']}“" if r["searched"] != r["q"] else ""
            print(
                f"  {r['q']:<22}{via:<22} hits {r['hits']:>3}  nDCG@10 {r['ndcg10']:.2f}  "
                f"P@5 {r['p5']:.2f}  top5 {' '.join(r['top5'])}"
            )
    print(f"nDCG@10 {report['ndcg10']:.3f}   P@5 {report['p5']:.3f}   zero-hit queries {report['zero_hits']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
