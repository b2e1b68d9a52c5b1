"""Rounds plug into the work tool: an owner's edit counts as the update; the list filters by round status."""

from __future__ import annotations

import pytest
from django.test import Client

from isi.measures.models import Measure
from isi.measures.services import measure_update
from isi.rounds.models import RoundItem
from tests.integration.test_rounds_services import measures, open_round, people  # noqa: F401

pytestmark = pytest.mark.django_db


def item_status(measure: Measure) -> str:
    return RoundItem.objects.get(measure_key=measure.pk).status


def test_owner_edit_during_a_round_counts_as_update(people, measures) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    open_round(people)
    measure = measures["bmi"]
    measure_update(
        measure_id=measure.pk,
        expected_version=measure.version,
        changes={"summary": "neu"},
        actor=people["bmi"],
        source="workspace",
    )
    assert item_status(measure) == "updated"
    measure.refresh_from_db()
    assert measure.last_reviewed_at is not None


def test_succession_move_is_not_a_review(people, measures) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    open_round(people)
    measure = measures["bmas"]
    measure_update(
        measure_id=measure.pk,
        expected_version=measure.version,
        changes={"summary": "verschoben"},
        source="succession:1",
    )
    assert item_status(measure) == "pending"


def test_staff_list_filters_by_round_status(client: Client, people, measures) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    open_round(people)
    client.force_login(people["koordination"])
    bmi = measures["bmi"]
    measure_update(
        measure_id=bmi.pk, expected_version=bmi.version, changes={"goals": "x"}, source="workspace"
    )
    html = client.get("/arbeitsbereich/?round=updated").content.decode()
    assert "Integrationskurs" in html
    assert "Berufssprachkurse" not in html
    pending = client.get("/arbeitsbereich/?round=pending").content.decode()
    assert "Berufssprachkurse" in pending and "Integrationskurs" not in pending
