"""The finder in Leichte Sprache in a real Chromium on a 320 px phone: keyboard only, every page
(questions, check page, result with one sentence a line) without an axe finding and without
horizontal scrolling, also with the WCAG 1.4.12 text-spacing override; and printed, the result
keeps the Easy answer and the notice."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.browser.support import axe_violations, overflow
from tests.browser.test_finder import TEXT_SPACING, answer_by_keyboard

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]


def easy_run(page: Page, base: str, check: object = None) -> int:
    """Start "in Leichter Sprache" and answer by keyboard; ``check(page)`` on every page. Returns
    the number of pages checked."""
    seen = 0

    def each() -> None:
        nonlocal seen
        if callable(check):
            check(page)
            seen += 1

    page.goto(base + "/angebotsfinder/")
    page.get_by_role("button", name="Die Fragen in Leichter Sprache").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    for _ in range(12):
        if "/frage/" not in page.url:
            break
        each()
        answer_by_keyboard(page, page.url.rstrip("/").rsplit("/", 1)[-1])
    expect(page).to_have_url(base + "/angebotsfinder/pruefen/")
    each()
    page.locator(".finder a.kern-btn--primary").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("h1#result-title")).to_be_visible()
    each()
    return seen


@pytest.mark.parametrize("spacing", [False, True], ids=["plain", "text-spacing"])
def test_the_easy_finder_on_a_320_px_phone(live_server: LiveServer, browser: Browser, spacing: bool) -> None:
    context = browser.new_context(locale="de-DE", viewport={"width": 320, "height": 640}, bypass_csp=True)
    page = context.new_page()

    def check(page: Page) -> None:
        if spacing:
            page.add_style_tag(content=TEXT_SPACING)
        assert overflow(page) <= 0, (page.url, overflow(page))
        violations = axe_violations(page)
        assert violations == [], (page.url, json.dumps(violations, indent=1))

    try:
        assert easy_run(page, live_server.url, check) >= 8
        expect(page.locator(".finder-result.eligible")).to_have_count(2)
        expect(page.locator("body")).to_contain_text("Das steht im Gesetz: Aufenthalts·gesetz, Paragraf 44")
        expect(page.locator("body")).not_to_contain_text("Berechtigt, weil")
    finally:
        context.close()


def test_the_easy_result_printed(live_server: LiveServer, browser: Browser) -> None:
    context = browser.new_context(locale="de-DE", viewport={"width": 375, "height": 740})
    page = context.new_page()
    try:
        easy_run(page, live_server.url)
        page.emulate_media(media="print")
        for text in ("Es ist keine feste Entscheidung.", "Das können Sie jetzt tun:", "Wer entscheidet?"):
            expect(page.get_by_text(text).first).to_be_visible()
        expect(page.locator(".finder-easy li").first).to_be_visible()
    finally:
        context.close()
