"""`isi finder --answers FILE.json [--json] [--lang de|en]`: the offer finder (DESIGN §5, §7).

Reads the answers (a JSON object with the keys of DESIGN §5; `-` reads standard input),
checks them and prints, per offer, whether the person may attend and why.

Exit codes: 0 result printed · 2 the answers cannot be used (file missing or unreadable, not
JSON, not an object, invalid answers – each error is printed with its key).
With --json, standard output is always `{"results": […], "errors": […]}`.
"""

from __future__ import annotations

import json
from argparse import ArgumentParser, ArgumentTypeError
from datetime import date
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandError

from isi.core import cli_input
from isi.core.cli_input import KIB, read_json
from isi.finder.answers import NON_KEY, Lang, to_lang
from isi.finder.rules import NOT_BINDING, OfferResult, evaluate, results_to_json, validate_answers

EXIT_INVALID_INPUT = 2
# The answers are one flat object of a dozen keys; the API accepts 64 KiB as well.
MAX_ANSWERS_BYTES = 64 * KIB
MAX_ANSWERS_DEPTH = 8

VERDICTS = {
    True: ("Ja – Sie können teilnehmen.", "Yes – you can take part."),
    False: ("Nein – nach Ihren Angaben nicht.", "No – not according to your answers."),
    None: ("Noch offen.", "Not decided yet."),
}
NOTICE = (
    "Hinweis: " + NOT_BINDING.de,
    "Note: " + NOT_BINDING.en,
)
BASIS = {
    "claim": ("Anspruch", "claim (Anspruch)"),
    "admission": (
        "Zulassung im Rahmen freier Kursplätze",
        "admission within available places (Zulassung)",
    ),
}


class Fehler(CommandError):
    """Django prints a CommandError as "<class name>: <message>", so this one reads "Fehler: …"."""


def iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ArgumentTypeError(f"kein Datum im Format JJJJ-MM-TT: {value!r}") from None


class Command(BaseCommand):
    help = (
        "Angebotsfinder: Wer darf am Integrationskurs und an Berufssprachkursen teilnehmen? "
        "Liest die Antworten aus einer JSON-Datei (DESIGN §5)."
    )
    # Pure computation: no database, no system checks needed.
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--answers",
            required=True,
            metavar="FILE.json",
            help="Antworten als JSON-Objekt (Schlüssel wie in DESIGN §5); '-' liest die Standardeingabe",
        )
        parser.add_argument("--json", action="store_true", help='Ergebnis als JSON: {"results": […]}')
        parser.add_argument("--lang", choices=["de", "en"], default="de", help="Sprache der Begründungen")
        parser.add_argument(
            "--today", type=iso_date, default=None, metavar="JJJJ-MM-TT", help="Stichtag (Standard: heute)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        lang = to_lang(options["lang"])
        as_json = bool(options["json"])
        today: date | None = options.get("today")
        raw = self.read(str(options["answers"]), lang, as_json)
        answers, errors = validate_answers(raw, today=today)
        if errors:
            self.fail(
                [(e.key, e.message(lang)) for e in errors],
                lang,
                as_json,
                payload=results_to_json([], errors, lang),
            )
        results = evaluate(answers, today=today)
        if as_json:
            self.stdout.write(json.dumps(results_to_json(results, (), lang), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(render_text(results, lang))

    def read(self, source: str, lang: Lang, as_json: bool) -> object:
        """The parsed JSON of the answers file; any problem ends the command with exit code 2.

        At most MAX_ANSWERS_BYTES are read and the JSON may nest at most MAX_ANSWERS_DEPTH levels
        (the answers are one flat object), so that /dev/zero or deeply nested input ends in a
        clear error.
        """
        try:
            return read_json(source, max_bytes=MAX_ANSWERS_BYTES, max_depth=MAX_ANSWERS_DEPTH)
        except cli_input.Fehler as exc:
            self.fail([(NON_KEY, _t(lang, exc.de, exc.en))], lang, as_json)

    def fail(
        self,
        problems: list[tuple[str, str]],
        lang: Lang,
        as_json: bool,
        payload: dict[str, Any] | None = None,
    ) -> NoReturn:
        """Print each problem (key and message) to stderr, the JSON shape to stdout; exit 2."""
        if as_json:
            payload = payload or {
                "results": [],
                "errors": [{"key": key, "message": message} for key, message in problems],
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
        if len(problems) == 1 and problems[0][0] == NON_KEY:
            raise Fehler(problems[0][1], returncode=EXIT_INVALID_INPUT)
        for key, message in problems:
            self.stderr.write(f"  {key or '–'}: {message}")
        count = len(problems)
        raise Fehler(
            _t(
                lang,
                f"Die Antworten können nicht ausgewertet werden ({count} Fehler).",
                f"The answers cannot be evaluated ({count} error{'s' if count != 1 else ''}).",
            ),
            returncode=EXIT_INVALID_INPUT,
        )


def _t(lang: Lang, de: str, en: str) -> str:
    return en if lang == "en" else de


def render_text(results: list[OfferResult], lang: Lang) -> str:
    """The results as readable text (German by default)."""
    index = 1 if lang == "en" else 0
    lines = [_t(lang, "Angebotsfinder – Ergebnis", "Offer finder – result"), ""]
    for result in results:
        lines.append(f"{result.title.get(lang)}: {VERDICTS[result.eligible][index]}")
        lines.extend(f"  – {reason}" for reason in result.reasons(lang))
        if result.basis is not None:
            lines.append(_t(lang, "  Grundlage: ", "  Basis: ") + BASIS[result.basis][index])
        if result.decided_by is not None:
            lines.append(_t(lang, "  Entscheidet: ", "  Decided by: ") + result.decided_by.get(lang))
        if result.legal_state is not None:
            lines.append(_t(lang, "  Rechtsstand: ", "  Legal state: ") + result.legal_state.isoformat())
        steps = result.next_steps(lang)
        if steps:
            lines.append(_t(lang, "  Nächste Schritte:", "  Next steps:"))
            lines.extend(f"  → {step}" for step in steps)
        lines.append("")
    lines.append(NOTICE[index])
    return "\n".join(lines)
