"""Sign-in in a real Chromium: a wrong password, then the right one; the lock-out page; axe on both."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from isi.accounts.models import User
from isi.organisations.models import Organisation
from tests.browser.support import axe_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]

PASSWORD = "richtig-langes-passwort"


@pytest.fixture
def person() -> User:
    return User.objects.create_user(
        username="bmi",
        password=PASSWORD,
        role=User.Role.DESK_OFFICER,
        organisation=Organisation.objects.get(key="bmi"),
        first_name="Referat",
        last_name="Integration",
    )


@pytest.fixture
def axe_page(browser: Browser) -> Iterator[Page]:
    # Bypass CSP only so the test can inject axe; the pages themselves run under the real policy.
    context = browser.new_context(locale="de-DE", bypass_csp=True)
    tab = context.new_page()
    yield tab
    context.close()


def try_sign_in(page: Page, password: str) -> None:
    page.get_by_label("Benutzername").fill("bmi")
    page.get_by_label("Passwort").fill(password)
    page.get_by_role("button", name="Anmelden").click()


def test_wrong_password_then_right_one(live_server: LiveServer, axe_page: Page, person: User) -> None:
    page = axe_page
    page.goto(f"{live_server.url}/konto/anmelden/")
    try_sign_in(page, "falsch")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Benutzername oder Passwort stimmen nicht")
    expect(page.get_by_label("Benutzername")).to_have_value("bmi")
    expect(page.get_by_label("Passwort")).to_have_value("")
    assert axe_violations(page) == []
    try_sign_in(page, PASSWORD)
    expect(page.locator(".header-tools")).to_contain_text("BMI")
    page.goto(f"{live_server.url}/konto/")
    expect(page.locator("h1")).to_have_text("Mein Konto")
    page.get_by_role("button", name="Abmelden").click()
    expect(page.get_by_text("Sie sind abgemeldet.")).to_be_visible()
    expect(page.get_by_role("link", name="Anmelden")).to_be_visible()


def test_empty_form_errors_pass_axe(live_server: LiveServer, axe_page: Page) -> None:
    page = axe_page
    page.goto(f"{live_server.url}/konto/anmelden/")
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_role("alert")).to_contain_text("Bitte geben Sie Ihren Benutzernamen ein.")
    assert axe_violations(page) == []


def test_lock_out_page_is_clear_and_accessible(live_server: LiveServer, axe_page: Page, person: User) -> None:
    page = axe_page
    page.goto(f"{live_server.url}/konto/anmelden/")
    for _ in range(5):
        try_sign_in(page, "falsch")
    expect(page.locator("h1")).to_have_text("Anmeldung vorübergehend gesperrt")
    expect(page.locator("h1")).to_have_count(1)
    expect(page.get_by_role("alert")).to_contain_text("15 Minuten")
    assert axe_violations(page) == []
