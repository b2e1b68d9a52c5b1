"""An index of the change records that are not a measure's (isi.measures.selectors.newest_other_change).

Kept renderings of a measure (page, search line, API item) are keyed by the newest of them, read
on every request: without the index that read walks back past every measure edit.
"""

from django.db import migrations

INDEX = "change_record_not_measure"
TABLE = "core_changerecord"


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_form_drafts_submit_tokens"),
        ("measures", "0007_updated_at_index"),
    ]

    operations = [
        # Partial indexes are plain SQL on SQLite and PostgreSQL alike; the model does not know
        # this one because it belongs to the measures app's question, not to core's table.
        migrations.RunSQL(
            f"CREATE INDEX {INDEX} ON {TABLE} (id) WHERE object_type <> 'measures.measure'",
            f"DROP INDEX {INDEX}",
        ),
    ]
