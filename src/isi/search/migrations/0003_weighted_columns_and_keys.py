"""Search documents get weighted columns (summary, organisation names) and exact keys.

The full-text objects are replaced by today's (isi.search.schema: five FTS5 columns with bm25
weights; on PostgreSQL the generated stems column over all text columns and a trigram index on
the keys) and every document is rebuilt, so an upgraded database searches like a fresh one
(a few seconds per 10,000 measures). Reversed, 0002's objects come back filled from the
documents (SQLite; on PostgreSQL the stem vocabulary stays empty until `isi search_index
--rebuild`).
"""

import importlib
import logging
from typing import Any

from django.db import migrations, models, transaction

logger = logging.getLogger(__name__)


def forward(apps: Any, schema_editor: Any) -> None:
    from isi.search import schema

    connection = schema_editor.connection
    importlib.import_module("isi.search.migrations.0002_fulltext_objects").drop(apps, schema_editor)
    schema.create(connection)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {schema.DOC_TABLE}")  # noqa: S608 - constant name
        row = cursor.fetchone()
    if not row or not row[0]:
        return
    try:
        with transaction.atomic(using=connection.alias):
            from isi.search.indexing import rebuild_search_index

            rebuild_search_index()
    except Exception:  # the data is kept; only the index waits for `isi search_index --rebuild`
        logger.exception("Search index not rebuilt; run `isi search_index --rebuild`.")


def drop_new(apps: Any, schema_editor: Any) -> None:
    """Reverse, first step: today's objects go while the new columns still exist."""
    from isi.search import schema

    schema.drop(schema_editor.connection)


def create_old(apps: Any, schema_editor: Any) -> None:
    """Reverse, last step (after the columns are gone): 0002's objects, filled from the documents."""
    importlib.import_module("isi.search.migrations.0002_fulltext_objects").create(apps, schema_editor)
    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0002_fulltext_objects"),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, create_old, elidable=False),
        migrations.AddField(
            model_name="searchdocument",
            name="keys",
            field=models.TextField(blank=True, default="", verbose_name="Schlüssel"),
        ),
        migrations.AddField(
            model_name="searchdocument",
            name="orgs",
            field=models.TextField(blank=True, default="", verbose_name="Organisationen (Wortstämme)"),
        ),
        migrations.AddField(
            model_name="searchdocument",
            name="summary",
            field=models.TextField(blank=True, default="", verbose_name="Kurzbeschreibung (Wortstämme)"),
        ),
        migrations.RunPython(forward, drop_new, elidable=False),
    ]
