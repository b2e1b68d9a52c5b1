"""Coverage matrix and IMAG report in a real Chromium: axe-clean, keyboard drill-down, report download."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, BrowserContext, expect
from pytest_django.live_server_helper import LiveServer

from isi.accounts.models import User
from tests.browser.support import axe_violations
from tests.browser.test_keyboard import tab_to
from tests.integration.reports_fixtures import World, make_world

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]

Login = Callable[..., BrowserContext]


@pytest.fixture
def world() -> World:
    return make_world()


@pytest.fixture
def login(browser: Browser, live_server: LiveServer) -> Iterator[Login]:
    contexts: list[BrowserContext] = []

    def make(username: str, *, bypass_csp: bool = False) -> BrowserContext:
        client = Client()
        client.force_login(User.objects.get(username=username))
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context = browser.new_context(locale="de-DE", bypass_csp=bypass_csp, accept_downloads=True)
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.mark.parametrize(
    "path",
    [
        "/arbeitsbereich/auswertungen/",
        "/arbeitsbereich/auswertungen/abdeckung/",
        "/arbeitsbereich/auswertungen/abdeckung/?dim=region",
        "/arbeitsbereich/auswertungen/abdeckung/massnahmen/?dim=areas&zeile=frauen-maedchen&spalte=sprache",
        "/arbeitsbereich/auswertungen/imag-bericht/",
    ],
)
def test_reports_pages_pass_axe(live_server: LiveServer, login: Login, world: World, path: str) -> None:
    page = login("koordination", bypass_csp=True).new_page()
    page.goto(live_server.url + path)
    assert page.locator("h1").count() == 1
    assert axe_violations(page) == []


def test_matrix_drill_down_by_keyboard(live_server: LiveServer, login: Login, world: World) -> None:
    page = login("bmi").new_page()
    page.goto(live_server.url + "/arbeitsbereich/auswertungen/abdeckung/")
    table = page.get_by_role("table", name="Maßnahmen je Zielgruppe und Bereiche")
    expect(table).to_be_visible()
    expect(table.get_by_role("rowheader", name="Frauen und Mädchen")).to_be_visible()
    expect(table.get_by_text("keine Maßnahme").first).to_be_visible()
    tab_to(
        page,
        "el.tagName === 'A' && el.closest('td.coverage-cell') !== null"
        " && !el.classList.contains('coverage-none')",
    )
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_contain_text("Frauen und Mädchen")
    expect(page.get_by_role("link", name=world.bmi_draft.title)).to_be_visible()
    expect(page.get_by_text("Berufssprachkurs")).to_have_count(0)  # another ministry's draft
    # An empty cell drills down too: to the page that names the gap.
    page.go_back()
    table.get_by_role("link", name="keine Maßnahme").first.click()
    expect(page.get_by_text("Keine Maßnahme erreicht diese Zielgruppe hier – eine Lücke.")).to_be_visible()


def test_choosing_the_column_dimension(live_server: LiveServer, login: Login, world: World) -> None:
    page = login("koordination").new_page()
    page.goto(live_server.url + "/arbeitsbereich/auswertungen/abdeckung/")
    page.get_by_label("Spalten").select_option("level")
    page.get_by_role("button", name="Anzeigen").click()
    expect(page.get_by_role("columnheader", name="Kommune")).to_be_visible()


def test_request_report_and_download_pdf(live_server: LiveServer, login: Login, world: World) -> None:
    page = login("bmi").new_page()
    page.goto(live_server.url + "/arbeitsbereich/auswertungen/imag-bericht/")
    expect(page.get_by_label("Umfang des Berichts")).to_have_value("bmi")
    page.get_by_role("button", name="Bericht erstellen").click()
    pdf_link = page.get_by_role("link", name=re.compile(r"^PDF\W+Sachstand Bundesministerium des Innern$"))
    expect(pdf_link).to_be_visible(timeout=60_000)
    with page.expect_download() as download_info:
        pdf_link.click()
    download = download_info.value
    assert download.suggested_filename.startswith("imag-sachstand-")
    assert download.suggested_filename.endswith("-bmi.pdf")
    path = download.path()
    assert path is not None
    with open(path, "rb") as handle:
        assert handle.read(4) == b"%PDF"
