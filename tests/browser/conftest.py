"""Headless Debian Chromium driven by Playwright against Django's live test server."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright
from pytest_django.live_server_helper import LiveServer

CHROMIUM = os.environ.get("ISI_CHROMIUM", "/usr/bin/chromium")
PASSWORD = "ein-sicheres-Testpasswort-42"  # of the users the flow tests create
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    # Playwright's sync API runs an event loop in this thread; the live server's ORM calls are
    # in their own thread, so Django's async-safety guard does not apply here.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="de-DE")
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def sign_in_as(browser: Browser, live_server: LiveServer) -> Iterator[Callable[[str], Page]]:
    """Each call opens a browser of its own, signed in as that user (password ``PASSWORD``).

    Several people in one test (a proposer and an owner) each get a context; all are closed at
    the end. ``bypass_csp`` only so axe can be injected; the pages run under the real policy.
    """
    opened: list[BrowserContext] = []

    def open_as(username: str) -> Page:
        context = browser.new_context(locale="de-DE", bypass_csp=True)
        opened.append(context)
        tab = context.new_page()
        tab.goto(f"{live_server.url}/konto/anmelden/")
        tab.get_by_label("Benutzername").fill(username)
        tab.get_by_label("Passwort").fill(PASSWORD)
        tab.get_by_role("button", name="Anmelden").click()
        expect(tab).not_to_have_url(f"{live_server.url}/konto/anmelden/")
        return tab

    yield open_as
    for context in opened:
        context.close()
