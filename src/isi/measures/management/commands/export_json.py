"""`isi export json [-o FILE]`: all measures as JSON (DESIGN §7)."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from isi.core.cli_input import check_target, write_atomic
from isi.measures.export import export_measures
from isi.measures.selectors import measures_with_details


class Command(BaseCommand):
    help = "Alle Maßnahmen als JSON ausgeben (Vertrag: DESIGN §7)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "-o", "--output", help="Datei statt Standardausgabe (wird ganz oder gar nicht geschrieben)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["output"]:
            check_target(options["output"])  # before the work, not after it
        measures = measures_with_details().order_by("pk")
        text = json.dumps(export_measures(measures.iterator(chunk_size=2000)), ensure_ascii=False, indent=2)
        if options["output"]:
            write_atomic(options["output"], text + "\n")
        else:
            sys.stdout.write(text + "\n")
