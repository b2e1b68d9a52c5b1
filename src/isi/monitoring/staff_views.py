"""Staff pages for indicators: definitions, Open SDG upload (preview → confirm), measure links."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from isi.core.access import View, forbidden, require_access
from isi.core.changes import history_of
from isi.measures.models import Measure
from isi.monitoring import opensdg, selectors, services
from isi.monitoring.downloads import csv_response
from isi.monitoring.forms import IndicatorForm, LinkForm, NoteForm, UploadForm
from isi.monitoring.indicator_permissions import (
    can_link_indicators,
    can_manage_indicators,
    can_view_indicators_staff,
)
from isi.monitoring.models import Indicator, MeasureIndicator

PENDING = "monitoring_pending_import"


def _forbidden(request: HttpRequest, what: str) -> HttpResponse:
    return forbidden(request, what, "monitoring/forbidden.html")


def staff_required(check: Callable[[Any], bool], what: str) -> Callable[[View], View]:
    """Anonymous → sign-in page; signed in but not allowed → 403, logged."""
    return require_access(check, what, template="monitoring/forbidden.html")


@require_GET
@staff_required(can_view_indicators_staff, "monitoring.list")
def staff_list(request: HttpRequest) -> HttpResponse:
    indicators = selectors.all_indicators()
    return render(
        request,
        "monitoring/staff_list.html",
        {
            "groups": selectors.indicators_by_area(indicators),
            "can_manage": can_manage_indicators(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
@staff_required(can_manage_indicators, "monitoring.create")
def indicator_create(request: HttpRequest) -> HttpResponse:
    form = IndicatorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            indicator = services.create_indicator(actor=request.user, **fields)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Der Indikator „%(name)s“ ist angelegt.") % {"name": indicator.name})
            return redirect("monitoring_staff:detail", pk=indicator.pk)
    return render(request, "monitoring/staff_form.html", {"form": form, "indicator": None})


@require_GET
@staff_required(can_view_indicators_staff, "monitoring.detail")
def indicator_staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = get_object_or_404(selectors.all_indicators(), pk=pk)
    rows = selectors.rows_of(indicator)
    return render(
        request,
        "monitoring/staff_detail.html",
        {
            "indicator": indicator,
            "observation_count": len(rows),
            "years": sorted({r.year for r in rows}),
            "categories": sorted({c for r in rows for c in r.disaggregation}),
            "links": MeasureIndicator.objects.filter(indicator=indicator).select_related("measure"),
            "history": history_of(indicator).select_related("actor")[:20],
            "can_manage": can_manage_indicators(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
@staff_required(can_manage_indicators, "monitoring.edit")
def indicator_edit(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = get_object_or_404(Indicator, pk=pk)
    form = IndicatorForm(request.POST or None, instance=indicator)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.update_indicator(
                indicator=Indicator.objects.get(pk=pk),
                actor=request.user,
                expected_version=form.cleaned_data.get("version") or 0,
                **fields,
            )
        except services.MonitoringError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Die Änderungen sind gespeichert."))
            return redirect("monitoring_staff:detail", pk=pk)
    return render(request, "monitoring/staff_form.html", {"form": form, "indicator": indicator})


@require_GET
@staff_required(can_view_indicators_staff, "monitoring.export")
def indicator_export(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = get_object_or_404(Indicator, pk=pk)
    return csv_response(indicator, selectors.rows_of(indicator), part="alle")


def _import_page(request: HttpRequest, indicator: Indicator, **context: Any) -> HttpResponse:
    status = 422 if context.get("result") is not None and not context["result"].ok else 200
    return render(
        request,
        "monitoring/staff_import.html",
        {"indicator": indicator, "form": context.pop("form", UploadForm()), **context},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@staff_required(can_manage_indicators, "monitoring.import")
def indicator_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload → validate the whole file → preview. Nothing is written here."""
    indicator = get_object_or_404(Indicator, pk=pk)
    if request.method == "GET":
        return _import_page(request, indicator)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _import_page(request, indicator, form=form)
    upload = form.cleaned_data["file"]
    try:
        text = opensdg.decode(upload.read())
    except UnicodeDecodeError:
        result = opensdg.ParseResult(
            errors=[opensdg.Problem(_("Die Datei ist nicht UTF-8-kodiert. Bitte als „CSV UTF-8“ speichern."))]
        )
        return _import_page(request, indicator, form=form, result=result)
    result = opensdg.parse(text, selectors.allowed_geo_codes())
    if not result.ok:
        return _import_page(request, indicator, form=form, result=result)
    mode = form.cleaned_data["mode"]
    token = secrets.token_urlsafe(16)
    request.session[PENDING] = {
        "token": token,
        "indicator": indicator.pk,
        "version": indicator.version,
        "mode": mode,
        "text": text,
        "filename": upload.name[:200],
    }
    plan = services.plan_import(indicator, result.rows, mode)
    names = selectors.region_names()
    return _import_page(
        request,
        indicator,
        form=form,
        result=result,
        plan=plan,
        mode=mode,
        mode_label=services.ImportMode(mode).label,
        token=token,
        regions=[names.get(code, code) for code in result.geo_codes],
        sample=result.rows[:10],
    )


@require_POST
@staff_required(can_manage_indicators, "monitoring.import")
def indicator_import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Apply the previewed file: validated again, all or nothing, refused if the indicator changed."""
    indicator = get_object_or_404(Indicator, pk=pk)
    pending = request.session.get(PENDING)
    if (
        not pending
        or pending.get("indicator") != indicator.pk
        or pending.get("token") != request.POST.get("token")
    ):
        messages.error(request, _("Die Vorschau ist abgelaufen. Bitte laden Sie die Datei erneut hoch."))
        return redirect("monitoring_staff:import", pk=pk)
    result = opensdg.parse(pending["text"], selectors.allowed_geo_codes())
    if not result.ok:
        return _import_page(request, indicator, result=result)
    try:
        plan = services.import_observations(
            indicator=indicator,
            rows=result.rows,
            mode=pending["mode"],
            actor=request.user,
            expected_version=pending["version"],
        )
    except services.MonitoringError as exc:
        del request.session[PENDING]
        messages.error(request, str(exc))
        return redirect("monitoring_staff:import", pk=pk)
    del request.session[PENDING]
    messages.success(
        request,
        _(
            "Import abgeschlossen: %(created)d neu, %(updated)d geändert, "
            "%(deleted)d gelöscht, %(unchanged)d unverändert."
        )
        % {
            "created": plan.created,
            "updated": plan.updated,
            "deleted": plan.deleted,
            "unchanged": plan.unchanged,
        },
    )
    return redirect("monitoring_staff:detail", pk=pk)


# --- measure ↔ indicator links ---------------------------------------------------------------


def _measure_or_forbidden(request: HttpRequest, measure_id: int) -> Measure | HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    measure = get_object_or_404(Measure, pk=measure_id)
    if not can_link_indicators(request.user, measure):
        return _forbidden(request, f"monitoring.links measure={measure.pk}")
    return measure


@require_http_methods(["GET", "POST"])
def measure_indicators(request: HttpRequest, measure_id: int) -> HttpResponse:
    """Which indicators this measure aims to influence; only the owner's people may say so."""
    measure = _measure_or_forbidden(request, measure_id)
    if isinstance(measure, HttpResponse):
        return measure
    form = LinkForm(request.POST or None, indicators=selectors.linkable_indicators(measure))
    if request.method == "POST" and form.is_valid():
        try:
            services.link_measure(
                measure=measure,
                indicator=form.cleaned_data["indicator"],
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except services.MonitoringError as exc:
            form.add_error("indicator", str(exc))
        else:
            messages.success(request, _("Der Indikator ist mit der Maßnahme verknüpft."))
            return redirect("monitoring_staff:measure_indicators", measure_id=measure.pk)
    links = selectors.measure_links(measure)
    return render(
        request,
        "monitoring/measure_links.html",
        {
            "measure": measure,
            "form": form,
            "links": [
                (link, NoteForm(initial={"note": link.note}, prefix=f"link{link.pk}")) for link in links
            ],
        },
    )


def _link(measure: Measure, link_id: int) -> MeasureIndicator:
    return get_object_or_404(
        MeasureIndicator.objects.select_related("measure", "indicator"), pk=link_id, measure=measure
    )


@require_POST
def link_note(request: HttpRequest, measure_id: int, link_id: int) -> HttpResponse:
    measure = _measure_or_forbidden(request, measure_id)
    if isinstance(measure, HttpResponse):
        return measure
    link = _link(measure, link_id)
    form = NoteForm(request.POST, prefix=f"link{link.pk}")
    if form.is_valid():
        services.update_link_note(link=link, note=form.cleaned_data["note"], actor=request.user)
        messages.success(request, _("Die Beschreibung ist gespeichert."))
    else:
        messages.error(request, _("Die Beschreibung ist zu lang (höchstens 2000 Zeichen)."))
    return redirect("monitoring_staff:measure_indicators", measure_id=measure.pk)


@require_POST
def link_delete(request: HttpRequest, measure_id: int, link_id: int) -> HttpResponse:
    measure = _measure_or_forbidden(request, measure_id)
    if isinstance(measure, HttpResponse):
        return measure
    link = _link(measure, link_id)
    services.unlink_measure(link=link, actor=request.user)
    messages.success(request, _("Die Verknüpfung ist entfernt."))
    return redirect("monitoring_staff:measure_indicators", measure_id=measure.pk)
