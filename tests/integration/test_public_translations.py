"""Every public page in every language of the pages: no string of the catalogue is left untranslated.

Each page type is rendered through the test client under its language prefix (/ar/…, /uk/…), and
fails on
* any msgid that code or a template looked up without finding a translation in that language
  (``missing_lookups``: the gettext calls themselves, so a string counts wherever it comes from), and
* any German text of the catalogue on the page that the language's translations do not contain
  themselves (a German fragment from a cache, or a text rendered in the wrong language).
German legal terms beside a translation are allowed: they are part of the translation.

The static side – every msgid of the public templates has a translation – is checked too, so that a
string on a branch this rendering does not reach is not forgotten.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from django.utils.html import escape as html_escape

from isi.catalog.models import Area, Level, TargetGroup, Theme
from isi.measures.models import Measure, MeasureOrganisation
from isi.organisations.models import Organisation

from .monitoring_fixtures import make_world
from .translations import (
    HAND_TRANSLATED,
    LANGUAGES,
    catalog,
    defined_msgids,
    missing_lookups,
    page_text,
    po_msgids,
    template_msgids,
    untranslated,
)

TEMPLATES = Path(settings.BASE_DIR) / "templates"
PUBLIC_TEMPLATES = [
    TEMPLATES / "base.html",
    *sorted((TEMPLATES / "portal").rglob("*.html")),
    *sorted((TEMPLATES / "errors").glob("*.html")),
]
LANGUAGE_NAMES = {str(name) for _code, name in settings.LANGUAGES}
# Short German words ("Start", "und") also occur inside other texts and names; a German text of at
# least this length on a page in another language is a text left in German.
MIN_GERMAN_LENGTH = 20


@pytest.fixture
def world() -> dict[str, str]:
    bmi = Organisation.objects.get(key="bmi")
    measure = Measure.objects.create(
        title="Sprachkurs für Eltern",
        summary="Kurse am Vormittag.",
        goals="Mehr Eltern sprechen Deutsch.",
        status=Measure.Status.choices[0][0],
        start_date=date(2024, 1, 1),
        end_date=date(2027, 12, 31),
        owner=bmi,
        level=Level.objects.get(key="bund"),
        nap_i_theme=Theme.objects.get(phase__number=2, position=2),
        nap_i_number=1,
        contact_name="Referat M 1",
        contact_email="m1@example.org",
        url="https://example.org/kurs",
        publication=Measure.Publication.RELEASED,
    )
    measure.areas.set([Area.objects.all()[0]])
    measure.target_groups.set([TargetGroup.objects.all()[0]])
    MeasureOrganisation.objects.create(measure=measure, organisation=bmi, role="responsible")
    sparse = Measure.objects.create(
        title="Beratung für Zugewanderte",
        owner=bmi,
        level=Level.objects.get(key="bund"),
        publication=Measure.Publication.RELEASED,
        source_key="nap-i/9/9/9",
        suggested_fields=["areas"],
        suggestion_notes={"areas": ["Beratung genannt"]},
    )
    sparse.areas.set([Area.objects.all()[0]])
    return {
        "home": "/",
        "search": "/massnahmen/",
        "search with results": "/massnahmen/?q=Sprachkurs",
        "search without results": "/massnahmen/?q=Zebrafischzucht",
        "search with filters": "/massnahmen/?level=bund&status=running&sort=title",
        "measure": f"/massnahmen/{measure.pk}/",
        "measure with suggestions": f"/massnahmen/{sparse.pk}/",
        "nap-i": "/nap-i/",
        "nap-i phase": "/nap-i/phase-2/",
        "nap-i theme": "/nap-i/phase-2/thema-2/",
        "organisations": "/organisationen/",
        "organisation": "/organisationen/bmi/",
        "finder": "/angebotsfinder/",
        "open data": "/offene-daten/",
        "easy language": "/leichte-sprache/",
        "accessibility": "/barrierefreiheit/",
        "feedback": "/feedback/?seite=/massnahmen/",
        "imprint": "/impressum/",
        "privacy": "/datenschutz/",
        "404": "/gibt-es-nicht/",
    }


@cache
def german_left_in(lang: str) -> list[str]:
    """The catalogue's German texts that, found on a page in ``lang``, are German left over: long
    enough to mean something, without placeholders, and not part of any translation of ``lang``."""
    translations = "\n".join(value for _key, value in catalog(lang).items() if isinstance(value, str))
    return sorted(
        msgid
        for msgid in po_msgids()
        if len(msgid) >= MIN_GERMAN_LENGTH
        and "%" not in msgid
        and "{" not in msgid
        and msgid not in translations
    )


def get(client: Client, lang: str, path: str) -> str:
    """A public page under the language's prefix; the pages outside the prefixed portal (the
    indicators, the open data index) in the language of the switch's cookie."""
    prefixed = not path.startswith(("/indikatoren/", "/daten/"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    response = client.get(f"/{lang}{path}" if prefixed else path)
    assert response.status_code == (404 if "gibt-es-nicht" in path else 200), (lang, path)
    html = response.content.decode()
    assert f'<html lang="{lang}"' in html, (lang, path)
    return html


def untranslated_on(lang: str, pages: dict[str, str]) -> dict[str, list[str]]:
    """Per page: the msgids looked up without a translation, and the German texts left on it."""
    client = Client()
    problems: dict[str, list[str]] = {}
    for name, path in pages.items():
        with missing_lookups(lang) as missing:
            html = get(client, lang, path)
        text = page_text(html)
        german = [msgid for msgid in german_left_in(lang) if msgid in text]
        missing -= LANGUAGE_NAMES  # {% get_available_languages %} looks them up; each is named in itself
        if lang == "en":
            missing &= defined_msgids()  # Django's own texts are English already
        if missing or german:
            problems[name] = sorted(missing) + [f"(German on the page) {g}" for g in german]
    return problems


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_public_page_is_translated(lang: str, world: dict[str, str]) -> None:
    problems = untranslated_on(lang, world)
    assert problems == {}, f"{lang}: " + "\n".join(f"{page}: {ids}" for page, ids in problems.items())


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_indicator_and_data_pages_are_translated(lang: str) -> None:
    """The integration monitoring and the open data index, linked from every public page but
    outside the prefixed portal, in the language chosen with the switch."""
    indicator = make_world().indicator
    pages = {"indicators": "/indikatoren/", "indicator": f"/indikatoren/{indicator.slug}/", "data": "/daten/"}
    problems = untranslated_on(lang, pages)
    assert problems == {}, f"{lang}: " + "\n".join(f"{page}: {ids}" for page, ids in problems.items())


@pytest.mark.django_db
def test_the_checks_find_what_they_look_for(world: dict[str, str]) -> None:
    """Both checks can fail: a lookup without translation is caught, and the German home page
    served as a Ukrainian one would be caught by its German texts."""
    with translation.override("uk"), missing_lookups("uk") as missing:
        translation.gettext("Ein Satz, den es in keinem Katalog gibt")
        translation.gettext("Impressum")
    assert missing == {"Ein Satz, den es in keinem Katalog gibt"}
    german_home = page_text(Client().get("/").content.decode())
    found = [msgid for msgid in german_left_in("uk") if msgid in german_home]
    assert "Maßnahmen nach Phasen und Themenforen" in found
    assert len(found) > 5


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_string_of_the_public_templates_is_translated(lang: str) -> None:
    missing = untranslated(lang, template_msgids(PUBLIC_TEMPLATES))
    assert missing == [], f"{lang}: {len(missing)} untranslated: {missing[:10]}"


@pytest.mark.parametrize("lang", HAND_TRANSLATED)
def test_translations_keep_their_placeholders(lang: str) -> None:
    found = catalog(lang)
    wrong = []
    for msgid in po_msgids():
        translated = found.get(msgid)
        if not translated:
            continue
        for pattern in (r"%\(\w+\)[sd]", r"\{\w+\}"):
            if sorted(re.findall(pattern, msgid)) != sorted(re.findall(pattern, translated)):
                wrong.append(msgid)
    assert wrong == [], f"{lang}: {wrong[:5]}"


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGUAGES)
def test_feedback_errors_and_thanks_are_translated(lang: str) -> None:
    client = Client()
    with missing_lookups(lang) as missing:
        errors = client.post(f"/{lang}/feedback/", {"kind": "barrier", "message": "x", "email": "kein"})
        sent = client.post(
            f"/{lang}/feedback/", {"kind": "barrier", "message": "Der Knopf fehlt."}, follow=True
        )
    assert errors.status_code == 200 and sent.status_code == 200
    assert catalog(lang)["Bitte schreiben Sie mindestens ein paar Worte."] in errors.content.decode()
    assert catalog(lang)["Vielen Dank! Ihre Nachricht ist angekommen."] in sent.content.decode()
    if lang == "en":
        missing &= defined_msgids()  # Django's own texts are English already
    assert missing - LANGUAGE_NAMES == set()


@pytest.mark.django_db
def test_a_page_kept_in_german_is_not_served_in_another_language(
    world: dict[str, str], caches_on: None
) -> None:
    """The cached parts of the measure and search pages are kept per language: a page first
    rendered in German is rendered again, not copied, for Arabic and Ukrainian readers."""
    pages = {name: world[name] for name in ("measure", "search with results", "search without results")}
    german = Client()
    for path in pages.values():
        assert german.get(path).status_code == 200
    for lang in ("ar", "uk"):
        assert untranslated_on(lang, pages) == {}, lang


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_finder_run_is_translated(lang: str) -> None:
    """Every page of a run through the finder: the questions, the check page and the result."""
    client = Client()
    answers = {
        "staatsangehoerigkeit": "third_country",
        "dokument": "gestattung",
        "herkunftsland": "SY",
        "schule": "no",
        "deutsch": "no",
        "arbeit": ["sgb2"],
        "deutsch-beruf": "yes",
    }
    problems: dict[str, list[str]] = {}
    with missing_lookups(lang) as missing:
        response = client.post(f"/{lang}/angebotsfinder/start/")
        pages = {"start": client.get(response["Location"]).content.decode()}
        pages["missing answer"] = client.post(
            f"/{lang}/angebotsfinder/frage/staatsangehoerigkeit/"
        ).content.decode()
        for step, answer in answers.items():
            response = client.post(f"/{lang}/angebotsfinder/frage/{step}/", {"antwort": answer}, follow=True)
            pages[step] = response.content.decode()
        pages["check"] = client.get(f"/{lang}/angebotsfinder/pruefen/").content.decode()
        pages["result"] = client.get(f"/{lang}/angebotsfinder/ergebnis/").content.decode()
    error = "Bitte wählen Sie eine Antwort aus. Wenn Sie es nicht wissen, wählen Sie „Weiß ich nicht“."
    assert html_escape(catalog(lang)[error]) in pages["missing answer"], lang
    offer = "Integration course" if lang == "en" else catalog(lang)["Integrationskurs"]
    assert offer in pages["result"], lang  # the run reached its result
    if lang == "en":
        missing &= defined_msgids()  # Django's own texts are English already
    for name, html in pages.items():
        assert f'<html lang="{lang}"' in html, (lang, name)
        text = page_text(html)
        german = [msgid for msgid in german_left_in(lang) if msgid in text]
        if german:
            problems[name] = german
    missing = {msgid for msgid in missing if not msgid.startswith("§")}  # citations stay German
    assert (sorted(missing - LANGUAGE_NAMES), problems) == ([], {}), lang
