"""The organisation register as it is today: the May 2025 reorganisation as successions, collective
terms as groups (not organisations), old names resolving to the successors."""

from __future__ import annotations

from datetime import date

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from isi.catalog.models import Level
from isi.core.changes import history_of
from isi.imports.napi.service import database_gazetteer
from isi.measures.models import Measure, MeasureOrganisation
from isi.organisations.loaders import load_registry, read_registry_as_of
from isi.organisations.models import Organisation, OrganisationAlias, Succession
from isi.organisations.services import apply_registry_successions

pytestmark = pytest.mark.django_db

MAY_6 = date(2025, 5, 6)


def org(key: str) -> Organisation:
    return Organisation.objects.get(key=key)


@pytest.mark.parametrize(
    ("old", "new"), [("bmfsfj", "bmbfsfj"), ("bmbf", "bmftr"), ("bmdv", "bmv"), ("bmuv", "bmukn")]
)
def test_migrations_record_the_reorganisation_with_date_and_source(old: str, new: str) -> None:
    succession = Succession.objects.get(predecessor=org(old), successor=org(new))
    assert succession.effective_on == MAY_6
    assert "Organisationserlass des Bundeskanzlers vom 6. Mai 2025" in succession.note
    assert "BGBl. 2025 I Nr. 131" in succession.note
    assert org(old).dissolved_on == MAY_6 and org(new).dissolved_on is None
    alias = OrganisationAlias.objects.get(name=org(old).name)
    assert alias.organisation == org(new) and alias.valid_until == date(2025, 5, 5)


def test_new_ministries_agencies_and_the_stated_source() -> None:
    assert org("bmds").name == "Bundesministerium für Digitales und Staatsmodernisierung"
    assert org("ads").parent == org("bmbfsfj")
    assert org("bibb").parent == org("bmbfsfj")
    assert read_registry_as_of()["date"] == "2025-05-06"


def test_old_names_resolve_to_the_successors() -> None:
    gazetteer = database_gazetteer()
    assert gazetteer.canonical("Bundesministerium für Familie, Senioren, Frauen und Jugend") == (
        "Bundesministerium für Bildung, Familie, Senioren, Frauen und Jugend"
    )
    assert gazetteer.canonical("Bundesministerium für Bildung und Forschung") == (
        "Bundesministerium für Forschung, Technologie und Raumfahrt"
    )


def test_rerun_is_idempotent_and_moves_measures_through_the_write_service() -> None:
    # An installation that had measures of the BMUV before the reorganisation was recorded.
    Succession.objects.filter(predecessor=org("bmuv")).delete()
    OrganisationAlias.objects.filter(name=org("bmuv").name).delete()
    Organisation.objects.filter(key="bmuv").update(dissolved_on=None)
    measure = Measure.objects.create(
        title="Umweltbildung", owner=org("bmuv"), level=Level.objects.get(key="bund")
    )
    for _ in range(2):
        load_registry(apps)
        apply_registry_successions()
    measure.refresh_from_db()
    assert measure.owner == org("bmukn")
    assert measure.version == 2  # moved once
    assert Succession.objects.filter(predecessor=org("bmuv")).count() == 1
    (record,) = [r for r in history_of(measure) if r.action == "update"]
    assert record.actor is None and record.source.startswith("succession")
    assert org("bmuv").dissolved_on == MAY_6
    assert OrganisationAlias.objects.get(name=org("bmuv").name).organisation == org("bmukn")


def test_collective_terms_are_groups_not_listed_organisations(client: Client) -> None:
    assert {o.key for o in Organisation.objects.filter(is_group=True)} >= {
        "kommunen",
        "museen",
        "alle-ressorts",
    }
    measure = Measure.objects.create(
        title="Lotsen",
        owner=org("bmi"),
        level=Level.objects.get(key="bund"),
        publication=Measure.Publication.RELEASED,
    )
    MeasureOrganisation.objects.create(measure=measure, organisation=org("kommunen"), role="partner")
    html = client.get(reverse("portal:organisations")).content.decode()
    assert "Bundesministerium des Innern" in html
    assert ">Kommunen<" not in html


def test_api_names_groups_and_successions(client: Client) -> None:
    items = {item["key"]: item for item in client.get("/api/v1/organisations").json()["items"]}
    assert items["kommunen"]["is_group"] is True and items["bmi"]["is_group"] is False
    assert items["bmfsfj"]["dissolved_on"] == "2025-05-06"
    assert items["ads"]["parent"] == "bmbfsfj"
