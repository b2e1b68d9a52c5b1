"""`isi restore FILE [--force]`: replace the database with a backup made by `isi backup`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from isi.core.cache import empty_shared_cache
from isi.operations.backup import restore_backup


class Command(BaseCommand):
    help = (
        "Eine Sicherung von `isi backup` zurückspielen: Prüfsumme, Datenbank und Schema werden vorher "
        "geprüft; über vorhandene Daten nur mit --force. / Restore a backup made by `isi backup`."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Archiv von `isi backup`")
        parser.add_argument(
            "--force",
            action="store_true",
            help="auch dann zurückspielen, wenn die Zieldatenbank schon Maßnahmen, Benutzer oder "
            "Änderungseinträge enthält (sie werden ersetzt)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = restore_backup(Path(options["file"]), force=options["force"])
        # Parts kept for the data before the restore could carry the same versions as the data
        # after it (a backup of another installation): never serve them.
        empty_shared_cache()
        manifest = result.manifest
        measures = manifest.row_counts.get("measures_measure", 0)
        self.stdout.write(
            f"Wiederhergestellt / restored: Sicherung vom {manifest.created_at} (ISI {manifest.isi_version}, "
            f"{manifest.vendor}), {len(manifest.row_counts)} Tabellen/tables, {measures} Maßnahmen/measures, "
            f"Zeilenzahlen geprüft / row counts verified ({result.seconds:.1f} s)"
        )
        if result.missing_migrations:
            self.stdout.write(
                f"Die Sicherung ist älter als dieses ISI "
                f"({len(result.missing_migrations)} Migrationen fehlen): "
                "bitte `isi migrate` ausführen / the backup predates this ISI: run `isi migrate`"
            )
        self.stdout.write(
            "Laufende ISI-Prozesse (Server, Worker) bitte neu starten / restart running ISI processes "
            "(server, worker)"
        )
