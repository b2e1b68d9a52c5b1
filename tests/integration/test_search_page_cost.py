"""The search page's fixed cost (issue #13): a bounded number of queries whatever it lists, and the
kept fragment (facets + results) — the same for every visitor, renewed by any write through the
services, never showing a measure that is no longer public."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from isi.catalog.models import Area, Level, Region, TargetGroup, Theme
from isi.measures.models import Measure, MeasureOrganisation
from isi.measures.services import measure_update
from isi.organisations.models import Organisation
from isi.portal.views import search as search_view
from isi.search import snapshot
from isi.search.selectors import FacetValue

pytestmark = pytest.mark.django_db

# The search page's queries with a current snapshot: index range, catalogue, the data's token (the
# page's and the snapshot's), text hits with facets, the versions of the page's measures (for the
# kept result lines), the measures whose line is not kept with owner, level, region and NAP-I
# place, their organisations, the owner facet's labels — none per listed measure.
# PostgreSQL adds the stem lookup of the query word and a savepoint with `SET LOCAL work_mem`
# around the text query (3 statements).
QUERY_CEILING = {"sqlite": 9, "postgresql": 13}


def _measures(count: int, word: str) -> list[Measure]:
    """Public measures with everything a result line or snippet reads: organisations, areas, target
    groups, a region and a NAP-I place — so a lazy lookup per result would show as N+1."""
    owner = Organisation.objects.get(key="bmi")
    partners = list(Organisation.objects.exclude(pk=owner.pk)[:2])
    areas, groups = list(Area.objects.all()[:2]), list(TargetGroup.objects.all()[:2])
    region = Region.objects.filter(kind="land").first()
    theme = Theme.objects.first()
    numbers = Measure.objects.filter(nap_i_theme=theme).count()
    made = []
    for n in range(count):
        measure = Measure.objects.create(
            title=f"{word} Nummer {n}",
            summary=f"Eine {word}-Maßnahme mit Beratung.",
            goals="Teilhabe",
            owner=owner,
            level=Level.objects.get(key="land"),
            region=region,
            nap_i_theme=theme,
            nap_i_number=numbers + n + 1,
            status=Measure.Status.RUNNING,
            publication=Measure.Publication.RELEASED,
        )
        for position, partner in enumerate(partners, start=1):
            MeasureOrganisation.objects.create(
                measure=measure, organisation=partner, role="implementing", position=position
            )
        measure.areas.set(areas)
        measure.target_groups.set(groups)
        made.append(measure)
    return made


def _queries(client: Client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries), response.content.decode()


def _search(q: str) -> str:
    return reverse("portal:search") + f"?q={q}"


@pytest.fixture
def kept(monkeypatch: pytest.MonkeyPatch, settings: Any) -> Iterator[None]:
    """The fragment cache on, as in production (tests run with it off, and inside a transaction,
    where nothing is kept: here it is, as outside)."""
    settings.ISI_SEARCH_SNAPSHOT_SECONDS = 60
    monkeypatch.setattr(snapshot, "keepable", lambda: True)
    cache.clear()
    snapshot.clear()
    yield
    cache.clear()
    snapshot.clear()


def test_search_page_queries_do_not_grow_with_its_results(client: Client, kept: None) -> None:
    _measures(2, "Lotsenprojekt")
    _measures(search_view.PAGE_SIZE + 5, "Sprachcafe")
    client.get(_search("Quartier"))  # the first search indexes the new measures, builds the snapshot
    few, few_html = _queries(client, _search("Lotsenprojekt"))
    full, full_html = _queries(client, _search("Sprachcafe"))
    assert "2 Maßnahmen gefunden" in few_html
    assert f"{search_view.PAGE_SIZE + 5} Maßnahmen gefunden" in full_html
    assert full_html.count('class="result"') == search_view.PAGE_SIZE
    assert full == few, "a query per listed measure (N+1)"
    assert full <= QUERY_CEILING[connection.vendor]
    # The htmx fragment (here: of the second page) costs the same, the layout nothing of its own.
    htmx = CaptureQueriesContext(connection)
    with htmx:
        fragment = client.get(_search("Sprachcafe") + "&seite=2", HTTP_HX_REQUEST="true").content.decode()
    assert fragment.count('class="result"') == 5
    assert len(htmx.captured_queries) == full


def test_a_kept_fragment_is_served_without_searching_again(client: Client, kept: None) -> None:
    _measures(3, "Lotsenprojekt")
    client.get(_search("Sprachcafe"))  # the first search indexes the new measures
    first, first_html = _queries(client, _search("Lotsenprojekt"))
    again, again_html = _queries(client, _search("Lotsenprojekt"))
    assert again_html == first_html
    assert "3 Maßnahmen gefunden" in again_html
    # The data's token and the check that what it lists is still public: nothing else.
    assert again <= 2 < first
    # Another page, filter or order is another fragment.
    other, other_html = _queries(client, _search("Lotsenprojekt") + "&sort=title")
    assert other > 2
    assert 'value="title" selected' in other_html


def test_a_change_through_the_services_shows_in_the_next_search(client: Client, kept: None) -> None:
    (measure,) = _measures(1, "Lotsenprojekt")
    assert "Nummer 0" in client.get(_search("Lotsenprojekt")).content.decode()
    assert "Nummer 0" in client.get(_search("Lotsenprojekt")).content.decode()
    measure_update(
        measure_id=measure.pk,
        expected_version=measure.version,
        changes={"title": "Lotsenprojekt Hafenstadt"},
    )
    html = client.get(_search("Lotsenprojekt")).content.decode()
    assert "Hafenstadt" in html
    assert "Nummer 0" not in html
    # The htmx fragment alike.
    assert "Hafenstadt" in client.get(_search("Lotsenprojekt"), HTTP_HX_REQUEST="true").content.decode()


def test_a_kept_fragment_never_shows_a_measure_hidden_past_the_services(client: Client, kept: None) -> None:
    hidden, _ = _measures(2, "Lotsenprojekt")
    assert "Nummer 0" in client.get(_search("Lotsenprojekt")).content.decode()
    # No change record, no new id: the token stays, but the fragment lists a measure no longer public.
    Measure.objects.filter(pk=hidden.pk).update(publication=Measure.Publication.DRAFT)
    html = client.get(_search("Lotsenprojekt")).content.decode()
    assert "Nummer 0" not in html
    assert "Nummer 1" in html


def test_the_kept_fragment_holds_nothing_of_the_signed_in_visitor(client: Client, kept: None) -> None:
    _measures(2, "Lotsenprojekt")
    user = get_user_model().objects.create_user(
        username="desk.officer", password="x" * 16, first_name="Dora", last_name="Desk"
    )
    staff = Client()
    staff.force_login(user)
    signed_in = staff.get(_search("Lotsenprojekt")).content.decode()
    assert "Dora Desk" in signed_in
    anonymous = client.get(_search("Lotsenprojekt"))
    html = anonymous.content.decode()
    assert "Dora Desk" not in html and "desk.officer" not in html
    assert "2 Maßnahmen gefunden" in html
    assert "sessionid" not in anonymous.cookies
    fragment = client.get(_search("Lotsenprojekt"), HTTP_HX_REQUEST="true").content.decode()
    assert "csrfmiddlewaretoken" not in fragment
    assert fragment in signed_in and fragment in html


def test_each_language_has_its_own_fragment(client: Client, kept: None) -> None:
    _measures(2, "Lotsenprojekt")
    assert "2 Maßnahmen gefunden" in client.get(_search("Lotsenprojekt")).content.decode()
    with translation.override("en"):
        english = reverse("portal:search") + "?q=Lotsenprojekt"
    client.cookies["django_language"] = "en"
    html = client.get(english).content.decode()
    assert "2 measures found" in html
    assert "Maßnahmen gefunden" not in html


def test_inside_a_transaction_nothing_is_kept(client: Client, settings: Any) -> None:
    settings.ISI_SEARCH_SNAPSHOT_SECONDS = 60
    cache.clear()
    assert not snapshot.keepable()  # the test runs inside a transaction
    _measures(2, "Lotsenprojekt")
    client.get(_search("Sprachcafe"))  # the first search indexes the new measures
    first, _ = _queries(client, _search("Lotsenprojekt"))
    again, _ = _queries(client, _search("Lotsenprojekt"))
    assert again == first
    cache.clear()


def test_facet_rows_escape_their_values_and_keep_the_checkbox_markup() -> None:
    values = [
        FacetValue('a"b', "Amt <für> & Co", 1234, True),
        FacetValue("bmi", "Bundesministerium des Innern", 7, False),
    ]
    with translation.override("ru"):  # a German name on a Russian page is marked
        rows = search_view.facet_rows("owner", values)
    assert 'lang="de"' not in search_view.facet_rows("owner", values)[0]  # not on a German one
    assert rows[0] == (
        '<li><label for="f-owner-1"><input class="kern-form-check__checkbox" type="checkbox" '
        'id="f-owner-1" name="owner" value="a&quot;b" checked><span><span lang="de">'
        'Amt &lt;für&gt; &amp; Co</span> <span class="count">(1234)</span></span></label></li>'
    )
    assert 'id="f-owner-2"' in rows[1] and " checked" not in rows[1]
    (area,) = search_view.facet_rows("area", [FacetValue("sprache", "Sprache", 3, False)])
    assert "<span>Sprache</span>" in area and 'lang="de"' not in area
