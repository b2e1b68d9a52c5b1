"""The federal reorganisation of May 2025 (Organisationserlass of 6 May 2025, BGBl. 2025 I Nr. 131).

Loads the register file again (new ministries, the group flag of collective entries, agencies under
their new ministries) and records the successions it lists, as ``isi.organisations.services``
records them: old names become aliases, agencies move, the predecessor is dissolved, and every
measure moves through the measures write service as a system write (no person acts). Idempotent:
a succession already recorded is skipped. The write service uses the current models, so this
migration runs after the latest migrations of the apps it writes to.
"""

from django.db import migrations

from isi.organisations.loaders import load_registry


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    load_registry(apps)
    from isi.organisations.services import apply_registry_successions

    apply_registry_successions()


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0004_organisation_is_group"),
        ("measures", "0006_contact_and_link"),
        ("core", "0002_form_drafts_submit_tokens"),
        ("search", "0003_weighted_columns_and_keys"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
