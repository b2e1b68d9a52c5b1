"""The language hint on a German public page, in a real browser: an Arabic phone at 320 px sees
one right-to-left line in Arabic, reaches its link by keyboard and lands on the Arabic page."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.browser.support import axe_violations, overflow

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]


@pytest.fixture
def arabic_phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="ar-SY", viewport={"width": 320, "height": 640}, bypass_csp=True)
    tab = context.new_page()
    yield tab
    context.close()


def test_an_arabic_browser_on_a_german_page_is_offered_the_arabic_one(
    live_server: LiveServer, arabic_phone: Page
) -> None:
    page = arabic_phone
    page.goto(f"{live_server.url}/")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    assert overflow(page) <= 0  # a long compound in the heading once widened the page by 56 px
    hint = page.locator(".language-hint")
    expect(hint).to_have_attribute("lang", "ar")
    expect(hint).to_have_attribute("dir", "rtl")
    assert axe_violations(page) == [], json.dumps(axe_violations(page), indent=1)
    # Keyboard only: skip link, then the hint's link is the first thing in the main content.
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.closest('.language-hint') !== null")
    assert focused
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/ar/")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.locator(".language-hint")).to_have_count(0)
