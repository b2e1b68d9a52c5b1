"""The search page: pager with ellipsis, out-of-range pages, no downloads for an empty result,
sort applied by the button, filters in a disclosure, a status region for the count."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from isi.catalog.models import Level
from isi.measures.models import Measure
from isi.organisations.models import Organisation
from isi.portal.views.search import PAGE_SIZE

pytestmark = pytest.mark.django_db


@pytest.fixture
def many() -> None:
    owner, level = Organisation.objects.get(key="bmi"), Level.objects.get(key="bund")
    Measure.objects.bulk_create(
        Measure(title=f"Maßnahme {n:03d}", owner=owner, level=level, publication=Measure.Publication.RELEASED)
        for n in range(PAGE_SIZE * 11 + 3)  # 12 pages
    )


def test_pager_shows_an_ellipsis_for_each_gap(client: Client, many: None) -> None:
    html = client.get(reverse("portal:search") + "?seite=5").content.decode()
    pager = html[html.index('class="pagination"') :]
    labels = [
        part.split(">")[-1]
        for part in pager.split("</")
        if part.split(">")[-1].strip() and part.split(">")[-1].strip() in {"…", *map(str, range(1, 13))}
    ]
    assert labels == ["1", "…", "4", "5", "6", "…", "12"]
    assert 'aria-current="page">5<' in pager


def test_page_past_the_end_goes_to_the_last_page(client: Client, many: None) -> None:
    response = client.get(reverse("portal:search") + "?q=&seite=999")
    assert response.status_code == 302
    assert response["Location"].endswith("seite=12")
    last = client.get(response["Location"]).content.decode()
    assert "Maßnahme" in last and 'aria-current="page">12<' in last


def test_empty_result_offers_no_downloads_but_a_status_region(client: Client) -> None:
    html = client.get(reverse("portal:search") + "?q=gibtesgarnichtxyz").content.decode()
    assert "Dieses Ergebnis herunterladen" not in html
    assert reverse("opendata:measures_csv") not in html
    assert 'id="search-status" class="visually-hidden" role="status"' in html
    assert '<details class="facets"' in html


def test_sort_select_does_not_submit_on_change() -> None:
    from pathlib import Path

    # Filter selects elsewhere (the staff list) apply on change; the search's sort select is
    # marked to wait for its button, and the script leaves such selects alone. The browser test
    # tests/browser/test_search_phone.py presses the arrow keys.
    root = Path(__file__).resolve().parents[2] / "src/isi"
    js = (root / "static/isi/isi.js").read_text()
    assert "[data-autosubmit] select:not([data-apply-with-button])" in js
    template = (root / "templates/portal/_search_area.html").read_text()
    assert 'id="sort" name="sort" data-apply-with-button' in template
