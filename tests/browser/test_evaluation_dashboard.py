"""The Erfolgskontrolle dashboard in a real Chromium: axe-clean, the ministry lacking plans first."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer

from isi.accounts.models import User
from isi.catalog.models import Area, Level
from isi.measures.models import Evaluation, Measure
from isi.organisations.models import Organisation
from tests.browser.support import axe_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]


@pytest.fixture
def evaluation_world() -> None:
    def org(key: str) -> Organisation:
        return Organisation.objects.get(key=key)

    User.objects.create_user(
        username="koordination", password="x", role="coordination", organisation=org("ib")
    )
    bund = Level.objects.get(key="bund")
    today = date.today()

    def measure(title: str, owner: str, **fields: object) -> Measure:
        created = Measure.objects.create(title=title, owner=org(owner), level=bund, **fields)
        created.areas.set([Area.objects.get(key="sprache")])
        return created

    course = measure("Integrationskurs", "bmi")
    Evaluation.objects.create(
        measure=course, state="running", method="Befragung", due_date=today - timedelta(days=3)
    )
    done = measure("Migrationsberatung", "bmi")
    Evaluation.objects.create(
        measure=done, state="done", method="Wirkungsanalyse", result_summary="Ziele überwiegend erreicht."
    )
    measure("Berufssprachkurse", "bmas")  # BMAS: no plan at all
    measure(
        "Modellprojekt Jobcoaching",
        "bmas",
        is_model_project=True,
        test_phase_start=today - timedelta(days=400),
        test_phase_end=today - timedelta(days=1),
    )


@pytest.fixture
def coordination_page(browser: Browser, live_server: LiveServer, evaluation_world: None) -> Iterator[Page]:
    client = Client()
    client.force_login(User.objects.get(username="koordination"))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    # CSP bypassed only so the test can inject axe; the page itself runs under the real policy.
    context: BrowserContext = browser.new_context(locale="de-DE", bypass_csp=True)
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    yield context.new_page()
    context.close()


def test_dashboard_shows_ministry_lacking_plans_first_and_passes_axe(
    coordination_page: Page, live_server: LiveServer
) -> None:
    page = coordination_page
    response = page.goto(live_server.url + "/arbeitsbereich/erfolgskontrolle/")
    assert response is not None and response.status == 200
    table = page.get_by_role("table", name="Anteil der Maßnahmen mit Plan")
    first_row = table.locator("tbody tr").first
    expect(first_row.get_by_role("rowheader")).to_contain_text("Bundesministerium für Arbeit und Soziales")
    expect(first_row).to_contain_text("kein Plan")
    expect(first_row).to_contain_text("0,0 %")
    expect(table.locator("tbody tr").nth(1)).to_contain_text("100,0 %")
    expect(page.get_by_text("Ohne jeden Plan für die Erfolgskontrolle:")).to_be_visible()
    expect(page.get_by_role("link", name="Modellprojekt Jobcoaching")).to_be_visible()
    violations = axe_violations(page)
    assert violations == [], json.dumps(violations, indent=1, ensure_ascii=False)


def test_filter_form_works_without_javascript_and_stays_accessible(
    coordination_page: Page, live_server: LiveServer
) -> None:
    page = coordination_page
    page.goto(live_server.url + "/arbeitsbereich/erfolgskontrolle/")
    page.get_by_label("Ressort").select_option(label="Bundesministerium des Innern")
    page.get_by_role("button", name="Filter anwenden").click()
    expect(page.get_by_role("link", name="Integrationskurs")).to_be_visible()
    expect(page.get_by_role("link", name="Modellprojekt Jobcoaching")).to_have_count(0)
    assert "owner=" in page.url
    assert axe_violations(page) == []
