"""Every string on the finder's pages and in the public page chrome is translated into each of the
finder's languages, and a finder page in Arabic is laid out right to left."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils.functional import Promise
from django.utils.translation import trans_real

from isi.finder.countries import COUNTRIES
from isi.finder.flow import STEPS
from isi.finder.rules import load_rule_book, translatable_texts

from .translations import template_msgids
from .translations import untranslated as missing_translations

TEMPLATES = Path(settings.BASE_DIR) / "templates"
FINDER_TEMPLATES = [TEMPLATES / "base.html", *sorted((TEMPLATES / "portal" / "finder").glob("*.html"))]
VIEW = Path(settings.BASE_DIR) / "portal" / "views" / "finder.py"
LANGUAGES = ["en", "ar", "fa", "ru", "tr", "uk"]


def msgid(text: str | Promise) -> str:
    """The German msgid behind a lazy translation."""
    args = getattr(text, "_proxy____args", None)
    return str(args[0]) if args else str(text)


def finder_msgids() -> set[str]:
    ids = template_msgids(FINDER_TEMPLATES)
    for step in STEPS:
        for text in (step.question, step.hint, step.check_label):
            if text is not None:
                ids.add(msgid(text))
        for option in step.options:
            ids.add(msgid(option.label))
            if option.hint is not None:
                ids.add(msgid(option.hint))
    ids |= set(re.findall(r'_\(\s*"((?:[^"\\]|\\.)*)"\s*(?:#[^\n]*)?\s*\)', VIEW.read_text(encoding="utf-8")))
    ids |= {country.de for country in COUNTRIES}
    return ids


def test_the_finder_languages_are_offered() -> None:
    assert [code for code, _name in settings.LANGUAGES] == ["de", "en", "ar", "fa", "ru", "tr", "uk"]


def test_the_msgid_collection_finds_the_finder_strings() -> None:
    ids = finder_msgids()
    assert {"Welches Aufenthaltspapier haben Sie?", "Weiß ich nicht", "Ihr Ergebnis", "Syrien"} <= ids
    assert len(ids) > 150


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_finder_string_is_left_untranslated(lang: str) -> None:
    untranslated = missing_translations(lang, finder_msgids())
    assert untranslated == [], f"{lang}: {len(untranslated)} untranslated: {untranslated[:10]}"


@pytest.mark.django_db
@pytest.mark.parametrize(("lang", "direction"), [("ar", "rtl"), ("fa", "rtl"), ("uk", "ltr"), ("ru", "ltr")])
def test_finder_pages_in_each_language(lang: str, direction: str) -> None:
    client = Client()
    response = client.post(f"/{lang}/angebotsfinder/start/")
    html = client.get(response["Location"]).content.decode()
    assert f'<html lang="{lang}" dir="{direction}"' in html
    for german in ("Welche Staatsangehörigkeit haben Sie?", "Weiß ich nicht", "Zurück", "Weiter"):
        assert german not in html, (lang, german)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_rule_text_is_translated(lang: str) -> None:
    """The reasons, costs and next steps of the law in force, in each language of the pages."""
    book = load_rule_book()
    catalog = trans_real.translation(lang)._catalog  # type: ignore[attr-defined]
    texts = translatable_texts(book.current, book.counselling)
    if lang == "en":
        assert all(text.en for text in texts)
        return
    untranslated = [text.de for text in texts if not catalog.get(text.de)]
    assert untranslated == [], f"{lang}: {untranslated[:5]}"
    for text in texts:
        for placeholder in ("{clause}", "{value}"):
            assert (placeholder in text.de) == (placeholder in text.get(lang)), (lang, text.de)


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["ar", "uk"])
def test_a_result_in_arabic_and_ukrainian_is_explained_in_that_language(lang: str) -> None:
    client = Client()
    client.post(f"/{lang}/angebotsfinder/start/")
    answers = {
        "staatsangehoerigkeit": "third_country",
        "dokument": "aufenthaltserlaubnis",
        "aufenthaltszweck": "temporary_protection",
        "schule": "no",
        "deutsch": "no",
        "arbeit": ["sgb2"],
        "deutsch-beruf": "yes",
    }
    for step, answer in answers.items():
        client.post(f"/{lang}/angebotsfinder/frage/{step}/", {"antwort": answer})
    html = client.get(f"/{lang}/angebotsfinder/ergebnis/").content.decode()
    for german in ("Berechtigt, weil", "Kosten:", "Integrationskurse in Ihrer Nähe", "Beratung für"):
        assert german not in html, (lang, german)
    assert "§ 24 AufenthG" in html  # the legal citation as on the papers
    assert "bamf-navi.bamf.de" in html
    expected = {"uk": "Ви маєте право, тому що", "ar": "يمكنك المشاركة. السبب:"}[lang]
    assert expected in html
