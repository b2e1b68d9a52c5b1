"""A public address without a language prefix is always German; a browser that asks for another
of ISI's languages first gets one line in that language, linking to the same page in it."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db

HINT = re.compile(
    r'<p class="language-hint[^"]*" lang="([^"]+)" dir="(rtl|ltr)">([^<]*)<a [^>]*href="([^"]*)"'
)


def hint(client: Client, path: str, accept: str) -> tuple[str, ...] | None:
    response = client.get(path, HTTP_ACCEPT_LANGUAGE=accept)
    assert response.status_code == 200
    found = HINT.search(response.content.decode())
    return found.groups() if found else None


@pytest.mark.parametrize(
    ("accept", "code", "direction"),
    [
        ("uk-UA,uk;q=0.9,de;q=0.5", "uk", "ltr"),
        ("ar-SY,ar;q=0.8", "ar", "rtl"),
        ("fa-AF", "fa", "rtl"),
        ("pl-PL, en;q=0.7, de;q=0.3", "en", "ltr"),  # Polish is not offered: the next one is
        ("tr;q=0.4, ru;q=0.9", "ru", "ltr"),  # by weight, not by position
    ],
)
def test_a_browser_asking_for_another_language_is_offered_the_page_in_it(
    client: Client, accept: str, code: str, direction: str
) -> None:
    found = hint(client, "/", accept)
    assert found is not None
    lang, shown_direction, text, href = found
    assert (lang, shown_direction, href) == (code, direction, f"/{code}/")
    assert text.strip() and "Diese Seite" not in text  # in the visitor's language, not German


def test_the_hint_keeps_the_page_and_its_query(client: Client) -> None:
    found = hint(client, "/massnahmen/?q=Sprachkurs&seite=2", "en-GB,en;q=0.9")
    assert found is not None
    assert found[3].replace("&amp;", "&") == "/en/massnahmen/?q=Sprachkurs&seite=2"


@pytest.mark.parametrize("accept", ["de-DE,de;q=0.9,en;q=0.5", "", "pl, it", "*", "en;q=0"])
def test_no_hint_for_german_or_nothing_offered(client: Client, accept: str) -> None:
    assert hint(client, "/", accept) is None


def test_no_hint_on_a_page_in_another_language_or_after_a_choice(client: Client) -> None:
    assert hint(client, "/en/", "en") is None
    assert hint(client, "/ar/", "en") is None
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
    assert hint(client, "/", "en") is None


def test_no_hint_outside_the_public_pages(client: Client) -> None:
    response = client.get("/anmelden/", HTTP_ACCEPT_LANGUAGE="en")
    assert "language-hint" not in response.content.decode()


def test_the_german_page_varies_by_accept_language(client: Client) -> None:
    """Shared caches must not hand the English visitor's page (with the hint) to a German one."""
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert "accept-language" in response.headers.get("Vary", "").lower()
