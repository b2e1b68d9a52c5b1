"""`isi makemessages`: Django's makemessages, plus the texts that live in data, in every language.

Two additions to Django's command, so that `make messages` (and a plain `isi makemessages
--no-obsolete`) keeps every translation the public pages need:

* Without ``-l``/``-a``/``-x`` it updates every language of ``settings.LANGUAGES`` except the
  source language (German, ``LANGUAGE_CODE``): German msgids need no catalogue.
* Texts the pages translate at run time but that no ``gettext`` call spells out – the finder's
  countries and the texts of the rule set in force (``isi/finder/data/eligibility.json``) – are
  added to the template (``django.pot``) before it is merged into the catalogues. Without them
  ``--no-obsolete`` would throw their translations away. Their English comes with the data: an
  empty or fuzzy English entry of a data text is filled from it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands import makemessages
from django.core.management.utils import popen_wrapper

from isi.finder.countries import COUNTRIES
from isi.finder.rules import load_rule_book, translatable_texts


@dataclass(frozen=True)
class DataText:
    de: str
    en: str
    reference: str


def data_texts() -> list[DataText]:
    """Every text translated at run time from data (German msgid, its English), with its source."""
    texts: dict[str, DataText] = {}
    for country in COUNTRIES:
        texts.setdefault(country.de, DataText(country.de, country.en, "finder/countries.py"))
    book = load_rule_book()
    for text in translatable_texts(book.current, book.counselling):
        texts.setdefault(text.de, DataText(text.de, text.en, "finder/data/eligibility.json"))
    texts.pop("", None)
    return list(texts.values())


def po_string(text: str) -> str:
    """A msgid as a PO string literal (one line; msguniq rewraps it)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{escaped}"'


class Command(makemessages.Command):
    help = makemessages.Command.help + (
        " ISI: without -l/-a/-x all languages of settings.LANGUAGES except German (the source);"
        " the finder's data texts are extracted too."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not (options.get("locale") or options.get("all") or options.get("exclude")):
            options["locale"] = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
        super().handle(*args, **options)

    def build_potfiles(self) -> list[str]:
        potfiles: list[str] = super().build_potfiles()
        if self.domain != "django":
            return potfiles
        entries = "".join(f'\n#: {t.reference}\nmsgid {po_string(t.de)}\nmsgstr ""\n' for t in data_texts())
        for potfile in potfiles:
            with open(potfile, "a", encoding="utf-8") as fp:
                fp.write(entries)
            # msguniq merges a data text that a gettext call spells out as well.
            msgs, errors, status = popen_wrapper(["msguniq", *self.msguniq_options, potfile])
            if status != 0:
                raise CommandError(f"errors happened while running msguniq\n{errors}")
            with open(potfile, "w", encoding="utf-8") as fp:
                fp.write(msgs.replace("\r\n", "\n"))
        return potfiles

    def write_po_file(self, potfile: str, locale: str) -> None:
        super().write_po_file(potfile, locale)
        if locale == "en" and self.domain == "django":
            pofile = Path(potfile).parent / locale / "LC_MESSAGES" / f"{self.domain}.po"
            english = {t.de: t.en for t in data_texts() if t.en}
            pofile.write_text(fill_from_data(pofile.read_text(encoding="utf-8"), english), encoding="utf-8")


def po_unquote(lines: list[str]) -> str:
    """The text of a msgid/msgstr spread over PO lines (``msgid "…"`` and ``"…"`` continuations)."""
    parts = [line[line.index('"') + 1 : line.rindex('"')] for line in lines]
    text = "".join(parts)
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text)


def fill_from_data(po: str, english: dict[str, str]) -> str:
    """The English catalogue with each data text's English from the data: an empty or fuzzy entry
    of a data text gets it (the data is where its English is kept); a hand-made translation stays."""
    blocks = po.split("\n\n")
    for index, block in enumerate(blocks):
        lines = block.split("\n")
        msgid_at = next((i for i, line in enumerate(lines) if line.startswith("msgid ")), None)
        msgstr_at = next((i for i, line in enumerate(lines) if line.startswith("msgstr ")), None)
        if msgid_at is None or msgstr_at is None or any(line.startswith("msgid_plural") for line in lines):
            continue
        msgstr_end = msgstr_at + 1
        while msgstr_end < len(lines) and lines[msgstr_end].startswith('"'):
            msgstr_end += 1
        msgid = po_unquote(lines[msgid_at:msgstr_at])
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        if msgid not in english or (po_unquote(lines[msgstr_at:msgstr_end]) and not fuzzy):
            continue
        head = [line for line in lines[:msgid_at] if not line.startswith("#|")]
        head = [_without_fuzzy(line) if line.startswith("#,") else line for line in head]
        head = [line for line in head if line != "#,"]
        msgstr = f"msgstr {po_string(english[msgid])}"
        blocks[index] = "\n".join([*head, *lines[msgid_at:msgstr_at], msgstr, *lines[msgstr_end:]])
    return "\n\n".join(blocks)


def _without_fuzzy(flags: str) -> str:
    kept = [flag.strip() for flag in flags[2:].split(",") if flag.strip() and flag.strip() != "fuzzy"]
    return "#, " + ", ".join(kept) if kept else "#,"
