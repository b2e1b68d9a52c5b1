"""The staff work tool in a real Chromium: edit with errors, conflict, similar hint, axe."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from isi.accounts.models import User
from isi.catalog.models import Level
from isi.measures.models import Measure
from isi.measures.services import measure_create
from isi.organisations.models import Organisation
from tests.browser.support import axe_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]

PASSWORD = "ein-sicheres-Testpasswort-42"


@pytest.fixture
def desk_officers() -> list[User]:
    bmi = Organisation.objects.get(key="bmi")
    return [
        User.objects.create_user(username=name, password=PASSWORD, role="desk_officer", organisation=bmi)
        for name in ("referentin", "referent")
    ]


@pytest.fixture
def measure() -> Measure:
    return measure_create(
        fields={
            "title": "Integrationskurs für Eltern",
            "summary": "Sprachkurs mit Kinderbetreuung für neu zugewanderte Eltern.",
            "owner": Organisation.objects.get(key="bmi"),
            "level": Level.objects.get(key="bund"),
            "offer_type": "complementary",
            "complementary_need": "Eltern kleiner Kinder",
            "evaluation": {
                "state": "planned",
                "method": "Teilnehmendenbefragung",
                "effort_note": "",
                "due_date": date.today() + timedelta(days=365),
            },
        },
        source="test",
    )


def sign_in(page: Page, live_server: LiveServer, username: str) -> None:
    page.goto(f"{live_server.url}/konto/anmelden/")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    expect(page.locator(".header-tools")).to_contain_text("BMI")


@pytest.fixture
def staff_page(browser: Browser) -> Any:
    # bypass_csp only so axe can be injected; the pages run under the real policy otherwise.
    context = browser.new_context(locale="de-DE", bypass_csp=True)
    tab = context.new_page()
    yield tab
    context.close()


def test_edit_with_validation_error_keeps_input(
    live_server: LiveServer, staff_page: Page, desk_officers: list[User], measure: Measure
) -> None:
    page = staff_page
    sign_in(page, live_server, "referentin")
    page.goto(f"{live_server.url}/arbeitsbereich/massnahmen/{measure.pk}/bearbeiten/")
    expect(page.locator("h1")).to_have_count(1)
    page.get_by_label("Kurzbeschreibung").fill("Meine neue Beschreibung")
    page.get_by_label("mit Teilnahmeverpflichtung").check()
    page.get_by_role("button", name="Speichern").click()
    expect(page.locator("#error-summary")).to_be_visible()
    error = page.locator("#id_obligation_control_error")
    expect(error).to_contain_text("Regel 5")
    expect(page.locator("#id_obligation_control")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Kurzbeschreibung")).to_have_value("Meine neue Beschreibung")
    assert axe_violations(page) == []


def test_two_people_edit_the_same_measure(
    live_server: LiveServer, browser: Browser, desk_officers: list[User], measure: Measure
) -> None:
    first = browser.new_context(locale="de-DE").new_page()
    second = browser.new_context(locale="de-DE").new_page()
    try:
        sign_in(first, live_server, "referentin")
        sign_in(second, live_server, "referent")
        url = f"{live_server.url}/arbeitsbereich/massnahmen/{measure.pk}/bearbeiten/"
        first.goto(url)
        second.goto(url)
        first.locator("#id_title").fill("Integrationskurs für Eltern (neu)")
        first.get_by_role("button", name="Speichern").click()
        expect(first.locator("h1")).to_have_text("Integrationskurs für Eltern (neu)")
        second.get_by_label("Ziele").fill("Ziele von Person zwei")
        second.get_by_role("button", name="Speichern").click()
        alert = second.locator("#conflict")
        expect(alert).to_be_visible()
        expect(alert).to_have_attribute("role", "alert")
        expect(alert).to_contain_text("Integrationskurs für Eltern (neu)")
        expect(second.get_by_label("Ziele")).to_have_value("Ziele von Person zwei")
        measure.refresh_from_db()
        assert measure.title == "Integrationskurs für Eltern (neu)"
        assert measure.goals == ""
    finally:
        first.context.close()
        second.context.close()


def test_similar_measures_appear_while_typing(
    live_server: LiveServer, staff_page: Page, desk_officers: list[User], measure: Measure
) -> None:
    page = staff_page
    sign_in(page, live_server, "referentin")
    page.goto(f"{live_server.url}/arbeitsbereich/massnahmen/neu/")
    page.locator("#id_title").press_sequentially("Integrationskurse für Eltern", delay=20)
    similar = page.locator("#similar")
    expect(similar).to_contain_text("Integrationskurs für Eltern", timeout=10000)
    expect(similar).to_contain_text("gemeinsame Wörter")


def test_staff_pages_pass_axe(
    live_server: LiveServer, staff_page: Page, desk_officers: list[User], measure: Measure
) -> None:
    page = staff_page
    sign_in(page, live_server, "referentin")
    for path in (
        "/arbeitsbereich/",
        "/arbeitsbereich/?review=1&sort=title",
        f"/arbeitsbereich/massnahmen/{measure.pk}/",
        f"/arbeitsbereich/massnahmen/{measure.pk}/bearbeiten/",
        "/arbeitsbereich/massnahmen/neu/",
    ):
        page.goto(f"{live_server.url}{path}")
        expect(page.locator("h1")).to_have_count(1)
        assert axe_violations(page) == [], path


def test_filter_swap_updates_results_and_leaves_focus_on_the_filter(
    live_server: LiveServer, staff_page: Page, desk_officers: list[User], measure: Measure
) -> None:
    # Issue 15.3: applying a filter must not move focus away from where the person is working;
    # the results region is a live region, so the new count is announced instead.
    page = staff_page
    sign_in(page, live_server, "referentin")
    page.goto(f"{live_server.url}/arbeitsbereich/")
    page.locator("details.filter-more:not(.list-options) summary").click()
    status = page.locator("#f-status")  # "Status" is also a column one can choose
    status.focus()
    status.select_option("unknown")
    expect(page).to_have_url(re.compile(r"status=unknown"), timeout=10000)
    page.wait_for_timeout(300)  # the swap has landed
    expect(status).to_be_focused()
    expect(page.locator("#list-area h2")).not_to_be_focused()
    assert page.locator("#list-area .results").get_attribute("aria-live") == "polite"
