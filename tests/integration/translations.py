"""Helpers for the translation tests: which msgids a template uses, which a catalogue lacks, and
which a rendered page looked up without finding a translation.

Used by test_finder_translations.py (the finder's strings) and test_public_translations.py (every
public page in every language of the pages).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
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


# Elements without an end tag.
VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
VOID_ELEMENTS |= {"track", "wbr"}
TEXT_ATTRIBUTES = {"alt", "title", "aria-label", "placeholder", "content", "value", "label"}


class _PageText(HTMLParser):
    """Text and readable attribute values of a page, leaving out scripts, styles and whatever is
    marked ``lang="de"`` (German data on purpose: titles of measures, names of ministries)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip: tuple[str, int] | None = None  # (tag, nesting) of the element being left out

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.skip is not None:
            if tag == self.skip[0]:
                self.skip = (tag, self.skip[1] + 1)
            return
        german = dict(attrs).get("lang") == "de" and tag != "html"
        if german and tag in VOID_ELEMENTS:
            return
        if german or tag in {"script", "style"}:
            self.skip = (tag, 1)
            return
        self.parts += [value for name, value in attrs if name in TEXT_ATTRIBUTES and value]

    def handle_endtag(self, tag: str) -> None:
        if self.skip is not None and tag == self.skip[0]:
            self.skip = (tag, self.skip[1] - 1) if self.skip[1] > 1 else None

    def handle_data(self, data: str) -> None:
        if self.skip is None:
            self.parts.append(data)


def page_text(content: str) -> str:
    """The page's text and readable attribute values, with runs of white space as one space
    (scripts, styles and German data marked ``lang="de"`` left out)."""
    parser = _PageText()
    parser.feed(content)
    parser.close()
    return " ".join(" ".join(parser.parts).split())
