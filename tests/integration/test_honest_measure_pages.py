"""Honest measure pages: only fields with content, what the source does not state said once, machine
suggestions marked on the page, in the API and in the open data; contact and link fields."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from isi.accounts.models import User
from isi.catalog.models import Area, Level, TargetGroup
from isi.measures.models import Measure
from isi.measures.services import measure_update
from isi.opendata.exports import HEADERS
from isi.organisations.models import Organisation

pytestmark = pytest.mark.django_db

MARK = "automatisch zugeordnet, ungeprüft"


@pytest.fixture
def napi_like() -> Measure:
    measure = Measure.objects.create(
        title="Sprachkurse für Eltern",
        owner=Organisation.objects.get(key="bmi"),
        level=Level.objects.get(key="bund"),
        publication=Measure.Publication.RELEASED,
        source_key="nap-i/9/9/9",
        suggested_fields=["areas", "target_groups"],
        suggestion_notes={"areas": ["Sprache genannt"], "target_groups": ["Eltern genannt"]},
    )
    measure.areas.set([Area.objects.first()])
    measure.target_groups.set([TargetGroup.objects.first()])
    return measure


def test_page_marks_suggestions_and_says_once_what_the_source_omits(
    client: Client, napi_like: Measure
) -> None:
    html = client.get(reverse("portal:measure", args=[napi_like.pk])).content.decode()
    assert html.count(MARK) == 2  # areas and target groups, nothing else
    assert "Automatisch zugeordnet, ungeprüft:" in html
    assert html.count("Der Nationale Aktionsplan Integration nennt zu dieser Maßnahme nur") == 1
    assert "eine Ansprechperson" in html and "die Laufzeit" in html
    assert "nicht angegeben" not in html  # no empty status shown as a value
    assert "noch nicht von der zuständigen Stelle geprüft" in html
    assert "Zuletzt aktualisiert" not in html


def test_api_and_open_data_flag_each_suggested_value(client: Client, napi_like: Measure) -> None:
    item = client.get(f"/api/v1/measures/{napi_like.pk}").json()
    assert item["unconfirmed_fields"] == ["areas", "target_groups"]
    assert item["area_details"] and all(value["suggested"] for value in item["area_details"])
    assert item["component_detail"] is None and item["offer_type_suggested"] is False
    assert "suggested_fields" not in item  # the internal list stays internal
    text = b"".join(client.get(reverse("opendata:measures_csv")).streaming_content).decode("utf-8-sig")
    row = next(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert row[f"Bereiche ({MARK})"] == "ja"
    assert row[f"Einordnung und Baustein ({MARK})"] == "nein"
    assert f"Zielgruppen ({MARK})" in HEADERS
    data = json.loads(b"".join(client.get(reverse("opendata:measures_json")).streaming_content))
    (record,) = data["measures"]
    assert record["areas_suggested"] is True and record["classification_suggested"] is False


def test_a_persons_change_of_a_suggested_field_confirms_it(napi_like: Measure) -> None:
    person = User.objects.create_user(
        username="admin1", password="x", role="admin", organisation=Organisation.objects.get(key="bmi")
    )
    other = Area.objects.exclude(pk=napi_like.areas.get().pk).first()
    changed = measure_update(
        measure_id=napi_like.pk,
        expected_version=napi_like.version,
        changes={"areas": [other]},
        actor=person,
        source="test",
    )
    assert changed.suggested_fields == ["target_groups"]
    assert changed.last_reviewed_at is not None
    # A system write (an import) leaves the marks alone.
    again = measure_update(
        measure_id=changed.pk,
        expected_version=changed.version,
        changes={"target_groups": []},
        source="test",
    )
    assert again.suggested_fields == ["target_groups"]


def test_contact_and_link_are_validated_and_shown(client: Client, napi_like: Measure) -> None:
    napi_like.contact_email = "keine-adresse"
    with pytest.raises(ValidationError) as error:
        napi_like.full_clean()
    assert "contact_email" in error.value.message_dict
    napi_like.contact_email = "integration@bmi.bund.de"
    napi_like.url = "javascript:alert(1)"
    with pytest.raises(ValidationError) as error:
        napi_like.full_clean()
    assert "url" in error.value.message_dict
    napi_like.url = "https://www.bmi.bund.de/"
    napi_like.contact_phone = "+49 30 18681-0"
    napi_like.contact_name = "Referat G II 1"
    napi_like.full_clean()
    napi_like.save()
    html = client.get(reverse("portal:measure", args=[napi_like.pk])).content.decode()
    assert 'href="mailto:integration@bmi.bund.de"' in html
    assert 'href="tel:+493018681-0"' in html
    assert 'href="https://www.bmi.bund.de/"' in html
    assert "eine Ansprechperson" not in html
    item = client.get(f"/api/v1/measures/{napi_like.pk}").json()
    assert item["contact"] == {
        "name": "Referat G II 1",
        "email": "integration@bmi.bund.de",
        "phone": "+49 30 18681-0",
    }
    assert item["url"] == "https://www.bmi.bund.de/"


def test_english_page_has_english_dates_and_german_content_marked(client: Client, napi_like: Measure) -> None:
    from datetime import date

    napi_like.start_date = date(2026, 3, 4)
    napi_like.summary = "Kurse für Eltern in der Kita."
    napi_like.save()
    english = client.get(f"/en/massnahmen/{napi_like.pk}/").content.decode()
    assert '<html lang="en"' in english
    assert "not yet reviewed by the responsible body" in english
    assert "assigned automatically, not checked" in english
    assert "4 March 2026" in english
    assert "03/04/2026" not in english and "March 4, 2026" not in english
    assert '<h1 class="kern-heading-x-large" lang="de">Sprachkurse für Eltern</h1>' in english
    assert '<p class="lead kern-body kern-body--large" lang="de">Kurse für Eltern in der Kita.</p>' in english
    german = client.get(f"/massnahmen/{napi_like.pk}/").content.decode()
    assert "4. März 2026" in german


def test_api_patch_sets_and_validates_contact_and_link() -> None:
    from django.core.cache import cache

    from tests.api.support import API, client_for, make_world

    cache.clear()
    measure = make_world()["bmi_draft"]
    client = client_for("bmi")
    url = f"{API}/measures/{measure.pk}"
    bad = client.patch(
        url, {"version": measure.version, "contact_email": "keine adresse"}, content_type="application/json"
    )
    assert bad.status_code in (400, 422), bad.content[:300]
    assert "contact_email" in bad.content.decode()
    measure.refresh_from_db()
    assert measure.contact_email == ""
    good = client.patch(
        url,
        {"version": measure.version, "contact_email": "m1@bmi.bund.de", "url": "https://www.bmi.bund.de/"},
        content_type="application/json",
    )
    assert good.status_code == 200, good.content[:300]
    body = good.json()
    assert body["contact"]["email"] == "m1@bmi.bund.de" and body["url"] == "https://www.bmi.bund.de/"
