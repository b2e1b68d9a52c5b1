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


def test_a_change_reads_the_measure_in_a_fixed_number_of_statements(measure: Measure) -> None:
    """The rules and both snapshots read every relation: loaded with the measure, not row by row,
    so a measure with more areas, target groups and organisations costs no more statements."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from isi.catalog.models import TargetGroup

    def statements(target: Measure, summary: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            measure_update(
                measure_id=target.pk,
                expected_version=target.version,
                changes={"summary": summary},
                source="test",
            )
        return len(captured.captured_queries)

    richer = measure_create(
        fields={
            "title": "Lotsenprojekt Anerkennung, groß",
            "owner": Organisation.objects.get(key="bmbf"),
            "level": Level.objects.get(key="bund"),
            "areas": list(Area.objects.all()[:3]),
            "target_groups": list(TargetGroup.objects.all()[:4]),
            "organisations": [
                OrganisationRole(org.pk, "responsible")
                for org in Organisation.objects.exclude(key="bmbf").order_by("pk")[:3]
            ],
        },
        source="test",
    )
    assert statements(richer, "Mehr Bezüge") == statements(measure, "Weniger Bezüge")


def test_a_change_of_a_field_outside_the_snapshot_is_recorded(measure: Measure) -> None:
    """Every new version has a change record (the search snapshot follows change records): a NAP-I
    number without a theme is not part of the snapshot, but changing it must still be recorded."""
    from isi.core.models import ChangeRecord

    records = ChangeRecord.objects.count()
    updated = measure_update(
        measure_id=measure.pk, expected_version=measure.version, changes={"nap_i_number": 7}, source="test"
    )
    assert updated.version == measure.version + 1
    assert ChangeRecord.objects.count() == records + 1
    latest = history_of(measure).first()
    assert latest is not None and latest.changed_fields() == ["nap_i_number"]
    assert latest.before is not None and latest.before["nap_i_number"] is None
    assert latest.after is not None and latest.after["nap_i_number"] == 7
