"""Reads for the Erfolgskontrolle dashboard: one overview feeds the page, the XLSX and the IMAG report.

Everything is counted in the database (grouped aggregates); only the few organisations behind the
counted owners are read to roll agencies up to their ministry. The lists are cut to a limit for the
page; their full lengths come from the same aggregates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from isi.catalog.models import Area
from isi.measures.models import Evaluation, Measure, MeasureQuerySet
from isi.monitoring.evaluation.overview import (
    AreaRow,
    Coverage,
    EvaluationEntry,
    EvaluationOverview,
    MinistryRow,
    ModelProjectEntry,
)
from isi.monitoring.evaluation.plan import has_plan_q, overdue_q, undecided_model_project_q
from isi.organisations.models import Organisation

RESSORT_KINDS = (Organisation.Kind.FEDERAL_MINISTRY, Organisation.Kind.FEDERAL_COMMISSIONER)
# The page shows this many entries per list; the export passes None (all).
DEFAULT_LIST_LIMIT = 100


# --- which ministry a measure belongs to ----------------------------------------------------------


@dataclass(frozen=True)
class Ministry:
    id: int
    name: str
    short_name: str


def _ministries_of_owners(owner_ids: set[int]) -> dict[int, Ministry]:
    """Owner id → responsible Ressort: the owner, its parent or grandparent, whichever is a Ressort first.

    Owners without a Ressort above them (Länder, Kommunen, others) stand for themselves. Two
    levels, like the desk officers' scope in ``isi.core.permissions`` and ``measures_of_ministry_q``.
    """
    values = Organisation.objects.filter(pk__in=owner_ids).values(
        "id",
        "name",
        "short_name",
        "kind",
        "parent_id",
        "parent__name",
        "parent__short_name",
        "parent__kind",
        "parent__parent_id",
        "parent__parent__name",
        "parent__parent__short_name",
        "parent__parent__kind",
    )
    rows = cast(list[dict[str, Any]], list(values))
    result: dict[int, Ministry] = {}
    for row in rows:
        chain = [row["id"], row["parent_id"], row["parent__parent_id"]]
        chosen = Ministry(row["id"], row["name"], row["short_name"])
        for level, prefix in enumerate(("", "parent__", "parent__parent__")):
            if chain[level] is not None and row[f"{prefix}kind"] in RESSORT_KINDS:
                chosen = Ministry(chain[level], row[f"{prefix}name"], row[f"{prefix}short_name"])
                break
        result[row["id"]] = chosen
    return result


def measures_of_ministry_q(organisation: Organisation) -> Q:
    """Measures whose responsible Ressort (as rolled up above) is `organisation`."""
    if organisation.kind not in RESSORT_KINDS:
        return Q(owner=organisation)
    not_ressort = ~Q(owner__kind__in=RESSORT_KINDS)
    return (
        Q(owner=organisation)
        | (Q(owner__parent=organisation) & not_ressort)
        | (Q(owner__parent__parent=organisation) & not_ressort & ~Q(owner__parent__kind__in=RESSORT_KINDS))
    )


# --- the set of measures -----------------------------------------------------------------------


def evaluation_measures(
    owner: Organisation | None = None,
    *,
    area: Area | None = None,
    measures: MeasureQuerySet | None = None,
) -> MeasureQuerySet:
    """Not-archived measures, optionally of one ministry (with its agencies) and one area.

    `measures` narrows the base set (a user's scope); every filter is a plain condition or a
    subquery, so the result has each measure once whatever joins the caller's set needed.
    """
    base = measures if measures is not None else Measure.objects.all()
    qs = Measure.objects.filter(pk__in=base.values("pk")) if measures is not None else base
    qs = qs.active()
    if owner is not None:
        qs = qs.filter(measures_of_ministry_q(owner))
    if area is not None:
        qs = qs.filter(pk__in=Measure.areas.through.objects.filter(area=area).values("measure_id"))
    return qs


def ministry_choices(measures: MeasureQuerySet | None = None) -> list[Ministry]:
    """The ministries that have not-archived measures (in `measures`), by name: the filter's options."""
    # One index probe per organisation instead of a DISTINCT over all measures.
    owning = evaluation_measures(measures=measures).filter(owner=OuterRef("pk"))
    owner_ids = set(Organisation.objects.filter(Exists(owning)).values_list("pk", flat=True))
    unique = {m.id: m for m in _ministries_of_owners(owner_ids).values()}
    return sorted(unique.values(), key=lambda m: m.name)


# --- figures -------------------------------------------------------------------------------------


def _coverage_aggregates(today: date) -> dict[str, Any]:
    state = "evaluation__state"
    return {
        "total": Count("id"),
        "with_plan": Count("id", filter=has_plan_q()),
        "overdue": Count("id", filter=overdue_q(today)),
        "planned": Count("id", filter=Q(**{state: Evaluation.State.PLANNED})),
        "running": Count("id", filter=Q(**{state: Evaluation.State.RUNNING})),
        "done": Count("id", filter=Q(**{state: Evaluation.State.DONE})),
        "not_proportionate": Count("id", filter=Q(**{state: Evaluation.State.NOT_PROPORTIONATE})),
        "no_entry": Count("id", filter=Q(evaluation__isnull=True)),
        "undecided_model_projects": Count("id", filter=undecided_model_project_q(today)),
    }


def _coverage(row: dict[str, Any]) -> Coverage:
    return Coverage(**{name: row[name] for name in Coverage.__dataclass_fields__})


def _lacking_first(row: MinistryRow) -> tuple[float, int, str]:
    return (row.coverage.share, -row.coverage.without_plan, row.name)


def _by_ministry(qs: MeasureQuerySet, today: date) -> tuple[list[MinistryRow], dict[int, Ministry]]:
    per_owner = cast(
        list[dict[str, Any]], list(qs.order_by().values("owner_id").annotate(**_coverage_aggregates(today)))
    )
    ministries = _ministries_of_owners({row["owner_id"] for row in per_owner})
    totals: dict[int, Coverage] = {}
    for row in per_owner:
        ministry = ministries[row["owner_id"]]
        totals[ministry.id] = totals.get(ministry.id, Coverage()) + _coverage(row)
    unique = {m.id: m for m in ministries.values()}
    rows = [
        MinistryRow(ministry_id, unique[ministry_id].name, unique[ministry_id].short_name, coverage)
        for ministry_id, coverage in totals.items()
    ]
    return sorted(rows, key=_lacking_first), ministries


def _by_area(qs: MeasureQuerySet, today: date) -> list[AreaRow]:
    grouped = qs.order_by().values("areas__id").annotate(**_coverage_aggregates(today))
    per_area: dict[int | None, Coverage] = {
        row["areas__id"]: _coverage(row) for row in cast(list[dict[str, Any]], list(grouped))
    }
    rows = [
        AreaRow(area.pk, area.key, area.label, per_area[area.pk])
        for area in Area.objects.filter(pk__in=[pk for pk in per_area if pk is not None])
    ]
    if None in per_area:
        rows.append(AreaRow(None, "", "", per_area[None]))
    return rows


# --- lists ---------------------------------------------------------------------------------------


def _limited(qs: QuerySet[Any], limit: int | None) -> QuerySet[Any]:
    return qs if limit is None else qs[:limit]


def _entry(evaluation: Evaluation, ministries: dict[int, Ministry], today: date) -> EvaluationEntry:
    measure = evaluation.measure
    due = evaluation.due_date
    return EvaluationEntry(
        measure_id=measure.pk,
        title=measure.title,
        owner=measure.owner.name,
        ministry=ministries[measure.owner_id].name if measure.owner_id in ministries else measure.owner.name,
        state=evaluation.state,
        state_label=str(evaluation.get_state_display()),
        method=evaluation.method,
        due_date=due,
        result_summary=evaluation.result_summary,
        days_overdue=(today - due).days if due is not None and due < today else 0,
    )


def _evaluations(qs: MeasureQuerySet) -> QuerySet[Evaluation]:
    # Only the columns the lists show: measures carry long texts the dashboard does not need.
    return (
        Evaluation.objects.filter(measure__in=qs.values("pk"))
        .select_related("measure__owner")
        .only(
            "state",
            "method",
            "due_date",
            "result_summary",
            "measure__title",
            "measure__owner_id",
            "measure__owner__name",
        )
    )


def _model_project(measure: Measure, ministries: dict[int, Ministry]) -> ModelProjectEntry:
    evaluation: Evaluation | None = getattr(measure, "evaluation", None)
    assert measure.test_phase_end is not None  # guaranteed by the query
    return ModelProjectEntry(
        measure_id=measure.pk,
        title=measure.title,
        owner=measure.owner.name,
        ministry=ministries[measure.owner_id].name if measure.owner_id in ministries else measure.owner.name,
        test_phase_start=measure.test_phase_start,
        test_phase_end=measure.test_phase_end,
        evaluation_state=evaluation.state if evaluation else None,
        evaluation_state_label=str(evaluation.get_state_display()) if evaluation else "",
    )


def evaluation_overview(
    owner: Organisation | None = None,
    *,
    today: date | None = None,
    area: Area | None = None,
    measures: MeasureQuerySet | None = None,
    list_limit: int | None = DEFAULT_LIST_LIMIT,
) -> EvaluationOverview:
    """The Erfolgskontrolle figures for all not-archived measures, or one ministry's (with its agencies).

    `owner`: a Ressort (or another owning organisation), None for all; `area` narrows to one
    area; `measures` to a user's scope; `list_limit` cuts the three lists (None: complete).
    "Has a plan" is defined once, in ``isi.monitoring.evaluation.plan``.
    """
    today = today or timezone.localdate()
    qs = evaluation_measures(owner, area=area, measures=measures)
    by_ministry, ministries = _by_ministry(qs, today)
    coverage = sum((row.coverage for row in by_ministry), Coverage())
    overdue = (
        _evaluations(qs).filter(overdue_q(today, prefix="")).order_by("due_date", "measure__title", "pk")
    )
    results = _evaluations(qs).filter(state=Evaluation.State.DONE)
    results = results.order_by(F("due_date").desc(nulls_last=True), "measure__title", "pk")
    undecided = (
        qs.filter(undecided_model_project_q(today))
        .select_related("owner", "evaluation")
        .only(
            "title",
            "owner_id",
            "owner__name",
            "test_phase_start",
            "test_phase_end",
            "evaluation__state",
        )
        .order_by("test_phase_end", "title", "pk")
    )
    return EvaluationOverview(
        today=today,
        coverage=coverage,
        by_ministry=by_ministry,
        by_area=_by_area(qs, today),
        overdue=[_entry(e, ministries, today) for e in _limited(overdue, list_limit)],
        results=[_entry(e, ministries, today) for e in _limited(results, list_limit)],
        undecided_model_projects=[_model_project(m, ministries) for m in _limited(undecided, list_limit)],
    )
