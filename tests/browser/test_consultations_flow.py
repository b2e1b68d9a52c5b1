"""IMAG consultation in a real Chromium: BMI submits, BMAS comments, BMI decides; axe on the pages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from isi.accounts.models import User
from isi.catalog.models import Level
from isi.measures.models import Measure
from isi.measures.services import measure_create
from isi.organisations.models import Organisation
from tests.browser.conftest import PASSWORD
from tests.browser.support import axe_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]


@pytest.fixture
def people() -> dict[str, User]:
    specs = {
        "bmi": ("desk_officer", "bmi"),
        "bmas": ("desk_officer", "bmas"),
        "koordination": ("coordination", "ib"),
    }
    return {
        name: User.objects.create_user(
            username=name, password=PASSWORD, role=role, organisation=Organisation.objects.get(key=key)
        )
        for name, (role, key) in specs.items()
    }


@pytest.fixture
def measure() -> Measure:
    return measure_create(
        fields={
            "title": "Programm Sprachbrücke",
            "summary": "Neues Programm für Sprachförderung in Kitas.",
            "owner": Organisation.objects.get(key="bmi"),
            "level": Level.objects.get(key="bund"),
        },
        source="test",
    )


def test_submit_comment_decide_timeline_and_axe(
    live_server: LiveServer,
    sign_in_as: Callable[[str], Page],
    people: dict[str, User],
    measure: Measure,
) -> None:
    until = (timezone.localdate() + timedelta(days=14)).isoformat()
    bmi = sign_in_as("bmi")
    bmi.goto(f"{live_server.url}/arbeitsbereich/abstimmungen/")
    bmi.get_by_role("link", name="Vorhaben der IMAG vorlegen").click()
    bmi.get_by_label("Maßnahme").select_option(str(measure.pk))
    bmi.get_by_label("Art des Vorhabens").select_option("new_programme")
    bmi.get_by_label("Frage / Zusammenfassung für die IMAG").fill(
        "Bitte um Abstimmung des Programms Sprachbrücke."
    )
    bmi.get_by_label("Stellungnahmen bis").fill(until)
    bmi.get_by_role("button", name="Vorlegen").click()
    expect(bmi.get_by_role("heading", level=1)).to_contain_text("Programm Sprachbrücke")
    detail_url = bmi.url.split("#")[0]

    bmas = sign_in_as("bmas")
    bmas.goto(detail_url)
    bmas.get_by_role("link", name="Stellung nehmen").click()
    bmas.get_by_label("Stellungnahme").fill("Das BMAS bittet um Abgrenzung zu den Berufssprachkursen.")
    bmas.get_by_role("button", name="Stellungnahme speichern").click()
    expect(bmas.locator(".timeline-event--comment")).to_contain_text("Berufssprachkursen")

    bmi.goto(detail_url)
    bmi.get_by_role("link", name="Entscheidung festhalten").click()
    bmi.get_by_label("Entscheidung").select_option("changed")
    bmi.get_by_label("Begründung").fill("Abgrenzung zu den Berufssprachkursen wird ergänzt.")
    bmi.get_by_role("button", name="Entscheidung speichern").click()

    events = bmi.locator(".timeline li")
    expect(events).to_have_count(3)
    expect(events.nth(0)).to_contain_text("Vorgelegt")
    expect(events.nth(1)).to_contain_text("Stellungnahme")
    expect(events.nth(2)).to_contain_text("Mit Änderungen fortgeführt")
    expect(bmi.locator("#stand")).to_have_text("entschieden")
    assert axe_violations(bmi) == []

    bmi.goto(f"{live_server.url}/arbeitsbereich/abstimmungen/")
    expect(bmi.get_by_role("heading", level=1)).to_have_text("IMAG-Abstimmungen")
    assert axe_violations(bmi) == []

    # The comment changed nothing on the measure (rule 9).
    measure.refresh_from_db()
    assert measure.version == 1


def test_succession_form_passes_axe(
    live_server: LiveServer, sign_in_as: Callable[[str], Page], people: dict[str, User]
) -> None:
    page = sign_in_as("koordination")
    page.goto(f"{live_server.url}/arbeitsbereich/abstimmungen/nachfolgen/erfassen/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Nachfolge erfassen")
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/arbeitsbereich/abstimmungen/nachfolgen/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Nachfolgen")
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/arbeitsbereich/abstimmungen/nachfolgen/stichtag/?on=2024-01-01")
    expect(page.get_by_role("heading", level=1)).to_have_text("Zuständigkeit am Stichtag")
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/arbeitsbereich/abstimmungen/nachfolgen/erfassen/")
    # With field errors shown as well.
    page.get_by_role("button", name="Nachfolge speichern").click()
    expect(page.locator(".kern-error").first).to_be_visible()
    assert axe_violations(page) == []
