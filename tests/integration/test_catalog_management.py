"""Catalogue management: permission matrix (generated from a table), edit with history, rename reindexes."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from isi.accounts.models import User
from isi.catalog.models import Component, FundingProgramme, Level, TargetGroup
from isi.catalog.services import catalog_entry_create, catalog_entry_update, unique_key
from isi.core.changes import history_of
from isi.core.models import ChangeRecord
from isi.measures.models import Measure
from isi.organisations.models import Organisation
from isi.search.filters import MeasureFilter
from isi.search.selectors import search_public_measures

pytestmark = [pytest.mark.django_db]

# role name -> (User.Role, organisation key); None is the anonymous visitor.
ROLES: dict[str, tuple[str, str | None] | None] = {
    "anonymous": None,
    "bmi": ("desk_officer", "bmi"),
    "bamf": ("agency", "bamf"),
    "koordination": ("coordination", "ib"),
    "leser": ("reader", None),
    "admin": ("admin", None),
}
MANAGERS = {"koordination", "admin"}
# page -> (needs the right to manage catalogues, URL maker)
PAGES: dict[str, tuple[bool, Any]] = {
    "list": (False, lambda tg: reverse("catalog:list")),
    "edit": (True, lambda tg: reverse("catalog:edit", args=["zielgruppen", tg.pk])),
    "create": (True, lambda tg: reverse("catalog:create", args=["zielgruppen"])),
}


def expected(role: str, page: str) -> int:
    if role == "anonymous":
        return 302
    needs_manage, _ = PAGES[page]
    return 403 if needs_manage and role not in MANAGERS else 200


def make_user(role: str) -> User | None:
    spec = ROLES[role]
    if spec is None:
        return None
    user_role, org_key = spec
    organisation = Organisation.objects.get(key=org_key) if org_key else None
    return User.objects.create_user(
        username=role, password="x-Passwort-123", role=user_role, organisation=organisation
    )


def client_for(role: str) -> Client:
    client = Client()
    user = make_user(role)
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def target_group() -> TargetGroup:
    return TargetGroup.objects.get(key="frauen-maedchen")


@pytest.fixture
def measure(target_group: TargetGroup) -> Measure:
    measure = Measure.objects.create(
        title="Beratung für neu Zugewanderte",
        summary="Online und vor Ort.",
        owner=Organisation.objects.get(key="bmi"),
        level=Level.objects.get(key="bund"),
        publication=Measure.Publication.RELEASED,
    )
    measure.target_groups.set([target_group])
    return measure


@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize("page", list(PAGES))
def test_permission_matrix(role: str, page: str, target_group: TargetGroup) -> None:
    response = client_for(role).get(PAGES[page][1](target_group))
    assert response.status_code == expected(role, page), (role, page)
    if response.status_code == 302:
        assert "/konto/anmelden/" in response["Location"] or "login" in response["Location"]


@pytest.mark.parametrize("role", [r for r in ROLES if r not in MANAGERS])
def test_refused_post_writes_nothing_and_is_logged(
    role: str, target_group: TargetGroup, caplog: pytest.LogCaptureFixture
) -> None:
    client = client_for(role)
    edit = reverse("catalog:edit", args=["zielgruppen", target_group.pk])
    create = reverse("catalog:create", args=["zielgruppen"])
    with caplog.at_level(logging.WARNING, logger="isi.audit"):
        client.post(edit, {"name": "Gekapert", "name_en": "", "description": "", "position": "1"})
        client.post(
            create, {"name": "Neu", "name_en": "", "description": "", "position": "1", "kind": "specific"}
        )
    target_group.refresh_from_db()
    assert target_group.name != "Gekapert"
    assert not TargetGroup.objects.filter(name="Neu").exists()
    assert not ChangeRecord.objects.filter(object_type="catalog.targetgroup").exists()
    if role != "anonymous":
        assert sum("event=denied" in r.getMessage() for r in caplog.records) == 2


def test_service_refuses_non_managers(target_group: TargetGroup) -> None:
    reader = make_user("leser")
    with pytest.raises(PermissionDenied):
        catalog_entry_update(target_group, {"name": "X"}, reader)
    with pytest.raises(PermissionDenied):
        catalog_entry_create(TargetGroup, {"name": "X", "kind": "specific"}, reader)
    assert not ChangeRecord.objects.filter(object_type="catalog.targetgroup").exists()


def test_edit_records_change_and_shows_in_history(target_group: TargetGroup) -> None:
    client = client_for("koordination")
    old_name = target_group.name
    response = client.post(
        reverse("catalog:edit", args=["zielgruppen", target_group.pk]),
        {
            "name": "Frauen und Mädchen (neu)",
            "name_en": "Women and girls",
            "description": "",
            "position": "7",
        },
    )
    assert response.status_code == 302
    record = history_of(target_group).get()
    assert record.action == ChangeRecord.Action.UPDATE
    assert record.source == "kataloge"
    assert record.actor is not None and record.actor.username == "koordination"
    assert record.before is not None and record.after is not None
    assert record.before["name"] == old_name
    assert record.after["name"] == "Frauen und Mädchen (neu)"
    assert record.after["position"] == 7
    assert record.after["key"] == record.before["key"] == "frauen-maedchen"

    listing = client.get(reverse("catalog:list")).content.decode()
    history_url = reverse("workspace:object_history", args=["catalog.targetgroup", target_group.pk])
    assert history_url in listing
    page = client.get(history_url)
    assert page.status_code == 200
    assert "Frauen und Mädchen (neu)" in page.content.decode()
    assert old_name in page.content.decode()


def test_key_is_not_editable(target_group: TargetGroup) -> None:
    client_for("koordination").post(
        reverse("catalog:edit", args=["zielgruppen", target_group.pk]),
        {"key": "anders", "name": "Name", "name_en": "", "description": "", "position": "1"},
    )
    target_group.refresh_from_db()
    assert target_group.key == "frauen-maedchen"
    with pytest.raises(ValueError):
        catalog_entry_update(target_group, {"key": "anders"}, make_user("admin"))


def test_unchanged_save_records_nothing(target_group: TargetGroup) -> None:
    catalog_entry_update(
        target_group,
        {"name": target_group.name, "position": target_group.position},
        make_user("koordination"),
    )
    assert not history_of(target_group).exists()


def test_rename_reindexes_linked_measures(target_group: TargetGroup, measure: Measure) -> None:
    from isi.search.indexing import reindex_measures

    reindex_measures([measure.pk])
    assert not search_public_measures(MeasureFilter(q="Quokkaliebhaberinnen")).items
    catalog_entry_update(target_group, {"name": "Quokkaliebhaberinnen"}, make_user("koordination"))
    found = {m.pk for m in search_public_measures(MeasureFilter(q="Quokkaliebhaberinnen")).items}
    assert found == {measure.pk}


def test_invalid_input_keeps_input_and_writes_nothing(target_group: TargetGroup) -> None:
    old_name = target_group.name
    response = client_for("koordination").post(
        reverse("catalog:edit", args=["zielgruppen", target_group.pk]),
        {
            "name": "",
            "name_en": "Kept English name",
            "description": "Behaltene Beschreibung",
            "position": "-3",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'aria-invalid="true"' in html
    assert "Kept English name" in html
    assert "Behaltene Beschreibung" in html
    assert 'value="-3"' in html
    target_group.refresh_from_db()
    assert target_group.name == old_name
    assert not history_of(target_group).exists()


def test_create_generates_unique_key_and_records(target_group: TargetGroup) -> None:
    client = client_for("koordination")
    url = reverse("catalog:create", args=["zielgruppen"])
    data = {"name": "Ältere Menschen", "name_en": "", "description": "", "position": "30", "kind": "specific"}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    keys = sorted(TargetGroup.objects.filter(name="Ältere Menschen").values_list("key", flat=True))
    assert keys == ["altere-menschen", "altere-menschen-2"]
    created = TargetGroup.objects.get(key="altere-menschen")
    record = history_of(created).get()
    assert record.action == ChangeRecord.Action.CREATE
    assert record.before is None and record.after is not None and record.after["kind"] == "specific"


def test_create_component_and_funding_programme() -> None:
    coordination = make_user("koordination")
    offer = Component.objects.select_related("basic_offer").first()
    assert offer is not None
    component = catalog_entry_create(
        Component, {"name": "Neuer Baustein", "basic_offer": offer.basic_offer}, coordination
    )
    assert history_of(component).get().after == {
        "key": "neuer-baustein",
        "name": "Neuer Baustein",
        "name_en": "",
        "description": "",
        "position": 0,
        "basic_offer": offer.basic_offer.key,
    }
    programme = catalog_entry_create(FundingProgramme, {"name": "ESF Plus", "is_eu": True}, coordination)
    assert programme.key.startswith("esf-plus")


@pytest.mark.parametrize("kind", ["bereiche", "grundangebote", "ebenen"])
def test_fixed_catalogues_cannot_grow(kind: str) -> None:
    response = client_for("admin").get(reverse("catalog:create", args=[kind]))
    assert response.status_code == 404
    with pytest.raises(ValueError):
        catalog_entry_create(Level, {"name": "Bezirk"}, make_user("koordination"))


def test_unknown_catalogue_is_404() -> None:
    assert client_for("admin").get("/arbeitsbereich/kataloge/gibt-es-nicht/1/bearbeiten/").status_code == 404


def test_unique_key_suffix_stays_within_length() -> None:
    name = "x" * 100
    TargetGroup.objects.create(key="x" * 80, name=name, kind="specific")
    key = unique_key(TargetGroup, name)
    assert len(key) <= 80 and key.endswith("-2")


def test_list_shows_all_catalogues_and_edit_links_only_for_managers() -> None:
    reader = client_for("leser").get(reverse("catalog:list")).content.decode()
    for title in ("Bereiche", "Grundangebote", "Bausteine", "Zielgruppen", "Ebenen", "Förderprogramme"):
        assert title in reader
    assert "/bearbeiten/" not in reader
    coordination = client_for("koordination").get(reverse("catalog:list")).content.decode()
    assert "/bearbeiten/" in coordination
    assert reverse("catalog:create", args=["zielgruppen"]) in coordination
