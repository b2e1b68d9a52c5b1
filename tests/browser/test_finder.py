"""The offer finder in a real Chromium: keyboard only on a phone, reflow at 320 CSS px (400 % zoom)
and 640 px (200 %), with the WCAG 1.4.12 text-spacing override, and axe on every finder page."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.browser.support import axe_violations, overflow

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]

TEXT_SPACING = (
    "* { line-height: 1.5 !important; letter-spacing: .12em !important; word-spacing: .16em !important; }"
    " p { margin-bottom: 2em !important; }"
)
# An Afghan asylum seeker registered with the employment agency, as a person answers.
ANSWERS = {
    "staatsangehoerigkeit": "third_country",
    "dokument": "gestattung",
    "herkunftsland": "AF",
    "schule": "no",
    "deutsch": "no",
    "arbeit": "registered",
    "deutsch-beruf": "yes",
}


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="de-DE", viewport={"width": 375, "height": 740}, bypass_csp=True)
    tab = context.new_page()
    yield tab
    context.close()


def answer_by_keyboard(page: Page, step: str) -> None:
    value = ANSWERS[step]
    if step == "herkunftsland":
        page.locator("select[name=antwort]").focus()
        page.keyboard.press("Home")
        while page.locator("select[name=antwort]").input_value() != value:
            page.keyboard.press("ArrowDown")  # a closed select moves through its options
    else:
        page.locator(f"input[name=antwort][value='{value}']").focus()
        page.keyboard.press("Space")
    # Tab on to the button and press Enter, as a keyboard user does.
    for _ in range(15):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type === 'submit'"):
            break
    # With JavaScript htmx swaps in the next page (static/isi/finder.js), without it the browser
    # loads it; either way the title becomes the next question's (a history.replaceState of htmx
    # would end expect_navigation() before the swap).
    title = page.title()
    page.keyboard.press("Enter")
    expect(page).not_to_have_title(title)


def run_through(page: Page, base: str, check: Any = None, lang: str = "") -> None:
    """Go through the finder by keyboard; ``lang`` is a language prefix ("ar") or "" for German."""
    prefix = f"/{lang}" if lang else ""
    page.goto(base + prefix + "/angebotsfinder/")
    if check:
        check(page)
    page.locator("form.finder-actions button[type=submit]").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    for _ in range(12):
        if "/frage/" not in page.url:
            break
        if check:
            check(page)
        step = page.url.rstrip("/").rsplit("/", 1)[-1]
        answer_by_keyboard(page, step)
    expect(page).to_have_url(base + prefix + "/angebotsfinder/pruefen/")
    if check:
        check(page)
    page.locator(".finder a.kern-btn--primary").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("h1#result-title")).to_be_visible()
    if check:
        check(page)


def test_keyboard_only_on_a_phone_reaches_an_explained_answer(live_server: LiveServer, phone: Page) -> None:
    run_through(phone, live_server.url)
    expect(phone.locator(".finder-result.eligible")).to_have_count(2)
    expect(phone.locator("body")).to_contain_text("§ 44 Abs. 4 Satz 2 Nr. 1 AufenthG")
    assert "?" not in phone.url


def test_every_finder_page_has_no_wcag_violations(live_server: LiveServer, phone: Page) -> None:
    seen: list[str] = []

    def check(page: Page) -> None:
        seen.append(page.url)
        violations = axe_violations(page)
        assert violations == [], (page.url, json.dumps(violations, indent=1))

    run_through(phone, live_server.url, check)
    assert len(seen) >= 9


def test_a_step_with_an_error_has_no_wcag_violations(live_server: LiveServer, phone: Page) -> None:
    phone.goto(live_server.url + "/angebotsfinder/")
    phone.get_by_role("button", name="Jetzt beginnen").click()
    phone.get_by_role("button", name="Weiter").click()
    expect(phone.locator("#error-summary")).to_be_visible()
    assert axe_violations(phone) == []


@pytest.mark.parametrize("width", [320, 640])
@pytest.mark.parametrize("spacing", [False, True], ids=["plain", "text-spacing"])
def test_every_finder_page_reflows_without_horizontal_scrolling(
    live_server: LiveServer, browser: Browser, width: int, spacing: bool
) -> None:
    # bypass_csp only so that the test can inject the text-spacing style sheet.
    context = browser.new_context(locale="de-DE", viewport={"width": width, "height": 640}, bypass_csp=True)
    page = context.new_page()

    def check(page: Page) -> None:
        if spacing:
            page.add_style_tag(content=TEXT_SPACING)
        assert overflow(page) <= 0, (page.url, width, overflow(page))

    try:
        run_through(page, live_server.url, check)
    finally:
        context.close()


@pytest.mark.parametrize(
    ("lang", "direction"), [("ar", "rtl"), ("uk", "ltr"), ("fa", "rtl"), ("ru", "ltr"), ("tr", "ltr")]
)
def test_in_the_finders_languages_on_a_320_px_phone(
    live_server: LiveServer, browser: Browser, lang: str, direction: str
) -> None:
    """Arabic and Persian right to left, the others left to right: no axe finding, no horizontal
    scrolling, on every page of a keyboard-only run."""
    context = browser.new_context(locale=lang, viewport={"width": 320, "height": 640}, bypass_csp=True)
    page = context.new_page()

    def check(page: Page) -> None:
        assert page.locator("html").get_attribute("lang") == lang
        assert page.locator("html").get_attribute("dir") == direction
        assert overflow(page) <= 0, (page.url, overflow(page))
        violations = axe_violations(page)
        assert violations == [], (page.url, json.dumps(violations, indent=1))

    try:
        run_through(page, live_server.url, check, lang=lang)
        expect(page.locator(".finder-result.eligible")).to_have_count(2)
    finally:
        context.close()
