"""Coordination edits a catalogue entry in a real Chromium; the catalogue pages pass axe (WCAG 2.1 A/AA)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from isi.accounts.models import User
from isi.catalog.models import TargetGroup
from isi.organisations.models import Organisation
from tests.browser.support import axe_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]

PASSWORD = "ein-sicheres-Testpasswort-42"
LIST = "/arbeitsbereich/kataloge/"


@pytest.fixture
def koordination() -> User:
    return User.objects.create_user(
        username="koordination",
        password=PASSWORD,
        role="coordination",
        organisation=Organisation.objects.get(key="ib"),
    )


@pytest.fixture
def tab(browser: Browser) -> Iterator[Page]:
    # bypass_csp only so axe can be injected; the pages run under the real policy otherwise.
    context = browser.new_context(locale="de-DE", bypass_csp=True)
    page = context.new_page()
    yield page
    context.close()


def sign_in(page: Page, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/konto/anmelden/")
    page.get_by_label("Benutzername").fill("koordination")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_role("button", name="Abmelden")).to_be_visible()


def test_coordination_renames_target_group_and_sees_history(
    live_server: LiveServer, tab: Page, koordination: User
) -> None:
    group = TargetGroup.objects.get(key="frauen-maedchen")
    sign_in(tab, live_server)
    tab.goto(live_server.url + LIST)
    expect(tab.get_by_role("heading", level=1)).to_have_text("Kataloge")
    tab.locator(f"a[href='{LIST}zielgruppen/{group.pk}/bearbeiten/']").click()
    tab.locator("#id_name").fill("Frauen und Mädchen jeden Alters")
    tab.get_by_role("button", name="Speichern").click()
    expect(tab.get_by_role("heading", level=1)).to_have_text("Kataloge")
    tab.locator(f"a[href='/arbeitsbereich/verlauf/catalog.targetgroup/{group.pk}/']").click()
    expect(tab.get_by_role("heading", level=1)).to_contain_text("Verlauf")
    expect(tab.locator("main")).to_contain_text("Frauen und Mädchen jeden Alters")
    group.refresh_from_db()
    assert group.name == "Frauen und Mädchen jeden Alters"


def test_catalogue_pages_have_no_wcag_violations(
    live_server: LiveServer, tab: Page, koordination: User
) -> None:
    group = TargetGroup.objects.get(key="frauen-maedchen")
    sign_in(tab, live_server)
    response = tab.goto(live_server.url + LIST)
    assert response is not None and response.status == 200
    violations = axe_violations(tab)
    assert violations == [], json.dumps(violations, indent=1, ensure_ascii=False)

    tab.goto(f"{live_server.url}{LIST}zielgruppen/{group.pk}/bearbeiten/")
    tab.locator("#id_name").fill("")
    tab.locator("#id_position").fill("-1")
    tab.get_by_role("button", name="Speichern").click()
    expect(tab.get_by_role("alert").first).to_be_visible()
    expect(tab.locator("#id_position")).to_have_value("-1")
    violations = axe_violations(tab)
    assert violations == [], json.dumps(violations, indent=1, ensure_ascii=False)
    group.refresh_from_db()
    assert group.name != ""
