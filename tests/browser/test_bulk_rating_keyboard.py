"""Rating several overlap pairs at once with the keyboard only: in place, announced, axe-clean."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from isi.accounts.models import User
from isi.catalog.models import Level
from isi.coordination.models import OverlapCandidate
from isi.measures.models import Measure
from isi.organisations.models import Organisation
from tests.browser.conftest import PASSWORD
from tests.browser.support import axe_violations
from tests.integration.coordination_fixtures import pair, run_with

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]


@pytest.fixture
def pairs() -> list[OverlapCandidate]:
    User.objects.create_user(
        username="koordination",
        password=PASSWORD,
        role="coordination",
        organisation=Organisation.objects.get(key="ib"),
    )

    def make(title: str, owner: str) -> Measure:
        return Measure.objects.create(
            title=title,
            summary=f"{title}: Angebot für Zugewanderte.",
            owner=Organisation.objects.get(key=owner),
            level=Level.objects.get(key="bund"),
            publication=Measure.Publication.RELEASED,
        )

    a, b = make("Sprachkurse für Eltern", "bmi"), make("Elternkurse Deutsch", "bmfsfj")
    c, d = make("Berufssprachkurse", "bmas"), make("Deutsch im Beruf", "bmi")
    e = make("Deutsch am Arbeitsplatz", "bmi")
    run_with([pair(a, b, 0.8), pair(c, d, 0.6), pair(d, e, 0.5)])
    return list(OverlapCandidate.objects.order_by("-score"))


def test_keyboard_user_rates_two_pairs_at_once_without_a_reload(
    live_server: LiveServer, sign_in_as: Callable[[str], Page], pairs: list[OverlapCandidate]
) -> None:
    page = sign_in_as("koordination")
    page.goto(f"{live_server.url}/arbeitsbereich/koordination/ueberschneidungen/")
    expect(page.locator(".pair-pick-all")).to_be_visible()  # the script is there
    assert axe_violations(page) == []
    page.evaluate("window.__notReloaded = true")
    first, second, third = pairs
    # Keyboard only: focus a box, Space ticks it; the bulk form's controls by Tab order.
    page.locator(f"#pick-{first.pk}").focus()
    page.keyboard.press("Space")
    page.locator(f"#pick-{second.pk}").focus()
    page.keyboard.press("Space")
    page.locator("#bulk-decision").focus()
    page.keyboard.press("Tab")  # the note
    expect(page.locator("#bulk-note")).to_be_focused()
    page.keyboard.press("Tab")  # the button
    button = page.get_by_role("button", name="Ausgewählte Paare bewerten")
    expect(button).to_be_focused()
    page.keyboard.press("Enter")

    status = page.locator("#status-messages")
    expect(status).to_contain_text("2 Paare bewertet: Überschneidung.")
    assert status.get_attribute("role") == "status"
    expect(page.locator(f"#paar-{first.pk}")).to_have_count(0)  # decided: off the open list
    expect(page.locator(f"#paar-{third.pk}")).to_have_count(1)
    assert page.evaluate("window.__notReloaded === true")  # swapped in place: no reload, no jump
    expect(button).to_be_focused()  # focus stays where the user was
    assert axe_violations(page) == []
    for candidate in (first, second):
        candidate.refresh_from_db()
        assert candidate.decision == "overlap"
    third.refresh_from_db()
    assert third.decision == "open"


def test_select_all_checkbox_ticks_every_pair_on_the_page(
    live_server: LiveServer, sign_in_as: Callable[[str], Page], pairs: list[OverlapCandidate]
) -> None:
    page = sign_in_as("koordination")
    page.goto(f"{live_server.url}/arbeitsbereich/koordination/ueberschneidungen/")
    page.locator("#pick-all").focus()
    page.keyboard.press("Space")
    for candidate in pairs:
        expect(page.locator(f"#pick-{candidate.pk}")).to_be_checked()
