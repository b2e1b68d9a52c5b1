"""The finder's questions with htmx in a real Chromium, under the real Content Security Policy:
keyboard only, every answer swaps in the next question without a full page load (a marker on
``window`` survives), focus lands on the new question's heading (on the error summary after a
missing answer), the title follows, the language and direction stay; Back still works; no answer
in any address, request header or access-log line. And the same form without JavaScript.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Request, expect
from pytest_django.live_server_helper import LiveServer

from tests.browser.test_finder import ANSWERS, run_through
from tests.integration.test_finder_web import ANSWER_WORDS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]

STEP_PATH = re.compile(r"^/(?:[a-z]{2}/)?angebotsfinder/frage/([a-z-]+)/$")
MARKER = "finder-without-reload"


class Watch:
    """What the browser sent and said: every request, failed responses, console and page errors."""

    def __init__(self, page: Page) -> None:
        self.requests: list[Request] = []
        self.errors: list[str] = []
        self.failed: list[str] = []  # responses with a status of 400 or more
        page.on("request", self.request)
        page.on("console", self.console)
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("response", lambda r: self.failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)

    def request(self, request: Request) -> None:
        self.requests.append(request)

    def console(self, message: ConsoleMessage) -> None:
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.errors.append(message.text)

    def documents_since(self, start: int) -> list[str]:
        """Full page loads (not XHR) since request number ``start``."""
        return [r.url for r in self.requests[start:] if r.resource_type == "document"]


class LogLines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture
def access_log() -> Iterator[LogLines]:
    handler = LogLines()
    logger = logging.getLogger("isi.requests")
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)


def path_of(page: Page) -> str:
    return re.sub(r"^https?://[^/]+", "", page.url)


def focused(page: Page) -> dict[str, Any]:
    return dict(
        page.evaluate(
            """() => {
              const a = document.activeElement;
              const h1 = document.querySelector('#main h1');
              return {isHeading: a === h1, tag: a && a.tagName, id: a && a.id,
                      text: (a && a.textContent || '').trim(), h1: h1 && h1.textContent.trim()};
            }"""
        )
    )


def choose_by_keyboard(page: Page, step: str, value: Any) -> None:
    """Choose the answer with the keyboard and Tab on to the button, as a keyboard user does."""
    if step == "herkunftsland":
        page.locator("select[name=antwort]").focus()
        page.keyboard.press("Home")
        while page.locator("select[name=antwort]").input_value() != value:
            page.keyboard.press("ArrowDown")
    elif value is not None:
        page.locator(f"input[name=antwort][value='{value}']").focus()
        page.keyboard.press("Space")
    else:
        page.locator("input[name=antwort]").first.focus()
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type === 'submit'"):
            return
    raise AssertionError("no submit button reached by Tab")


def send_and_wait(page: Page) -> None:
    """Press Enter on the button and wait until the new page's title is in place."""
    before = page.evaluate("document.title")
    page.keyboard.press("Enter")
    page.wait_for_function("before => document.title !== before", arg=before)


def start(page: Page, base: str, prefix: str) -> None:
    """The start page and the first question come as full pages; from there on the marker."""
    page.goto(base + prefix + "/angebotsfinder/")
    page.locator("form.finder-actions button[type=submit]").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert STEP_PATH.match(path_of(page)), page.url
    page.evaluate(f"window.__isiMarker = '{MARKER}'")


def assert_same_document(page: Page) -> None:
    assert page.evaluate("window.__isiMarker") == MARKER, f"full page load on {page.url}"


def answer_every_question(page: Page, lang: str, direction: str, watch: Watch) -> list[str]:
    """Answer each question by keyboard; after each: no reload, focus on the heading, the title,
    the language and the direction. Returns the steps answered."""
    first_request = len(watch.requests)
    steps: list[str] = []
    headings: list[str] = []
    for _ in range(12):
        match = STEP_PATH.match(path_of(page))
        if not match:
            break
        step = match.group(1)
        steps.append(step)
        choose_by_keyboard(page, step, ANSWERS[step])
        send_and_wait(page)
        assert_same_document(page)
        now = focused(page)
        assert now["isHeading"], (step, now)
        assert page.evaluate("document.title").startswith(now["h1"] + " – "), page.evaluate("document.title")
        headings.append(now["h1"])
        assert page.locator("html").get_attribute("lang") == lang
        assert page.locator("html").get_attribute("dir") == direction
    assert path_of(page).endswith("/angebotsfinder/pruefen/"), page.url
    assert len(steps) == 7 and len(set(headings)) == len(headings), (steps, headings)
    # Every answer went by XHR (htmx), none by a full page load.
    assert watch.documents_since(first_request) == []
    sent = [r for r in watch.requests[first_request:] if r.method == "POST"]
    assert len(sent) == 7 and all(r.resource_type == "xhr" for r in sent)
    assert all(r.headers.get("hx-request") == "true" for r in sent)
    return steps


def assert_no_answer_anywhere(watch: Watch, log: LogLines, addresses: list[str]) -> None:
    paths = [json.loads(line)["path"] for line in log.lines]
    assert paths, "the access log must be on"
    urls = [r.url for r in watch.requests] + [r.headers.get("hx-current-url", "") for r in watch.requests]
    for line in [*urls, *paths, *addresses]:
        assert "?" not in line.replace("?aendern=1", ""), line
        for word in ANSWER_WORDS:
            assert word not in line, (word, line)
    for line in log.lines:
        assert "antwort" not in line, line


@pytest.mark.parametrize(
    ("lang", "direction", "check_heading"),
    [("de", "ltr", "Ihre Antworten prüfen"), ("ar", "rtl", "")],
    ids=["german", "arabic"],
)
def test_keyboard_run_with_htmx_swaps_each_question_and_focuses_its_heading(
    live_server: LiveServer,
    browser: Browser,
    access_log: LogLines,
    lang: str,
    direction: str,
    check_heading: str,
) -> None:
    context = browser.new_context(locale=lang, viewport={"width": 375, "height": 740})  # the real CSP
    page = context.new_page()
    watch = Watch(page)
    prefix = "" if lang == "de" else f"/{lang}"
    try:
        start(page, live_server.url, prefix)
        addresses = [page.url]
        answer_every_question(page, lang, direction, watch)
        addresses.append(page.url)
        if check_heading:
            expect(page.locator("#main h1")).to_have_text(check_heading)
        else:
            expect(page.locator("#main h1")).not_to_have_text("Ihre Antworten prüfen")
        # The check page's link to the result is an ordinary one.
        page.locator(".finder a.kern-btn--primary").focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        expect(page.locator(".finder-result.eligible")).to_have_count(2)
        addresses.append(page.url)
        assert watch.errors == [], watch.errors  # no CSP report, no script error
        assert watch.failed == [], watch.failed
        assert_no_answer_anywhere(watch, access_log, addresses)
    finally:
        context.close()


def test_a_missing_answer_swaps_in_the_error_summary_with_focus(
    live_server: LiveServer, browser: Browser
) -> None:
    context = browser.new_context(locale="de-DE")
    page = context.new_page()
    watch = Watch(page)
    try:
        start(page, live_server.url, "")
        url = page.url
        length = page.evaluate("history.length")
        choose_by_keyboard(page, "staatsangehoerigkeit", None)  # nothing chosen
        send_and_wait(page)
        assert_same_document(page)
        expect(page.locator("#error-summary")).to_be_visible()
        assert focused(page)["id"] == "error-summary"
        assert page.evaluate("document.title").startswith("Fehler: Welche Staatsangehörigkeit haben Sie?")
        # The same question again: no second history entry, the same address.
        assert page.url == url and page.evaluate("history.length") == length
        # The error summary's link leads to the first answer; then the person answers.
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "antwort-1"
        choose_by_keyboard(page, "staatsangehoerigkeit", "third_country")
        send_and_wait(page)
        assert_same_document(page)
        assert focused(page)["isHeading"] and focused(page)["h1"] == "Welches Aufenthaltspapier haben Sie?"
        expect(page.locator("#error-summary")).to_have_count(0)
        assert watch.errors == [], watch.errors
        assert watch.failed == [f"400 {url}"], watch.failed
    finally:
        context.close()


def test_back_and_forward_after_swapped_questions(live_server: LiveServer, browser: Browser) -> None:
    """The step addresses are in the history (they name questions, not answers); Back loads the
    question from the server with the answer given, and the run goes on from there. htmx keeps no
    copy of a finder page in the browser's storage."""
    context = browser.new_context(locale="de-DE")
    page = context.new_page()
    base = live_server.url
    try:
        start(page, base, "")
        for step in ("staatsangehoerigkeit", "dokument", "herkunftsland"):
            choose_by_keyboard(page, step, ANSWERS[step])
            send_and_wait(page)
        expect(page).to_have_url(base + "/angebotsfinder/frage/schule/")
        page.go_back()
        expect(page).to_have_url(base + "/angebotsfinder/frage/herkunftsland/")
        expect(page.locator("#main h1")).to_have_text("Aus welchem Land kommen Sie?")
        expect(page.locator("select[name=antwort]")).to_have_value("AF")
        page.go_back()
        expect(page).to_have_url(base + "/angebotsfinder/frage/dokument/")
        expect(page.locator("#main h1")).to_have_text("Welches Aufenthaltspapier haben Sie?")
        expect(page.locator("input[name=antwort][value=gestattung]")).to_be_checked()
        page.go_forward()
        expect(page).to_have_url(base + "/angebotsfinder/frage/herkunftsland/")
        expect(page.locator("#main h1")).to_have_text("Aus welchem Land kommen Sie?")
        # Going on from a page loaded by Back: swapped again, focus on the next heading.
        page.evaluate(f"window.__isiMarker = '{MARKER}'")
        choose_by_keyboard(page, "herkunftsland", "AF")
        send_and_wait(page)
        assert_same_document(page)
        assert focused(page)["h1"] == "Gehen Sie in Deutschland zur Schule?" and focused(page)["isHeading"]
        stored = page.evaluate("JSON.stringify(Object.assign({}, sessionStorage, localStorage))")
        for word in ("gestattung", "third_country", "antwort", "checked"):
            assert word not in stored, (word, stored[:300])
    finally:
        context.close()


def test_without_javascript_the_same_form_is_a_plain_post(live_server: LiveServer, browser: Browser) -> None:
    context = browser.new_context(locale="de-DE", java_script_enabled=False)
    page = context.new_page()
    documents: list[str] = []
    page.on("request", lambda r: documents.append(r.method) if r.resource_type == "document" else None)
    try:
        run_through(page, live_server.url)
        expect(page.locator(".finder-result.eligible")).to_have_count(2)
        assert documents.count("POST") == 8  # the start and seven answers, each a full page load
    finally:
        context.close()


def test_an_open_question_from_the_result_is_answered_in_change_mode(
    live_server: LiveServer, browser: Browser
) -> None:
    """A person from outside the EU who did not know their residence paper: the result's link for
    the open question leads to that question (issue #14: not to the Germans' "Herkunft"); the
    answer opens the questions that now matter, then the check page comes, all swapped in."""
    context = browser.new_context(locale="de-DE")
    page = context.new_page()
    base = live_server.url
    answers = dict(ANSWERS, dokument="unknown")
    try:
        start(page, base, "")
        while match := STEP_PATH.match(path_of(page)):
            choose_by_keyboard(page, match.group(1), answers[match.group(1)])
            send_and_wait(page)
        page.locator(".finder a.kern-btn--primary").focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        link = page.get_by_role("link", name="Welches Aufenthaltspapier haben Sie?").first
        link.focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        expect(page).to_have_url(base + "/angebotsfinder/frage/dokument/?aendern=1")
        page.evaluate(f"window.__isiMarker = '{MARKER}'")
        choose_by_keyboard(page, "dokument", "gestattung")
        send_and_wait(page)
        expect(page).to_have_url(base + "/angebotsfinder/frage/herkunftsland/?aendern=1")
        assert focused(page)["isHeading"] and focused(page)["h1"] == "Aus welchem Land kommen Sie?"
        choose_by_keyboard(page, "herkunftsland", "AF")
        send_and_wait(page)
        # Not asked before (it did not matter without the paper), so asked now.
        expect(page).to_have_url(base + "/angebotsfinder/frage/arbeit/?aendern=1")
        assert focused(page)["isHeading"] and focused(page)["h1"] == "Was trifft auf Sie zu?"
        choose_by_keyboard(page, "arbeit", "registered")
        send_and_wait(page)
        expect(page).to_have_url(base + "/angebotsfinder/pruefen/")
        assert_same_document(page)
        assert focused(page)["isHeading"] and focused(page)["h1"] == "Ihre Antworten prüfen"
    finally:
        context.close()
