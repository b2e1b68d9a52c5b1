"""`isi similar --text "…" [--top K] [--json]`: the existing measures most similar to a text.

Searches every measure that is not archived (drafts included: this is an operator's tool) with
the similarity engine (``isi.coordination.similar``) and prints the best matches with their
scores and reasons. With --json, standard output is
``{"query": …, "results": [{"id", "title", "owner", "score", "text_score", "reasons":
[{"kind", "values", "label"}]}]}``.

Exit codes: 0 results printed (possibly none) · 2 unusable arguments (empty text, bad --top).
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from isi.coordination.similar import MAX_TOP, similar_to_text
from isi.core.cli_input import whole_number

# As POST /api/v1/similar: a title or a description, not a document.
MAX_TEXT = 20_000


class Fehler(CommandError):
    """Django prints a CommandError as "<class name>: <message>", so this one reads "Fehler: …"."""


class Command(BaseCommand):
    help = "Ähnliche Maßnahmen: die vorhandenen Maßnahmen, die einem Text am ähnlichsten sind, mit Gründen."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--text", required=True, help="Titel oder Beschreibung der geplanten Maßnahme")
        parser.add_argument("--top", default="10", help=f"wie viele Treffer (1–{MAX_TOP}, Standard 10)")
        parser.add_argument("--json", action="store_true", help="Ergebnis als JSON ausgeben")

    def handle(self, *args: Any, **options: Any) -> None:
        text = (options["text"] or "").strip()
        if not text:
            raise Fehler("Bitte einen Text angeben (--text).", returncode=2)
        if len(text) > MAX_TEXT:
            raise Fehler(f"--text ist zu lang (höchstens {MAX_TEXT} Zeichen).", returncode=2)
        try:
            top = whole_number(options["top"], option="--top", minimum=1, maximum=MAX_TOP)
        except CommandError:
            raise Fehler(f"--top muss zwischen 1 und {MAX_TOP} liegen.", returncode=2) from None
        results = similar_to_text(title=text, top=top)
        if options["json"]:
            payload = {"query": text, "results": [r.as_json() for r in results]}
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        if not results:
            self.stdout.write("Keine ähnlichen Maßnahmen gefunden.")
            return
        self.stdout.write(f"{'Nr.':>4}  {'Ähnl.':>6}  {'ID':>7}  Maßnahme (Ressort)")
        for number, result in enumerate(results, start=1):
            mark = " *" if result.is_close else ""
            head = f"{number:>4}  {result.percent:>5}%  {result.id:>7}"
            self.stdout.write(f"{head}  {result.title} ({result.owner_name}){mark}")
            for reason in result.reasons:
                self.stdout.write(f"{'':>23}– {reason.label()}")
        if any(r.is_close for r in results):
            self.stdout.write("* sehr ähnlich: eine neue Maßnahme braucht eine Begründung (Regel 3).")
