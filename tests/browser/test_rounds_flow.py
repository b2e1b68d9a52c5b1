"""A six-monthly round in a real Chromium: opened, confirmed, watched, closed, compared – and axe-clean."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, BrowserContext, expect
from pytest_django.live_server_helper import LiveServer

from isi.accounts.models import User
from isi.catalog.models import Level
from isi.measures.models import Evaluation, Measure
from isi.measures.services import measure_update
from isi.organisations.models import Organisation
from isi.rounds import services
from tests.browser.support import axe_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]

Login = Callable[[str], BrowserContext]


@pytest.fixture
def round_world() -> dict[str, Any]:
    def org(key: str) -> Organisation:
        return Organisation.objects.get(key=key)

    users = {
        "koordination": User.objects.create_user(
            username="koordination", password="x", role="coordination", organisation=org("ib")
        ),
        "bmi": User.objects.create_user(
            username="bmi", password="x", role="desk_officer", organisation=org("bmi")
        ),
    }
    bund = Level.objects.get(key="bund")
    sound = {"offer_type": Measure.OfferType.COMPLEMENTARY, "complementary_need": "Beratung"}
    measures = [
        Measure.objects.create(title="Integrationskurs", owner=org("bmi"), level=bund, **sound),
        Measure.objects.create(
            title="Migrationsberatung für Erwachsene", owner=org("bmi"), level=bund, **sound
        ),
        Measure.objects.create(title="Berufssprachkurse", owner=org("bmas"), level=bund, **sound),
    ]
    # Measures that meet the rules: a confirmation "still correct" is refused otherwise.
    for measure in measures:
        Evaluation.objects.create(measure=measure, state=Evaluation.State.PLANNED, method="Befragung")
    # An earlier, closed round; since then one measure changed.
    earlier = services.open_round(
        title="2. Halbjahr 2026", deadline=date.today() + timedelta(days=1), actor=users["koordination"]
    )
    services.close_round(round=earlier, actor=users["koordination"])
    measure_update(
        measure_id=measures[2].pk, expected_version=1, changes={"summary": "Jetzt auch digital."}, actor=None
    )
    return {"users": users, "measures": measures}


@pytest.fixture
def login(browser: Browser, live_server: LiveServer) -> Any:
    contexts: list[BrowserContext] = []

    def make(username: str, *, bypass_csp: bool = False) -> BrowserContext:
        client = Client()
        client.force_login(User.objects.get(username=username))
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context = browser.new_context(locale="de-DE", bypass_csp=bypass_csp)
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


def test_coordination_opens_bmi_confirms_coordination_closes_and_compares(
    live_server: LiveServer, login: Any, round_world: dict[str, Any]
) -> None:
    coordination = login("koordination").new_page()
    coordination.goto(f"{live_server.url}/arbeitsbereich/runden/")
    coordination.get_by_role("link", name="Neue Runde eröffnen").click()
    coordination.get_by_label("Bezeichnung").fill("1. Halbjahr 2027")
    coordination.get_by_label("Frist").fill((date.today() + timedelta(days=30)).isoformat())
    coordination.get_by_role("button", name="Weiter: Eröffnung prüfen").click()
    expect(coordination.get_by_role("heading", level=1)).to_have_text("Eröffnung bestätigen")
    expect(coordination.locator("#opening-effects")).to_contain_text(
        "3 Maßnahmen kommen auf die Aufgabenlisten"
    )
    coordination.get_by_role("button", name="Runde jetzt eröffnen").click()
    expect(coordination.get_by_role("heading", level=1)).to_have_text("Runde 1. Halbjahr 2027")
    overall = coordination.get_by_role("progressbar", name="Fortschritt aller Ressorts")
    expect(overall).to_have_attribute("aria-valuenow", "0")
    expect(overall).to_have_attribute("aria-valuemax", "3")

    bmi = login("bmi").new_page()
    bmi.goto(f"{live_server.url}/arbeitsbereich/runden/aufgaben/")
    expect(bmi.get_by_role("heading", name="Noch offen: 2 Maßnahmen")).to_be_visible()
    expect(bmi.get_by_text("Berufssprachkurse")).to_have_count(0)
    expect(bmi.get_by_role("link", name="„Integrationskurs“ bearbeiten")).to_have_attribute(
        "href", f"/arbeitsbereich/massnahmen/{round_world['measures'][0].pk}/bearbeiten/"
    )
    bmi.get_by_role("button", name="„Integrationskurs“ unverändert bestätigen").click()
    expect(bmi.get_by_role("status").first).to_contain_text("„Integrationskurs“ ist bestätigt.")
    expect(bmi.get_by_role("heading", name="Noch offen: 1 Maßnahme")).to_be_visible()

    coordination.reload()
    expect(overall).to_have_attribute("aria-valuenow", "1")
    expect(coordination.get_by_text("1 von 3 erledigt (33 %)").first).to_be_visible()
    coordination.get_by_role("link", name="Runde abschließen").click()
    coordination.get_by_role("button", name="Runde jetzt abschließen").click()
    expect(coordination.get_by_role("heading", level=1)).to_have_text(
        "Was hat sich seit der letzten Runde geändert?"
    )
    expect(
        coordination.get_by_role("status").filter(has_text="2 Maßnahmen wurden nicht bestätigt")
    ).to_be_visible()
    expect(coordination.get_by_role("heading", name="Berufssprachkurse geändert")).to_be_visible()
    expect(coordination.locator("dl.round-diff").first).to_contain_text("Kurzbeschreibung")
    expect(coordination.locator("dl.round-diff").first).to_contain_text("Jetzt auch digital.")


@pytest.mark.parametrize(
    ("who", "path"),
    [
        ("koordination", "/arbeitsbereich/runden/"),
        ("koordination", "/arbeitsbereich/runden/{round}/"),
        ("koordination", "/arbeitsbereich/runden/{round}/abschliessen/"),
        ("bmi", "/arbeitsbereich/runden/aufgaben/"),
        ("bmi", "/arbeitsbereich/runden/"),
    ],
)
def test_rounds_pages_pass_axe(
    live_server: LiveServer, login: Any, round_world: dict[str, Any], who: str, path: str
) -> None:
    current = services.open_round(
        title="1. Halbjahr 2027",
        deadline=date.today() + timedelta(days=30),
        actor=round_world["users"]["koordination"],
    )
    services.confirm_measure(
        round=current, measure=round_world["measures"][0], actor=round_world["users"]["bmi"]
    )
    page = login(who, bypass_csp=True).new_page()
    page.goto(live_server.url + path.format(round=current.pk))
    assert page.locator("h1").count() == 1
    assert axe_violations(page) == []


def test_open_and_compare_pages_pass_axe(
    live_server: LiveServer, login: Any, round_world: dict[str, Any]
) -> None:
    coordinator = round_world["users"]["koordination"]
    second = services.open_round(title="1. Halbjahr 2027", deadline=date.today(), actor=coordinator)
    services.close_round(round=second, actor=coordinator)
    page = login("koordination", bypass_csp=True).new_page()
    for path in ("/arbeitsbereich/runden/eroeffnen/", "/arbeitsbereich/runden/vergleich/"):
        page.goto(live_server.url + path)
        assert page.locator("h1").count() == 1
        assert axe_violations(page) == [], path
    expect(page.get_by_role("heading", name="Berufssprachkurse geändert")).to_be_visible()
