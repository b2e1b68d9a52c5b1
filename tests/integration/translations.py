"""Helpers for the translation tests: which msgids a template uses, which a catalogue lacks, and
which a rendered page looked up without finding a translation.

Used by test_finder_translations.py (the finder's strings) and test_public_translations.py (every
public page in every language of the pages).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import trans_real

# The languages the public pages are translated into (German is the source).
LANGUAGES = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
# The languages kept in the catalogues by hand (English texts of data come with the data).
HAND_TRANSLATED = [code for code in LANGUAGES if code != "en"]
LOCALE_DIR = Path(settings.BASE_DIR) / "locale"


def template_msgids(paths: Iterable[Path]) -> set[str]:
    """The msgids of ``{% translate %}`` and ``{% blocktranslate %}`` in these templates (the
    blocktranslate variables as ``%(name)s``, as makemessages writes them)."""
    ids: set[str] = set()
    for path in paths:
        source = path.read_text(encoding="utf-8")
        ids |= set(re.findall(r'{% translate "((?:[^"\\]|\\.)*)"', source))
        ids |= set(re.findall(r"{% translate '((?:[^'\\]|\\.)*)'", source))
        for block in re.findall(r"{% blocktranslate[^%]*%}(.*?){% endblocktranslate %}", source, re.S):
            if "{% plural %}" not in block:
                ids.add(re.sub(r"{{ *(\w+) *}}", r"%(\1)s", block))
    return ids


def catalog(lang: str) -> Any:
    """The merged gettext catalogue of a language (ISI's and Django's own)."""
    return trans_real.translation(lang)._catalog  # type: ignore[attr-defined]


def untranslated(lang: str, ids: Iterable[str]) -> list[str]:
    found = catalog(lang)
    return sorted(i for i in ids if not found.get(i))


def po_msgids(lang: str = "en") -> set[str]:
    """Every msgid of ISI's catalogue (without plural msgids and contexts)."""
    mo = LOCALE_DIR / lang / "LC_MESSAGES" / "django.mo"
    with mo.open("rb") as fp:
        keys = trans_real.gettext_module.GNUTranslations(fp)._catalog.keys()  # type: ignore[attr-defined]
    return {key for key in keys if isinstance(key, str) and key and "\x04" not in key}


def defined_msgids(lang: str = "en") -> set[str]:
    """Every msgid ISI's catalogue defines, translated or not (read from the .po file)."""
    po = (LOCALE_DIR / lang / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    ids = set()
    for block in re.findall(r'^msgid ((?:".*"\n)+)', po, re.M):
        text = "".join(re.findall(r'^"(.*)"$', block, re.M))
        ids.add(re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text))
    ids.discard("")
    return ids


@contextmanager
def missing_lookups(lang: str) -> Iterator[set[str]]:
    """The msgids that code and templates looked up in ``lang`` without finding a translation,
    while the block runs (gettext, pgettext, ngettext and the template tags all end here)."""
    missing: set[str] = set()
    cls = trans_real.DjangoTranslation
    original_gettext, original_ngettext = cls.gettext, cls.ngettext

    def gettext(self: Any, message: str) -> str:
        if self.language() == lang and message not in self._catalog:
            missing.add(message.replace("\x04", " | "))
        return original_gettext(self, message)

    def ngettext(self: Any, msgid1: str, msgid2: str, n: int) -> str:
        if self.language() == lang:
            try:
                self._catalog.plural(msgid1, n)
            except KeyError:
                missing.add(msgid1)
        return original_ngettext(self, msgid1, msgid2, n)

    cls.gettext, cls.ngettext = gettext, ngettext  # type: ignore[method-assign]
    try:
        yield missing
    finally:
        cls.gettext, cls.ngettext = original_gettext, original_ngettext  # type: ignore[method-assign]


def page_text(content: str) -> str:
    """The page's text and attribute values, unescaped, with runs of white space as one space
    (scripts and styles left out)."""
    content = re.sub(r"<(script|style)\b.*?</\1>", " ", content, flags=re.S | re.I)
    return " ".join(html.unescape(content).split())
