"""A person opens ISI, sees the measures, signs in and out – in a real Chromium."""

from __future__ import annotations

import pytest
from django.test import override_settings
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from isi.accounts.demo import ensure_demo_users
from isi.catalog.models import Level, Theme
from isi.measures.models import Measure, MeasureOrganisation
from isi.organisations.models import Organisation

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]


@pytest.fixture
def one_public_measure() -> Measure:
    bamf = Organisation.objects.get(key="bamf")
    measure = Measure.objects.create(
        title="mbeon – Online-Beratung als Regelangebot",
        owner=Organisation.objects.get(key="bmi"),
        level=Level.objects.get(key="bund"),
        nap_i_theme=Theme.objects.get(phase__number=2, position=2),
        nap_i_number=2,
        publication=Measure.Publication.RELEASED,
    )
    MeasureOrganisation.objects.create(measure=measure, organisation=bamf, role="responsible")
    return measure


def test_start_page_lists_measures_by_phase_and_theme(
    live_server: LiveServer, page: Page, one_public_measure: Measure
) -> None:
    page.goto(live_server.url)
    expect(page).to_have_title("Integrationsmaßnahmen des Bundes – ISI")
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator("html")).to_have_attribute("lang", "de")
    theme = page.locator("section.theme", has_text="Migrationsberatung")
    expect(theme.locator(".measure-title")).to_have_text("mbeon – Online-Beratung als Regelangebot")
    expect(theme.locator(".measure-orgs")).to_contain_text("Bundesamt für Migration und Flüchtlinge")


def test_skip_link_is_the_first_stop_for_the_keyboard(live_server: LiveServer, page: Page) -> None:
    page.goto(live_server.url)
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Zum Inhalt springen"


def test_demo_user_signs_in_and_out(live_server: LiveServer, page: Page) -> None:
    with override_settings(DEMO_MODE=True):
        ensure_demo_users("demo-passwort")
    page.goto(f"{live_server.url}/konto/anmelden/")
    page.get_by_label("Benutzername").fill("bmi")
    page.get_by_label("Passwort").fill("falsch")
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_role("alert")).to_be_visible()
    # The rejected form keeps what the person typed.
    expect(page.get_by_label("Benutzername")).to_have_value("bmi")
    page.get_by_label("Passwort").fill("demo-passwort")
    page.get_by_role("button", name="Anmelden").click()
    expect(page.locator(".header-tools")).to_contain_text("BMI")
    page.get_by_role("button", name="Abmelden").click()
    expect(page.get_by_role("link", name="Anmelden")).to_be_visible()
