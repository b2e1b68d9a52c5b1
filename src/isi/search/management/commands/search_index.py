"""`isi search_index [--rebuild]` — bring the full-text search index up to date.

Without options: index measures that have no search document or whose document is older than the
measure. With `--rebuild`: rebuild every document (also after renaming organisations or catalogue
entries). Progress goes to stderr, the summary to stdout.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from isi.core.cli_input import whole_number
from isi.search.indexing import BATCH_SIZE, rebuild_search_index, refresh_search_index

MAX_BATCH_SIZE = 100_000


class Command(BaseCommand):
    help = "Suchindex aktualisieren (--rebuild: vollständig neu aufbauen)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rebuild", action="store_true", help="alle Suchdokumente neu aufbauen")
        parser.add_argument(
            "--batch-size", default=BATCH_SIZE, help=f"Maßnahmen je Schritt (1–{MAX_BATCH_SIZE})"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        last = [0.0]

        def progress(done: int, total: int) -> None:
            now = time.monotonic()
            if done >= total or now - last[0] >= 1.0:
                last[0] = now
                self.stderr.write(f"  {done:>9,} / {total:,} Maßnahmen indexiert ({now - started:.1f} s)")

        batch_size = whole_number(
            options["batch_size"], option="--batch-size", minimum=1, maximum=MAX_BATCH_SIZE
        )
        if options["rebuild"]:
            self.stderr.write("Suchindex wird neu aufgebaut …")
            count = rebuild_search_index(batch_size=batch_size, progress=progress)
            self.stdout.write(
                f"Suchindex neu aufgebaut: {count} Maßnahmen in {time.monotonic() - started:.1f} s."
            )
        else:
            result = refresh_search_index(batch_size=batch_size, progress=progress)
            self.stdout.write(
                f"Suchindex aktualisiert: {result.missing} fehlende und {result.stale} veraltete "
                f"Dokumente in {time.monotonic() - started:.1f} s."
            )
