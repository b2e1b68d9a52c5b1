"""The public measure page stays cheap (issue #13) and its cache never shows an old or private page.

Query counts do not grow with what a measure has (areas, target groups, organisations, relations);
the cached part is the same for every visitor, changes through the services are seen at once, and
a measure or related measure that is no longer public disappears at once.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from isi.accounts.models import User
from isi.catalog.models import Area, FundingProgramme, Level, TargetGroup, Theme, ThemeLead
from isi.catalog.services import catalog_entry_update
from isi.measures.models import Measure, MeasureOrganisation, MeasureRelation
from isi.measures.services import measure_archive, measure_update
from isi.organisations.models import Organisation
from isi.portal.views.measures import page_stamp

pytestmark = pytest.mark.django_db

# Uncached: the stamp, the measure with its owner/level/region/component/theme, its organisations,
# its three label lists (one query), its theme's leads, the relations and their public titles.
MAX_QUERIES_RENDERED = 7
# Cached: the stamp (it says whether there are relations) and, when there are, the relations and
# the titles of the public ones. A measure without relations: one query.
MAX_QUERIES_CACHED = 3


@pytest.fixture
def page_cache() -> Iterator[None]:
    """The cache as in production (tests run with ISI_PAGE_CACHE_SECONDS=0), empty before and after."""
    cache.clear()
    with override_settings(ISI_PAGE_CACHE_SECONDS=300):
        yield
    cache.clear()


def make_measure(title: str, **fields: Any) -> Measure:
    return Measure.objects.create(
        title=title,
        owner=Organisation.objects.get(key="bmi"),
        level=Level.objects.get(key="bund"),
        publication=Measure.Publication.RELEASED,
        **fields,
    )


def enrich(measure: Measure, size: int) -> None:
    """Give the measure `size` of everything that is a list on the page."""
    measure.areas.set(Area.objects.all()[:size])
    measure.target_groups.set(TargetGroup.objects.all()[:size])
    measure.funding_programmes.set(FundingProgramme.objects.all()[:size])
    for position, org in enumerate(Organisation.objects.exclude(key="bmi")[:size], 1):
        MeasureOrganisation.objects.create(
            measure=measure, organisation=org, role="partner", position=position
        )
    for number in range(size):
        other = make_measure(f"Verwandt {measure.pk}-{number}")
        MeasureRelation.objects.create(source=measure, target=other, kind=MeasureRelation.Kind.PART_OF)
        MeasureRelation.objects.create(source=other, target=measure, kind=MeasureRelation.Kind.COMPLEMENTS)


def main_part(html: str) -> str:
    found = re.search(r"<main.*</main>", html, re.S)
    assert found is not None
    return found.group(0)


def head_part(html: str) -> str:
    found = re.search(r"<head>.*</head>", html, re.S)
    assert found is not None
    return found.group(0)


def queries_for(client: Client, measure: Measure) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("portal:measure", args=[measure.pk]))
    assert response.status_code == 200
    return len(captured), response.content.decode()


@pytest.mark.parametrize("cached", [False, True])
def test_query_count_does_not_grow_with_the_measure(client: Client, cached: bool, page_cache: None) -> None:
    theme = Theme.objects.get(phase__number=1, position=1)
    for position, org in enumerate(Organisation.objects.all()[:3], 1):
        ThemeLead.objects.create(theme=theme, organisation=org, position=position)
    bare = make_measure("Schlicht", nap_i_theme=theme, nap_i_number=1)
    rich = make_measure("Reichhaltig", nap_i_theme=theme, nap_i_number=2)
    enrich(bare, 1)
    enrich(rich, 4)
    limit = MAX_QUERIES_CACHED if cached else MAX_QUERIES_RENDERED
    with override_settings(ISI_PAGE_CACHE_SECONDS=300 if cached else 0):
        if cached:  # fill the cache first
            queries_for(client, bare)
            queries_for(client, rich)
        bare_count, _ = queries_for(client, bare)
        rich_count, html = queries_for(client, rich)
    assert rich_count == bare_count <= limit
    assert html.count("(verweist auf diese Maßnahme:") == 4 and html.count("Teil von:") == 4
    assert html.count('class="role"') == 4
    assert "Federführung des Themenforums:" in html


def test_cached_page_without_relations_is_one_query(client: Client, page_cache: None) -> None:
    measure = make_measure("Allein")
    measure.areas.set(Area.objects.all()[:3])
    queries_for(client, measure)
    count, html = queries_for(client, measure)
    assert count == 1
    assert "Allein" in html and "Verwandte Maßnahmen" not in html


def test_query_limit_with_the_fixture_of_pytest_django(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    measure = make_measure("Mit allem")
    enrich(measure, 3)
    with django_assert_max_num_queries(MAX_QUERIES_RENDERED):
        assert client.get(reverse("portal:measure", args=[measure.pk])).status_code == 200


def test_cached_page_equals_rendered_page(client: Client, page_cache: None) -> None:
    measure = make_measure("Gleich", summary="Kurz & knapp <b>nicht fett</b>", goals="Ziel")
    enrich(measure, 2)
    with override_settings(ISI_PAGE_CACHE_SECONDS=0):
        _, rendered = queries_for(client, measure)
    queries_for(client, measure)  # fills the cache
    count, cached = queries_for(client, measure)
    assert count <= MAX_QUERIES_CACHED
    assert main_part(cached) == main_part(rendered)
    assert head_part(cached) == head_part(rendered)
    assert cached.count("Kurz &amp; knapp &lt;b&gt;nicht fett&lt;/b&gt;") == 2  # description and lead
    assert "Gleich – ISI</title>" in cached


def test_change_through_the_services_is_seen_at_once(client: Client, page_cache: None) -> None:
    measure = make_measure("Vorher", summary="Alte Beschreibung")
    area = Area.objects.first()
    assert area is not None
    measure.areas.set([area])
    _, before = queries_for(client, measure)
    _, again = queries_for(client, measure)  # from the cache
    assert "Alte Beschreibung" in before and "Alte Beschreibung" in again

    changed = measure_update(
        measure_id=measure.pk,
        expected_version=measure.version,
        changes={"summary": "Neue Beschreibung"},
        source="test",
    )
    assert changed.summary == "Neue Beschreibung"
    _, after = queries_for(client, measure)
    assert "Neue Beschreibung" in after and "Alte Beschreibung" not in after

    admin = User.objects.create_user(username="kataloge", password="x", role="admin")
    catalog_entry_update(area, {"name": "Umbenannter Bereich"}, admin)
    _, renamed = queries_for(client, measure)
    assert "Umbenannter Bereich" in renamed


def test_measure_and_related_measure_leave_the_public_at_once(client: Client, page_cache: None) -> None:
    measure = make_measure("Bleibt")
    other = make_measure("Geht bald")
    MeasureRelation.objects.create(source=measure, target=other, kind=MeasureRelation.Kind.PART_OF)
    _, html = queries_for(client, measure)
    queries_for(client, other)  # both cached
    assert "Geht bald" in html

    # Unpublished without the services (no change record, no new version): still gone at once.
    Measure.objects.filter(pk=other.pk).update(publication=Measure.Publication.DRAFT)
    _, html = queries_for(client, measure)
    assert "Geht bald" not in html and "Verwandte Maßnahmen" not in html
    assert client.get(reverse("portal:measure", args=[other.pk])).status_code == 404

    measure_archive(measure_id=measure.pk, expected_version=measure.version, source="test")
    assert client.get(reverse("portal:measure", args=[measure.pk])).status_code == 404


def test_signed_in_parts_are_never_kept(client: Client, page_cache: None) -> None:
    measure = make_measure("Für alle gleich")
    staff = User.objects.create_user(
        username="erika", password="x", first_name="Erika", last_name="Mustermann", role="admin"
    )
    client.force_login(staff)
    signed_in = client.get(reverse("portal:measure", args=[measure.pk])).content.decode()
    assert "Erika Mustermann" in signed_in
    client.logout()
    anonymous = Client().get(reverse("portal:measure", args=[measure.pk])).content.decode()
    assert "Erika Mustermann" not in anonymous and "Abmelden" not in anonymous
    assert "Für alle gleich" in anonymous


def test_cache_key_names_the_language_and_the_version() -> None:
    measure = make_measure("Schlüssel")
    stamp = page_stamp(measure.pk)
    assert stamp is not None
    with translation.override("en"):
        english = stamp.cache_key()
    with translation.override("de"):
        german = stamp.cache_key()
    assert english != german
    Measure.objects.filter(pk=measure.pk).update(version=measure.version + 1)
    newer = page_stamp(measure.pk)
    assert newer is not None and newer.cache_key() != german
    Measure.objects.filter(pk=measure.pk).update(publication=Measure.Publication.DRAFT)
    assert page_stamp(measure.pk) is None
