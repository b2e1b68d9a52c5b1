"""In the measure form: machine suggestions are confirmed explicitly (a checkbox) or by changing
them; contact and link fields are saved and validated."""

from __future__ import annotations

import pytest
from django.urls import reverse

from isi.catalog.models import Area
from isi.measures.models import Measure
from tests.integration.test_workspace_views import client_for, form_data, make_measure

pytestmark = pytest.mark.django_db


@pytest.fixture
def suggested() -> Measure:
    measure = make_measure("Sprachkurse für Eltern", "bmi", areas=[Area.objects.get(key="sprache")])
    Measure.objects.filter(pk=measure.pk).update(suggested_fields=["areas", "target_groups"])
    return Measure.objects.get(pk=measure.pk)


def test_form_offers_the_confirmation_only_while_there_are_suggestions(suggested: Measure) -> None:
    client = client_for("bmi")
    url = reverse("workspace:measure_edit", args=[suggested.pk])
    assert 'name="confirm_suggestions"' in client.get(url).content.decode()
    plain = make_measure("Ohne Vorschläge", "bmi")
    assert (
        'name="confirm_suggestions"'
        not in client.get(reverse("workspace:measure_edit", args=[plain.pk])).content.decode()
    )


def test_saving_without_the_tick_keeps_unchanged_suggestions(suggested: Measure) -> None:
    data = form_data(suggested, title="Neuer Titel", areas=[Area.objects.get(key="sprache").pk])
    response = client_for("bmi").post(reverse("workspace:measure_edit", args=[suggested.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    suggested.refresh_from_db()
    assert suggested.title == "Neuer Titel"
    assert suggested.suggested_fields == ["areas", "target_groups"]


def test_the_tick_confirms_and_contact_fields_are_saved(suggested: Measure) -> None:
    data = form_data(
        suggested,
        areas=[Area.objects.get(key="sprache").pk],
        confirm_suggestions="on",
        contact_name="Referat M 1",
        contact_email="m1@bmi.bund.de",
        contact_phone="+49 30 18681-0",
        url="https://www.bmi.bund.de/",
    )
    response = client_for("bmi").post(reverse("workspace:measure_edit", args=[suggested.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    suggested.refresh_from_db()
    assert suggested.suggested_fields == []
    assert (suggested.contact_email, suggested.url) == ("m1@bmi.bund.de", "https://www.bmi.bund.de/")


def test_a_bad_address_is_refused_next_to_its_field(suggested: Measure) -> None:
    data = form_data(suggested, contact_email="keine adresse", url="ftp://example.org/")
    response = client_for("bmi").post(reverse("workspace:measure_edit", args=[suggested.pk]), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_contact_email_error"' in html and 'id="id_url_error"' in html
    suggested.refresh_from_db()
    assert suggested.contact_email == ""
