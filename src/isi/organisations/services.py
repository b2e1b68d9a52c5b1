"""Ministry reorganisation: organisation A hands its measures over to B from a date.

One transaction: every moved measure goes through ``measure_update`` (optimistic locking, a change
record with before/after, history kept); when the whole organisation is succeeded, A's name (and
its aliases) become aliases of B so old names stay findable, A's agencies move under B, and A is
dissolved on that date (both recorded as change records of the organisations).

Measures move when the succession is recorded, also for a date in the future; reports by date
(``isi.organisations.selectors.responsible_on``) use the succession's date, not the recording day.
People stay with their organisation: who acts for B afterwards is an administration decision.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from isi.core.changes import record_change
from isi.core.models import ChangeRecord
from isi.core.permissions import can_record_succession
from isi.measures.models import Measure
from isi.measures.services import measure_update
from isi.measures.signals import measures_changed
from isi.organisations.loaders import read_registry_as_of, read_registry_successions
from isi.organisations.models import Organisation, OrganisationAlias, Succession
from isi.organisations.selectors import SOURCE_PREFIX


def succession_source(succession: Succession) -> str:
    """The change-record source of measure moves made by this succession."""
    return f"{SOURCE_PREFIX}{succession.pk}"


@transaction.atomic
def record_succession(
    *,
    predecessor: Organisation,
    successor: Organisation,
    effective_on: date,
    measures: Iterable[Measure] | None = None,
    note: str = "",
    actor: Any = None,
) -> Succession:
    """Record A → B from `effective_on`, for all of A's measures (None) or the selected ones."""
    if not can_record_succession(actor):
        raise PermissionDenied("Nachfolgen erfasst die Koordinierung.")
    return _record(
        predecessor=predecessor,
        successor=successor,
        effective_on=effective_on,
        measures=measures,
        note=note,
        actor=actor,
    )


def _record(
    *,
    predecessor: Organisation,
    successor: Organisation,
    effective_on: date,
    measures: Iterable[Measure] | None,
    note: str,
    actor: Any,
) -> Succession:
    if predecessor.pk == successor.pk:
        raise ValidationError(
            {"successor": "Vorgänger und Nachfolger müssen verschiedene Organisationen sein."}
        )
    selected = list(measures) if measures is not None else None
    whole = not selected
    if selected:
        foreign = [m for m in selected if m.owner_id != predecessor.pk]
        if foreign:
            titles = ", ".join(m.title for m in foreign[:3])
            raise ValidationError({"measures": f"Diese Maßnahmen gehören nicht zum Vorgänger: {titles}"})
    succession = Succession.objects.create(
        predecessor=predecessor, successor=successor, effective_on=effective_on, note=note
    )
    if selected:
        succession.measures.set(selected)
        ids = [m.pk for m in selected]
    else:
        ids = list(Measure.objects.filter(owner=predecessor).values_list("pk", flat=True))
    source = succession_source(succession)
    for measure in Measure.objects.filter(pk__in=ids).order_by("pk"):
        measure_update(
            measure_id=measure.pk,
            expected_version=measure.version,
            changes={"owner": successor},
            actor=actor,
            source=source,
            succession=True,
        )
    if whole:
        valid_until = effective_on - timedelta(days=1)
        OrganisationAlias.objects.filter(organisation=predecessor).update(organisation=successor)
        alias, created = OrganisationAlias.objects.get_or_create(
            name=predecessor.name, defaults={"organisation": successor, "valid_until": valid_until}
        )
        if not created:
            alias.organisation = successor
            alias.valid_until = valid_until
            alias.save(update_fields=["organisation", "valid_until"])
        # Agencies under A now belong to B (BAMF stays under whichever ministry succeeds BMI).
        for child in Organisation.objects.filter(parent=predecessor):
            child.parent = successor
            child.save(update_fields=["parent"])
            record_change(
                child,
                action=ChangeRecord.Action.UPDATE,
                before={"parent": predecessor.name},
                after={"parent": successor.name},
                actor=actor,
                source=source,
            )
        before = {"dissolved_on": None}
        predecessor.dissolved_on = effective_on
        predecessor.save(update_fields=["dissolved_on"])
        record_change(
            predecessor,
            action=ChangeRecord.Action.UPDATE,
            before=before,
            after={"dissolved_on": effective_on.isoformat(), "successor": successor.name},
            actor=actor,
            source=source,
        )
    # The search documents carry owner names and aliases: rebuild them for the moved measures.
    if ids:
        measures_changed(ids)
    return succession


@transaction.atomic
def apply_registry_successions() -> list[Succession]:
    """The successions the registry file records (a reorganisation of the federal government), as
    a system write (no person acts): idempotent, each recorded once; measures move through the
    measures write service. Called by a data migration."""
    as_of = read_registry_as_of()
    source = str(as_of.get("source", ""))
    recorded: list[Succession] = []
    for item in read_registry_successions():
        predecessor = Organisation.objects.filter(key=item["predecessor"]).first()
        successor = Organisation.objects.filter(key=item["successor"]).first()
        if predecessor is None or successor is None:
            continue
        effective_on = date.fromisoformat(item["effective_on"])
        done = Succession.objects.filter(
            predecessor=predecessor, successor=successor, effective_on=effective_on
        )
        if done.exists():
            continue
        note = " ".join(
            part for part in (str(item.get("note", "")), f"Quelle: {source}." if source else "") if part
        )
        recorded.append(
            _record(
                predecessor=predecessor,
                successor=successor,
                effective_on=effective_on,
                measures=None,
                note=note,
                actor=None,
            )
        )
    return recorded
