"""`isi backup [-o FILE]`: the whole database as one verified archive (see isi.operations.backup)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from isi.operations.backup import create_backup


class Command(BaseCommand):
    help = (
        "Die Datenbank als ein Archiv sichern (SQLite: Online-Backup, PostgreSQL: pg_dump) mit Manifest "
        "(Version, Migrationen, Zeilenzahlen, SHA-256). / Back up the database as one archive "
        "with a manifest."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "-o",
            "--output",
            help="Zieldatei (Standard: var/backups/isi-<Datenbank>-<Zeit>.tar); wird ganz oder gar nicht "
            "geschrieben, Rechte 0600",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        target = Path(options["output"]) if options["output"] else None
        result = create_backup(target)
        manifest = result.manifest
        measures = manifest.row_counts.get("measures_measure", 0)
        self.stdout.write(
            f"Sicherung geschrieben / backup written: {result.path} "
            f"({manifest.vendor}, {len(manifest.row_counts)} Tabellen/tables, {measures} Maßnahmen/measures, "
            f"{manifest.dump_bytes / 1_000_000:.1f} MB, SHA-256 {manifest.dump_sha256[:12]}…, "
            f"{result.seconds:.1f} s)"
        )
