"""Ministry reorganisation pages: successions list, record a succession, responsibility by date.

Mounted inside the consultations URLs under ``nachfolgen/``; the service is
``isi.organisations.services.record_succession``, the date report reads
``isi.organisations.selectors.responsible_on_many``.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from isi.consultations.forms import StichtagForm, SuccessionForm
from isi.consultations.permissions import can_record_succession
from isi.consultations.views import staff_required
from isi.core.access import forbidden
from isi.core.forms import apply_errors
from isi.measures.models import Measure
from isi.measures.permissions import visible_measures
from isi.organisations.models import Succession
from isi.organisations.selectors import responsible_on_many
from isi.organisations.services import record_succession

PAGE_SIZE = 50


@require_http_methods(["GET"])
@staff_required
def succession_list(request: HttpRequest) -> HttpResponse:
    successions = Succession.objects.select_related("predecessor", "successor").prefetch_related("measures")
    return render(
        request,
        "organisations/succession_list.html",
        {"successions": successions, "may_record": can_record_succession(request.user)},
    )


@require_http_methods(["GET", "POST"])
@staff_required
def succession_create(request: HttpRequest) -> HttpResponse:
    if not can_record_succession(request.user):
        return forbidden(request, "succession:create")
    source = request.POST if request.method == "POST" else request.GET
    predecessor_id = source.get("predecessor") or None
    if request.method == "POST" and "laden" in request.POST:
        # "Show the predecessor's measures": re-render with its measures to pick, no errors yet.
        form = SuccessionForm(initial=request.POST.dict(), predecessor_id=predecessor_id)
        return render(request, "organisations/succession_form.html", {"form": form, "loaded": True})
    form = SuccessionForm(
        request.POST or None, predecessor_id=predecessor_id, initial={"predecessor": predecessor_id}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record_succession(
                predecessor=data["predecessor"],
                successor=data["successor"],
                effective_on=data["effective_on"],
                measures=list(data["measures"]) or None,
                note=data["note"],
                actor=request.user,
            )
        except PermissionDenied:
            return forbidden(request, "succession:create")
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return HttpResponseRedirect(reverse("consultations:succession_list"))
    return render(
        request,
        "organisations/succession_form.html",
        {"form": form, "loaded": bool(predecessor_id)},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET"])
@staff_required
def responsible_report(request: HttpRequest) -> HttpResponse:
    form = StichtagForm(request.GET or None)
    rows: list[tuple[Measure, object]] = []
    page = None
    if form.is_bound and form.is_valid():
        on = form.cleaned_data["on"]
        queryset = visible_measures(request.user).select_related("owner").order_by("title", "pk")
        page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("seite"))
        measures = list(page.object_list)
        responsible = responsible_on_many(measures, on)
        rows = [(m, responsible.get(m.pk)) for m in measures]
    elif not form.is_bound:
        form = StichtagForm(initial={"on": timezone.localdate()})
    return render(
        request,
        "organisations/responsible_report.html",
        {"form": form, "rows": rows, "page": page},
        status=400 if form.errors else 200,
    )
