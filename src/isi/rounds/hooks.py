"""How rounds plug into other contexts without those importing rounds."""

from __future__ import annotations

from typing import Any, cast

from django.utils.translation import gettext_lazy as _

from isi.measures.models import Measure, MeasureQuerySet
from isi.measures.services import AFTER_UPDATE_HOOKS
from isi.rounds.models import ReportingRound, RoundItem
from isi.workspace.filters import EXTRA_FILTERS, ListFilter

# Changes that are not the owner's own review: moves by a succession, the round's own confirmation.
NOT_A_REVIEW = ("succession", "round_review")


def count_edit_as_update(measure: Measure, actor: Any, source: str) -> None:
    if source.startswith(NOT_A_REVIEW):
        return
    from isi.rounds.services import mark_updated

    mark_updated(measure, actor=actor)


def round_status_choices() -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in RoundItem.Status.choices]


def filter_by_round_status(queryset: MeasureQuerySet, value: str) -> MeasureQuerySet:
    """Measures whose item in the open round has this status (none open: nothing matches)."""
    open_round = ReportingRound.objects.filter(state=ReportingRound.State.OPEN).first()
    if open_round is None or value not in RoundItem.Status.values:
        return queryset.none()
    keys = RoundItem.objects.filter(round=open_round, status=value).values("measure_key")
    return queryset.filter(pk__in=keys)


def register() -> None:
    if count_edit_as_update not in AFTER_UPDATE_HOOKS:
        AFTER_UPDATE_HOOKS.append(count_edit_as_update)
    if not any(f.param == "round" for f in EXTRA_FILTERS):
        EXTRA_FILTERS.append(
            ListFilter(
                param="round",
                label=cast(str, _("Stand in der offenen Runde")),  # lazy: rendered per request language
                choices=round_status_choices,
                apply=filter_by_round_status,
            )
        )
