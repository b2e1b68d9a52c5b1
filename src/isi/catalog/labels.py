"""The language of a catalogue value, and its marking on public pages (WCAG 3.1.2 Language of Parts).

Catalogue entries have a German name and, for most, an English one. A page shows the English name
on English pages when there is one, else the German name – so German words appear on Arabic,
Persian, Russian, Turkish and Ukrainian pages (and on English ones where an entry has no English
name). Such a word must carry ``lang="de"``, or a screen reader speaks it with the page's voice.

The one rule lives here: `entry_label` (which name, in which language) and `marked` (the escaped
text, wrapped in ``<span lang="…">`` only when its language is not the page's). The models'
``label``/``label_lang``, the template filter ``catalog_label`` (catalog/templatetags) and the
search facets all use them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

GERMAN = "de"


def page_language() -> str:
    """The primary language subtag of the page being rendered ("de", "en", "ar" …)."""
    return (get_language() or GERMAN).split("-")[0].lower()


@dataclass(frozen=True)
class Label:
    """A catalogue value as a page shows it: its text and the language of that text."""

    text: str
    lang: str

    def __str__(self) -> str:
        return self.text


def entry_label(name: str, name_en: str) -> Label:
    """The label of an entry with a German `name` and an English `name_en` (may be empty): the
    English name on English pages when there is one, else the German name."""
    if name_en and page_language() == "en":
        return Label(name_en, "en")
    return Label(name, GERMAN)


def lang_attribute(lang: str) -> SafeString:
    """`` lang="…"`` when `lang` is not the page's language (empty `lang`: a text in the page's
    language, e.g. from gettext), else nothing. For elements that cannot hold a span (``<option>``)."""
    if lang and lang != page_language():
        return format_html(' lang="{}"', lang)
    return mark_safe("")


def marked(text: Any, lang: str) -> SafeString:
    """`text`, escaped, in ``<span lang="…">`` when `lang` is not the page's language."""
    attribute = lang_attribute(lang)
    if attribute:
        return format_html("<span{}>{}</span>", attribute, text)
    return SafeString(conditional_escape(text))


def label_of(value: Any) -> Label:
    """A `Label`, or an object with ``label`` and ``label_lang`` (catalogue entries, regions,
    phases, themes), as a `Label`; None as an empty label."""
    if isinstance(value, Label):
        return value
    if value is None:
        return Label("", "")
    return Label(str(value.label), str(value.label_lang))
