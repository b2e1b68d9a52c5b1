"""Search and the offer finder can be used with the keyboard alone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from isi.catalog.models import Area, Level
from isi.measures.models import Measure
from isi.organisations.models import Organisation

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]


@pytest.fixture
def measures() -> None:
    for title, area in [
        ("Berufssprachkurse für Pflegekräfte", "sprache"),
        ("Gründungsberatung", "bildung-arbeit"),
    ]:
        measure = Measure.objects.create(
            title=title,
            owner=Organisation.objects.get(key="bmas"),
            level=Level.objects.get(key="bund"),
            publication="released",
        )
        measure.areas.set([Area.objects.get(key=area)])


def tab_to(page: Page, predicate: str, limit: int = 80) -> None:
    """Press Tab until the focused element matches the JS predicate (receives `el`)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return {predicate}; }})()"):
            return
    raise AssertionError(f"never reached an element where {predicate}")


def test_search_by_keyboard_only(live_server: LiveServer, page: Page, measures: None) -> None:
    page.goto(live_server.url + "/massnahmen/")
    tab_to(page, "el.id === 'q'")
    page.keyboard.type("Berufssprachkurse")
    page.keyboard.press("Enter")
    expect(page.locator(".results h2")).to_contain_text("1 Maßnahme gefunden")
    # Narrow by a facet with the keyboard: reach the checkbox, toggle it with Space.
    tab_to(page, "el.name === 'area'")
    page.keyboard.press("Space")
    expect(page).to_have_url(re.compile(r"area="))
    expect(page.locator(".results h2")).to_contain_text("Maßnahme")
    tab_to(page, "el.tagName === 'A' && el.closest('.result') !== null")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Berufssprachkurse für Pflegekräfte")


# The offer finder by keyboard alone: tests/browser/test_finder.py (one question per page).
