"""Indicator pages in Chromium: axe (WCAG 2.1 AA) in German and English, keyboard, no-JS form."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, BrowserContext, Page
from pytest_django.live_server_helper import LiveServer

from isi.accounts.models import User
from isi.catalog.models import Level
from isi.measures.models import Measure
from isi.monitoring.demo import load_demo_indicators
from isi.monitoring.models import Indicator, MeasureIndicator
from isi.organisations.models import Organisation
from tests.browser.support import axe_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]


@pytest.fixture
def axe_page(browser: Browser) -> Iterator[Page]:
    # Bypass CSP only so the test can inject axe; the pages themselves run under the real policy.
    context = browser.new_context(locale="de-DE", bypass_csp=True)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def demo() -> Indicator:
    load_demo_indicators()
    indicator = Indicator.objects.get(slug="erwerbstaetigenquote")
    measure = Measure.objects.create(
        title="Berufsbezogene Deutschsprachförderung",
        owner=Organisation.objects.get(key="bmas"),
        level=Level.objects.get(key="bund"),
        publication=Measure.Publication.RELEASED,
    )
    MeasureIndicator.objects.create(measure=measure, indicator=indicator, note="Mehr Menschen in Arbeit.")
    return indicator


@pytest.mark.parametrize(
    "query",
    ["", "?gebiet=&aufschluesselung=Migrationshintergrund", "?gebiet=09&aufschluesselung=Geschlecht"],
)
def test_chart_page_has_no_wcag_violations(
    live_server: LiveServer, axe_page: Page, demo: Indicator, query: str
) -> None:
    response = axe_page.goto(f"{live_server.url}/indikatoren/{demo.slug}/{query}")
    assert response is not None and response.status == 200
    assert axe_page.locator("svg[role=img]").count() == 2
    assert axe_page.locator("table caption").count() == 2
    violations = axe_violations(axe_page)
    assert violations == [], json.dumps(violations, indent=1, ensure_ascii=False)


def test_list_page_has_no_wcag_violations(live_server: LiveServer, axe_page: Page, demo: Indicator) -> None:
    axe_page.goto(f"{live_server.url}/indikatoren/")
    assert axe_page.get_by_role("link", name=demo.name).is_visible()
    assert axe_violations(axe_page) == []


def test_english_chart_page_has_no_wcag_violations(
    live_server: LiveServer, axe_page: Page, demo: Indicator
) -> None:
    axe_page.goto(f"{live_server.url}/indikatoren/{demo.slug}/")
    axe_page.get_by_role("button", name="English").click()
    axe_page.wait_for_load_state()
    assert axe_page.locator("html").get_attribute("lang") == "en"
    assert axe_page.get_by_role("heading", level=1).inner_text() == demo.name_en
    assert axe_violations(axe_page) == []


def _focus_until(page: Page, predicate: str, limit: int = 120) -> bool:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(predicate):
            return True
    return False


def test_keyboard_reaches_form_and_download_and_form_works_without_mouse(
    live_server: LiveServer, page: Page, demo: Indicator
) -> None:
    page.goto(f"{live_server.url}/indikatoren/{demo.slug}/")
    assert _focus_until(page, "document.activeElement.id === 'id_aufschluesselung'")
    page.keyboard.press("ArrowDown")  # choose the first category in the native select
    assert page.evaluate("document.activeElement.value") != ""
    assert _focus_until(
        page, "document.activeElement.type === 'submit' && !!document.activeElement.closest('.chart-form')"
    )
    page.keyboard.press("Enter")
    page.wait_for_url("**aufschluesselung=*")
    assert page.locator("svg[role=img] g.chart-series").count() == 3
    assert _focus_until(page, "document.activeElement.matches('a[download]')")
    href = page.evaluate("document.activeElement.getAttribute('href')")
    assert "ansicht=verlauf" in href and "aufschluesselung=" in href


def test_disaggregation_form_works_without_javascript(
    live_server: LiveServer, browser: object, demo: Indicator
) -> None:
    context = browser.new_context(locale="de-DE", java_script_enabled=False)  # type: ignore[attr-defined]
    tab = context.new_page()
    tab.goto(f"{live_server.url}/indikatoren/{demo.slug}/")
    tab.select_option("#id_gebiet", "11")
    tab.get_by_role("button", name="Anzeigen").click()
    assert "Zeitverlauf: Berlin" in tab.locator("h2").all_inner_texts()
    context.close()


@pytest.fixture
def coordination_context(browser: Browser, live_server: LiveServer) -> Iterator[BrowserContext]:
    user = User.objects.create_user(
        username="koordination",
        password="x",
        role="coordination",
        organisation=Organisation.objects.get(key="ib"),
    )
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    # CSP bypassed only so axe can be injected.
    ctx = browser.new_context(locale="de-DE", bypass_csp=True)
    ctx.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    yield ctx
    ctx.close()


def test_staff_upload_refuses_broken_file_then_imports_good_one(
    live_server: LiveServer, coordination_context: BrowserContext, demo: Indicator, tmp_path: Path
) -> None:
    before = demo.observations.count()
    tab = coordination_context.new_page()
    tab.goto(f"{live_server.url}/arbeitsbereich/indikatoren/{demo.pk}/import/")
    broken = tmp_path / "kaputt.csv"
    broken.write_text("Year,GeoCode,Value\n2030,,1\n2031,77,2\n", encoding="utf-8")
    tab.set_input_files("#id_file", str(broken))
    tab.get_by_role("button", name="Datei prüfen").click()
    assert tab.get_by_role("alert").first.is_visible()
    assert "3 GeoCode" in " ".join(tab.locator("#errors tbody tr").first.inner_text().split())
    assert axe_violations(tab) == []
    assert demo.observations.count() == before

    good = tmp_path / "gut.csv"
    good.write_text("Year,GeoCode,Value\n2030,,1\n2030,11,2\n", encoding="utf-8")
    tab.set_input_files("#id_file", str(good))
    tab.get_by_role("button", name="Datei prüfen").click()
    assert tab.get_by_role("heading", name="Vorschau – noch nichts gespeichert").is_visible()
    assert axe_violations(tab) == []
    assert demo.observations.count() == before
    tab.get_by_role("button", name="Import bestätigen").click()
    tab.wait_for_url(f"**/arbeitsbereich/indikatoren/{demo.pk}/")
    assert demo.observations.count() == before + 2
    assert axe_violations(tab) == []


@pytest.mark.parametrize(
    "path", ["", "neu/", "{pk}/", "{pk}/bearbeiten/", "{pk}/import/", "massnahme/{measure}/"]
)
def test_staff_pages_have_no_wcag_violations(
    live_server: LiveServer, coordination_context: BrowserContext, demo: Indicator, path: str
) -> None:
    User.objects.filter(username="koordination").update(role="admin")  # admins may also link measures
    measure = demo.measure_links.get().measure
    tab = coordination_context.new_page()
    url = f"{live_server.url}/arbeitsbereich/indikatoren/{path.format(pk=demo.pk, measure=measure.pk)}"
    response = tab.goto(url)
    assert response is not None and response.status == 200
    violations = axe_violations(tab)
    assert violations == [], json.dumps(violations, indent=1, ensure_ascii=False)
