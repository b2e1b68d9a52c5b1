"""`isi generate --measures N --seed S` – realistic synthetic measures for scale tests.

isi generate --measures 100000 --seed 1                 generate and store, print a summary
isi generate --measures 500 --seed 1 --batch-size 500   smaller insert batches
isi generate --measures 500 --reference-date 2025-06-30 dates relative to that day
isi generate --measures 100000 --no-index               leave the search index to `isi search_index`

The same N and seed always give the same measures (source keys "gen/SEED/INDEX"); a second run
stores nothing twice. Dates are relative to the reference date (default: today), so review
dates stay "within the last twelve months" whenever the command is run.
"""

from __future__ import annotations

import argparse
import time
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from django.utils import timezone

from isi.core.parsing import is_int, parse_int
from isi.measures.synthetic.writer import DEFAULT_BATCH_SIZE, SyntheticDataError, WriteResult, generate

# Upper bounds: far above any scale test (bench/ runs up to 1,000,000), far below what never ends.
MAX_MEASURES = 10_000_000
MAX_SEED = 2_147_483_647
MAX_BATCH_SIZE = 100_000
TOO_LARGE = 10**30


class Fehler(CommandError):
    """Django prints a CommandError as "<class name>: <message>", so this one reads "Fehler: …"."""


def _whole_number(raw: str) -> int | str:
    """ASCII digits (optionally negative) as an int; anything else stays text for `_number` to refuse.

    Checked in the command, not by argparse, so that the error is one line without the usage.
    """
    text = raw.strip()
    negative = text.startswith("-")
    digits = text[1:] if negative else text
    value = parse_int(digits, max_digits=30)
    if value is None:
        if not is_int(digits, max_digits=len(digits) or 1):
            return raw
        value = TOO_LARGE  # more digits than any bound: only its size matters
    return -value if negative else value


def _iso_date(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"kein Datum im Format JJJJ-MM-TT: {raw!r}") from None


def german_number(value: float, decimals: int = 0) -> str:
    """1234567.8 → "1.234.567,8"."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


class Command(BaseCommand):
    help = "Erzeugt realistische synthetische Maßnahmen für Lasttests (reproduzierbar über den Seed)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--measures", type=_whole_number, metavar="N", help="Anzahl der Maßnahmen (größer als 0)"
        )
        parser.add_argument(
            "--seed",
            type=_whole_number,
            default=1,
            metavar="S",
            help="Startwert des Zufallsgenerators (Standard: 1)",
        )
        parser.add_argument(
            "--batch-size",
            type=_whole_number,
            default=DEFAULT_BATCH_SIZE,
            metavar="B",
            help=f"Maßnahmen je Einfügevorgang (Standard: {DEFAULT_BATCH_SIZE})",
        )
        parser.add_argument(
            "--reference-date",
            type=_iso_date,
            metavar="JJJJ-MM-TT",
            help="Stichtag, auf den sich alle Daten beziehen (Standard: heute)",
        )
        parser.add_argument(
            "--no-index",
            action="store_true",
            help="Suchindex nicht mitschreiben (später mit „isi search_index“ nachholen)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count = self._number(
            options.get("measures"), "--measures", "die Anzahl der Maßnahmen", maximum=MAX_MEASURES
        )
        seed = self._number(options.get("seed"), "--seed", "der Seed", minimum=0, maximum=MAX_SEED)
        batch_size = self._number(
            options.get("batch_size"), "--batch-size", "die Stapelgröße", maximum=MAX_BATCH_SIZE
        )
        reference = options.get("reference_date") or timezone.localdate()
        if not isinstance(reference, date):
            raise Fehler("--reference-date muss ein Datum im Format JJJJ-MM-TT sein.")

        def progress(done: int) -> None:
            self.stderr.write(f"{german_number(done)} von {german_number(count)} Maßnahmen verarbeitet …")
            self.stderr.flush()

        started = time.perf_counter()
        try:
            result = generate(
                count=count,
                seed=seed,
                reference_date=reference,
                batch_size=batch_size,
                progress=progress,
                index=not options.get("no_index"),
            )
        except SyntheticDataError as exc:
            raise Fehler(str(exc)) from None
        except DatabaseError as exc:
            raise Fehler(f"Datenbankfehler: {exc} – wurde „isi migrate“ ausgeführt?") from None
        seconds = time.perf_counter() - started
        summary = self._summary(result, count=count, seed=seed, reference=reference, seconds=seconds)
        if options.get("no_index") and result.created:
            summary += "\n  Suchindex nicht aktualisiert – bitte „isi search_index“ ausführen."
        self.stdout.write(summary)

    @staticmethod
    def _number(value: Any, option: str, what: str, *, minimum: int = 1, maximum: int) -> int:
        if value is None:
            raise Fehler(f"Bitte {what} mit {option} angeben, z. B. „isi generate --measures 1000 --seed 1“.")
        raw = value
        if isinstance(value, bool) or not isinstance(value, int):
            parsed = _whole_number(str(value))
            if not isinstance(parsed, int):
                raise Fehler(f"{option} muss eine ganze Zahl sein, nicht {str(value)[:40]!r}.", returncode=2)
            value = parsed
        if value > maximum:
            raise Fehler(
                f"{option} darf höchstens {german_number(maximum)} sein, nicht {str(raw)[:40]} "
                f"/ {option} must be at most {maximum}.",
                returncode=2,
            )
        if value < minimum:
            relation = "größer als 0" if minimum == 1 else f"mindestens {minimum}"
            raise Fehler(f"{option} muss {relation} sein, nicht {value}.")
        return int(value)

    @staticmethod
    def _summary(result: WriteResult, *, count: int, seed: int, reference: date, seconds: float) -> str:
        rate = result.created / seconds if seconds > 0 else 0.0
        levels = " · ".join(
            f"{label}: {german_number(result.per_level[key])}"
            for key, label in (("bund", "Bund"), ("land", "Land"), ("kommune", "Kommune"))
        )
        lines = [
            f"{german_number(result.created)} von {german_number(count)} synthetischen Maßnahmen angelegt "
            f"(Seed {seed}, Stichtag {reference:%d.%m.%Y}) in {german_number(seconds, 1)} s "
            f"({german_number(rate)} Maßnahmen/s, "
            f"davon Suchindex {german_number(result.after_batch_seconds, 1)} s).",
            f"  nach Ebene: {levels}",
            f"  davon Paraphrasen (Beinahe-Dubletten): {german_number(result.paraphrases)}",
            f"  Beteiligungen: {german_number(result.organisation_links)} · "
            f"Erfolgskontrollen: {german_number(result.evaluations)} · "
            f"Änderungseinträge: {german_number(result.change_records)}",
        ]
        if result.skipped:
            lines.append(f"  übersprungen, weil schon vorhanden: {german_number(result.skipped)}")
        if result.regions_created or result.organisations_created:
            lines.append(
                f"  neu angelegt: {german_number(result.regions_created)} Regionen, "
                f"{german_number(result.organisations_created)} Organisationen (Länder und Kommunen)"
            )
        return "\n".join(lines)
