"""Ministry reorganisation: measures move with history, old names stay as aliases, dates report."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from isi.accounts.models import User
from isi.catalog.models import Level
from isi.core.changes import history_of
from isi.measures.models import Measure
from isi.measures.services import measure_create
from isi.organisations.models import Organisation, OrganisationAlias, Succession
from isi.organisations.selectors import responsible_on, responsible_on_many
from isi.organisations.services import record_succession, succession_source
from isi.search.filters import MeasureFilter
from isi.search.selectors import search_public_measures

pytestmark = pytest.mark.django_db

D = date(2025, 5, 6)


def ministry(key: str, name: str) -> Organisation:
    return Organisation.objects.create(key=key, name=name, short_name=key.upper(), kind="federal_ministry")


@pytest.fixture
def coordination() -> User:
    return User.objects.create_user(
        username="koordination",
        password="x",
        role="coordination",
        organisation=Organisation.objects.get(key="ib"),
    )


@pytest.fixture
def old() -> Organisation:
    return ministry("bmalt", "Bundesministerium für Altes und Bewährtes")


@pytest.fixture
def new() -> Organisation:
    return ministry("bmneu", "Bundesministerium für Neues")


def make(title: str, owner: Organisation) -> Measure:
    return measure_create(
        fields={"title": title, "owner": owner, "level": Level.objects.get(key="bund")}, source="test"
    )


def test_whole_organisation_moves_with_history_and_alias(
    coordination: User, old: Organisation, new: Organisation
) -> None:
    first, second = make("Programm eins", old), make("Programm zwei", old)
    other = make("Fremde Maßnahme", Organisation.objects.get(key="bmas"))
    succession = record_succession(predecessor=old, successor=new, effective_on=D, actor=coordination)

    for measure in (first, second):
        measure.refresh_from_db()
        assert measure.owner == new
        assert measure.version == 2
        record = history_of(measure).order_by("-id").first()
        assert record is not None
        assert record.source == succession_source(succession)
        assert record.before is not None and record.after is not None
        assert record.before["owner"] == old.name
        assert record.after["owner"] == new.name
        assert record.actor == coordination
        assert history_of(measure).count() == 2  # creation kept, move added
    other.refresh_from_db()
    assert other.version == 1

    alias = OrganisationAlias.objects.get(name=old.name)
    assert alias.organisation == new
    assert alias.valid_until == D - timedelta(days=1)
    old.refresh_from_db()
    assert old.dissolved_on == D
    assert not succession.measures.exists()


def test_responsible_on_before_and_after_the_date(
    coordination: User, old: Organisation, new: Organisation
) -> None:
    measure = make("Programm eins", old)
    record_succession(predecessor=old, successor=new, effective_on=D, actor=coordination)
    measure.refresh_from_db()
    assert responsible_on(measure, D - timedelta(days=1)) == old
    assert responsible_on(measure, D) == new
    assert responsible_on(measure, D + timedelta(days=400)) == new
    untouched = make("Fremd", Organisation.objects.get(key="bmas"))
    assert responsible_on_many([measure, untouched], D - timedelta(days=1)) == {
        measure.pk: old,
        untouched.pk: Organisation.objects.get(key="bmas"),
    }


def test_chained_successions(coordination: User, old: Organisation, new: Organisation) -> None:
    newest = ministry("bmneuer", "Bundesministerium für noch Neueres")
    measure = make("Programm", old)
    record_succession(predecessor=old, successor=new, effective_on=D, actor=coordination)
    later = D + timedelta(days=365)
    record_succession(predecessor=new, successor=newest, effective_on=later, actor=coordination)
    measure.refresh_from_db()
    assert measure.owner == newest
    assert responsible_on(measure, D - timedelta(days=1)) == old
    assert responsible_on(measure, D + timedelta(days=1)) == new
    assert responsible_on(measure, later) == newest
    # Both old names now point at the newest ministry.
    assert set(OrganisationAlias.objects.filter(organisation=newest).values_list("name", flat=True)) >= {
        old.name,
        new.name,
    }


def test_selected_measures_only(coordination: User, old: Organisation, new: Organisation) -> None:
    moving, staying = make("geht über", old), make("bleibt", old)
    succession = record_succession(
        predecessor=old, successor=new, effective_on=D, measures=[moving], actor=coordination
    )
    moving.refresh_from_db()
    staying.refresh_from_db()
    assert moving.owner == new and staying.owner == old
    assert list(succession.measures.all()) == [moving]
    assert staying.version == 1
    old.refresh_from_db()
    assert old.dissolved_on is None
    assert not OrganisationAlias.objects.filter(name=old.name).exists()
    assert responsible_on(moving, D - timedelta(days=1)) == old


def test_refusals(coordination: User, old: Organisation, new: Organisation) -> None:
    measure = make("Programm", old)
    with pytest.raises(ValidationError) as error:
        record_succession(predecessor=old, successor=old, effective_on=D, actor=coordination)
    assert "successor" in error.value.message_dict
    foreign = make("Fremd", Organisation.objects.get(key="bmas"))
    with pytest.raises(ValidationError):
        record_succession(
            predecessor=old, successor=new, effective_on=D, measures=[foreign], actor=coordination
        )
    desk = User.objects.create_user(username="bmi", password="x", role="desk_officer", organisation=old)
    with pytest.raises(PermissionDenied):
        record_succession(predecessor=old, successor=new, effective_on=D, actor=desk)
    assert not Succession.objects.filter(predecessor=old).exists()
    measure.refresh_from_db()
    assert measure.owner == old and measure.version == 1


def test_old_name_stays_findable(coordination: User, old: Organisation, new: Organisation) -> None:
    measure = measure_create(
        fields={
            "title": "Programm eins",
            "owner": old,
            "level": Level.objects.get(key="bund"),
            "publication": Measure.Publication.RELEASED,
        },
        source="test",
    )
    record_succession(predecessor=old, successor=new, effective_on=D, actor=coordination)
    assert Organisation.objects.filter(aliases__name=old.name).get() == new
    found = search_public_measures(MeasureFilter(q="Bewährtes"))
    assert [m.pk for m in found.items] == [measure.pk]
    assert found.items[0].owner == new


def test_agencies_move_under_the_successor(coordination: User, old: Organisation, new: Organisation) -> None:
    agency = Organisation.objects.create(
        key="amt", name="Bundesamt für Altes", kind="federal_agency", parent=old
    )
    record_succession(predecessor=old, successor=new, effective_on=D, actor=coordination)
    agency.refresh_from_db()
    assert agency.parent == new
    assert history_of(agency).get().after == {"parent": new.name}
    assert history_of(old).get().after == {"dissolved_on": D.isoformat(), "successor": new.name}


def test_responsible_on_follows_ordinary_owner_changes(old: Organisation, new: Organisation) -> None:
    from django.utils import timezone

    from isi.measures.services import measure_update

    measure = make("Programm", old)
    measure_update(measure_id=measure.pk, expected_version=1, changes={"owner": new}, source="test")
    measure.refresh_from_db()
    today = timezone.localdate()
    assert responsible_on(measure, today - timedelta(days=1)) == old
    assert responsible_on(measure, today) == new
