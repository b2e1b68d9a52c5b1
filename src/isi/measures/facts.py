"""Read a stored measure into the plain facts the rules judge (``isi.measures.rules``).

Read-only: nothing here writes. A form or the API that judges values before saving them builds
``MeasureFacts`` from the cleaned data instead, or reads the instance and replaces what changed.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from isi.measures.models import Evaluation, Measure
from isi.measures.rules import MeasureFacts, TargetGroupRef


def facts_from_measure(
    measure: Measure, *, similar_measure_ids: Iterable[int] = (), is_new: bool = False
) -> MeasureFacts:
    """The facts of ``measure`` as the rules need them.

    ``similar_measure_ids`` are the close matches the caller's similarity search found (rule 3),
    ``is_new`` says the measure is being created. An unsaved measure has no target groups,
    funding programmes or Erfolgskontrolle yet; those read as empty. Reads related objects via
    ``.all()``, so a caller judging many measures can ``prefetch_related`` them.
    """
    owner = measure.owner if measure.owner_id is not None else None
    level = measure.level if measure.level_id is not None else None
    component = measure.component if measure.component_id is not None else None
    saved = measure.pk is not None
    evaluation: Evaluation | None = getattr(measure, "evaluation", None) if saved else None
    reviewed = measure.last_reviewed_at
    if reviewed is not None and timezone.is_aware(reviewed):
        reviewed = timezone.localtime(reviewed)
    return MeasureFacts(
        title=measure.title,
        summary=measure.summary,
        status=measure.status,
        start_date=measure.start_date,
        end_date=measure.end_date,
        budget_eur=measure.budget_eur,
        owner_key=owner.key if owner else None,
        owner_name=owner.name if owner else "",
        owner_is_ressort=owner.is_ressort if owner else False,
        level_key=level.key if level else None,
        is_new=is_new,
        similar_measure_ids=tuple(similar_measure_ids),
        similar_measures_reason=measure.similar_measures_reason,
        regular_system_reason=measure.regular_system_reason,
        target_groups=(
            frozenset(
                TargetGroupRef(key, kind) for key, kind in measure.target_groups.values_list("key", "kind")
            )
            if saved
            else frozenset()
        ),
        status_independence_reason=measure.status_independence_reason,
        imposes_obligation=measure.imposes_obligation,
        obligation_control=measure.obligation_control,
        obligation_sanction=measure.obligation_sanction,
        offer_type=measure.offer_type,
        component_key=component.key if component else None,
        complementary_need=measure.complementary_need,
        evaluation_state=evaluation.state if evaluation else None,
        evaluation_method=evaluation.method if evaluation else "",
        evaluation_effort_note=evaluation.effort_note if evaluation else "",
        evaluation_due_date=evaluation.due_date if evaluation else None,
        is_model_project=measure.is_model_project,
        test_phase_start=measure.test_phase_start,
        test_phase_end=measure.test_phase_end,
        scale_decision=measure.scale_decision,
        publication=measure.publication,
        # A stored measure is judged as it stands: released before any change now asked about.
        was_released=measure.publication == Measure.Publication.RELEASED,
        archived=measure.archived_at is not None,
        last_reviewed_at=reviewed,
        funding_note=measure.funding_note,
        funding_programme_keys=(
            frozenset(programme.key for programme in measure.funding_programmes.all())
            if saved
            else frozenset()
        ),
    )
