"""Searching public measures: the one selector behind the search page, the downloads and the API.

Interface (stable): `MeasureFilter` (isi.search.filters) in; `search_public_measures(f, page=,
page_size=)` → `SearchPage` (items, count, facets), `filtered_public_measures(f)` → an ordered
`MeasureQuerySet` (exports, the signed-in API list), `public_page_ids(f, offset=, limit=)` →
ids, count and snapshot epoch by offset (the anonymous API list), `facet_counts(f)` → facets
only. Only public measures (`Measure.objects.public()`, rule 10) are ever found, whatever the
filter.

Design
======

German full text, one interface, two backends chosen by `connection.vendor`.

*Search document* (isi.search.models.SearchDocument, written by isi.search.indexing): one row per
measure — every measure, public or not; visibility is decided when searching — with the columns `title`,
`summary`, `body` (goals, legal basis, NAP-I theme title, component, area and target-group
names) and `orgs` (owner and organisations with name, short name and aliases), all as **stems**:
each word lower-cased, Snowball-German-stemmed, umlauts folded (ISI's one German text model,
isi.textmodel, shared with the similarity engine), and `keys`, exact tokens that no stemming
touches: the NAP-I place (`napi_1_4_1`) and the organisations' short names and keys
(`org_bamf`). A query is stemmed the same way, and a
query stem is looked for **inside** the stemmed words, which is what makes compounds work:
"Sprachkurs" → `sprachkur` occurs in `berufssprachkur` (Berufssprachkurse), `sprachkur`
(Sprachkurse) and `deutschsprachkur`; "Beratung" → `berat` in `migrationsberat`; "Frauen" and
"Frau" → `frau`; "Ausländer", "Auslaender" → `ausland`; "Straße" → `strass`.

Each query word also brings its alternatives from the text model — synonyms (Flüchtlinge →
Geflüchtete, Asylsuchende …), the same compound with a related part (Deutschkurs → Sprachkurs) and
one-way expansions (Deutschkurs → Integrationskurs, Berufssprachkurs) — and any of them may
match; "1.4.1" becomes the key `napi_1_4_1`, a short word like "BAMF" also matches `org_bamf`.

- **SQLite**: an FTS5 table `search_fts` over the document table (external content, kept in step
  by triggers) with the `trigram` tokenizer. Each clause is an OR of FTS5 strings, i.e. trigram
  phrases = substring matches answered from the index (positions included, no text re-check).
  Ranking: FTS5 `rank` = bm25 with column weights title 12, summary 3, body 1.5, organisations
  0.25, keys 20 (isi.search.schema), so a measure about women ranks above one whose ministry's
  name merely contains "Frauen".
- **PostgreSQL**: the document carries a generated `simple` tsvector of the stems and a `german`
  tsvector of the raw title (weight A) and body (B). A query stem is first expanded through the
  stem vocabulary `search_stem` (pg_trgm GIN index: `stem LIKE '%berat%'` → berat,
  migrationsberat, beratungsstell, …), then looked up exactly in the stems tsvector (GIN); a clause
  also matches whole words through `german` (`@@ websearch_to_tsquery('german', …)`). If a stem
  expands to more than `engine.EXPANSION_LIMIT` vocabulary entries, that clause uses `LIKE
  '%stem%'` on the stemmed text instead (GIN pg_trgm index on `title || body`; slower, since
  pg_trgm has to re-check the text). Ranking: per clause one point if found in the title, else
  half a point in the summary, 1.5 for an exact key, plus `ts_rank(german vector (title A,
  summary B, body C, organisations D), websearch_to_tsquery('german', 'w1 or w2 …'), 32)`
  (below 1).

Results carry highlighted titles and snippets (isi.search.snippets: escaped, only our `<mark>`),
and a query that finds nothing gets a "Meinten Sie …" suggestion when a respelling finds
something (isi.search.suggest: trigram similarity over the vocabulary of the public measures).

On both, title matches rank above matches elsewhere (PostgreSQL by construction, SQLite through the
bm25 weights).

Query language (isi.search.text.parse_query): words are ANDed; `"quoted phrases"` and hyphenated
words (Kita-Einstieg) must occur as a sequence of stems (the first may end a longer word, the last
may begin one); `-word` excludes; German stop words are dropped unless the query has nothing else;
at most 12 clauses and 500 characters. Any input is safe: only letters and digits reach the
database, and only as bound parameters. A query with nothing searchable in it (`***`, an emoji)
finds nothing.

Count, page and facets (isi.search.evaluate): the database answers the text part only — the ids
of all hits and, for the relevance order, the best-ranked ids — and everything else is computed
on a per-process snapshot of the public measures as numpy arrays (isi.search.snapshot: facet
columns, links to areas and target groups, each row's place in every sort order), patched when
measures change (rebuilt when other data changes). A facet is counted under every active filter
except its own (disjunctive multi-select); phase and basic offer are summed from the theme and
component counts, the Land from the regions. Orders: `relevance` (score, then id; without a
query it is the NAP-I order), `title`, `-updated`, `nap_i` (phase, theme, number — measures
without a NAP-I place last —, title); the snapshot's places come from the ORM's own order
(`engine.order_by_sort`).
`filtered_public_measures` is `pk__in` the same selection as SQL (`engine.Statement.ids_sql`)
plus the same order in the ORM, so the page, the downloads and the API agree (tested).

Keeping it current: `isi.search.indexing` (`reindex_measures`, `rebuild_search_index`,
`isi search_index`). Before a text query `ensure_index_current()` indexes measures outside the
indexed id range (up to `SELF_HEAL_LIMIT`), else this module falls back to a plain substring search
on title, summary and goals (visibility and facets exact; weaker text matching; ranking by title
hits) and logs how to fix it.

What does not work (by design or not yet)
-----------------------------------------

- Substring matching over-matches at the edges: "Rat" finds "Beratung", "Kind" "Kindergeld"; a
  query word of one or two letters only matches as a whole word ("EU", "IT").
- The stem of the query word must occur in the stem of the text word: "Sprache" (`sprach`) finds
  "Sprachkurs", but "Sprachkurs" does not find "Sprache"; Latin and irregular forms do not meet
  ("Studium" / "Studienberatung", "Museum" / "Museen", "gehen" / "ging") unless the text
  model's tables list them; a typo finds nothing (the page suggests a respelling); no OR, no
  prefix `*`, no English stemming.
- Relevance differs between the backends (bm25 over trigram phrases vs. title hits + ts_rank);
  each backend's order is stable and identical between page and queryset, not the same across.
- Facet counts cost time linear in the number of hits (array operations, milliseconds at
  100,000); ranking costs bm25 / ts_rank for every hit. The first search after a measure
  change patches the snapshot (milliseconds; bench/snapshot_update.py); after other changes it
  is rebuilt (about 0.25 s at 100,000 measures on SQLite, plus the first use of a sort order);
  see bench/README.md.
- The index is only as current as its writers keep it (see isi.search.indexing).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from django.db.models import Prefetch
from django.db.models.expressions import RawSQL

from isi.measures.models import Measure, MeasureOrganisation, MeasureQuerySet
from isi.measures.selectors import measures_with_details
from isi.search import engine, evaluate, reference
from isi.search import snapshot as snapshots
from isi.search.filters import FACET_PARAMS, MeasureFilter
from isi.search.indexing import ensure_index_current
from isi.search.snippets import highlight, snippet
from isi.search.suggest import suggest_query
from isi.search.text import ParsedQuery, parse_query


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool
    lang: str = "de"  # the label's language ("": the page's); isi.catalog.labels


@dataclass(frozen=True)
class SearchPage:
    filter: MeasureFilter
    items: list[Measure]
    count: int
    page: int
    page_size: int
    facets: dict[str, list[FacetValue]]
    # "Meinten Sie …": for a query that found nothing, a respelt query that finds `suggestion_count`.
    suggestion: str | None = None
    suggestion_count: int = 0
    page_ids: tuple[int, ...] = ()  # the page's measures as the snapshot has them
    epoch: int = 0  # the snapshot's epoch (isi.search.engine.Result); 0: not kept

    @property
    def pages(self) -> int:
        return max(1, -(-self.count // self.page_size))


def _plan(f: MeasureFilter, snap: snapshots.Snapshot | None = None) -> engine.TextPlan | None:
    if not f.q.strip():
        return None
    parsed = parse_query(f.q)
    if parsed.is_empty:
        return engine.text_plan(parsed)
    if snap is not None and snap.kept and snap.index_complete:
        return engine.text_plan(parsed, use_index=True)  # checked at this token: one statement less
    use_index = ensure_index_current()
    if snap is not None and snap.kept and use_index:
        snap.index_complete = True
    return engine.text_plan(parsed, use_index=use_index)


def _facets(
    f: MeasureFilter,
    catalogue: engine.Catalogue,
    counts: dict[str, dict[str, int]],
    organisations: reference.Organisations,
) -> dict[str, list[FacetValue]]:
    result: dict[str, list[FacetValue]] = {}
    for param in counts:
        selected = f.facet_values(param)
        found = counts.get(param, {})
        entries = (
            _owner_entries(found, selected, organisations)
            if param == "owner"
            else catalogue.entries.get(param, [])
        )
        result[param] = [
            FacetValue(e.key, e.label, found.get(e.ref, 0), e.key in selected, e.lang)
            for e in entries
            if found.get(e.ref, 0) or e.key in selected
        ]
    return result


def _owner_entries(
    found: dict[str, int], selected: tuple[str, ...], organisations: reference.Organisations
) -> list[engine.FacetEntry]:
    """The owners counted and the ones selected, in the organisations' order (by name)."""
    ids = {int(v) for v in found}
    ids.update(
        pk
        for key in selected[: engine.MAX_VALUES_PER_FACET]
        if (pk := organisations.by_key.get(key)) is not None
    )
    rows = sorted(organisations.by_id[pk] + (pk,) for pk in ids if pk in organisations.by_id)
    return [engine.FacetEntry(str(pk), key, name) for _, key, name, pk in rows]


Details = Callable[[MeasureQuerySet], MeasureQuerySet]


def result_line_details(queryset: MeasureQuerySet) -> MeasureQuerySet:
    """What a result line and its snippet read (the search page): owner, level, region, NAP-I place
    and the organisations — not the areas, target groups and programmes of `measures_with_details`."""
    return queryset.select_related("owner", "level", "region", "nap_i_theme__phase").prefetch_related(
        Prefetch(
            "organisation_links",
            queryset=MeasureOrganisation.objects.select_related("organisation").order_by("position", "pk"),
        )
    )


def search_public_measures(
    f: MeasureFilter, *, page: int = 1, page_size: int = 20, details: Details = measures_with_details
) -> SearchPage:
    """One page of public measures with the total count and all facets; `details` loads the page's
    measures (default: everything an export or detail page shows)."""
    return search_measures(f, page=page, page_size=page_size, facets=tuple(FACET_PARAMS), details=details)


def search_measures(
    f: MeasureFilter,
    *,
    page: int = 1,
    page_size: int = 20,
    facets: Sequence[str] = tuple(FACET_PARAMS),
    details: Details = measures_with_details,
) -> SearchPage:
    """`search_public_measures` counting only the given facets (URL parameter names)."""
    found = search_page(f, page=page, page_size=page_size, facets=facets)
    return replace(found, items=page_items(found, found.page_ids, details))


def search_page(
    f: MeasureFilter,
    *,
    page: int = 1,
    page_size: int = 20,
    facets: Sequence[str] = tuple(FACET_PARAMS),
    snap: snapshots.Snapshot | None = None,
) -> SearchPage:
    """`search_measures` without loading the page's measures: their ids in `page_ids` (from the
    snapshot: load them with `page_items`, which reads them through `public()` again), `items`
    empty, and the snapshot's epoch (for caches of what is shown per measure). `snap`: the
    snapshot the caller already read (default: the current one)."""
    page = max(1, page)
    page_size = max(1, page_size)
    snap = snap if snap is not None else snapshots.current()
    plan = _plan(f, snap)
    catalogue = reference.catalogue(snap)
    statement = engine.Statement(f, plan, catalogue)
    wanted = [param for param in FACET_PARAMS if param in facets]
    result = evaluate.run(statement, facets=wanted, limit=page_size, offset=(page - 1) * page_size, snap=snap)
    suggestion, suggestion_count = None, 0
    if result.count == 0 and f.q.strip() and page == 1:
        suggestion, suggestion_count = _suggestion(f)
    return SearchPage(
        filter=replace(f),
        items=[],
        count=result.count,
        page=page,
        page_size=page_size,
        facets=_facets(f, catalogue, result.counts, reference.organisations(snap)),
        suggestion=suggestion,
        suggestion_count=suggestion_count,
        page_ids=tuple(result.page_ids),
        epoch=result.epoch,
    )


def page_items(
    found: SearchPage, ids: Sequence[int], details: Details = measures_with_details
) -> list[Measure]:
    """The given measures of a search page that are (still) public, in the given order, loaded by
    `details`, with `search_title` and `search_snippet` for a text query."""
    # public() again: the snapshot may be older than a write that bypassed the services.
    by_id = {m.pk: m for m in details(Measure.objects.public().filter(pk__in=list(ids)))} if ids else {}
    items = [by_id[pk] for pk in ids if pk in by_id]
    parsed = parse_query(found.filter.q) if found.filter.q.strip() else None
    if parsed is not None and not parsed.is_empty and parsed.positive:
        _annotate_matches(items, parsed)
    return items


def _annotate_matches(items: list[Measure], parsed: ParsedQuery) -> None:
    """Set `search_title` and `search_snippet` (escaped HTML with <mark>) on each found measure."""
    for measure in items:
        title, _ = highlight(measure.title, parsed)
        organisations = [measure.owner, *(link.organisation for link in measure.organisation_links.all())]
        names = [
            f"{o.name} ({o.short_name})" if o.short_name else o.name for o in dict.fromkeys(organisations)
        ]
        theme = measure.nap_i_theme.title if measure.nap_i_theme else ""
        texts = [
            measure.summary,
            measure.goals,
            measure.legal_basis,
            " · ".join(names),
            theme,
        ]
        setattr(measure, "search_title", title)  # noqa: B010 - a display attribute, not a field
        setattr(measure, "search_snippet", snippet(texts, parsed))  # noqa: B010


def _suggestion(f: MeasureFilter) -> tuple[str | None, int]:
    """A respelt query (isi.search.suggest) and its count under the same filters, if it finds any."""
    respelt = suggest_query(f.q)
    if not respelt:
        return None, 0
    plan = _plan(replace(f, q=respelt))
    result = evaluate.run(
        engine.Statement(replace(f, q=respelt), plan, engine.load_catalogue()), facets=(), limit=None
    )
    return (respelt, result.count) if result.count else (None, 0)


def facet_counts(f: MeasureFilter) -> dict[str, list[FacetValue]]:
    """Counts per facet value, each facet counted under all *other* filters (multi-select)."""
    plan = _plan(f)
    snap = snapshots.current()
    catalogue = reference.catalogue(snap)
    result = evaluate.run(
        engine.Statement(f, plan, catalogue), facets=tuple(FACET_PARAMS), limit=None, snap=snap
    )
    return _facets(f, catalogue, result.counts, reference.organisations(snap))


def _ordered(qs: MeasureQuerySet, f: MeasureFilter, plan: engine.TextPlan | None) -> MeasureQuerySet:
    if f.sort == "relevance" and plan is not None and plan.ranked:
        return engine.order_by_relevance(qs, plan)
    return engine.order_by_sort(qs, f.sort)


def filtered_public_measures(f: MeasureFilter) -> MeasureQuerySet:
    """All public measures matching the filter, distinct, in the filter's order, with details."""
    plan = _plan(f)
    sql, params = engine.Statement(f, plan, engine.load_catalogue()).ids_sql()
    qs = Measure.objects.filter(pk__in=RawSQL(sql, params))  # noqa: S611 - parameterised
    return measures_with_details(_ordered(qs, f, plan))


def public_page_ids(
    f: MeasureFilter, *, offset: int, limit: int, snap: snapshots.Snapshot | None = None
) -> engine.Result:
    """`limit` public measure ids from `offset` in the filter's order, how many match, and the
    snapshot's epoch (for caches of what is shown per measure): the anonymous API list.

    The search page's evaluator (isi.search.evaluate) without facets, highlights or suggestion:
    the same selection and order as `filtered_public_measures`. The ids come from the snapshot:
    read the measures through `Measure.objects.public()` again (a write that bypassed the
    services may have hidden one). `snap`: the snapshot the caller already read.
    """
    snap = snap if snap is not None else snapshots.current()
    plan = _plan(f, snap)
    statement = engine.Statement(f, plan, reference.catalogue(snap))
    return evaluate.run(statement, facets=(), limit=max(1, limit), offset=max(0, offset), snap=snap)
