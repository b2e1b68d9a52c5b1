"""Every public page type passes axe-core's WCAG 2.1 A/AA rules in a real Chromium."""

from __future__ import annotations

import json
from typing import Any

import pytest
from playwright.sync_api import Browser, Page
from pytest_django.live_server_helper import LiveServer

from isi.catalog.models import Area, Level, TargetGroup, Theme
from isi.measures.models import Measure, MeasureOrganisation
from isi.organisations.models import Organisation
from tests.browser.support import axe_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]


@pytest.fixture
def small_world() -> Measure:
    bmi = Organisation.objects.get(key="bmi")
    theme = Theme.objects.get(phase__number=2, position=2)
    first = None
    for number, title in enumerate(
        ["mbeon – Online-Beratung als Regelangebot", "Berufssprachkurse für Pflegekräfte", "Kita-Einstieg"], 1
    ):
        measure = Measure.objects.create(
            title=title,
            summary="Beratung und Sprachkurse für neu Zugewanderte, online und vor Ort.",
            owner=bmi,
            level=Level.objects.get(key="bund"),
            nap_i_theme=theme,
            nap_i_number=number,
            publication=Measure.Publication.RELEASED,
        )
        measure.areas.set([Area.objects.get(key="sprache")])
        measure.target_groups.set([TargetGroup.objects.get(key="frauen-maedchen")])
        MeasureOrganisation.objects.create(
            measure=measure, organisation=Organisation.objects.get(key="bamf"), role="responsible"
        )
        first = first or measure
    assert first is not None
    return first


@pytest.fixture
def axe_page(browser: Browser) -> Any:
    # Bypass CSP only so the test can inject axe; the pages themselves run under the real policy.
    context = browser.new_context(locale="de-DE", bypass_csp=True)
    tab = context.new_page()
    yield tab
    context.close()


PAGES = [
    "/",
    "/massnahmen/",
    "/massnahmen/?q=Sprachkurs&area=sprache",
    "/massnahmen/?q=xyzzy-gibt-es-nicht",
    "/nap-i/",
    "/nap-i/phase-2/",
    "/nap-i/phase-2/thema-2/",
    "/organisationen/",
    "/organisationen/bmi/",
    "/angebotsfinder/",
    "/offene-daten/",
    "/leichte-sprache/",
    "/barrierefreiheit/",
    "/feedback/",
    "/impressum/",
    "/datenschutz/",
    "/daten/",
    "/indikatoren/",
    "/konto/anmelden/",
]


@pytest.mark.parametrize("path", PAGES)
def test_public_page_has_no_wcag_violations(
    live_server: LiveServer, axe_page: Page, small_world: Measure, path: str
) -> None:
    response = axe_page.goto(live_server.url + path)
    assert response is not None and response.status == 200
    violations = axe_violations(axe_page)
    assert violations == [], json.dumps(violations, indent=1, ensure_ascii=False)


def test_measure_page_has_no_wcag_violations(
    live_server: LiveServer, axe_page: Page, small_world: Measure
) -> None:
    axe_page.goto(f"{live_server.url}/massnahmen/{small_world.pk}/")
    assert axe_violations(axe_page) == []


def test_feedback_with_validation_error_has_no_wcag_violations(
    live_server: LiveServer, axe_page: Page, small_world: Measure
) -> None:
    axe_page.goto(f"{live_server.url}/feedback/")
    axe_page.get_by_role("button", name="Absenden").click()
    assert axe_page.get_by_role("alert").first.is_visible()
    assert axe_violations(axe_page) == []


def test_english_pages_have_no_wcag_violations(
    live_server: LiveServer, axe_page: Page, small_world: Measure
) -> None:
    axe_page.goto(live_server.url + "/")
    # Public pages: the switch is a link to the same page under the language's prefix.
    axe_page.get_by_role("link", name="English").click()
    axe_page.wait_for_url(live_server.url + "/en/")
    assert axe_page.locator("html").get_attribute("lang") == "en"
    assert axe_violations(axe_page) == []
    axe_page.goto(live_server.url + "/en/massnahmen/?q=Beratung")
    assert axe_page.locator("html").get_attribute("lang") == "en"
    assert axe_violations(axe_page) == []


@pytest.mark.parametrize("path", ["/", "/massnahmen/?q=Beratung", "/nap-i/phase-2/thema-2/", "/impressum/"])
def test_arabic_pages_right_to_left_have_no_wcag_violations(
    live_server: LiveServer, axe_page: Page, small_world: Measure, path: str
) -> None:
    response = axe_page.goto(f"{live_server.url}/ar{path}")
    assert response is not None and response.status == 200
    assert axe_page.locator("html").get_attribute("dir") == "rtl"
    assert axe_violations(axe_page) == []


def test_axe_oracle_reports_real_violations(axe_page: Page) -> None:
    """Guards the guard: an unlabelled input and missing lang must be reported."""
    axe_page.set_content(
        "<html><head><title>x</title></head><body><main><input type='text'></main></body></html>"
    )
    ids = {v["id"] for v in axe_violations(axe_page)}
    assert {"label", "html-has-lang"} <= ids


# The offer finder's pages (every step, errors, check page, result, in all its languages) are
# checked with axe in tests/browser/test_finder.py.
