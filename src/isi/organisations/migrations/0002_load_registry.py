"""Load organisations/data/registry.json (version 1)."""

from django.db import migrations

from isi.organisations.loaders import load_registry


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    load_registry(apps)


class Migration(migrations.Migration):
    dependencies = [("organisations", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
