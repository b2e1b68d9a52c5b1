"""The staff measure list's filters: parsed from the URL, applied to visible_measures(user).

Other apps add filters without touching this module: append a ``ListFilter`` to
``EXTRA_FILTERS`` (e.g. the six-monthly rounds add "round status" from their AppConfig.ready()).
Each reads its own URL parameter; its value is kept in the URL like the built-in ones.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import urlencode

from django.db.models import Q
from django.http import QueryDict

from isi.core.parsing import parse_int
from isi.measures.models import Measure, MeasureQuerySet
from isi.measures.rules import REVIEW_INTERVAL_DAYS


@dataclass(frozen=True)
class ListFilter:
    """A pluggable filter: URL parameter, label, choices and how it narrows the queryset."""

    param: str
    label: str
    choices: Callable[[], list[tuple[str, str]]]
    apply: Callable[[MeasureQuerySet, str], MeasureQuerySet]


# Hook for other apps (documented above): rounds append their "round status" filter here.
EXTRA_FILTERS: list[ListFilter] = []

SORTS = {
    "nap_i": ("nap_i_theme__phase__number", "nap_i_theme__position", "nap_i_number", "title", "pk"),
    "title": ("title", "pk"),
    "-updated": ("-updated_at", "pk"),
    "reviewed": ("last_reviewed_at", "pk"),
    "owner": ("owner__name", "title", "pk"),
}
ARCHIVE_CHOICES = ("", "with", "only")
PARAMS = (
    "q",
    "owner",
    "area",
    "target_group",
    "status",
    "phase",
    "theme",
    "publication",
    "archived",
    "review",
)


def review_cutoff(today: date) -> date:
    """Reviews on or before this day are overdue (R2: more than REVIEW_INTERVAL_DAYS ago)."""
    return today - timedelta(days=REVIEW_INTERVAL_DAYS)


def needs_review_q(today: date) -> Q:
    return Q(last_reviewed_at__isnull=True) | Q(last_reviewed_at__date__lt=review_cutoff(today))


@dataclass
class StaffFilter:
    q: str = ""
    owner: str = ""
    area: str = ""
    target_group: str = ""
    status: str = ""
    phase: str = ""
    theme: str = ""
    publication: str = ""
    archived: str = ""
    review: str = ""
    sort: str = "nap_i"
    extra: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_params(cls, params: QueryDict) -> StaffFilter:
        result = cls()
        for name in PARAMS:
            setattr(result, name, str(params.get(name, "")).strip()[:200])
        sort = str(params.get("sort", "nap_i"))
        result.sort = sort if sort in SORTS else "nap_i"
        if result.archived not in ARCHIVE_CHOICES:
            result.archived = ""
        result.extra = {
            f.param: str(params.get(f.param, "")).strip()[:200] for f in EXTRA_FILTERS if params.get(f.param)
        }
        return result

    def items(self) -> list[tuple[str, str]]:
        pairs = [(name, getattr(self, name)) for name in PARAMS if getattr(self, name)]
        if self.sort != "nap_i":
            pairs.append(("sort", self.sort))
        pairs.extend(sorted(self.extra.items()))
        return pairs

    def querystring(self) -> str:
        return urlencode(self.items())

    @property
    def is_empty(self) -> bool:
        return not [p for p in self.items() if p[0] != "sort"]

    def apply(self, qs: MeasureQuerySet, *, today: date) -> MeasureQuerySet:
        if self.archived == "only":
            qs = qs.filter(archived_at__isnull=False)
        elif self.archived != "with":
            qs = qs.filter(archived_at__isnull=True)
        if (owner_id := parse_int(self.owner)) is not None:
            qs = qs.filter(owner_id=owner_id)
        if self.area:
            qs = qs.filter(areas__key=self.area)
        if self.target_group:
            qs = qs.filter(target_groups__key=self.target_group)
        if self.status in Measure.Status.values:
            qs = qs.filter(status=self.status)
        if (phase := parse_int(self.phase, max_digits=5)) is not None:
            qs = qs.filter(nap_i_theme__phase__number=phase)
        if (theme_id := parse_int(self.theme)) is not None:
            qs = qs.filter(nap_i_theme_id=theme_id)
        if self.publication in Measure.Publication.values:
            qs = qs.filter(publication=self.publication)
        if self.review == "1":
            qs = qs.filter(needs_review_q(today))
        for extra in EXTRA_FILTERS:
            value = self.extra.get(extra.param)
            if value:
                qs = extra.apply(qs, value)
        if self.q:
            qs = qs.filter(pk__in=text_match_ids(self.q))
        return qs.distinct().order_by(*SORTS[self.sort])


def text_match_ids(q: str) -> list[int]:
    """Ids of measures matching the text query, via the search engine (stems, compounds)."""
    from django.db import connection

    from isi.search.engine import text_plan
    from isi.search.indexing import ensure_index_current
    from isi.search.text import parse_query

    parsed = parse_query(q)
    if parsed.is_empty:
        return []
    plan = text_plan(parsed, use_index=ensure_index_current())
    sql, params = plan.sql(ranked=False)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM ({sql}) hits", params)  # noqa: S608 - parameterised
        return [int(row[0]) for row in cursor.fetchall()]
