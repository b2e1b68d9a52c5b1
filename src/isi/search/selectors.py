"""Searching public measures: the one selector behind the search page, the downloads and the API.

Interface (stable): `MeasureFilter` (isi.search.filters) in; `search_public_measures(f, page=,
page_size=)` → `SearchPage` (items, count, facets), `filtered_public_measures(f)` → an ordered
`MeasureQuerySet` (exports, API), `facet_counts(f)` → facets only. Only public measures
(`Measure.objects.public()`, rule 10) are ever found, whatever the filter.

Design
======

German full text, one interface, two backends chosen by `connection.vendor`.

*Search document* (isi.search.models.SearchDocument, written by isi.search.indexing): one row per
measure with `title` and `body` — body = summary, goals, owner and organisations (name, short name,
aliases), NAP-I theme title, component, area and target-group names — both as **stems**: each word
lower-cased, Snowball-German-stemmed, umlauts folded (isi.search.text). A query is stemmed the same
way, and a query stem is looked for as a **substring** of the stemmed text, which is what makes
compounds work: "Sprachkurs" → `sprachkur` occurs in `berufssprachkur` (Berufssprachkurse),
`sprachkur` (Sprachkurse) and `deutschsprachkur`; "Beratung" → `berat` in `migrationsberat`;
"Frauen" and "Frau" → `frau`; "Ausländer", "Auslaender" → `ausland`; "Straße" → `strass`.

- **SQLite**: an FTS5 table `search_fts` over the document table (external content, triggers)
  with the `trigram` tokenizer. Each clause is an FTS5 string, i.e. a trigram phrase = substring
  match, answered from the index. Ranking: FTS5 `rank` = bm25 with title weight 10, body 1.
- **PostgreSQL**: a GIN `pg_trgm` index on `title || body` answers `LIKE '%stem%'` (compound
  parts); a `tsvector` of the raw title (weight A) and body (B) in the `german` configuration
  answers whole words (`@@ websearch_to_tsquery('german', …)`); a clause matches if either does.
  Ranking: one point per query clause found in the title + `ts_rank(vector, websearch_to_tsquery(
  'german', 'w1 or w2 …'), 32)` (which stays below 1).

So on both, title matches rank above matches in the summary and elsewhere.

Query language (isi.search.text.parse_query): words are ANDed; `"quoted phrases"` and hyphenated
words (Kita-Einstieg) must occur as a sequence of stems; `-word` excludes; German stop words are
dropped unless the query has nothing else; at most 12 clauses, 500 characters. Any input is safe:
only letters and digits reach the database, and only as bound parameters. A query with nothing
searchable in it (`***`, an emoji) finds nothing.

Facets (isi.search.engine): one SQL statement per search. The text hits are computed once
(`WITH hits AS MATERIALIZED`), joined with the public measures into a materialised `base` with
one row per measure and every facet column (level, status, owner, theme, phase, basic offer via
component, Land via region); the count, the page (ROW_NUMBER over the requested order, so paging
is stable with the id as tie-break) and one GROUP BY per facet are UNION ALL branches over `base`.
A facet is counted under every active filter except its own (disjunctive multi-select). Orders:
`relevance` (score, then id; without a query it is the NAP-I order), `title`, `-updated`, `nap_i`
(phase, theme, number — measures without a NAP-I place last —, title). `filtered_public_measures`
is the same filter as `pk__in` over that SQL plus the same order in the ORM.

Keeping it current: `isi.search.indexing` (reindex_measures, rebuild_search_index,
`isi search_index`). Before a text query `ensure_index_current()` indexes measures outside the
indexed id range (few) or reports that the index is incomplete — then this module falls back to a
plain substring search on title, summary and goals (correct visibility and facets; weaker text
matching, ranking by title hits).

What does not work (by design or not yet)
-----------------------------------------

- Substring matching of stems over-matches at the edges: "Rat" finds "Beratung", "Kind" finds
  "Kindergeld"; a query word of 1–2 letters only matches as a whole word ("EU", "IT").
- Stems do not always meet: irregular forms (ging/gehen), and compounds whose joint changes the
  word ("Hilfe" vs "Hilfsangebot": `hilf` matches, "Schule" vs "Schulbegleitung": `schul` matches,
  but "Sprache" → `sprach` does not match "Sprachkurs" and the other way round only because
  `sprach` is a prefix — the stem of the *shorter* form must occur in the longer one).
- Ranking on SQLite counts trigram phrases, not words; relevance between backends is similar but
  not identical (tests hold each backend's order stable, not both to one order).
- No OR, no prefix `*`, no fuzzy matching of typos, no synonyms (Flüchtling/Geflüchtete share no
  stem: `fluchtling` vs `gefluchtet`), no English stemming.
- The index is only as current as its writers keep it (see isi.search.indexing).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from django.db.models import F
from django.db.models.expressions import RawSQL

from isi.measures.models import Measure, MeasureQuerySet
from isi.measures.selectors import measures_with_details
from isi.organisations.models import Organisation
from isi.search import engine
from isi.search.filters import FACET_PARAMS, MeasureFilter
from isi.search.indexing import ensure_index_current
from isi.search.text import parse_query


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class SearchPage:
    filter: MeasureFilter
    items: list[Measure]
    count: int
    page: int
    page_size: int
    facets: dict[str, list[FacetValue]]

    @property
    def pages(self) -> int:
        return max(1, -(-self.count // self.page_size))


def _plan(f: MeasureFilter) -> engine.TextPlan | None:
    if not f.q.strip():
        return None
    parsed = parse_query(f.q)
    if parsed.is_empty:
        return engine.text_plan(parsed)
    return engine.text_plan(parsed, use_index=ensure_index_current())


def _facets(
    f: MeasureFilter, catalogue: engine.Catalogue, counts: dict[str, dict[str, int]]
) -> dict[str, list[FacetValue]]:
    result: dict[str, list[FacetValue]] = {}
    for param in counts:
        selected = f.facet_values(param)
        found = counts.get(param, {})
        entries = _owner_entries(found, selected) if param == "owner" else catalogue.entries.get(param, [])
        result[param] = [
            FacetValue(e.key, e.label, found.get(e.ref, 0), e.key in selected)
            for e in entries
            if found.get(e.ref, 0) or e.key in selected
        ]
    return result


def _owner_entries(found: dict[str, int], selected: tuple[str, ...]) -> list[engine.FacetEntry]:
    ids = [int(v) for v in found]
    keys = list(selected[: engine.MAX_VALUES_PER_FACET])
    rows = Organisation.objects.filter(pk__in=ids) | Organisation.objects.filter(key__in=keys)
    return [engine.FacetEntry(str(pk), key, name) for pk, key, name in rows.values_list("pk", "key", "name")]


def search_public_measures(f: MeasureFilter, *, page: int = 1, page_size: int = 20) -> SearchPage:
    """One page of public measures with the total count and all facets."""
    return search_measures(f, page=page, page_size=page_size, facets=tuple(FACET_PARAMS))


def search_measures(
    f: MeasureFilter, *, page: int = 1, page_size: int = 20, facets: Sequence[str] = tuple(FACET_PARAMS)
) -> SearchPage:
    """`search_public_measures` counting only the given facets (URL parameter names)."""
    page = max(1, page)
    page_size = max(1, page_size)
    plan = _plan(f)
    catalogue = engine.load_catalogue()
    statement = engine.Statement(f, plan, catalogue)
    wanted = [param for param in FACET_PARAMS if param in facets]
    result = engine.run(statement, facets=wanted, limit=page_size, offset=(page - 1) * page_size)
    by_id = {m.pk: m for m in measures_with_details(Measure.objects.filter(pk__in=result.page_ids))}
    items = [by_id[pk] for pk in result.page_ids if pk in by_id]
    return SearchPage(
        filter=replace(f),
        items=items,
        count=result.count,
        page=page,
        page_size=page_size,
        facets=_facets(f, catalogue, result.counts),
    )


def facet_counts(f: MeasureFilter) -> dict[str, list[FacetValue]]:
    """Counts per facet value, each facet counted under all *other* filters (multi-select)."""
    plan = _plan(f)
    catalogue = engine.load_catalogue()
    result = engine.run(engine.Statement(f, plan, catalogue), facets=tuple(FACET_PARAMS), limit=None)
    return _facets(f, catalogue, result.counts)


def _ordered(qs: MeasureQuerySet, f: MeasureFilter, plan: engine.TextPlan | None) -> MeasureQuerySet:
    if f.sort == "relevance" and plan is not None and plan.ranked:
        return engine.order_by_relevance(qs, plan)
    if f.sort == "title":
        return qs.order_by("title", "pk")
    if f.sort == "-updated":
        return qs.order_by("-updated_at", "pk")
    return qs.order_by(
        F("nap_i_theme__phase__number").asc(nulls_last=True),
        F("nap_i_theme__position").asc(nulls_last=True),
        F("nap_i_number").asc(nulls_last=True),
        "title",
        "pk",
    )


def filtered_public_measures(f: MeasureFilter) -> MeasureQuerySet:
    """All public measures matching the filter, distinct, in the filter's order, with details."""
    plan = _plan(f)
    sql, params = engine.Statement(f, plan, engine.load_catalogue()).ids_sql()
    qs = Measure.objects.filter(pk__in=RawSQL(sql, params))  # noqa: S611 - parameterised
    return measures_with_details(_ordered(qs, f, plan))
