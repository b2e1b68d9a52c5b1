"""The Erfolgskontrolle dashboard and its XLSX export: thin views over ``selectors.evaluation_overview``.

Both read the same filters (``owner``: a ministry's id, ``area``: an area's key) and the same
scope (``permissions.evaluation_scope``), so the export holds exactly what the page shows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from isi.catalog.models import Area
from isi.core.audit import log_denied
from isi.core.parsing import parse_int
from isi.core.permissions import staff_user
from isi.measures.models import MeasureQuerySet
from isi.monitoring.evaluation.overview import EvaluationOverview
from isi.monitoring.evaluation.permissions import (
    can_view_evaluation_dashboard,
    evaluation_scope,
    sees_all_ministries,
)
from isi.monitoring.evaluation.selectors import (
    DEFAULT_LIST_LIMIT,
    Ministry,
    evaluation_overview,
    ministry_choices,
)
from isi.monitoring.evaluation.xlsx import XLSX_CONTENT_TYPE, overview_xlsx
from isi.organisations.models import Organisation

View = Callable[..., HttpResponse]
# openpyxl writes some 10,000 cells a second: longer lists would hold the request too long. The
# sheet "Übersicht" says when a list was cut; filtered by ministry or area the lists are complete
# in practice.
EXPORT_LIST_LIMIT = 5000


def _forbidden(request: HttpRequest, what: str) -> HttpResponse:
    log_denied(request, what)
    return render(request, "workspace/forbidden.html", status=403)


class _Refused(Exception):
    """A filter asks for a ministry outside the user's scope."""


def staff_required(view: View) -> View:
    """Anonymous → sign-in; signed in without a staff role → 403 (logged)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not can_view_evaluation_dashboard(request.user):
            return _forbidden(request, "evaluation.dashboard")
        try:
            return view(request, *args, **kwargs)
        except _Refused:
            return _forbidden(request, "evaluation.other_ministry")

    return wrapped


@dataclass(frozen=True)
class DashboardFilter:
    """The filters of the page as read from the query string (validated against the user's scope)."""

    scope: MeasureQuerySet | None
    sees_all: bool
    ministries: list[Ministry]
    areas: list[Area]
    owner: Organisation | None
    area: Area | None

    @classmethod
    def from_request(cls, request: HttpRequest) -> DashboardFilter:
        scope = evaluation_scope(request.user)
        sees_all = sees_all_ministries(request.user)
        ministries = ministry_choices(scope)
        return cls(
            scope=scope,
            sees_all=sees_all,
            ministries=ministries,
            areas=list(Area.objects.all()),
            owner=_owner(request.GET, ministries, sees_all=sees_all),
            area=_area(request.GET),
        )

    @property
    def querystring(self) -> str:
        params = {}
        if self.owner is not None:
            params["owner"] = str(self.owner.pk)
        if self.area is not None:
            params["area"] = self.area.key
        return urlencode(params)

    @property
    def is_empty(self) -> bool:
        return self.owner is None and self.area is None


def _owner(params: QueryDict, ministries: list[Ministry], *, sees_all: bool) -> Organisation | None:
    raw = params.get("owner", "")
    if not raw:
        return None
    owner_id = parse_int(raw)
    if owner_id is None:
        raise Http404
    if not sees_all and owner_id not in {m.id for m in ministries}:
        raise _Refused  # another ministry's figures are coordination information
    organisation = Organisation.objects.filter(pk=owner_id).first()
    if organisation is None:
        raise Http404
    return organisation


def _area(params: QueryDict) -> Area | None:
    raw = params.get("area", "")
    if not raw:
        return None
    area = Area.objects.filter(key=raw).first()
    if area is None:
        raise Http404
    return area


def _overview(f: DashboardFilter, *, list_limit: int | None) -> EvaluationOverview:
    return evaluation_overview(
        f.owner, area=f.area, measures=f.scope, today=timezone.localdate(), list_limit=list_limit
    )


def _own_ministry_id(request: HttpRequest) -> int | None:
    staff = staff_user(request.user)
    organisation = staff.organisation if staff is not None else None
    ressort = organisation.ressort() if organisation is not None else None
    return (ressort or organisation).pk if organisation is not None else None


@require_GET
@staff_required
def dashboard(request: HttpRequest) -> HttpResponse:
    f = DashboardFilter.from_request(request)
    overview = _overview(f, list_limit=DEFAULT_LIST_LIMIT)
    zero_plan = [row for row in overview.by_ministry if row.coverage.total and not row.coverage.with_plan]
    return render(
        request,
        "monitoring/evaluation_dashboard.html",
        {
            "filter": f,
            "overview": overview,
            "coverage": overview.coverage,
            "zero_plan": zero_plan,
            "lacking": overview.ministries_lacking_plans,
            "own_ministry_id": _own_ministry_id(request),
            "show_ministry_filter": f.sees_all or len(f.ministries) > 1,
        },
    )


@require_GET
@staff_required
def export_xlsx(request: HttpRequest) -> HttpResponse:
    f = DashboardFilter.from_request(request)
    overview = _overview(f, list_limit=EXPORT_LIST_LIMIT)
    filters = [
        ("Ressort", f.owner.name if f.owner else "alle"),
        ("Bereich", f.area.name if f.area else "alle"),
    ]
    if not f.sees_all:
        filters.append(("Umfang", "Maßnahmen des eigenen Hauses"))
    response = HttpResponse(overview_xlsx(overview, filters), content_type=XLSX_CONTENT_TYPE)
    name = f"erfolgskontrolle-{overview.today:%Y-%m-%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
