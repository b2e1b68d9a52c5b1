"""Public indicator pages: charts with tables, downloads, only public measures, English, demo data."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from isi.monitoring import opensdg, selectors
from isi.monitoring.demo import definitions, load_demo_indicators
from isi.monitoring.models import Indicator, MeasureIndicator, Observation
from tests.integration.monitoring_fixtures import World, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return make_world()


def detail(client: Client, world: World, query: str = "") -> str:
    response = client.get(reverse("monitoring:detail", args=[world.indicator.slug]) + query)
    assert response.status_code == 200
    return response.content.decode()


def test_list_groups_by_area_and_hides_unpublished(world: World, client: Client) -> None:
    Indicator.objects.create(slug="intern", name="Interner Entwurf", unit="x", source="y", published=False)
    html = client.get(reverse("monitoring:list")).content.decode()
    assert "Bildung, Ausbildung, Studium und Beschäftigung" in html
    assert "Erwerbstätigenquote" in html
    assert "Interner Entwurf" not in html
    assert client.get(reverse("monitoring:detail", args=["intern"])).status_code == 404


def test_detail_shows_both_charts_each_with_its_table(world: World, client: Client) -> None:
    html = detail(client, world)
    assert html.count('role="img"') == 2
    assert html.count("<table") == 2
    assert html.count("<caption") == 2
    assert 'aria-labelledby="chart-line-title chart-line-desc"' in html
    assert '<th scope="row" class="kern-table__cell">2021</th>' in html
    assert '<th scope="row" class="kern-table__cell">Bayern</th>' in html
    assert "71,4" in html  # German decimal comma
    assert "Illustrative Beispieldaten – keine amtlichen Zahlen" in html
    assert "Gezeigte Daten herunterladen" in html


def test_disaggregation_form_adds_one_line_per_value(world: World, client: Client) -> None:
    html = detail(client, world, "?gebiet=&aufschluesselung=Migrationshintergrund")
    assert html.count('class="chart-series"') == 3
    assert re.search(r'<th scope="col"[^>]*>mit</th>', html) and re.search(
        r'<th scope="col"[^>]*>ohne</th>', html
    )
    assert "aufschluesselung=Migrationshintergrund" in html  # the download follows the choice


def test_choosing_a_land_shows_its_series(world: World, client: Client) -> None:
    html = detail(client, world, "?gebiet=09&aufschluesselung=")
    assert "Zeitverlauf: Bayern" in html
    assert "75,2" in html


def test_unknown_choice_falls_back_to_bund(world: World, client: Client) -> None:
    html = detail(client, world, "?gebiet=99&aufschluesselung=<b>")
    assert "Zeitverlauf: Deutschland (Bund)" in html
    assert "<b>" not in html


def test_download_of_shown_data_is_open_sdg_and_labelled(world: World, client: Client) -> None:
    url = reverse("monitoring:csv", args=[world.indicator.slug])
    response = client.get(url + "?ansicht=verlauf&gebiet=&aufschluesselung=Migrationshintergrund")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "illustrative-beispieldaten-keine-amtlichen-zahlen" in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeffYear,Migrationshintergrund,GeoCode,Value")
    parsed = opensdg.parse(opensdg.decode(response.content), selectors.allowed_geo_codes())
    assert parsed.ok and len(parsed.rows) == 9
    laender = client.get(url + "?ansicht=laender").content.decode("utf-8-sig")
    assert laender.splitlines()[1:] == ["2022,,72", "2022,01,69.5", "2022,09,75.2", "2022,11,66"]
    assert client.get(url + "?ansicht=unsinn").status_code == 404


def test_download_neutralises_formulas(world: World, client: Client) -> None:
    Observation.objects.create(
        indicator=world.indicator,
        year=2022,
        disaggregation={"Migrationshintergrund": "=cmd()"},
        disaggregation_key='{"Migrationshintergrund":"=cmd()"}',
        value=1,
    )
    text = client.get(reverse("monitoring:csv", args=[world.indicator.slug])).content.decode("utf-8-sig")
    assert "'=cmd()" in text
    assert ",=cmd()" not in text


def test_only_public_measures_are_listed_with_the_contribution_note(world: World, client: Client) -> None:
    MeasureIndicator.objects.create(
        measure=world.public_measure, indicator=world.indicator, note="Mehr Sprache."
    )
    MeasureIndicator.objects.create(measure=world.draft_measure, indicator=world.indicator)
    html = detail(client, world)
    assert "Beitrag, kein Wirkungsnachweis:" in html
    assert "Integrationskurs" in html and "Mehr Sprache." in html
    assert f'href="/massnahmen/{world.public_measure.pk}/"' in html
    assert "Geheimer Entwurf" not in html


def test_archived_measure_disappears_from_the_indicator_page(world: World, client: Client) -> None:
    from django.utils import timezone

    MeasureIndicator.objects.create(measure=world.public_measure, indicator=world.indicator)
    world.public_measure.archived_at = timezone.now()
    world.public_measure.save(update_fields=["archived_at"])
    assert "Integrationskurs" not in detail(client, world)


def test_english_page_after_language_switch(world: World, client: Client) -> None:
    url = reverse("monitoring:detail", args=[world.indicator.slug])
    switched = client.post("/i18n/setlang/", {"language": "en", "next": url})
    assert switched.status_code == 302
    html = client.get(url).content.decode()
    assert '<html lang="en"' in html
    assert '<h1 class="kern-heading-x-large">Employment rate</h1>' in html
    assert "per cent" in html
    assert "71.4" in html  # English number format


def test_indicator_without_values_has_no_chart(world: World, client: Client) -> None:
    Indicator.objects.create(slug="leer", name="Leer", unit="x", source="y", published=True)
    html = client.get(reverse("monitoring:detail", args=["leer"])).content.decode()
    assert 'role="img"' not in html
    assert "noch keine Werte" in html


def test_demo_loader_is_idempotent_and_labels_everything(client: Client) -> None:
    assert load_demo_indicators() == len(definitions())
    counts = {i.slug: i.observations.count() for i in Indicator.objects.all()}
    assert load_demo_indicators() == len(definitions())
    assert {i.slug: i.observations.count() for i in Indicator.objects.all()} == counts
    assert Indicator.objects.count() == len(definitions())
    assert all(i.is_illustrative and i.published for i in Indicator.objects.all())
    listing = client.get(reverse("monitoring:list")).content.decode()
    assert listing.count("Illustrative Beispieldaten – keine amtlichen Zahlen") == len(definitions())
    for item in definitions():
        html = client.get(reverse("monitoring:detail", args=[item["slug"]])).content.decode()
        assert len(re.findall(r"<table", html)) == html.count('role="img"') >= 1
