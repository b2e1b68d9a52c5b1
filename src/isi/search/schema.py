"""Vendor-specific database objects of the search index (created by migration 0002).

SQLite: `search_fts`, an FTS5 table over the document table's `title`, `summary`, `body`, `orgs`
and `keys` (external content, rowid = measure id) with the `trigram` tokenizer, its `rank` set to
bm25 with the column weights below (title > summary > body > organisation names; an exact key
weighs most), and triggers that keep it in step with every insert, update and delete of a
document.

PostgreSQL: the `pg_trgm` extension; a generated column `stems` = to_tsvector('simple', title ||
summary || body || orgs) (the stems as lexemes, with positions) with a GIN index; `search_stem`,
the vocabulary of all stems, with a GIN trigram index (a query stem is expanded to the indexed
stems containing it, i.e. compound parts, which are then looked up exactly in `stems`); a GIN
trigram index on the same concatenation (`STEM_TEXT`) for the LIKE fallback when an expansion is
too large, and one on `keys`; a GIN index on the `german` tsvector (setweight A/B/C/D).
"""

# SQL here is assembled from constant table and column names only; every value is a bound
# parameter.
# ruff: noqa: S608

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

DOC_TABLE = "search_searchdocument"
FTS_TABLE = "search_fts"
# bm25 weights of the FTS5 columns, in column order.
TITLE_WEIGHT = 12.0
SUMMARY_WEIGHT = 3.0
BODY_WEIGHT = 1.5
ORGS_WEIGHT = 0.25
KEYS_WEIGHT = 20.0
FTS_COLUMNS = ("title", "summary", "body", "orgs", "keys")
_WEIGHTS = ", ".join(str(w) for w in (TITLE_WEIGHT, SUMMARY_WEIGHT, BODY_WEIGHT, ORGS_WEIGHT, KEYS_WEIGHT))
_COLS = ", ".join(FTS_COLUMNS)
_NEW = ", ".join(f"new.{c}" for c in FTS_COLUMNS)
_OLD = ", ".join(f"old.{c}" for c in FTS_COLUMNS)
# The stemmed text of a document (PostgreSQL expressions and the LIKE fallback).
STEM_TEXT = "(title || summary || body || orgs)"

SQLITE_FTS = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    f"{_COLS}, content='{DOC_TABLE}', content_rowid='measure_id', tokenize='trigram')",
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rank) VALUES ('rank', 'bm25({_WEIGHTS})')",
)
SQLITE_TRIGGERS = (
    f"CREATE TRIGGER IF NOT EXISTS search_doc_ai AFTER INSERT ON {DOC_TABLE} BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, {_COLS}) VALUES (new.measure_id, {_NEW}); END",
    f"CREATE TRIGGER IF NOT EXISTS search_doc_ad AFTER DELETE ON {DOC_TABLE} BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {_COLS}) "
    f"VALUES ('delete', old.measure_id, {_OLD}); END",
    f"CREATE TRIGGER IF NOT EXISTS search_doc_au AFTER UPDATE OF {_COLS} ON {DOC_TABLE} "
    "WHEN " + " OR ".join(f"old.{c} <> new.{c}" for c in FTS_COLUMNS) + " BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {_COLS}) "
    f"VALUES ('delete', old.measure_id, {_OLD}); "
    f"INSERT INTO {FTS_TABLE}(rowid, {_COLS}) VALUES (new.measure_id, {_NEW}); END",
)
SQLITE_DROP_TRIGGERS = tuple(
    f"DROP TRIGGER IF EXISTS {name}" for name in ("search_doc_ai", "search_doc_ad", "search_doc_au")
)
SQLITE_DROP = (*SQLITE_DROP_TRIGGERS, f"DROP TABLE IF EXISTS {FTS_TABLE}")

STEM_TABLE = "search_stem"
POSTGRES = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    f"ALTER TABLE {DOC_TABLE} ADD COLUMN IF NOT EXISTS stems tsvector "
    f"GENERATED ALWAYS AS (to_tsvector('simple', {STEM_TEXT})) STORED",
    f"CREATE INDEX IF NOT EXISTS search_doc_stems ON {DOC_TABLE} USING gin (stems)",
    f"CREATE INDEX IF NOT EXISTS search_doc_stems_trgm ON {DOC_TABLE} USING gin ({STEM_TEXT} gin_trgm_ops)",
    f"CREATE INDEX IF NOT EXISTS search_doc_keys_trgm ON {DOC_TABLE} USING gin (keys gin_trgm_ops)",
    f"CREATE INDEX IF NOT EXISTS search_doc_vector ON {DOC_TABLE} USING gin (vector)",
    f"CREATE TABLE IF NOT EXISTS {STEM_TABLE} (stem text PRIMARY KEY)",
    f"CREATE INDEX IF NOT EXISTS search_stem_trgm ON {STEM_TABLE} USING gin (stem gin_trgm_ops)",
)
POSTGRES_DROP = (
    f"DROP TABLE IF EXISTS {STEM_TABLE}",
    "DROP INDEX IF EXISTS search_doc_keys_trgm",
    "DROP INDEX IF EXISTS search_doc_stems_trgm",
    "DROP INDEX IF EXISTS search_doc_vector",
    "DROP INDEX IF EXISTS search_doc_stems",
    f"ALTER TABLE {DOC_TABLE} DROP COLUMN IF EXISTS stems",
)
GIN_INDEXES = ("search_doc_stems", "search_doc_stems_trgm", "search_doc_keys_trgm", "search_doc_vector")
# For a full rebuild: GIN entries go to a large pending list first and are merged in one pass.
POSTGRES_BULK_SETTINGS = (
    "SET LOCAL gin_pending_list_limit = '256MB'",
    "SET LOCAL maintenance_work_mem = '256MB'",
)
POSTGRES_MERGE_PENDING = tuple(f"SELECT gin_clean_pending_list('{name}'::regclass)" for name in GIN_INDEXES)
# Adds the stems of the given documents to the vocabulary (new ones only).
POSTGRES_ADD_STEMS = (
    f"INSERT INTO {STEM_TABLE} (stem) SELECT DISTINCT w FROM {DOC_TABLE} d "
    "CROSS JOIN LATERAL unnest(tsvector_to_array(d.stems)) AS w WHERE d.measure_id = ANY(%s) "
    "ON CONFLICT DO NOTHING"
)
POSTGRES_ALL_STEMS = (
    f"TRUNCATE {STEM_TABLE}",
    f"INSERT INTO {STEM_TABLE} (stem) SELECT word FROM ts_stat('SELECT stems FROM {DOC_TABLE}') "
    "ON CONFLICT DO NOTHING",
)


def create(connection: BaseDatabaseWrapper) -> None:
    statements = {"sqlite": (*SQLITE_FTS, *SQLITE_TRIGGERS), "postgresql": POSTGRES}.get(
        connection.vendor, ()
    )
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def drop(connection: BaseDatabaseWrapper) -> None:
    statements = {"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}.get(connection.vendor, ())
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
