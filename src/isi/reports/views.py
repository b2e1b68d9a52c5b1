"""Evaluation pages: the index, the coverage matrix (with drill-down and export), the IMAG report.

Thin views: reads in `selectors`/`coverage`, rules in `permissions`, writes in `services`; every
refusal is logged (`log_denied`).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from isi.core.access import forbidden, require_access
from isi.core.audit import log_denied
from isi.organisations.models import Organisation
from isi.reports import permissions, services, tasks
from isi.reports.coverage import NONE, TOTAL, Dimension, Matrix
from isi.reports.coverage_export import completeness_text, gap_label, matrix_csv, matrix_xlsx
from isi.reports.forms import OVERALL, ReportRequestForm
from isi.reports.models import ReportJob
from isi.reports.selectors import coverage_matrix, coverage_measures, dimension_labels

View = Callable[..., HttpResponse]

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JOBS_SHOWN = 10


staff_required = require_access(permissions.can_view_reports, "reports")


@require_GET
@staff_required
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request, "reports/index.html", {"may_request": permissions.can_request_any_report(request.user)}
    )


# --- coverage matrix -----------------------------------------------------------------------------


def _dimension(request: HttpRequest) -> Dimension:
    value = request.GET.get("dim", Dimension.AREAS)
    return Dimension(value) if value in Dimension._value2member_map_ else Dimension.AREAS


def _caption(dimension: Dimension) -> str:
    return _("Maßnahmen je Zielgruppe und %(dimension)s") % {"dimension": dimension_labels()[dimension]}


def _grid(matrix: Matrix) -> list[dict[str, Any]]:
    """Rows of the matrix for the template, each cell with its drill-down query string."""

    def query(row: str, column: str) -> str:
        return urlencode({"dim": matrix.dimension.value, "zeile": row, "spalte": column})

    rows = []
    for row, cells, total in zip(matrix.rows, matrix.cells, matrix.row_totals, strict=True):
        rows.append(
            {
                "entry": row,
                "is_unassigned": row.key == NONE,
                "cells": [
                    {
                        "column": column,
                        "cell": cell,
                        "gap": cell.gap.value if row.key != NONE and column.key != NONE else "covered",
                        "gap_label": gap_label(cell.gap),
                        "query": query(row.key, column.key),
                    }
                    for column, cell in zip(matrix.columns, cells, strict=True)
                ],
                "total": total,
                "total_query": query(row.key, TOTAL),
            }
        )
    return rows


@require_GET
@staff_required
def coverage(request: HttpRequest) -> HttpResponse:
    dimension = _dimension(request)
    matrix = coverage_matrix(coverage_measures(request.user), dimension)
    return render(
        request,
        "reports/coverage.html",
        {
            "matrix": matrix,
            "grid": _grid(matrix),
            "column_totals": [
                {
                    "cell": cell,
                    "query": urlencode({"dim": dimension.value, "zeile": TOTAL, "spalte": column.key}),
                }
                for column, cell in zip(matrix.columns, matrix.column_totals, strict=True)
            ],
            "total_query": urlencode({"dim": dimension.value, "zeile": TOTAL, "spalte": TOTAL}),
            "dimension": dimension,
            "dimensions": list(dimension_labels().items()),
            "caption": _caption(dimension),
            "gap_count": len(matrix.gaps()),
            "unknown_count": len(matrix.unknown()),
            "completeness": completeness_text(matrix, _("Zielgruppe"), dimension_labels()[dimension]),
        },
    )


def _export_name(dimension: Dimension, extension: str) -> str:
    return f"abdeckung-{dimension.value}-{timezone.localdate().isoformat()}.{extension}"


@require_GET
@staff_required
def coverage_csv(request: HttpRequest) -> HttpResponse:
    dimension = _dimension(request)
    matrix = coverage_matrix(coverage_measures(request.user), dimension)
    response = HttpResponse(matrix_csv(matrix, _caption(dimension)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_export_name(dimension, "csv")}"'
    return response


@require_GET
@staff_required
def coverage_xlsx(request: HttpRequest) -> HttpResponse:
    dimension = _dimension(request)
    matrix = coverage_matrix(coverage_measures(request.user), dimension)
    response = HttpResponse(
        matrix_xlsx(matrix, _caption(dimension), dimension_labels()[dimension]), content_type=XLSX_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="{_export_name(dimension, "xlsx")}"'
    return response


@require_GET
@staff_required
def coverage_cell(request: HttpRequest) -> HttpResponse:
    """The measures behind one cell (or a total) of the matrix."""
    dimension = _dimension(request)
    row_key, column_key = request.GET.get("zeile", ""), request.GET.get("spalte", "")
    visible = coverage_measures(request.user)
    matrix = coverage_matrix(visible, dimension)
    cell = matrix.cell(row_key, column_key)
    if cell is None:
        raise Http404(_("Diese Zelle gibt es nicht."))
    labels = {e.key: e.label for e in [*matrix.rows, *matrix.columns]}
    measures = visible.filter(pk__in=cell.measure_ids).select_related("owner").order_by("title", "pk")
    return render(
        request,
        "reports/coverage_cell.html",
        {
            "cell": cell,
            "measures": measures,
            "row_label": labels.get(row_key, _("alle Zielgruppen"))
            if row_key != TOTAL
            else _("alle Zielgruppen"),
            "column_label": labels.get(column_key, "") if column_key != TOTAL else _("alle Spalten"),
            "dimension": dimension,
            "dimension_label": dimension_labels()[dimension],
            "back_query": urlencode({"dim": dimension.value}),
        },
    )


# --- IMAG report ---------------------------------------------------------------------------------


def _requested_ministry(value: str) -> tuple[bool, Organisation | None]:
    """(known scope, ministry) for a posted scope value; unknown values are (False, None)."""
    if value == OVERALL:
        return True, None
    organisation = Organisation.objects.filter(key=value).first()
    return organisation is not None, organisation


def _imag_page(request: HttpRequest, form: ReportRequestForm, status: int = 200) -> HttpResponse:
    jobs = list(
        ReportJob.objects.filter(requested_by_id=request.user.pk)
        .defer("pdf", "xlsx")
        .select_related("ministry")[:JOBS_SHOWN]
    )
    context = {
        "form": form,
        "jobs": jobs,
        "running": any(job.is_running for job in jobs),
        "may_request": permissions.can_request_any_report(request.user),
    }
    if request.headers.get("HX-Request"):
        return render(request, "reports/_jobs.html", context)
    return render(request, "reports/imag.html", context, status=status)


@require_http_methods(["GET", "POST"])
@staff_required
def imag(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _imag_page(request, ReportRequestForm(user=request.user))
    if not permissions.can_request_any_report(request.user):
        return forbidden(request, "reports:imag-request")
    known, ministry = _requested_ministry(str(request.POST.get("scope", "")))
    if known and not permissions.can_request_report(request.user, ministry):
        return forbidden(request, f"reports:imag-request scope={request.POST.get('scope', '')[:80]}")
    form = ReportRequestForm(request.POST, user=request.user)
    if not form.is_valid():
        return _imag_page(request, form, status=400)
    services.purge_old_jobs()
    job = services.report_request(actor=request.user, ministry=form.ministry())
    tasks.build_report.enqueue(job.pk)
    return redirect("reports:imag")


@require_GET
@staff_required
def imag_download(request: HttpRequest, token: uuid.UUID, fmt: str) -> HttpResponse:
    if fmt not in ("pdf", "xlsx"):
        raise Http404(_("Dieses Format gibt es nicht."))
    job = ReportJob.objects.select_related("ministry").filter(token=token).first()
    if job is None or not permissions.can_download_report(request.user, job):
        if job is not None:
            log_denied(request, f"reports:imag-download {token}")
        raise Http404(_("Diesen Bericht gibt es nicht."))
    if not job.is_done:
        raise Http404(_("Der Bericht ist noch nicht fertig."))
    content, content_type = (job.pdf, "application/pdf") if fmt == "pdf" else (job.xlsx, XLSX_TYPE)
    response = HttpResponse(bytes(content or b""), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{job.filename(fmt)}"'
    return response
