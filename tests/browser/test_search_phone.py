"""The search page on a 375 px phone: first result above the fold, ticking facets keeps focus,
an arrow key on "Sortieren nach" does not reload."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from isi.catalog.models import Area, Level
from isi.measures.models import Measure
from isi.organisations.models import Organisation

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="de-DE", viewport={"width": 375, "height": 667}, is_mobile=True)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def measures() -> None:
    owners = ["bmas", "bmi", "bamf"]
    areas = ["sprache", "bildung-arbeit", "gesellschaft"]
    for n in range(30):
        measure = Measure.objects.create(
            title=f"Sprachkurs Nummer {n:02d}",
            owner=Organisation.objects.get(key=owners[n % 3]),
            level=Level.objects.get(key="bund"),
            publication="released",
        )
        measure.areas.set([Area.objects.get(key=areas[n % 3])])


def test_first_result_is_above_the_fold(live_server: LiveServer, phone: Page, measures: None) -> None:
    phone.goto(live_server.url + "/massnahmen/")
    first = phone.locator(".result-list .result").first
    expect(first).to_be_visible()
    box = first.bounding_box()
    assert box is not None and box["y"] + 40 < 667, box
    assert phone.locator("details.facets").evaluate("el => el.open") is False


def test_ticking_facets_keeps_focus_and_announces_the_count(
    live_server: LiveServer, phone: Page, measures: None
) -> None:
    phone.goto(live_server.url + "/massnahmen/")
    phone.locator("details.facets > summary").click()
    first = phone.locator("input[name=owner]").first
    first.focus()
    phone.keyboard.press("Space")
    expect(phone).to_have_url(re.compile(r"owner="))
    expect(phone.locator("#search-status")).to_contain_text("Maßnahmen gefunden")
    focused = phone.evaluate("document.activeElement && document.activeElement.id")
    assert focused == first.get_attribute("id")
    # The next facet is one Tab away, not 45.
    phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.name") == "owner"
    assert phone.locator("details.facets").evaluate("el => el.open") is True


def test_arrow_key_on_sort_does_not_reload(live_server: LiveServer, phone: Page, measures: None) -> None:
    phone.goto(live_server.url + "/massnahmen/?q=Sprachkurs")
    phone.locator("details.facets > summary").click()
    requests: list[str] = []
    phone.on("request", lambda request: requests.append(request.url))
    phone.locator("#sort").focus()
    phone.keyboard.press("ArrowDown")
    phone.wait_for_timeout(500)
    assert not [url for url in requests if "/massnahmen/" in url], requests
    assert "sort=" not in phone.url
