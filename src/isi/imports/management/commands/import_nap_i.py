"""`isi import nap-i PATH` – import the NAP-I text (idempotent) and print a summary.

isi import nap-i PATH                      import the text
isi import nap-i PATH --dry-run            read and report, write nothing
isi import nap-i --facts FILE              import the committed facts JSON instead
isi import nap-i PATH --write-facts FILE   write the facts JSON, import nothing
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from isi.core import cli_input
from isi.core.cli_input import MIB, parse_json, read_bounded, read_text, write_atomic
from isi.imports.napi.document import NapIDocument, NapIParseError
from isi.imports.napi.facts import FactsError, document_to_facts, facts_to_document
from isi.imports.napi.parser import parse_nap_i
from isi.imports.napi.service import NapIImportError, import_nap_i

# The NAP-I text is about 45 KB and its facts about 60 KB; larger input is not the NAP-I.
MAX_INPUT_BYTES = 8 * MIB


class Fehler(CommandError):
    """Django prints a CommandError as "<class name>: <message>", so this one reads "Fehler: …"."""


class Command(BaseCommand):
    help = "Importiert den Text des Nationalen Aktionsplans Integration (NAP-I); idempotent."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", nargs="?", help="NAP-I als Text (UTF-8)")
        parser.add_argument("--facts", metavar="FILE", help="statt des Textes die Fakten-JSON lesen")
        parser.add_argument(
            "--write-facts", metavar="FILE", help="Fakten-JSON aus PATH schreiben, nichts importieren"
        )
        parser.add_argument("--dry-run", action="store_true", help="lesen und berichten, nichts speichern")

    def handle(self, *args: Any, **options: Any) -> None:
        path: str | None = options.get("path")
        facts: str | None = options.get("facts")
        target: str | None = options.get("write_facts")
        if bool(path) == bool(facts):
            raise Fehler(
                "Bitte genau eine Quelle angeben: PATH oder --facts FILE "
                "/ give exactly one source: PATH or --facts FILE"
            )
        if target and not path:
            raise Fehler("--write-facts braucht den NAP-I-Text als PATH / needs PATH")
        document = self.read(path, facts)
        if target:
            self.write_facts(document, Path(target))
            return
        try:
            report = import_nap_i(document, dry_run=bool(options.get("dry_run")))
        except NapIImportError as exc:
            raise Fehler(str(exc)) from None
        except DatabaseError as exc:
            raise Fehler(f"Datenbank: {exc} – wurde `isi migrate` ausgeführt? / database error") from None
        self.stdout.write(report.summary())
        self.stdout.write(report.details())

    def read(self, path: str | None, facts: str | None) -> NapIDocument:
        source = Path(path or facts or "")
        try:
            if facts:
                text = read_text(source, max_bytes=MAX_INPUT_BYTES)
                try:
                    data = parse_json(text, source)
                except cli_input.Fehler as exc:
                    raise Fehler(
                        f"Fakten-Datei ist kein gültiges JSON ({exc.de}) "
                        f"/ facts file is not valid JSON ({exc.en})"
                    ) from None
                return facts_to_document(data)
            return parse_nap_i(read_bounded(source, max_bytes=MAX_INPUT_BYTES))
        except cli_input.Fehler as exc:
            raise Fehler(str(exc)) from None  # this command's errors exit with status 1
        except NapIParseError as exc:
            raise Fehler(exc.message) from None
        except FactsError as exc:
            raise Fehler(str(exc)) from None

    def write_facts(self, document: NapIDocument, target: Path) -> None:
        # The format of isi.imports.napi.facts.write_facts, written atomically.
        text = json.dumps(document_to_facts(document), ensure_ascii=False, indent=1)
        try:
            write_atomic(target, text + "\n")
        except cli_input.Fehler as exc:
            raise Fehler(str(exc)) from None
        self.stdout.write(
            f"Fakten geschrieben: {target} ({len(document.phases)} Phasen, "
            f"{len(document.themes)} Themenforen, {document.measure_count} Maßnahmen); "
            "nichts importiert"
        )
