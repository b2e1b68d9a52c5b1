"""The one way to name a measure to a person: its title, or a neutral label if they may not see it.

A measure's title is shown, prefilled, put into a choice label, an e-mail, a PDF or an XLSX only
through these functions. Whoever may not see the measure (``isi.core.permissions``) reads
"Nicht veröffentlichte Maßnahme (ID n)" instead – also in lists, history and notifications.

- ``measure_label(user, measure)``: for one reader.
- ``measure_labels(user, measures)``: the same for many, in one query.
- ``shared_label(measure)``: for text many people will read later (a proposal title prefilled
  from a pair, which goes to every owner by e-mail): the title only if the measure is public.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext

from isi.core.permissions import SEES_EVERYTHING, is_admin, staff_user
from isi.measures.models import Measure
from isi.measures.permissions import visible_measures


def unpublished_label(measure_id: int | None) -> str:
    return gettext("Nicht veröffentlichte Maßnahme (ID %(id)s)") % {"id": measure_id}


def _is_public(measure: Measure) -> bool:
    return measure.publication == Measure.Publication.RELEASED and measure.archived_at is None


def _sees_everything(user: Any) -> bool:
    staff = staff_user(user)
    return staff is not None and (is_admin(staff) or staff.role in SEES_EVERYTHING)


def visible_ids(user: Any, measures: Iterable[Measure]) -> set[int]:
    """The ids among `measures` whose title `user` may read (one query at most)."""
    items = [m for m in measures if m is not None]
    if _sees_everything(user):
        return {m.pk for m in items}
    shown = {m.pk for m in items if _is_public(m)}
    rest = {m.pk for m in items} - shown
    if rest:
        shown |= set(visible_measures(user).filter(pk__in=rest).values_list("pk", flat=True))
    return shown


def may_see_title(user: Any, measure: Measure) -> bool:
    return measure.pk in visible_ids(user, [measure])


def measure_label(user: Any, measure: Measure) -> str:
    """The measure's title for `user`, or the neutral label if `user` may not see it."""
    return measure.title if may_see_title(user, measure) else unpublished_label(measure.pk)


def measure_labels(user: Any, measures: Iterable[Measure]) -> dict[int, str]:
    """`{measure id: label}` for `user`, in one query."""
    items = [m for m in measures if m is not None]
    shown = visible_ids(user, items)
    return {m.pk: m.title if m.pk in shown else unpublished_label(m.pk) for m in items}


def readable_ids(user: Any, measure_ids: Iterable[int]) -> set[int]:
    """The ids among `measure_ids` whose title `user` may read (one query)."""
    ids = {int(i) for i in measure_ids}
    if not ids or _sees_everything(user):
        return ids
    return set(visible_measures(user).filter(pk__in=ids).values_list("pk", flat=True))


class Labeller:
    """Labels for one reader over many rows (reports): `prime` the ids once, then `label` each."""

    def __init__(self, reader: Any) -> None:
        self.reader = reader
        self._readable: dict[int, bool] = {}

    def prime(self, measure_ids: Iterable[int]) -> None:
        todo = {int(i) for i in measure_ids} - self._readable.keys()
        readable = readable_ids(self.reader, todo)
        self._readable.update({i: i in readable for i in todo})

    def label(self, measure_id: int, title: str) -> str:
        if measure_id not in self._readable:
            self.prime([measure_id])
        return title if self._readable[measure_id] else unpublished_label(measure_id)

    def of(self, measure: Measure) -> str:
        return self.label(measure.pk, measure.title)


def shared_label(measure: Measure) -> str:
    """For text that others will read: the title of a public measure, else the neutral label."""
    return measure.title if _is_public(measure) else unpublished_label(measure.pk)
