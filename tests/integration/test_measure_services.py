"""Writes go through services: transactions, change records, optimistic locking."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from isi.catalog.models import Area, Level
from isi.core.changes import history_of
from isi.measures.models import Measure
from isi.measures.services import OrganisationRole, StaleVersion, measure_create, measure_update
from isi.organisations.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def measure() -> Measure:
    return measure_create(
        fields={
            "title": "Lotsenprojekt Anerkennung",
            "owner": Organisation.objects.get(key="bmbf"),
            "level": Level.objects.get(key="bund"),
            "areas": [Area.objects.get(key="bildung-arbeit")],
            "organisations": [OrganisationRole(Organisation.objects.get(key="bibb").pk, "responsible")],
        },
        source="test",
    )


def test_create_records_the_full_snapshot(measure: Measure) -> None:
    (record,) = history_of(measure)
    assert record.action == "create"
    assert record.before is None
    assert record.after is not None
    assert record.after["title"] == "Lotsenprojekt Anerkennung"
    assert record.after["areas"] == ["bildung-arbeit"]
    assert record.after["organisations"] == [
        {"name": "Bundesinstitut für Berufsbildung", "role": "responsible"}
    ]
    assert measure.version == 1


def test_update_bumps_version_and_records_before_and_after(measure: Measure) -> None:
    updated = measure_update(
        measure_id=measure.pk, expected_version=1, changes={"summary": "Neu beschrieben"}, source="test"
    )
    assert updated.version == 2
    latest = history_of(measure).first()
    assert latest is not None
    assert latest.action == "update"
    assert latest.changed_fields() == ["summary"]
    assert latest.before is not None and latest.before["summary"] == ""
    assert latest.after is not None and latest.after["summary"] == "Neu beschrieben"


def test_update_that_changes_nothing_leaves_no_trace(measure: Measure) -> None:
    updated = measure_update(
        measure_id=measure.pk, expected_version=1, changes={"title": measure.title}, source="test"
    )
    assert updated.version == 1
    assert history_of(measure).count() == 1


def test_stale_version_is_refused_and_names_the_other_change(measure: Measure) -> None:
    measure_update(measure_id=measure.pk, expected_version=1, changes={"summary": "Erste Person"})
    with pytest.raises(StaleVersion) as refused:
        measure_update(measure_id=measure.pk, expected_version=1, changes={"summary": "Zweite Person"})
    assert refused.value.current_version == 2
    assert refused.value.their_changes[0].changed_fields() == ["summary"]
    measure.refresh_from_db()
    assert measure.summary == "Erste Person"
    assert measure.version == 2


def test_invalid_update_writes_nothing(measure: Measure) -> None:
    with pytest.raises(ValidationError):
        measure_update(measure_id=measure.pk, expected_version=1, changes={"title": ""})
    measure.refresh_from_db()
    assert measure.title == "Lotsenprojekt Anerkennung"
    assert measure.version == 1
    assert history_of(measure).count() == 1
