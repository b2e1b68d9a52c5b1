"""Keeping the search index current: one search document per measure (all measures, not only
public ones: visibility is decided when searching, so publishing or archiving needs no reindex).

- `reindex_measures(ids)` — after any write that changes what a measure's document contains:
  title, summary, goals, legal basis, owner, organisations, areas, target groups, NAP-I theme and
  number, component. Call
  it inside the writing transaction (the index then commits or rolls back with the change).
  Deleted ids lose their document. Cheap: a handful of queries per call, batched.
- `rebuild_search_index()` — everything from scratch (`isi search_index --rebuild`); also after
  renaming an organisation or a catalogue entry, whose names are in many documents.
- `refresh_search_index()` — documents that are missing or older than their measure
  (`isi search_index`).
- `ensure_index_current()` — the self-healing check the selectors run before a text query: two
  index lookups (min/max ids of measures and documents); missing ranges are indexed on the spot
  when they are small (`SELF_HEAL_LIMIT`), otherwise the selectors fall back to a plain
  substring search on the measures and log how to fix it. It cannot see a measure edited
  without `reindex_measures` nor a gap in the middle of the id range: `isi search_index` can.
"""

# SQL here is assembled from constant table and column names only; every value is a bound
# parameter.
# ruff: noqa: S608

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import F

from isi.catalog.models import Area, Component, TargetGroup, Theme
from isi.measures.models import Measure, MeasureOrganisation
from isi.organisations.models import Organisation, OrganisationAlias
from isi.search import schema
from isi.search.models import SearchDocument
from isi.search.text import key_of_org, napi_key, stemmed_text

logger = logging.getLogger(__name__)

BATCH_SIZE = 2000
SELF_HEAL_LIMIT = 5000
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Document:
    measure_id: int
    title: str  # raw title (PostgreSQL tsvector, weight A)
    body: str  # raw goals, theme, component, areas, target groups (weight C)
    title_stems: str
    body_stems: str
    source_updated_at: datetime | None
    summary: str = ""  # raw summary (weight B)
    orgs: str = ""  # raw organisation names, short names and aliases (weight D)
    summary_stems: str = " "
    orgs_stems: str = " "
    keys: str = " "  # exact keys, space padded: " napi_1_4_1 org_bamf "


@dataclass
class _Names:
    """Names needed to build documents, loaded once per run (catalogues) or on demand (organisations)."""

    areas: dict[int, str]
    target_groups: dict[int, str]
    themes: dict[int, str]
    components: dict[int, str]
    organisations: dict[int, str] = field(default_factory=dict)
    organisation_keys: dict[int, list[str]] = field(default_factory=dict)
    theme_places: dict[int, tuple[int, int]] = field(default_factory=dict)  # theme → (phase, position)

    @classmethod
    def load(cls) -> _Names:
        return cls(
            areas=dict(Area.objects.values_list("pk", "name")),
            target_groups=dict(TargetGroup.objects.values_list("pk", "name")),
            themes=dict(Theme.objects.values_list("pk", "title")),
            components=dict(Component.objects.values_list("pk", "name")),
            theme_places={
                pk: (phase, position)
                for pk, phase, position in Theme.objects.values_list("pk", "phase__number", "position")
            },
        )

    def organisation_text(self, ids: Iterable[int]) -> None:
        """Load name, short name and aliases of the organisations not loaded yet."""
        missing = {i for i in ids if i not in self.organisations}
        if not missing:
            return
        parts: dict[int, list[str]] = defaultdict(list)
        for pk, name, short, key in Organisation.objects.filter(pk__in=missing).values_list(
            "pk", "name", "short_name", "key"
        ):
            parts[pk].extend(p for p in (name, short) if p)
            self.organisation_keys[pk] = [k for k in dict.fromkeys(map(key_of_org, (short, key))) if k]
        for pk, alias in OrganisationAlias.objects.filter(organisation_id__in=missing).values_list(
            "organisation_id", "name"
        ):
            parts[pk].append(alias)
        for pk in missing:
            self.organisations[pk] = " · ".join(parts.get(pk, []))


def _pairs(model: Any, column: str, ids: Sequence[int]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = defaultdict(list)
    for measure_id, other in model.objects.filter(measure_id__in=ids).values_list("measure_id", column):
        out[measure_id].append(other)
    return out


def build_documents(ids: Sequence[int], names: _Names | None = None) -> list[Document]:
    """The documents of the given measures (ids that do not exist are skipped)."""
    names = names or _Names.load()
    rows = list(
        Measure.objects.filter(pk__in=ids).values_list(
            "pk",
            "title",
            "summary",
            "goals",
            "legal_basis",
            "owner_id",
            "nap_i_theme_id",
            "nap_i_number",
            "component_id",
            "updated_at",
        )
    )
    areas = _pairs(Measure.areas.through, "area_id", ids)
    groups = _pairs(Measure.target_groups.through, "targetgroup_id", ids)
    links = _pairs(MeasureOrganisation, "organisation_id", ids)
    names.organisation_text({r[5] for r in rows} | {o for os in links.values() for o in os})
    documents = []
    for pk, title, summary, goals, legal, owner_id, theme_id, napi_number, component_id, updated_at in rows:
        organisations = dict.fromkeys([owner_id, *links.get(pk, [])])
        org_parts = [names.organisations.get(o, "") for o in organisations]
        keys = [k for o in organisations for k in names.organisation_keys.get(o, [])]
        if theme_id and napi_number is not None and theme_id in names.theme_places:
            keys.insert(0, napi_key(*names.theme_places[theme_id], napi_number))
        parts = [
            goals,
            legal,
            names.themes.get(theme_id, "") if theme_id else "",
            names.components.get(component_id, "") if component_id else "",
            *(names.areas.get(a, "") for a in areas.get(pk, [])),
            *(names.target_groups.get(g, "") for g in groups.get(pk, [])),
        ]
        body = "\n".join(p for p in parts if p)
        documents.append(
            Document(
                measure_id=pk,
                title=title,
                body=body,
                title_stems=stemmed_text(title),
                body_stems=stemmed_text(*parts),
                source_updated_at=updated_at,
                summary=summary,
                orgs="\n".join(p for p in org_parts if p),
                summary_stems=stemmed_text(summary),
                orgs_stems=stemmed_text(*org_parts),
                keys=f" {' '.join(dict.fromkeys(keys))} " if keys else " ",
            )
        )
    return documents


_COLUMNS = "measure_id, title, summary, body, orgs, keys, vector, source_updated_at"
_SET = (
    "title = excluded.title, summary = excluded.summary, body = excluded.body, orgs = excluded.orgs, "
    "keys = excluded.keys, source_updated_at = excluded.source_updated_at"
)
_SQLITE_UPSERT = (
    f"INSERT INTO {schema.DOC_TABLE} ({_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, NULL, %s) "
    f"ON CONFLICT (measure_id) DO UPDATE SET {_SET}"
)
_PG_VECTOR = " || ".join(
    f"setweight(to_tsvector('german', %s), '{weight}')" for weight in ("A", "B", "C", "D")
)
_PG_UPSERT = (
    f"INSERT INTO {schema.DOC_TABLE} ({_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, {_PG_VECTOR}, %s) "
    f"ON CONFLICT (measure_id) DO UPDATE SET {_SET}, vector = excluded.vector"
)


def _write(documents: Sequence[Document], *, vocabulary: bool = True) -> None:
    if not documents:
        return
    adapt = connection.ops.adapt_datetimefield_value
    postgres = connection.vendor == "postgresql"
    if postgres:
        sql = _PG_UPSERT
        rows: list[tuple[Any, ...]] = [
            (
                d.measure_id,
                d.title_stems,
                d.summary_stems,
                d.body_stems,
                d.orgs_stems,
                d.keys,
                d.title,
                d.summary,
                d.body,
                d.orgs,
                adapt(d.source_updated_at),
            )
            for d in documents
        ]
    else:
        sql = _SQLITE_UPSERT
        rows = [
            (
                d.measure_id,
                d.title_stems,
                d.summary_stems,
                d.body_stems,
                d.orgs_stems,
                d.keys,
                adapt(d.source_updated_at),
            )
            for d in documents
        ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
        if postgres and vocabulary:
            cursor.execute(schema.POSTGRES_ADD_STEMS, [[d.measure_id for d in documents]])


def _chunks(ids: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def reindex_measures(ids: Iterable[int]) -> int:
    """(Re)build the documents of these measures; drop the documents of ids that no longer exist.

    Returns the number of documents written. Runs in the caller's transaction if there is one.
    """
    wanted = sorted({int(i) for i in ids})
    if not wanted:
        return 0
    written = 0
    names = _Names.load()
    with transaction.atomic():
        for chunk in _chunks(wanted, BATCH_SIZE):
            documents = build_documents(chunk, names)
            _write(documents)
            written += len(documents)
            gone = set(chunk) - {d.measure_id for d in documents}
            if gone:
                SearchDocument.objects.filter(measure_id__in=gone).delete()
    return written


def _all_ids_in_batches(size: int) -> Iterator[list[int]]:
    last = 0
    while True:
        batch = list(Measure.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:size])
        if not batch:
            return
        yield batch
        last = batch[-1]


def rebuild_search_index(*, batch_size: int = BATCH_SIZE, progress: Progress | None = None) -> int:
    """Drop and rebuild every document in one transaction (readers keep the old index until commit).

    On SQLite the triggers are set aside while the documents are written and the FTS5 index is then
    built in one pass ('rebuild'), which is several times faster than row by row. On PostgreSQL
    the GIN indexes collect entries in a large pending list that is merged once at the end, and
    the stem vocabulary is recomputed from all documents.
    """
    total = Measure.objects.count()
    done = 0
    names = _Names.load()
    sqlite = connection.vendor == "sqlite"
    postgres = connection.vendor == "postgresql"
    with transaction.atomic():
        with connection.cursor() as cursor:
            if sqlite:
                for sql in schema.SQLITE_DROP_TRIGGERS:
                    cursor.execute(sql)
            if postgres:
                for sql in schema.POSTGRES_BULK_SETTINGS:
                    cursor.execute(sql)
            cursor.execute(f"DELETE FROM {schema.DOC_TABLE}")
        for batch in _all_ids_in_batches(batch_size):
            documents = build_documents(batch, names)
            _write(documents, vocabulary=False)
            done += len(documents)
            if progress:
                progress(done, total)
        if postgres:
            with connection.cursor() as cursor:
                for sql in (*schema.POSTGRES_ALL_STEMS, *schema.POSTGRES_MERGE_PENDING):
                    cursor.execute(sql)
        if sqlite:
            with connection.cursor() as cursor:
                cursor.execute(f"INSERT INTO {schema.FTS_TABLE}({schema.FTS_TABLE}) VALUES ('rebuild')")
                for sql in schema.SQLITE_TRIGGERS:
                    cursor.execute(sql)
    return done


@dataclass(frozen=True)
class RefreshResult:
    missing: int
    stale: int


def refresh_search_index(*, batch_size: int = BATCH_SIZE, progress: Progress | None = None) -> RefreshResult:
    """Index measures without a document or with a document older than the measure.

    (Documents of deleted measures go with them: the foreign key cascades.)
    """
    missing = list(
        Measure.objects.filter(search_document__isnull=True).order_by("pk").values_list("pk", flat=True)
    )
    stale = list(
        Measure.objects.filter(search_document__isnull=False)
        .exclude(search_document__source_updated_at=F("updated_at"))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    todo = missing + stale
    done = 0
    names = _Names.load()
    for chunk in _chunks(todo, batch_size):
        with transaction.atomic():
            _write(build_documents(chunk, names))
        done += len(chunk)
        if progress:
            progress(done, len(todo))
    return RefreshResult(missing=len(missing), stale=len(stale))


_warned: set[tuple[int, int]] = set()


def ensure_index_current(limit: int | None = None) -> bool:
    """Index measures beyond either end of the indexed id range; False if too many are missing.

    One cheap query (four index lookups) per call. Called by the selectors before a text query.
    """
    limit = SELF_HEAL_LIMIT if limit is None else limit
    measures, documents = Measure._meta.db_table, schema.DOC_TABLE
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT MIN(id) FROM {measures}), (SELECT MAX(id) FROM {measures}), "
            f"(SELECT MIN(measure_id) FROM {documents}), (SELECT MAX(measure_id) FROM {documents})"
        )
        row = cursor.fetchone()
    lo_m, hi_m, lo_d, hi_d = row if row else (None, None, None, None)
    if hi_m is None:
        return True
    if lo_d is not None and lo_d <= lo_m and hi_d >= hi_m:
        return True
    if lo_d is None:
        below, above = Measure.objects.none(), Measure.objects.all()
    else:
        below, above = Measure.objects.filter(pk__lt=lo_d), Measure.objects.filter(pk__gt=hi_d)
    missing = [
        *below.order_by("pk").values_list("pk", flat=True)[: limit + 1],
        *above.order_by("pk").values_list("pk", flat=True)[: limit + 1],
    ]
    if len(missing) > limit:
        state = (int(hi_m), int(hi_d or 0))
        if state not in _warned:
            _warned.add(state)
            logger.warning(
                "Search index incomplete (more than %s measures without a document); searching "
                "without it. Run `isi search_index --rebuild`.",
                limit,
            )
        return False
    reindex_measures(missing)
    return True
