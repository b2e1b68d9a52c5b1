"""Vendor-specific full-text objects: FTS5 + triggers on SQLite, pg_trgm + GIN indexes on PostgreSQL.

Django's schema does not know them (see isi.search.schema); they are created here for whichever
database this migration runs on, and dropped again when it is reversed.
"""

from typing import Any

from django.db import migrations

from isi.search import schema


def create(apps: Any, schema_editor: Any) -> None:
    schema.create(schema_editor.connection)


def drop(apps: Any, schema_editor: Any) -> None:
    schema.drop(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
