"""The finder's result page can be printed with a button (issue 14, point 3): the button comes with
JavaScript (a static file, allowed by the page's real Content-Security-Policy), is reachable by
keyboard, calls window.print() and is not printed itself; without JavaScript only the hint shows."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]

# An EU worker: three questions to the result.
ANSWERS = {"staatsangehoerigkeit": "eu", "schule": "no", "deutsch": "no", "arbeit": "employed"}
# Records calls instead of opening the print dialog (injected by the browser, not by the page).
PRINT_STUB = "window.__printed = 0; window.print = function () { window.__printed += 1; };"


def to_the_result(page: Page, base: str, prefix: str = "") -> None:
    page.goto(f"{base}{prefix}/angebotsfinder/")
    page.locator("form.finder-actions button[type=submit]").click()
    for _ in range(12):
        if "/frage/" not in page.url:
            break
        step = page.url.rstrip("/").rsplit("/", 1)[-1]
        value = ANSWERS.get(step, "unknown")
        option = page.locator(f"input[name=antwort][value='{value}']")
        if option.count() == 0:
            option = page.locator("input[name=antwort]").first
        option.check()
        title = page.title()  # htmx swaps the next question in (static/isi/finder.js): wait for its title
        page.locator("form button[type=submit]").last.click()
        expect(page).not_to_have_title(title)
    expect(page).to_have_url(f"{base}{prefix}/angebotsfinder/pruefen/")
    page.locator(".finder a.kern-btn--primary").click()
    expect(page.locator("h1#result-title")).to_be_visible()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    # The page's own CSP stays in force: the button must work with scripts from 'self' only.
    opened = browser.new_context(locale="de-DE", viewport={"width": 375, "height": 740})
    opened.add_init_script(PRINT_STUB)
    yield opened
    opened.close()


def test_the_print_button_is_focusable_and_prints(live_server: LiveServer, context: BrowserContext) -> None:
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    to_the_result(page, live_server.url)
    button = page.get_by_role("button", name="Ergebnis drucken")
    expect(button).to_be_visible()
    assert button.evaluate("b => b.tagName === 'BUTTON' && b.type === 'button'")
    # Keyboard: Tab from the top of the page reaches the button, Enter prints.
    page.locator("body").focus()
    for _ in range(80):
        page.keyboard.press("Tab")
        if button.evaluate("b => b === document.activeElement"):
            break
    expect(button).to_be_focused()
    page.keyboard.press("Enter")
    assert page.evaluate("window.__printed") == 1
    button.click()
    assert page.evaluate("window.__printed") == 2
    # Not on paper: the print style sheet hides it.
    page.emulate_media(media="print")
    expect(button).to_be_hidden()
    expect(page.locator("h1#result-title")).to_be_visible()
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_the_print_button_in_arabic_keeps_the_prefix_and_prints(
    live_server: LiveServer, context: BrowserContext
) -> None:
    page = context.new_page()
    to_the_result(page, live_server.url, "/ar")
    button = page.locator("[data-print-button] button")
    expect(button).to_be_visible()
    button.click()
    assert page.evaluate("window.__printed") == 1


def test_without_javascript_only_the_hint_shows(live_server: LiveServer, browser: Browser) -> None:
    context = browser.new_context(locale="de-DE", java_script_enabled=False)
    try:
        page = context.new_page()
        to_the_result(page, live_server.url)
        expect(page.locator("[data-print-button]")).to_be_hidden()
        expect(page.get_by_text("nutzen Sie die Druckfunktion Ihres Browsers")).to_be_visible()
    finally:
        context.close()
