"""Measure ↔ indicator links: only the owner's people link; every change is recorded."""

from __future__ import annotations

import logging

import pytest
from django.test import Client
from django.urls import reverse

from isi.core.changes import history_of
from isi.monitoring.models import MeasureIndicator
from tests.integration.monitoring_fixtures import World, client_for, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return make_world()


def links_url(world: World) -> str:
    return reverse("monitoring_staff:measure_indicators", args=[world.public_measure.pk])


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("bmi", 200),  # owning ministry
        ("bamf", 403),  # agency not implementing this measure
        ("bmas", 403),  # another ministry
        ("koordination", 403),  # coordination does not change measures (Art. 65 GG)
        ("leser", 403),
        ("admin", 200),
    ],
)
def test_who_may_manage_links(
    world: World, username: str, status: int, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="isi.audit"):
        response = client_for(username).get(links_url(world))
    assert response.status_code == status
    assert ("event=denied" in caplog.text) == (status == 403)


def test_anonymous_is_sent_to_sign_in(world: World) -> None:
    response = Client().get(links_url(world))
    assert response.status_code == 302 and "/konto/" in response["Location"]


def test_forbidden_user_cannot_post_a_link(world: World) -> None:
    response = client_for("bmas").post(links_url(world), {"indicator": world.indicator.pk, "note": "x"})
    assert response.status_code == 403
    assert not MeasureIndicator.objects.exists()


def test_link_note_and_unlink_are_recorded(world: World) -> None:
    client = client_for("bmi")
    page = client.get(links_url(world)).content.decode()
    assert "Beitrag, kein Wirkungsnachweis:" in page
    response = client.post(links_url(world), {"indicator": world.indicator.pk, "note": "Mehr Beschäftigung."})
    assert response.status_code == 302
    link = MeasureIndicator.objects.get()
    assert link.measure == world.public_measure and link.note == "Mehr Beschäftigung."
    assert link.created_by is not None and link.created_by.username == "bmi"
    # Already linked: the indicator is no longer offered.
    assert f'<option value="{world.indicator.pk}"' not in client.get(links_url(world)).content.decode()

    note_url = reverse("monitoring_staff:link_note", args=[world.public_measure.pk, link.pk])
    client.post(note_url, {f"link{link.pk}-note": "Neue Beschreibung"})
    link.refresh_from_db()
    assert link.note == "Neue Beschreibung"

    records = list(history_of(link))
    delete_url = reverse("monitoring_staff:link_delete", args=[world.public_measure.pk, link.pk])
    assert client.post(delete_url).status_code == 302
    assert not MeasureIndicator.objects.exists()
    actions = [r.action for r in records]
    assert actions == ["update", "create"]
    from isi.core.models import ChangeRecord

    deleted = ChangeRecord.objects.filter(object_type="monitoring.measureindicator", action="delete").get()
    assert deleted.before is not None and deleted.before["note"] == "Neue Beschreibung"
    assert deleted.actor is not None and deleted.actor.username == "bmi"


def test_link_of_another_measure_cannot_be_removed_through_this_measure(world: World) -> None:
    other = MeasureIndicator.objects.create(measure=world.bmas_measure, indicator=world.indicator)
    url = reverse("monitoring_staff:link_delete", args=[world.public_measure.pk, other.pk])
    assert client_for("bmi").post(url).status_code == 404
    assert MeasureIndicator.objects.filter(pk=other.pk).exists()


def test_linked_measure_shows_on_the_public_indicator_page(world: World, client: Client) -> None:
    client_for("bmi").post(links_url(world), {"indicator": world.indicator.pk, "note": "Beitrag A"})
    html = client.get(reverse("monitoring:detail", args=[world.indicator.slug])).content.decode()
    assert "Integrationskurs" in html and "Beitrag A" in html
