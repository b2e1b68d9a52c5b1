"""Vendor-specific full-text objects: FTS5 + triggers on SQLite, pg_trgm + GIN indexes on PostgreSQL.

Django's schema does not know them (see isi.search.schema). This migration creates them as they
were at the time (two columns, title and body); 0003 replaces them with today's
(isi.search.schema). The statements are frozen here so that a fresh database passes through the
same states as an upgraded one.
"""

# ruff: noqa: S608

from typing import Any

from django.db import migrations

DOC_TABLE = "search_searchdocument"
FTS_TABLE = "search_fts"
STEM_TABLE = "search_stem"
SQLITE = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    f"title, body, content='{DOC_TABLE}', content_rowid='measure_id', tokenize='trigram')",
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rank) VALUES ('rank', 'bm25(10.0, 1.0)')",
    f"CREATE TRIGGER IF NOT EXISTS search_doc_ai AFTER INSERT ON {DOC_TABLE} BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, title, body) VALUES (new.measure_id, new.title, new.body); END",
    f"CREATE TRIGGER IF NOT EXISTS search_doc_ad AFTER DELETE ON {DOC_TABLE} BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, body) "
    f"VALUES ('delete', old.measure_id, old.title, old.body); END",
    f"CREATE TRIGGER IF NOT EXISTS search_doc_au AFTER UPDATE OF title, body ON {DOC_TABLE} "
    "WHEN old.title <> new.title OR old.body <> new.body BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, body) "
    f"VALUES ('delete', old.measure_id, old.title, old.body); "
    f"INSERT INTO {FTS_TABLE}(rowid, title, body) VALUES (new.measure_id, new.title, new.body); END",
)
SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS search_doc_ai",
    "DROP TRIGGER IF EXISTS search_doc_ad",
    "DROP TRIGGER IF EXISTS search_doc_au",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
)
POSTGRES = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    f"ALTER TABLE {DOC_TABLE} ADD COLUMN IF NOT EXISTS stems tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple', title || body)) STORED",
    f"CREATE INDEX IF NOT EXISTS search_doc_stems ON {DOC_TABLE} USING gin (stems)",
    f"CREATE INDEX IF NOT EXISTS search_doc_stems_trgm ON {DOC_TABLE} "
    "USING gin ((title || body) gin_trgm_ops)",
    f"CREATE INDEX IF NOT EXISTS search_doc_vector ON {DOC_TABLE} USING gin (vector)",
    f"CREATE TABLE IF NOT EXISTS {STEM_TABLE} (stem text PRIMARY KEY)",
    f"CREATE INDEX IF NOT EXISTS search_stem_trgm ON {STEM_TABLE} USING gin (stem gin_trgm_ops)",
)
POSTGRES_DROP = (
    f"DROP TABLE IF EXISTS {STEM_TABLE}",
    "DROP INDEX IF EXISTS search_doc_stems_trgm",
    "DROP INDEX IF EXISTS search_doc_vector",
    "DROP INDEX IF EXISTS search_doc_stems",
    f"ALTER TABLE {DOC_TABLE} DROP COLUMN IF EXISTS stems",
)


def _run(schema_editor: Any, statements: dict[str, tuple[str, ...]]) -> None:
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for sql in statements.get(connection.vendor, ()):
            cursor.execute(sql)


def create(apps: Any, schema_editor: Any) -> None:
    _run(schema_editor, {"sqlite": SQLITE, "postgresql": POSTGRES})


def drop(apps: Any, schema_editor: Any) -> None:
    _run(schema_editor, {"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP})


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
