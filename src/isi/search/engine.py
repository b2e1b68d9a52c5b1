"""The SQL behind the search selectors: text plans per database, the catalogue, the selection as SQL.

See `isi.search.selectors` for the design. Everything here is parameterised SQL: user input only
ever travels as a bound parameter (the FTS5 expression, LIKE patterns, tsquery text, keys).
"""

# SQL here is assembled from constant table and column names only; every value is a bound
# parameter.
# ruff: noqa: S608

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from django.db import connection
from django.db.models import Case, ExpressionWrapper, F, FloatField, Func, IntegerField, Q, Value, When
from django.db.models.expressions import OrderBy, RawSQL

from isi.catalog.labels import entry_label
from isi.catalog.models import Area, BasicOffer, Component, Level, Phase, Region, TargetGroup, Theme
from isi.measures.models import SEARCH_COVER_INDEX, Measure, MeasureQuerySet
from isi.organisations.models import Organisation
from isi.search import schema
from isi.search.filters import FACET_PARAMS, MeasureFilter
from isi.search.text import Clause, ParsedQuery

MAX_VALUES_PER_FACET = 100
PG_RANK_NORMALISATION = 32  # ts_rank / (1 + ts_rank): below 1, so one title hit outweighs it

Mode = Literal["sqlite", "postgresql", "fallback", "nothing"]


# --- text plans ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TextPlan:
    """How the text part of a query is answered: SQL giving (id, score), higher score = better."""

    mode: Mode
    query: ParsedQuery
    hits_sql: str
    params: tuple[Any, ...]
    # The same hits with score 0: for counts and non-relevance orders (bm25 / ts_rank cost more
    # than the match itself).
    plain_sql: str = ""
    plain_params: tuple[Any, ...] = ()

    @property
    def ranked(self) -> bool:
        return bool(self.query.positive) and self.mode != "nothing"

    def sql(self, *, ranked: bool) -> tuple[str, tuple[Any, ...]]:
        if ranked or not self.plain_sql:
            return self.hits_sql, self.params
        return self.plain_sql, self.plain_params


def _fts_quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _fts_string(clause: Clause) -> str:
    """A clause as FTS5 strings (trigram phrases): its needles and padded keys, ORed."""
    parts = [_fts_quote(n) for n in clause.needles] + [_fts_quote(f" {k} ") for k in clause.keys]
    if clause.needle and clause.alternatives:
        # bm25 scores each phrase of the expression: the word as typed counts twice, so a rarer
        # alternative (a synonym, an expansion) does not outrank it.
        parts.insert(1, parts[0])
    return parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"


def fts_expression(parsed: ParsedQuery, *, negative_only: bool = False) -> str:
    """The FTS5 MATCH expression: every clause a quoted string (a phrase of trigrams)."""
    positive = " AND ".join(_fts_string(c) for c in parsed.positive)
    negative = " OR ".join(_fts_string(c) for c in parsed.negative)
    if negative_only:
        return negative
    return f"({positive}) NOT ({negative})" if negative else positive


def _like(needle: str) -> str:
    return f"%{needle}%"


def _websearch(clause: Clause) -> str:
    """Text for websearch_to_tsquery: the word, or the phrase in quotes (words are [^\\W_]+ only)."""
    return f'"{" ".join(clause.words)}"' if clause.is_phrase else clause.words[0]


def pg_rank_query(parsed: ParsedQuery) -> str:
    return " or ".join(_websearch(c) for c in parsed.positive if c.words != ("or",) and not c.key_only)


def _key_like(key: str) -> str:
    """LIKE pattern for one padded key (underscores escaped: backslash is PostgreSQL's default)."""
    return "% " + key.replace("_", "\\_") + " %"


# PostgreSQL score per positive clause, beside ts_rank (below 1): found in the title 1, else in
# the summary 0.5; an exact key 1.5. SQLite weighs the columns through bm25 (isi.search.schema).
PG_TITLE_POINTS, PG_SUMMARY_POINTS, PG_KEY_POINTS = 1.0, 0.5, 1.5


# The stemmed text of document `d`: the expression of the trigram index (isi.search.schema.STEM_TEXT).
DOC_TEXT = "(d.title || d.summary || d.body || d.orgs)"
EXPANSION_LIMIT = 1000  # more vocabulary stems than this for one query stem: LIKE on the text instead


def _lexeme(stem: str, *, prefix: bool = False) -> str:
    quoted = "'" + stem.replace("\\", "\\\\").replace("'", "''") + "'"
    return quoted + (":*" if prefix else "")


def _expand(pattern: str) -> list[str] | None:
    """The stems of the vocabulary matching a LIKE pattern; None if there are too many."""
    return _expand_all([pattern])[pattern]


def _expand_all(patterns: Sequence[str]) -> dict[str, list[str] | None]:
    """`_expand` of several patterns in one statement (a query's needles: one round trip, not one
    per needle); each pattern still its own LIMIT, through the trigram index."""
    wanted = list(dict.fromkeys(patterns))
    if not wanted:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.i, s.stem FROM unnest(%s::text[]) WITH ORDINALITY AS p(pattern, i) CROSS JOIN "
            f"LATERAL (SELECT stem FROM {schema.STEM_TABLE} WHERE stem LIKE p.pattern LIMIT %s) s",
            [wanted, EXPANSION_LIMIT + 1],
        )
        rows = cursor.fetchall()
    found: dict[str, list[str]] = {pattern: [] for pattern in wanted}
    for number, stem in rows:
        found[wanted[number - 1]].append(stem)
    return {pattern: None if len(stems) > EXPANSION_LIMIT else stems for pattern, stems in found.items()}


def _stem_pattern(needle: str) -> str | None:
    """The vocabulary pattern `pg_stems_query` looks up for a needle (None: none)."""
    stems = needle.split()
    if len(stems) == 1:
        return f"%{stems[0]}%" if len(stems[0]) >= 3 else None
    return f"%{stems[0]}"


def pg_stems_query(needle: str, expand: Callable[[str], list[str] | None] = _expand) -> str | None:
    """One needle as a `simple` tsquery over the stems, via the vocabulary; None if too broad.

    A stem of three or more characters becomes every indexed stem containing it (berat →
    berat | migrationsberat | …); a shorter one itself; a phrase: stems ending with its first
    word, then its middle words, then stems starting with its last word (<-> = next position).
    "" means: occurs nowhere. `expand` looks a pattern (`_stem_pattern`) up in the vocabulary.
    """
    stems = needle.split()
    pattern = _stem_pattern(needle)
    if pattern is None:
        return _lexeme(stems[0])
    if len(stems) == 1:
        found = expand(pattern)
        return None if found is None else " | ".join(_lexeme(w) for w in found)
    first = expand(pattern)
    if first is None:
        return None
    if not first:
        return ""
    parts = [f"({' | '.join(_lexeme(w) for w in first)})", *(_lexeme(w) for w in stems[1:-1])]
    parts.append(_lexeme(stems[-1], prefix=True))
    return " <-> ".join(parts)


def _pg_clause(clause: Clause, expand: Callable[[str], list[str] | None]) -> tuple[str, list[Any]]:
    """A clause matches if the stems do (compound parts; any of its needles), the `german` vector
    does (whole words) or one of its exact keys is in `keys`.

    The tsqueries sit in scalar subqueries so that the planner uses a generic estimate (and the
    GIN indexes) instead of judging common words by their statistics (and scanning everything).
    """
    parts: list[str] = []
    params: list[Any] = []
    if clause.needle:
        parts.append("d.vector @@ (SELECT websearch_to_tsquery('german', %s))")
        params.append(_websearch(clause))
    for needle in clause.needles:
        stems = pg_stems_query(needle, expand)
        if stems is None:
            parts.append(f"{DOC_TEXT} LIKE %s")
            params.append(_like(needle))
        elif stems:
            parts.append("d.stems @@ (SELECT to_tsquery('simple', %s))")
            params.append(stems)
    for key in clause.keys:
        parts.append("d.keys LIKE %s")
        params.append(_key_like(key))
    if not parts:
        return "(1 = 0)", []
    return f"({' OR '.join(parts)})", params


def _pg_points(column: str, patterns: list[str], points: float) -> tuple[str, list[Any]]:
    if not patterns:
        return "", []
    test = " OR ".join(f"d.{column} LIKE %s" for _ in patterns)
    return f"(CASE WHEN {test} THEN {points} ELSE 0 END)", patterns


def _pg_score_parts(parsed: ParsedQuery) -> tuple[list[str], list[Any]]:
    sql: list[str] = []
    params: list[Any] = []
    for clause in parsed.positive:
        needles = [_like(n) for n in clause.needles]
        title, title_params = _pg_points("title", needles, PG_TITLE_POINTS)
        summary, summary_params = _pg_points("summary", needles, PG_SUMMARY_POINTS)
        if title:
            sql.append(f"(CASE WHEN {title} > 0 THEN {title} ELSE {summary} END)")
            params.extend([*title_params, *title_params, *summary_params])
        keys, key_params = _pg_points("keys", [_key_like(k) for k in clause.keys], PG_KEY_POINTS)
        if keys:
            sql.append(keys)
            params.extend(key_params)
    return sql or ["0"], params


def _pg_plan(parsed: ParsedQuery) -> TextPlan:
    docs = schema.DOC_TABLE
    # Every needle's vocabulary lookup in one statement.
    needles = [n for clause in (*parsed.positive, *parsed.negative) for n in clause.needles]
    expand = _expand_all([p for n in needles if (p := _stem_pattern(n)) is not None]).__getitem__
    negative = [_pg_clause(c, expand) for c in parsed.negative]
    negative_sql = " OR ".join(sql for sql, _ in negative)
    negative_params = [p for _, params in negative for p in params]
    if not parsed.positive:
        sql = (
            f"SELECT m.id AS id, 0.0 AS score FROM {Measure._meta.db_table} m WHERE NOT EXISTS "
            f"(SELECT 1 FROM {docs} d WHERE d.measure_id = m.id AND ({negative_sql}))"
        )
        return TextPlan("postgresql", parsed, sql, tuple(negative_params))
    positive = [_pg_clause(c, expand) for c in parsed.positive]
    where = " AND ".join(sql for sql, _ in positive)
    where_params = [p for _, params in positive for p in params]
    if negative_sql:
        where += f" AND NOT ({negative_sql})"
        where_params.extend(negative_params)
    points, points_params = _pg_score_parts(parsed)
    rank = f"ts_rank(d.vector, websearch_to_tsquery('german', %s), {PG_RANK_NORMALISATION})"
    score = f"{' + '.join(points)} + {rank}"
    score_params = [*points_params, pg_rank_query(parsed)]
    sql = f"SELECT d.measure_id AS id, {score} AS score FROM {docs} d WHERE {where}"
    plain = f"SELECT d.measure_id AS id, 0.0 AS score FROM {docs} d WHERE {where}"
    return TextPlan("postgresql", parsed, sql, (*score_params, *where_params), plain, tuple(where_params))


def _sqlite_plan(parsed: ParsedQuery) -> TextPlan:
    fts = schema.FTS_TABLE
    if not parsed.positive:
        sql = (
            f"SELECT m.id AS id, 0.0 AS score FROM {Measure._meta.db_table} m "
            f"WHERE m.id NOT IN (SELECT rowid FROM {fts} WHERE {fts} MATCH %s)"
        )
        return TextPlan("sqlite", parsed, sql, (fts_expression(parsed, negative_only=True),))
    sql = f"SELECT rowid AS id, -rank AS score FROM {fts} WHERE {fts} MATCH %s"
    plain = f"SELECT rowid AS id, 0.0 AS score FROM {fts} WHERE {fts} MATCH %s"
    expression = (fts_expression(parsed),)
    return TextPlan("sqlite", parsed, sql, expression, plain, expression)


def fallback_word(clause: Clause) -> str:
    """What the fallback looks for: the phrase, or the word cut to its stem if that is a prefix."""
    if clause.is_phrase:
        return " ".join(clause.words)
    word = clause.words[0]
    needle = clause.needle.strip()
    return needle if word.startswith(needle) else word


def _fallback_q(clause: Clause) -> Q:
    word = fallback_word(clause)
    return Q(title__icontains=word) | Q(summary__icontains=word) | Q(goals__icontains=word)


def fallback_score(parsed: ParsedQuery) -> Any:
    hits = [
        Case(When(title__icontains=fallback_word(c), then=Value(1)), default=Value(0))
        for c in parsed.positive
    ]
    total: Any = Value(0)
    for hit in hits:
        total = total + hit
    return ExpressionWrapper(total, output_field=IntegerField())


def _fallback_plan(parsed: ParsedQuery) -> TextPlan:
    """Plain substring search on the measures, for when the index is not (yet) there."""
    qs = Measure.objects.order_by()
    for clause in parsed.positive:
        qs = qs.filter(_fallback_q(clause))
    for clause in parsed.negative:
        qs = qs.exclude(_fallback_q(clause))
    inner, params = (
        qs.annotate(search_score=fallback_score(parsed))
        .values_list("id", "search_score")
        .query.sql_with_params()
    )
    sql = f"SELECT z.id AS id, z.search_score AS score FROM ({inner}) z"
    return TextPlan("fallback", parsed, sql, tuple(params))


def text_plan(parsed: ParsedQuery, *, use_index: bool = True) -> TextPlan:
    if parsed.is_empty:
        return TextPlan("nothing", parsed, "SELECT 0 AS id, 0.0 AS score WHERE 1 = 0", ())
    if not use_index or connection.vendor not in ("sqlite", "postgresql"):
        return _fallback_plan(parsed)
    return _pg_plan(parsed) if connection.vendor == "postgresql" else _sqlite_plan(parsed)


def order_by_relevance(qs: MeasureQuerySet, plan: TextPlan) -> MeasureQuerySet:
    """The ORM twin of the engine's relevance order (score descending, then id)."""
    if plan.mode == "sqlite":
        return qs.filter(fts_entry__document__match=fts_expression(plan.query)).order_by(
            "fts_entry__rank", "pk"
        )
    if plan.mode == "postgresql":
        points, points_params = _pg_score_parts(plan.query)
        # The same points as the text plan, as SQL over the measure's document.
        total: Any = RawSQL(  # noqa: S611 - constant names, values as parameters
            f"(SELECT {' + '.join(points)} FROM {schema.DOC_TABLE} d "
            f"WHERE d.measure_id = {Measure._meta.db_table}.id)",
            tuple(points_params),
            output_field=FloatField(),
        )
        rank = Func(
            F("search_document__vector"),
            RawSQL("websearch_to_tsquery('german', %s)", (pg_rank_query(plan.query),)),
            function="ts_rank",
            template=f"%(function)s(%(expressions)s, {PG_RANK_NORMALISATION})",
            output_field=FloatField(),
        )
        score = ExpressionWrapper(total + rank, output_field=FloatField())
        return qs.annotate(search_score=score).order_by("-search_score", "pk")
    return qs.annotate(search_score=fallback_score(plan.query)).order_by("-search_score", "pk")


def sort_keys(sort: str) -> list[OrderBy]:
    """The list orders other than relevance; `relevance` without a ranked query is the NAP-I order."""
    if sort == "title":
        return [F("title").asc(), F("pk").asc()]
    if sort == "-updated":
        return [F("updated_at").desc(), F("pk").asc()]
    return [
        F("nap_i_theme__phase__number").asc(nulls_last=True),
        F("nap_i_theme__position").asc(nulls_last=True),
        F("nap_i_number").asc(nulls_last=True),
        F("title").asc(),
        F("pk").asc(),
    ]


def order_by_sort(qs: MeasureQuerySet, sort: str) -> MeasureQuerySet:
    return qs.order_by(*sort_keys(sort))


# --- catalogue ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FacetEntry:
    ref: str  # the value as the SQL gives it back (an id, a code, a status), as text
    key: str  # the value in URLs (MeasureFilter)
    label: str
    lang: str = "de"  # the label's language ("": the page's, as gettext gives it); isi.catalog.labels


@dataclass
class Catalogue:
    """The small reference tables the facets need, read in one query per search."""

    entries: dict[str, list[FacetEntry]] = field(default_factory=dict)
    theme_phase: dict[str, str] = field(default_factory=dict)  # theme id → phase id
    component_offer: dict[str, str] = field(default_factory=dict)  # component id → basic offer id

    def refs(self, param: str, keys: Sequence[str]) -> list[str]:
        wanted = set(keys[:MAX_VALUES_PER_FACET])
        return [e.ref for e in self.entries.get(param, []) if e.key in wanted]


def load_catalogue() -> Catalogue:
    t = {
        m.__name__: m._meta.db_table
        for m in (Area, TargetGroup, BasicOffer, Component, Level, Region, Phase, Theme)
    }
    # (facet, id, key, name, name_en, position, extra)
    parts = [
        f"SELECT '{param}', id, key, name, name_en, position, '' FROM {t[model]}"
        for param, model in (
            ("area", "Area"),
            ("target_group", "TargetGroup"),
            ("basic_offer", "BasicOffer"),
            ("level", "Level"),
        )
    ]
    parts.append(f"SELECT 'component', id, '', '', '', 0, CAST(basic_offer_id AS TEXT) FROM {t['Component']}")
    parts.append(f"SELECT 'land', id, code, name, '', 0, code FROM {t['Region']} WHERE kind = 'land'")
    parts.append(f"SELECT 'phase', id, CAST(number AS TEXT), title, title_en, number, '' FROM {t['Phase']}")
    parts.append(
        f"SELECT 'theme', th.id, CAST(p.number AS TEXT) || '.' || CAST(th.position AS TEXT), th.title, "
        f"th.title_en, p.number * 1000 + th.position, CAST(th.phase_id AS TEXT) FROM {t['Theme']} th "
        f"JOIN {t['Phase']} p ON p.id = th.phase_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts))
        rows = cursor.fetchall()
    grouped: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for row in rows:
        grouped[row[0]].append(row)
    catalogue = Catalogue()
    for _, pk, _, _, _, _, offer in grouped.pop("component", []):
        catalogue.component_offer[str(pk)] = offer
    for param, items in grouped.items():
        # Display order as the models' Meta.ordering: position, name (Region: code).
        items.sort(key=lambda r: (r[5], r[6], r[3]))
        entries = []
        for _, pk, key, name, name_en, number, extra in items:
            if param == "land":
                entries.append(FacetEntry(key, key, name))
            elif param == "phase":
                entries.append(FacetEntry(str(pk), key, f"Phase {_roman(int(number))}: {name}"))
            elif param == "theme":
                entries.append(FacetEntry(str(pk), key, name))
                catalogue.theme_phase[str(pk)] = extra
            else:
                label = entry_label(name, name_en)
                entries.append(FacetEntry(str(pk), key, label.text, label.lang))
        catalogue.entries[param] = entries
    catalogue.entries["status"] = [FacetEntry(v, v, str(label), "") for v, label in Measure.Status.choices]
    return catalogue


def _roman(number: int) -> str:
    return ["", "I", "II", "III", "IV", "V"][number] if 0 < number <= 5 else str(number)


# --- the statement ------------------------------------------------------------------------------

# The base column a facet selection tests (phase and basic offer through theme and component).
_GROUP_COLUMN = {
    "area": "area_id",
    "target_group": "targetgroup_id",
    "basic_offer": "component_id",
    "level": "level_id",
    "land": "region_id",
    "owner": "owner_id",
    "phase": "theme_id",
    "theme": "theme_id",
    "status": "status",
}
_M2M = {
    "area": Measure.areas.through._meta.db_table,
    "target_group": Measure.target_groups.through._meta.db_table,
}


@dataclass
class _Sql:
    text: list[str] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)

    def add(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.text.append(sql)
        self.params.extend(params)

    def sql(self, sep: str = " ") -> str:
        return sep.join(self.text)


def _placeholders(values: Sequence[Any]) -> str:
    return ", ".join(["%s"] * len(values))


def _ints(values: Sequence[str]) -> list[int]:
    return [int(v) for v in values]


class Statement:
    """One search: the filter, its text plan and the catalogue.

    Count, page and facet counts are computed in memory (isi.search.evaluate); `ids_sql` is the
    same selection as SQL over a materialised `base` (public ∩ text hits, one row per measure),
    for querysets (downloads, API): each selected facet becomes a condition on `base` (a plain
    column test, or a boolean column computed once per row for many-to-many and Land selections).
    """

    def __init__(self, f: MeasureFilter, plan: TextPlan | None, catalogue: Catalogue) -> None:
        self.f = f
        self.plan = plan
        self.catalogue = catalogue
        self.conditions: dict[str, tuple[str, list[Any]]] = {}
        self.flags: list[tuple[str, list[Any]]] = []  # (SQL "… AS f_x", params), computed in base
        for param in FACET_PARAMS:
            keys = f.facet_values(param)
            if keys:
                self.conditions[param] = self._condition(param, list(keys[:MAX_VALUES_PER_FACET]))

    def _flag(self, param: str, sql: str, params: list[Any]) -> tuple[str, list[Any]]:
        self.flags.append((f"{sql} AS f_{param}", params))
        return f"b.f_{param}", []

    def _condition(self, param: str, keys: list[str]) -> tuple[str, list[Any]]:
        if param == "owner":
            org = Organisation._meta.db_table
            return f"b.owner_id IN (SELECT id FROM {org} WHERE key IN ({_placeholders(keys)}))", keys
        if param == "status":
            return f"b.status IN ({_placeholders(keys)})", keys
        if param == "land":
            region = Region._meta.db_table
            codes = _placeholders(keys)
            return self._flag(
                param,
                f"m.region_id IN (SELECT r.id FROM {region} r LEFT JOIN {region} l ON l.id = r.land_id "
                f"WHERE r.code IN ({codes}) OR l.code IN ({codes}))",
                [*keys, *keys],
            )
        refs = self.catalogue.refs(param, keys)
        if param == "phase":
            refs = [t for t, phase in self.catalogue.theme_phase.items() if phase in refs]
        elif param == "basic_offer":
            refs = [c for c, offer in self.catalogue.component_offer.items() if offer in refs]
        if not refs:
            return "1 = 0", []
        ids = _ints(refs)
        if param in _M2M:
            return self._flag(
                param,
                f"EXISTS (SELECT 1 FROM {_M2M[param]} x WHERE x.measure_id = m.id "
                f"AND x.{_GROUP_COLUMN[param]} IN ({_placeholders(ids)}))",
                ids,
            )
        return f"b.{_GROUP_COLUMN[param]} IN ({_placeholders(ids)})", ids

    def _where(self) -> tuple[str, list[Any]]:
        parts = list(self.conditions.values())
        if not parts:
            return "", []
        return " WHERE " + " AND ".join(sql for sql, _ in parts), [p for _, ps in parts for p in ps]

    @property
    def ranked(self) -> bool:
        return self.f.sort == "relevance" and self.plan is not None and self.plan.ranked

    def _with(self, out: _Sql) -> None:
        m = Measure._meta.db_table
        out.add("WITH")
        if self.plan is not None:
            hits_sql, hits_params = self.plan.sql(ranked=False)
            out.add(f"hits AS MATERIALIZED ({hits_sql}),", hits_params)
        columns = [
            "m.id AS id",
            "m.level_id AS level_id",
            "m.status AS status",
            "m.owner_id AS owner_id",
            "m.nap_i_theme_id AS theme_id",
            "m.component_id AS component_id",
            "m.region_id AS region_id",
            *(sql for sql, _ in self.flags),
        ]
        if self.plan is None:
            source = f"{m} m WHERE"
        elif connection.vendor == "postgresql":
            # An id array makes PostgreSQL look the hits up by primary key instead of hashing
            # the whole measures table.
            source = f"{m} m JOIN hits h ON h.id = m.id WHERE m.id = ANY(ARRAY(SELECT id FROM hits)) AND"
        else:
            # CROSS JOIN keeps SQLite's join order: the hits outside, measures inside, looked up
            # in the narrow covering index that holds every column `base` needs (without
            # ANALYZE statistics SQLite would pick the wide rows by rowid).
            source = f"hits h CROSS JOIN {m} m INDEXED BY {SEARCH_COVER_INDEX} WHERE h.id = m.id AND"
        out.add(
            f"base AS MATERIALIZED (SELECT {', '.join(columns)} FROM {source} "
            # The same rule as Measure.objects.public() (rule 10); tests hold them equal.
            "m.publication = %s AND m.archived_at IS NULL)",
            [*(p for _, params in self.flags for p in params), Measure.Publication.RELEASED],
        )

    def ids_sql(self) -> tuple[str, list[Any]]:
        """The ids of all matching public measures (for `pk__in`)."""
        out = _Sql()
        self._with(out)
        where, params = self._where()
        out.add(f"SELECT b.id FROM base b{where}", params)
        return out.sql(), out.params


@dataclass
class Result:
    count: int = 0
    page_ids: list[int] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    # The epoch of the kept snapshot it was computed on (isi.search.snapshot); 0: not kept. While
    # it lasts, every change but measure edits (catalogue entries, organisations) is absent.
    epoch: int = 0
