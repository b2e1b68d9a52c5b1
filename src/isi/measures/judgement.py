"""Judge a change of a measure by the Leitfaden's rules and the plausibility checks, in one place.

The write service (``isi.measures.services``) calls ``judge_change`` before it writes anything, so
every channel – form, API, spreadsheet upload, restore, round confirmation, succession – is judged
the same way. Previews (the upload's row check, a form that wants its field errors) may call it
too; the service judges again when it writes, so a preview can never let something through.

- ``facts_after(measure, changes)``: the facts as they would be after ``changes`` (the service's
  ``changes`` dict: model field names, objects for foreign keys, lists for many-to-many fields,
  ``organisations``, ``evaluation``). The one mapping from a change to the rules' facts.
- ``judge_change``: which violations block. A new measure, and a "still correct" confirmation
  (``strict``), block on every error. A change of a stored measure blocks on errors it
  introduces, and on errors concerning a fact it changes (changing the dates while the end is
  before the start); errors the measure already had on facts the change leaves alone (an imported
  measure without Erfolgskontrolle) do not stop a correction of its summary. Everything else
  comes back as warnings.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone

from isi.measures.facts import facts_from_measure
from isi.measures.models import Measure
from isi.measures.rules import MeasureFacts, TargetGroupRef, Violation, check_measure

FACT_NAMES = frozenset(field.name for field in dataclasses.fields(MeasureFacts))

# Facts that are not named like the field a change sets.
FACT_FIELDS: dict[str, str] = {
    "owner_key": "owner",
    "owner_name": "owner",
    "owner_is_ressort": "owner",
    "level_key": "level",
    "component_key": "component",
    "funding_programme_keys": "funding_programmes",
    "evaluation_state": "evaluation",
    "evaluation_method": "evaluation",
    "evaluation_effort_note": "evaluation",
    "evaluation_due_date": "evaluation",
}

# A violation attached to field F (left) concerns the changed fields on the right.
CONCERNS: dict[str, frozenset[str]] = {
    "title": frozenset({"title", "publication"}),
    "end_date": frozenset({"start_date", "end_date"}),
    "owner": frozenset({"owner", "level", "publication"}),
    "status_independence_reason": frozenset({"target_groups", "status_independence_reason"}),
    "obligation_control": frozenset({"imposes_obligation", "obligation_control"}),
    "obligation_sanction": frozenset({"imposes_obligation", "obligation_sanction"}),
    "offer_type": frozenset({"offer_type"}),
    "component": frozenset({"offer_type", "component"}),
    "complementary_need": frozenset({"offer_type", "complementary_need"}),
    "funding_programmes": frozenset({"funding_note", "funding_programmes"}),
    "test_phase_start": frozenset({"is_model_project", "test_phase_start"}),
    "test_phase_end": frozenset({"is_model_project", "test_phase_end"}),
    "scale_decision": frozenset({"is_model_project", "test_phase_end", "scale_decision"}),
    "summary": frozenset({"summary", "publication"}),
    "status": frozenset({"status", "start_date", "end_date"}),
}


@dataclass(frozen=True)
class Judgement:
    """What the rules say about a change: what blocks it, and what is only worth a warning."""

    blocking: tuple[Violation, ...]
    warnings: tuple[Violation, ...]

    @property
    def ok(self) -> bool:
        return not self.blocking


def _evaluation_facts(value: Mapping[str, Any] | None) -> dict[str, Any]:
    if value is None:
        return {
            "evaluation_state": None,
            "evaluation_method": "",
            "evaluation_effort_note": "",
            "evaluation_due_date": None,
        }
    return {
        "evaluation_state": value.get("state") or None,
        "evaluation_method": value.get("method") or "",
        "evaluation_effort_note": value.get("effort_note") or "",
        "evaluation_due_date": value.get("due_date"),
    }


def facts_after(
    measure: Measure | None,
    changes: Mapping[str, Any],
    *,
    is_new: bool = False,
    similar_measure_ids: tuple[int, ...] = (),
) -> MeasureFacts:
    """The rules' facts of `measure` (None: a new one) as they would be after `changes`."""
    base = facts_from_measure(measure) if measure is not None else MeasureFacts()
    update: dict[str, Any] = {"is_new": is_new, "similar_measure_ids": tuple(similar_measure_ids)}
    if measure is None:
        # A measure being written down is reviewed by definition (rule 2); it was never public.
        update["last_reviewed_at"] = timezone.localdate()
        if "was_released" in FACT_NAMES:
            update["was_released"] = False
    for name, value in changes.items():
        if name == "owner":
            update.update(
                owner_key=value.key if value else None,
                owner_name=value.name if value else "",
                owner_is_ressort=bool(value and value.is_ressort),
            )
        elif name == "level":
            update["level_key"] = value.key if value else None
        elif name == "component":
            update["component_key"] = value.key if value else None
        elif name == "target_groups":
            update["target_groups"] = frozenset(TargetGroupRef(group.key, group.kind) for group in value)
        elif name == "funding_programmes":
            update["funding_programme_keys"] = frozenset(programme.key for programme in value)
        elif name == "evaluation":
            update.update(_evaluation_facts(value))
        elif name == "archived":
            update["archived"] = bool(value)
        elif name in FACT_NAMES:
            update[name] = value if value is not None or name not in _TEXT_FACTS else ""
    return dataclasses.replace(base, **update)


_TEXT_FACTS = frozenset(
    field.name for field in dataclasses.fields(MeasureFacts) if field.type in ("str", str)
)


def changed_fields(before: MeasureFacts, after: MeasureFacts) -> frozenset[str]:
    """The fields (as a change names them) whose facts differ between `before` and `after`."""
    changed: set[str] = set()
    for name in FACT_NAMES - {"is_new", "similar_measure_ids", "was_released", "last_reviewed_at"}:
        if getattr(before, name) != getattr(after, name):
            changed.add(FACT_FIELDS.get(name, name))
    return frozenset(changed)


def _concerns(violation: Violation, touched: frozenset[str]) -> bool:
    field = violation.field
    concerned = CONCERNS.get(field, frozenset({field, field.split(".", 1)[0]}))
    return bool(concerned & touched)


def judge(
    *, before: MeasureFacts | None, after: MeasureFacts, today: date, strict: bool = False
) -> Judgement:
    """Judge `after`; with `before` (a stored measure) only what the change touches blocks.

    `strict`: every error blocks, as for a new measure (a confirmation that it is still correct).
    """
    found = check_measure(after, today=today)
    if before is None or strict:
        blocking = [v for v in found if v.is_error]
    else:
        known = {(v.rule, v.field) for v in check_measure(before, today=today) if v.is_error}
        touched = changed_fields(before, after)
        blocking = [
            v for v in found if v.is_error and ((v.rule, v.field) not in known or _concerns(v, touched))
        ]
    return Judgement(tuple(blocking), tuple(v for v in found if v not in blocking))


def judge_change(
    measure: Measure | None,
    changes: Mapping[str, Any],
    *,
    today: date,
    strict: bool = False,
    similar_measure_ids: tuple[int, ...] = (),
) -> Judgement:
    """Judge `changes` to the stored `measure` (None: create a measure from `changes`)."""
    after = facts_after(measure, changes, is_new=measure is None, similar_measure_ids=similar_measure_ids)
    before = facts_from_measure(measure) if measure is not None else None
    return judge(before=before, after=after, today=today, strict=strict)
