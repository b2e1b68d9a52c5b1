"""Every public page under each language prefix (/en/…, /ar/…; German without): the address
chooses the language, links keep it, the switch and the hreflang alternates name the same page in
the other languages, and the work area, the API and /healthz stay without prefix (issue 14, 5)."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client

from isi.catalog.models import Level, Theme
from isi.measures.models import Measure, MeasureOrganisation
from isi.organisations.models import Organisation

pytestmark = pytest.mark.django_db

PREFIXED = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
RTL = {"ar", "fa"}
HREF = re.compile(r'<a [^>]*href="(/[^"]*)"')


@pytest.fixture
def world() -> Measure:
    return make_world()


def make_world() -> Measure:
    """One public measure in a NAP-I theme, owned by the BMI (the pages of `public_pages`)."""
    bmi = Organisation.objects.get(key="bmi")
    measure = Measure.objects.create(
        title="Integrationskurs für Eltern",
        owner=bmi,
        level=Level.objects.get(key="bund"),
        nap_i_theme=Theme.objects.get(phase__number=2, position=2),
        nap_i_number=1,
        publication="released",
    )
    MeasureOrganisation.objects.create(measure=measure, organisation=bmi, role="responsible")
    return measure


def public_pages(world: Measure) -> list[str]:
    return [
        "/",
        "/massnahmen/",
        "/massnahmen/?q=Sprachkurs",
        f"/massnahmen/{world.pk}/",
        "/nap-i/",
        "/nap-i/phase-2/",
        "/nap-i/phase-2/thema-2/",
        "/organisationen/",
        "/organisationen/bmi/",
        "/angebotsfinder/",
        "/offene-daten/",
        "/leichte-sprache/",
        "/barrierefreiheit/",
        "/feedback/",
        "/impressum/",
        "/datenschutz/",
    ]


def internal_links(html: str) -> list[str]:
    """Links to other public pages (not the switch, not files, the API or the work area)."""
    chrome = html.split('<ul class="language-list"', 1)
    if len(chrome) == 2:  # leave the language switch out: it links to the other languages
        html = chrome[0] + chrome[1].split("</ul>", 1)[1]
    unprefixed = ("/daten/", "/api/", "/indikatoren/", "/konto/", "/arbeitsbereich/", "/static/", "/i18n/")
    return [href for href in HREF.findall(html) if not href.startswith(unprefixed)]


def test_every_public_page_answers_under_every_prefix_with_lang_and_dir(
    client: Client, world: Measure
) -> None:
    for page in public_pages(world):
        german = client.get(page)
        assert german.status_code == 200, page
        assert '<html lang="de" dir="ltr"' in german.content.decode(), page
        for lang in PREFIXED:
            response = client.get(f"/{lang}{page}")
            assert response.status_code == 200, (lang, page)
            direction = "rtl" if lang in RTL else "ltr"
            html = response.content.decode()
            assert f'<html lang="{lang}" dir="{direction}"' in html, (lang, page)
            assert response["Content-Language"] == lang


def test_links_on_a_prefixed_page_keep_the_prefix(client: Client, world: Measure) -> None:
    for page in (
        "/",
        "/massnahmen/",
        f"/massnahmen/{world.pk}/",
        "/nap-i/phase-2/thema-2/",
        "/organisationen/bmi/",
    ):
        for lang in ("ar", "uk"):
            links = internal_links(client.get(f"/{lang}{page}").content.decode())
            assert len(links) > 5, (lang, page)
            assert all(link.startswith(f"/{lang}/") for link in links), (lang, page, links)
        german = internal_links(client.get(page).content.decode())
        assert german and not any(re.match(r"^/(en|ar|fa|ru|tr|uk)/", link) for link in german), german
    html = client.get(f"/uk/massnahmen/{world.pk}/").content.decode()
    assert 'href="/uk/organisationen/bmi/"' in html and 'href="/uk/nap-i/phase-2/"' in html
    # The search form (and htmx) stay in the language; files, API and work area have no prefix.
    search = client.get("/tr/massnahmen/").content.decode()
    assert 'action="/tr/massnahmen/"' in search and 'hx-get="/tr/massnahmen/"' in search
    assert 'href="/daten/massnahmen.csv"' in client.get("/en/offene-daten/").content.decode()


def test_the_switch_links_to_the_same_page_in_each_language_without_cookies(
    client: Client, world: Measure
) -> None:
    html = client.get(f"/ar/massnahmen/{world.pk}/").content.decode()
    switch = html.split('<ul class="language-list"', 1)[1].split("</ul>", 1)[0]
    assert f'href="/massnahmen/{world.pk}/" hreflang="de" lang="de" dir="ltr">Deutsch</a>' in switch
    assert f'href="/fa/massnahmen/{world.pk}/" hreflang="fa" lang="fa" dir="rtl">فارسی / دری</a>' in switch
    assert f'href="/uk/massnahmen/{world.pk}/" hreflang="uk" lang="uk" dir="ltr">Українська</a>' in switch
    assert 'hreflang="ar"' not in switch  # the page's own language is not offered
    assert "<form" not in switch and "csrfmiddlewaretoken" not in html.split("</header>")[0]
    # A client without any cookie follows the links: the address alone chooses the language.
    fresh = Client()
    assert '<html lang="uk"' in fresh.get(f"/uk/massnahmen/{world.pk}/").content.decode()
    assert '<html lang="de"' in fresh.get(f"/massnahmen/{world.pk}/").content.decode()
    assert not fresh.cookies.get(settings.LANGUAGE_COOKIE_NAME)
    # An old language cookie does not override the address on public pages.
    fresh.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert '<html lang="de"' in fresh.get("/impressum/").content.decode()
    assert '<html lang="tr"' in fresh.get("/tr/impressum/").content.decode()


def test_the_switch_keeps_the_search_but_never_a_finder_query(client: Client) -> None:
    html = client.get("/en/massnahmen/?q=Sprachkurs&seite=2").content.decode()
    assert 'href="/ru/massnahmen/?q=Sprachkurs&amp;seite=2"' in html
    old = client.get("/en/angebotsfinder/?aufenthalt=duldung&alter=17").content.decode()
    assert "duldung" not in old and 'href="/angebotsfinder/" hreflang="de"' in old


def test_hreflang_alternates_for_every_language_and_x_default(client: Client) -> None:
    html = client.get("/ru/nap-i/phase-2/").content.decode()
    head = html.split("</head>", 1)[0]
    alternates = dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', head))
    assert alternates == {
        "de": "http://testserver/nap-i/phase-2/",
        "x-default": "http://testserver/nap-i/phase-2/",
        **{lang: f"http://testserver/{lang}/nap-i/phase-2/" for lang in PREFIXED},
    }


def test_unknown_or_default_prefix_is_a_404_page(client: Client) -> None:
    for path in ("/xx/massnahmen/", "/de/massnahmen/", "/en-gb/impressum/", "/zz/", "/ar/gibt-es-nicht/"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "Traceback" not in response.content.decode()
        assert '<html lang="' in response.content.decode()  # the error page, not a bare answer


def test_work_area_api_and_operations_stay_unprefixed(client: Client) -> None:
    assert client.get("/healthz").status_code == 200
    assert client.get("/en/healthz").status_code == 404
    assert client.get("/en/api/v1/openapi.json").status_code == 404
    assert client.get("/api/v1/openapi.json").status_code == 200
    assert client.get("/en/arbeitsbereich/").status_code == 404
    assert client.get("/en/daten/").status_code == 404
    login = client.get("/konto/anmelden/")
    assert login.status_code == 200
    # Pages outside the public portal keep the cookie switch: a form, and the cookie decides.
    assert 'action="/i18n/setlang/"' in login.content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert '<html lang="en"' in client.get("/konto/anmelden/").content.decode()
    assert "hreflang" not in client.get("/konto/anmelden/").content.decode()


def test_the_cookie_switch_lands_on_the_prefixed_page(client: Client) -> None:
    switched = client.post("/i18n/setlang/", {"language": "uk", "next": "/impressum/"})
    assert switched.status_code == 302 and switched["Location"] == "/uk/impressum/"
    back = client.post("/i18n/setlang/", {"language": "de", "next": "/uk/impressum/"})
    assert back["Location"] == "/impressum/"


def test_robots_and_sitemap_exist_once_and_the_sitemap_lists_the_alternates(
    client: Client, world: Measure
) -> None:
    assert client.get("/en/robots.txt").status_code == 404
    assert client.get("/en/sitemap.xml").status_code == 404
    assert "Sitemap: http://testserver/sitemap.xml" in client.get("/robots.txt").content.decode()
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "<loc>http://testserver/impressum/</loc>" in sitemap
    assert "<loc>http://testserver/ar/impressum/</loc>" in sitemap
    assert '<xhtml:link rel="alternate" hreflang="uk" href="http://testserver/uk/impressum/"/>' in sitemap
    assert '<xhtml:link rel="alternate" hreflang="x-default" href="http://testserver/impressum/"/>' in sitemap
    assert "<loc>http://testserver/fa/nap-i/phase-2/thema-2/</loc>" in sitemap
    # Measures (German content) are listed once, in German.
    assert f"<loc>http://testserver/massnahmen/{world.pk}/</loc>" in sitemap
    assert f"/en/massnahmen/{world.pk}/" not in sitemap


def test_finder_under_a_prefix_keeps_answers_in_post_and_session_only(client: Client) -> None:
    start = client.post("/fa/angebotsfinder/start/")
    assert start["Location"] == "/fa/angebotsfinder/frage/staatsangehoerigkeit/"
    step = client.post(start["Location"], {"antwort": "eu"})
    assert step.status_code == 302 and step["Location"].startswith("/fa/angebotsfinder/frage/")
    assert "?" not in step["Location"] and "eu" not in step["Location"].split("/frage/")[1]
    assert client.session["finder"]["page"]["staatsangehoerigkeit"] == "eu"
    html = client.get(step["Location"]).content.decode()
    assert '<html lang="fa" dir="rtl"' in html
    assert 'href="/fa/angebotsfinder/frage/staatsangehoerigkeit/"' in html  # back link keeps the prefix
    assert 'href="/feedback/?seite=' not in html and "/fa/feedback/?seite=/fa/angebotsfinder/frage/" in html
