"""Load catalog/data/catalog.json and nap_i_themes.json (version 1)."""

from django.db import migrations

from isi.catalog.loaders import load_catalog, load_phases


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    load_catalog(apps)
    load_phases(apps)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
