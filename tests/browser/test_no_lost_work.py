"""No lost work in a real Chromium (issue 15, point 3): the time-out warning, the draft after the
session ran out, no focus stolen while typing, the status message announced."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from isi.accounts.models import User
from isi.catalog.models import Level
from isi.measures.models import Measure
from isi.measures.services import measure_create
from isi.organisations.models import Organisation

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]

PASSWORD = "ein-sicheres-Testpasswort-42"


@pytest.fixture
def referentin() -> User:
    return User.objects.create_user(
        username="referentin",
        password=PASSWORD,
        role="desk_officer",
        organisation=Organisation.objects.get(key="bmi"),
    )


@pytest.fixture
def tab(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="de-DE")
    page = context.new_page()
    yield page
    context.close()


def a_measure(title: str, summary: str = "Kurzbeschreibung.") -> Measure:
    return measure_create(
        fields={
            "title": title,
            "summary": summary,
            "owner": Organisation.objects.get(key="bmi"),
            "level": Level.objects.get(key="bund"),
        },
        source="test",
        check_rules=False,
    )


def sign_in(page: Page, live_server: LiveServer, *, from_page: bool = False) -> None:
    if not from_page:
        page.goto(f"{live_server.url}/konto/anmelden/")
    page.get_by_label("Benutzername").fill("referentin")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()


def focused_id(page: Page) -> Any:
    return page.evaluate("document.activeElement && document.activeElement.id")


def test_warning_before_the_idle_time_out_and_staying_signed_in(
    live_server: LiveServer, tab: Page, referentin: User, settings: Any
) -> None:
    settings.ISI_SESSION_IDLE_SECONDS = 16  # the warning comes 8 s before (half of a short time-out)
    sign_in(tab, live_server)
    expect(tab).to_have_url(f"{live_server.url}/arbeitsbereich/start/")
    tab.goto(f"{live_server.url}/arbeitsbereich/")
    field = tab.get_by_label("Suchbegriff")
    field.focus()
    dialog = tab.locator("dialog#session-warning")
    expect(dialog).to_be_hidden()
    assert focused_id(tab) == "f-q"  # nothing moves focus before the dialog opens

    expect(dialog).to_be_visible(timeout=15_000)
    assert tab.evaluate("document.getElementById('session-warning').contains(document.activeElement)")
    expect(dialog.get_by_role("heading", name="Ihre Anmeldung läuft bald ab")).to_be_visible()
    expect(tab.locator("#session-announcement")).to_contain_text("abgemeldet")

    with tab.expect_response("**/konto/sitzung/") as keep_alive:
        dialog.get_by_role("button", name="Angemeldet bleiben").click()
    assert keep_alive.value.ok
    expect(dialog).to_be_hidden()
    assert focused_id(tab) == "f-q"  # back where the person was
    # Still signed in: the work tool answers without a detour to the sign-in page.
    tab.goto(f"{live_server.url}/arbeitsbereich/")
    expect(tab).to_have_url(f"{live_server.url}/arbeitsbereich/")


def test_text_typed_before_the_time_out_is_back_after_signing_in(
    live_server: LiveServer, tab: Page, referentin: User, settings: Any
) -> None:
    settings.ISI_SESSION_IDLE_SECONDS = 4
    sign_in(tab, live_server)
    tab.goto(f"{live_server.url}/arbeitsbereich/massnahmen/neu/")
    tab.locator("#id_title").fill("Sprachkurse für Eltern")
    tab.locator("#id_summary").fill("Deutschkurse mit Kinderbetreuung am Vormittag.")
    dialog = tab.locator("dialog#session-warning")
    # Ignoring the warning: the session runs out, the dialog says so and can be closed.
    expect(dialog.get_by_role("heading", name="Ihre Anmeldung ist abgelaufen")).to_be_visible(timeout=15_000)
    tab.wait_for_timeout(1000)
    dialog.get_by_role("button", name="Schließen").click()
    tab.get_by_role("button", name="Speichern", exact=True).click()

    expect(tab).to_have_url(re.compile(r"/konto/anmelden/\?next=.*entwurf"))
    settings.ISI_SESSION_IDLE_SECONDS = 600
    sign_in(tab, live_server, from_page=True)
    expect(tab).to_have_url(re.compile(r"/arbeitsbereich/massnahmen/neu/\?entwurf="))
    expect(
        tab.get_by_role("status").filter(has_text="Ihre Eingaben wurden wiederhergestellt")
    ).to_be_visible()
    expect(tab.locator("#id_title")).to_have_value("Sprachkurse für Eltern")
    expect(tab.locator("#id_summary")).to_have_value("Deutschkurse mit Kinderbetreuung am Vormittag.")
    assert not Measure.objects.filter(title="Sprachkurse für Eltern").exists()


def test_similar_panel_updates_without_taking_focus_or_text(
    live_server: LiveServer, tab: Page, referentin: User
) -> None:
    a_measure("Sprachkurse für Eltern mit Kinderbetreuung", "Deutschkurse für Eltern kleiner Kinder.")
    sign_in(tab, live_server)
    tab.goto(f"{live_server.url}/arbeitsbereich/massnahmen/neu/")
    title = tab.locator("#id_title")
    title.click()
    panel = tab.locator("#similar")
    # Typed slowly, with pauses long enough for the panel to update in between.
    with tab.expect_response("**/massnahmen/aehnliche/**"):
        title.press_sequentially("Sprachkurse", delay=120)
    tab.wait_for_timeout(300)  # the swap lands while the person goes on typing
    title.press_sequentially(" fuer Eltern", delay=120)
    expect(panel).to_contain_text("Sprachkurse für Eltern mit Kinderbetreuung", timeout=10_000)
    tab.wait_for_timeout(800)
    expect(title).to_have_value("Sprachkurse fuer Eltern")
    assert focused_id(tab) == "id_title"


def test_staff_list_filters_after_a_typing_pause_and_tab_keeps_focus(
    live_server: LiveServer, tab: Page, referentin: User
) -> None:
    a_measure("Elternkurse im Stadtteil")
    a_measure("Berufsberatung für Zugewanderte")
    sign_in(tab, live_server)
    tab.goto(f"{live_server.url}/arbeitsbereich/")
    expect(tab.locator("#list-area h2")).to_have_text("2 Maßnahmen")
    field = tab.get_by_label("Suchbegriff")
    field.click()
    field.press_sequentially("Elternkurse", delay=60)
    tab.keyboard.press("Tab")
    after_tab = tab.evaluate("document.activeElement.outerHTML.slice(0, 80)")
    expect(tab.locator("#list-area h2")).to_have_text("1 Maßnahme", timeout=10_000)
    tab.wait_for_timeout(500)
    assert tab.evaluate("document.activeElement.outerHTML.slice(0, 80)") == after_tab
    assert focused_id(tab) != "f-q" and "kern-heading" not in after_tab
    expect(tab).to_have_url(re.compile(r"q=Elternkurse"))


def test_saved_status_message_is_announced(live_server: LiveServer, tab: Page, referentin: User) -> None:
    measure = a_measure("Integrationskurs für Eltern")
    sign_in(tab, live_server)
    tab.goto(f"{live_server.url}/arbeitsbereich/massnahmen/{measure.pk}/archiv/")
    tab.get_by_role("button", name="Archivieren").click()
    expect(tab).to_have_url(f"{live_server.url}/arbeitsbereich/massnahmen/{measure.pk}/")
    status = tab.locator("#status-messages")
    assert status.get_attribute("role") == "status" and status.get_attribute("aria-live") == "polite"
    # Put into the live region after the page loaded, so that screen readers announce it.
    expect(status).to_contain_text("Gespeichert.")
    assert tab.evaluate("document.querySelectorAll('[role=status]#status-messages .kern-alert').length") == 1


def test_double_click_on_save_creates_one_measure(
    live_server: LiveServer, tab: Page, referentin: User
) -> None:
    sign_in(tab, live_server)
    tab.goto(f"{live_server.url}/arbeitsbereich/massnahmen/neu/")
    tab.locator("#id_title").fill("Elterncafé mit Sprachförderung")
    tab.locator("#id_summary").fill("Offener Treff für Eltern mit Deutschübungen und Kinderbetreuung.")
    tab.locator("#id_status").select_option("planned")
    tab.locator("#id_owner").select_option(str(Organisation.objects.get(key="bmi").pk))
    tab.locator("#id_level").select_option(label="Bund")
    tab.locator("#id_offer_type").select_option("complementary")
    tab.locator("#id_complementary_need").fill("Eltern kleiner Kinder")
    tab.locator("#id_regular_system_reason").fill("Das Regelsystem erreicht die Gruppe nicht.")
    tab.locator("#id_eval_state").select_option("planned")
    tab.locator("#id_eval_method").fill("Befragung")
    tab.locator("#id_eval_due_date").fill("2030-01-01")
    tab.get_by_role("button", name="Speichern", exact=True).dblclick()
    expect(tab).to_have_url(re.compile(r"/arbeitsbereich/massnahmen/\d+/$"), timeout=15_000)
    assert Measure.objects.filter(title="Elterncafé mit Sprachförderung").count() == 1


def test_start_page_staff_list_options_and_the_warning_dialog_pass_axe(
    live_server: LiveServer, sign_in_as: Any, referentin: User, settings: Any
) -> None:
    from tests.browser.support import axe_violations

    stale = a_measure("Lange nicht geprüft")
    Measure.objects.filter(pk=stale.pk).update(last_reviewed_at=None)
    page = sign_in_as("referentin")
    expect(page).to_have_url(f"{live_server.url}/arbeitsbereich/start/")
    expect(page.locator("#start-attention-list")).to_contain_text("Lange nicht geprüft")
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/arbeitsbereich/?spalten=updated&spalten=areas&pro_seite=10")
    page.locator("details.list-options summary").click()
    assert axe_violations(page) == []
    settings.ISI_SESSION_IDLE_SECONDS = 6
    page.goto(f"{live_server.url}/arbeitsbereich/")
    expect(page.locator("dialog#session-warning")).to_be_visible(timeout=10_000)
    assert axe_violations(page) == []


def test_the_absolute_limit_is_announced_and_a_closed_warning_stays_closed(
    live_server: LiveServer, tab: Page, referentin: User, settings: Any
) -> None:
    settings.ISI_SESSION_ABSOLUTE_SECONDS = 14  # idle stays long: the absolute limit comes first
    settings.ISI_SESSION_IDLE_SECONDS = 600
    sign_in(tab, live_server)
    tab.goto(f"{live_server.url}/arbeitsbereich/")
    dialog = tab.locator("dialog#session-warning")
    expect(dialog.get_by_role("heading", name="Ihre Anmeldung endet bald")).to_be_visible(timeout=10_000)
    expect(dialog).to_contain_text("lässt sich nicht verlängern")
    expect(dialog.get_by_role("button", name="Angemeldet bleiben")).to_be_hidden()  # cannot be extended
    dialog.get_by_role("button", name="Schließen").click()
    expect(dialog).to_be_hidden()
    tab.wait_for_timeout(2000)
    expect(dialog).to_be_hidden()  # closed means closed, not back a second later
    expect(dialog.get_by_role("heading", name="Ihre Anmeldung ist abgelaufen")).to_be_visible(timeout=20_000)
